"""What order_updates registers with the rooms below it at start-up
(``OrderUpdatesConfig.ready()``): the customer eraser and mover (customers)."""

from customers.registry import eraser_register, mover_register
from order_updates.erasure import order_events_erase_for_customer, order_events_move_to_customer


def registrations_make() -> None:
    """Fill the registries (idempotent: ready() may run more than once in tests)."""
    eraser_register(order_events_erase_for_customer)
    mover_register(order_events_move_to_customer)
