"""What webhooks registers with the rooms below it at start-up (``WebhooksConfig.ready()``):
the outbox's "webhook" channel, the events' sink (``core.events``), the customer's eraser
and mover (``customers.registry``), and a message that
failed for good or bounced (the outbox's hook) as the ``message.delivery_failed`` event."""

from typing import Any

from core.events import event_sink_register, webhook_event_emit
from customers.registry import eraser_register, mover_register
from outbox import registry
from outbox.models import Delivery
from webhooks.privacy import deliveries_erase_for_customer, deliveries_move_for_customer
from webhooks.services import CHANNEL, event_record, retry_schedule, webhook_transmit


def registrations_make() -> None:
    """Fill the registries (idempotent: ready() may run more than once in tests)."""
    registry.own_channel_register(CHANNEL, webhook_transmit, retry_schedule=retry_schedule())
    registry.hook_add(registry.ON_UNDELIVERED, message_delivery_failed)
    event_sink_register(event_record)
    # The customer's erasure (customers.services.customer_erase) and merge reach their
    # deliveries' payloads.
    eraser_register(deliveries_erase_for_customer)
    mover_register(deliveries_move_for_customer)


def message_delivery_failed(*, client: Any, delivery: Delivery, reason: str) -> None:
    """The outbox gave up on a message to a customer (or it bounced)."""
    webhook_event_emit(
        client,
        "message.delivery_failed",
        {
            "message_id": delivery.message_id,
            "conversation_id": delivery.conversation_id,
            "channel": delivery.channel,
            "state": delivery.state,
            "reason": reason,
        },
    )
