"""What conversations registers with the rooms below it at start-up (``ConversationsConfig.
ready()``): the e-mail sender and what a sent or undelivered message means (the outbox), the
customer eraser, exporter and mover (customers), and what a bounce report does (the e-mail
intake's hook)."""

from conversations import email_in
from conversations.email_out import email_transmit
from conversations.erasure import conversations_erase_for_customer, conversations_move_to_customer
from conversations.export import conversations_export_for_customer
from conversations.outbound import message_sent, message_undelivered
from customers.registry import eraser_register, exporter_register, mover_register
from outbox import registry
from outbox.services import delivery_bounced


def registrations_make() -> None:
    """Fill the registries (idempotent: ready() may run more than once in tests)."""
    registry.sender_register("email", email_transmit)
    registry.hook_add(registry.ON_SENT, message_sent)
    registry.hook_add(registry.ON_UNDELIVERED, message_undelivered)
    eraser_register(conversations_erase_for_customer)
    exporter_register(conversations_export_for_customer)
    mover_register(conversations_move_to_customer)
    if _bounced not in email_in.on_bounce:
        email_in.on_bounce.append(_bounced)


def _bounced(*, client, message_id: str, reason: str) -> None:
    """A delivery report about one of our e-mails: the outbox marks it bounced."""
    delivery_bounced(client=client, message_external_id=message_id, reason=reason)
