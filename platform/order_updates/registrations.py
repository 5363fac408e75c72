"""What order_updates registers with the rooms below it at start-up
(``OrderUpdatesConfig.ready()``): the customer eraser and mover (customers), and the
outbox's hold that keeps an order update's SMS out of the client's quiet hours, retries
included."""

from customers.registry import eraser_register, mover_register
from order_updates.erasure import order_events_erase_for_customer, order_events_move_to_customer
from order_updates.services import sms_quiet_hold
from outbox import registry


def registrations_make() -> None:
    """Fill the registries (idempotent: ready() may run more than once in tests)."""
    eraser_register(order_events_erase_for_customer)
    mover_register(order_events_move_to_customer)
    registry.hook_add(registry.HOLDS, sms_quiet_hold)
