from celery import shared_task
from django.db import OperationalError

from surveys.services import surveys_due_send
from tenants.current import schema_name_current
from tenants.models import Client


@shared_task(ignore_result=True)
def surveys_sweep_task() -> int:
    """Beat, every five minutes: ask every serving client's schema to send its due surveys."""
    count = 0
    for client in Client.objects.serving().only("schema_name"):
        surveys_send_client_task.apply_async(headers={"_schema_name": client.schema_name})
        count += 1
    return count


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def surveys_send_client_task() -> int:
    """Send the schema's due surveys (see surveys_due_send); returns how many were decided."""
    client = Client.objects.get(schema_name=schema_name_current())
    return surveys_due_send(client=client)
