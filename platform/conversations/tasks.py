from celery import shared_task
from django.db import OperationalError

from conversations.models import Message
from conversations.services import conversations_pending_resolve
from outbox.models import Delivery
from outbox.services import delivery_send
from tenants.current import schema_name_current
from tenants.models import Client


@shared_task(ignore_result=True)
def email_send_task(message_id: int, subject: str = "") -> str:
    """Send an outbound e-mail of the schema the task came from, through the outbox (kept
    for tasks queued before the outbox: new mail goes out by outbox.tasks.delivery_send_task).
    A message without a delivery row gets one first."""

    client = Client.objects.get(schema_name=schema_name_current())
    message = Message.objects.get(pk=message_id)
    delivery = Delivery.objects.filter(client=client, message_id=message_id).first()
    if delivery is None:
        if message.sent_at is not None:
            return Delivery.State.SENT
        now = message.created_at
        kind = Delivery.Kind.REPLY if message.author_id else Delivery.Kind.AUTOMATIC
        delivery, _ = Delivery.objects.get_or_create(
            client=client,
            message_id=message_id,
            defaults={
                "conversation_id": message.conversation_id,
                "channel": "email",
                "kind": kind,
                "subject": subject[:300],
                "external_id": message.external_id,
                "queued_at": now,
                "next_attempt_at": now,
            },
        )
    return delivery_send(delivery_id=delivery.pk)


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
    client = Client.objects.get(schema_name=schema_name_current())
    return conversations_pending_resolve(client=client)
