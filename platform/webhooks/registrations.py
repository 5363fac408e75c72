"""What webhooks registers with the rooms below it at start-up (``WebhooksConfig.ready()``):
the outbox's "webhook" channel, the events' sink (``core.events``), and the customer's eraser
and mover (``customers.registry``). A message that failed for good or bounced is the
``message.delivery_failed`` event of ``conversations.outbound.message_undelivered``, which
knows the conversation's customer."""

from core.events import event_sink_register
from customers.registry import eraser_register, mover_register
from outbox import registry
from webhooks.privacy import deliveries_erase_for_customer, deliveries_move_for_customer
from webhooks.services import CHANNEL, event_record, retry_schedule, webhook_transmit


def registrations_make() -> None:
    """Fill the registries (idempotent: ready() may run more than once in tests)."""
    registry.own_channel_register(CHANNEL, webhook_transmit, retry_schedule=retry_schedule())
    event_sink_register(event_record)
    # The customer's erasure (customers.services.customer_erase) and merge reach their
    # deliveries' payloads.
    eraser_register(deliveries_erase_for_customer)
    mover_register(deliveries_move_for_customer)
