"""What the widget registers with the rooms below it at start-up (``WidgetConfig.ready()``):
the outbox's ON_SENT hook (an agent's chat reply tells the widget, and its e-mail copy
waits in case the widget does not fetch it) and WITHDRAWS hook (a copy of replies read in
the chat is not sent), the events sink (a chat
resolved tells it), the customer eraser (an erased customer's tokens stop working), the
retention sweep's expirer (the page a customer wrote from goes with their expired messages)
and the CORS check of the shop's origins."""

from corsheaders.signals import check_request_enabled

from core.events import event_sink_register
from customers.registry import eraser_register
from outbox import registry
from retention.registry import message_expirer_register
from widget.cors import origin_allowed
from widget.services import (
    chat_event_heard,
    chat_pages_expire,
    chat_reply_copy_needed,
    chat_reply_sent,
    chat_sessions_erase_for_customer,
)


def registrations_make() -> None:
    """Fill the registries (idempotent: ready() may run more than once in tests)."""
    registry.hook_add(registry.ON_SENT, chat_reply_sent)
    registry.hook_add(registry.WITHDRAWS, chat_reply_copy_needed)
    event_sink_register(chat_event_heard)
    eraser_register(chat_sessions_erase_for_customer)
    message_expirer_register(chat_pages_expire)
    check_request_enabled.connect(origin_allowed, dispatch_uid="widget.cors.origin_allowed")
