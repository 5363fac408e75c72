"""What webhooks registers with the rooms below it at start-up (``WebhooksConfig.ready()``):
the outbox's "webhook" channel, the events' sink (``core.events``), and a message that
failed for good or bounced (the outbox's hook) as the ``message.delivery_failed`` event."""

from typing import Any

from core.events import event_sink_register, webhook_event_emit
from outbox import registry
from outbox.models import Delivery
from webhooks.services import CHANNEL, event_record, retry_schedule, webhook_transmit


def registrations_make() -> None:
    """Fill the registries (idempotent: ready() may run more than once in tests)."""
    registry.own_channel_register(CHANNEL, webhook_transmit, retry_schedule=retry_schedule())
    registry.hook_add(registry.ON_UNDELIVERED, message_delivery_failed)
    event_sink_register(event_record)


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
