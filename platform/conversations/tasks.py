from celery import shared_task
from django.db import OperationalError, connection

from conversations.email_out import email_send
from conversations.services import conversations_pending_resolve
from tenants.models import Client


@shared_task(autoretry_for=(OperationalError, OSError), retry_backoff=True, max_retries=8)
def email_send_task(message_id: int, subject: str = "") -> bool:
    """Send an outbound e-mail of the schema the task came from (once)."""
    client = Client.objects.get(schema_name=connection.schema_name)
    return email_send(client=client, message_id=message_id, subject=subject)


@shared_task(ignore_result=True)
def pending_resolve_task() -> int:
    """Beat, hourly: ask every serving client's schema to resolve the conversations that
    waited for the customer longer than the client allows."""
    count = 0
    for client in Client.objects.serving().only("schema_name"):
        pending_resolve_client_task.apply_async(headers={"_schema_name": client.schema_name})
        count += 1
    return count


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def pending_resolve_client_task() -> int:
    """Resolve the schema's conversations left waiting for the customer (see
    conversations_pending_resolve); returns how many."""
    client = Client.objects.get(schema_name=connection.schema_name)
    return conversations_pending_resolve(client=client)
