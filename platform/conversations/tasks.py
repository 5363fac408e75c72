from celery import shared_task
from django.db import OperationalError, connection

from conversations.email_out import email_send
from tenants.models import Client


@shared_task(autoretry_for=(OperationalError, OSError), retry_backoff=True, max_retries=8)
def email_send_task(message_id: int, subject: str = "") -> bool:
    """Send an outbound e-mail of the schema the task came from (once)."""
    client = Client.objects.get(schema_name=connection.schema_name)
    return email_send(client=client, message_id=message_id, subject=subject)
