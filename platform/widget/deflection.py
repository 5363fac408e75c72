"""What the help center's deflection figures ask of the widget (helpcenter.registry)."""

from datetime import datetime

from helpcenter.registry import WIDGET_CHATS_STARTED
from widget.models import ChatSession


def widget_chats_started(*, start: datetime, end: datetime) -> int:
    """The chats the widget started in [start, end) (current client schema)."""
    return ChatSession.objects.filter(created_at__gte=start, created_at__lt=end).count()


def deflection_register() -> None:
    """Fill the help center's registry (idempotent: ready() may run more than once)."""
    if widget_chats_started not in WIDGET_CHATS_STARTED:
        WIDGET_CHATS_STARTED.append(widget_chats_started)
