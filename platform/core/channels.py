"""The channels a contact arrives on, and their names as a reader sees them."""

from django.db import models
from django.utils.translation import gettext as _


class Channel(models.TextChoices):
    CALL = "call", "Call"
    EMAIL = "email", "E-mail"
    CHAT = "chat", "Chat"
    SMS = "sms", "SMS"
    API = "api", "API"


def channel_label(code: str) -> str:
    """The channel's name in the active language (report charts, portal tables)."""
    labels = {
        "email": _("E-mail"),
        "chat": _("Chat"),
        "sms": _("SMS"),
        "api": _("API"),
        "call": _("Phone call"),
    }
    return labels.get(code, code)
