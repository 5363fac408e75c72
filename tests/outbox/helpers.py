"""Send an outbound message now, as the outbox's task would (in the client's schema)."""

from django_tenants.utils import schema_context

from outbox.models import Delivery
from outbox.services import delivery_send


def delivery_of(client, message_id: int) -> Delivery:
    return Delivery.objects.get(client=client, message_id=message_id)


def send_now(client, message_id: int) -> str:
    """The delivery's state after one attempt ("" when it was not due or not ours)."""
    delivery = delivery_of(client, message_id)
    with schema_context(client.schema_name):
        return delivery_send(delivery_id=delivery.pk)
