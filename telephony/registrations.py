"""What telephony registers with the rooms below it at start-up (``TelephonyConfig.ready()``):
the SMS sender (the outbox) and the eraser, exporter and mover of a customer's calls (customers)."""

from customers.registry import eraser_register, exporter_register, mover_register
from outbox import registry
from telephony.erasure import calls_erase_for_customer, calls_move_to_customer
from telephony.export import calls_export_for_customer
from telephony.sms_out import sms_transmit


def registrations_make() -> None:
    """Fill the registries (idempotent: ready() may run more than once in tests)."""
    registry.sender_register("sms", sms_transmit)
    eraser_register(calls_erase_for_customer)
    exporter_register(calls_export_for_customer)
    mover_register(calls_move_to_customer)
