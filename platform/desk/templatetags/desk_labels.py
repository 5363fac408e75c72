"""Translated names of channels, statuses and presences on the desk (the models' own
labels are English, for the admin and the API)."""

from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_skeleton, format_time
from django import template
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from core.formats import language_in_words, language_label
from languages.catalog import CATALOG
from telephony.voice.labels import CALL_OUTCOMES

if TYPE_CHECKING:
    from conversations.models import Conversation

register = template.Library()


@register.filter
def language_name(code: str) -> str:
    """A language as a label on every desk page: "Čeština (Czech)" (core.formats)."""
    return language_label(code)


@register.filter
def language_word(code: str) -> str:
    """A language inside a sentence: the reader's word ("Polish", "polština")."""
    return language_in_words(code)


# What decided a conversation's language (conversations.models.LanguageDecidedBy).
LANGUAGE_SOURCES = {
    "text": _("language from: the text"),
    "history": _("language from: the customer's earlier messages"),
    "customer": _("language from: the customer's known language"),
    "address_country": _("language from: the customer's country"),
    "client_country": _("language from: the client's countries"),
    "default": _("language from: the client's default"),
    "agent": _("language from: an agent's correction"),
}


@register.filter
def language_source(decided_by: str) -> str:
    """What decided the language, as the agent reads it next to the language."""
    return str(LANGUAGE_SOURCES.get(decided_by, decided_by))


CHANNELS = {
    "call": _("Call"),
    "email": _("E-mail"),
    "chat": _("Chat"),
    "sms": _("SMS"),
    "api": _("API"),
}
CONVERSATION_STATUSES = {
    "new": _("New"),
    "open": _("Open"),
    "pending": _("Pending customer"),
    "resolved": _("Resolved"),
    "closed": _("Closed"),
    # Not a status of the conversation's own: the search index files spam under it
    # (search migration 0002), and search shows it only when asked for.
    "spam": _("Spam"),
}
CALL_MOMENTS = {
    "ringing": _("Ringing"),
    "queued": _("Queued"),
    "answered": _("Answered"),
    "completed": _("Completed"),
}
PRESENCES = {
    "available": _("Available"),
    "busy": _("Busy"),
    "away": _("Away"),
    "offline": _("Offline"),
}


def _label_filter(name: str, labels: Mapping[str, object]) -> Callable[[str], str]:
    """Registers the filter ``name``: a code's translated label, in the language of the
    page (the code itself when it has none)."""

    def label(code: str) -> str:
        return str(labels.get(code, code))

    return register.filter(name, label)


channel_label = _label_filter("channel_label", CHANNELS)
status_label = _label_filter("status_label", CONVERSATION_STATUSES)
presence_label = _label_filter("presence_label", PRESENCES)
call_outcome_label = _label_filter("call_outcome_label", CALL_OUTCOMES)
call_moment_label = _label_filter("call_moment_label", CALL_MOMENTS)


@register.filter
def conversation_status(conversation: "Conversation") -> str:
    """The conversation's status, saying so when Polydesk resolved it (the customer stayed
    silent after an answer for as long as the client allows)."""
    if conversation.spam:
        return str(_("Spam"))
    if conversation.status == "resolved" and conversation.resolved_automatically:
        return str(_("Resolved automatically (no reply from the customer)"))
    return status_label(conversation.status)


@register.filter
def duration(value: timedelta) -> str:
    """A wait as "2 h 05 min" or "4 min" (a timedelta), in the short units of the page's
    language ("2 ч 05 мин")."""
    minutes = max(int(value.total_seconds() // 60), 0)
    hours, minutes = divmod(minutes, 60)
    if hours:
        return str(_("%(hours)s h %(minutes)s min") % {"hours": hours, "minutes": f"{minutes:02d}"})
    return str(_("%(minutes)s min") % {"minutes": minutes})


@register.filter
def since(value: datetime | None, now: datetime) -> str:
    """How long ago ``value`` was, as a duration (cheaper than Django's timesince on a page
    of hundreds of rows)."""
    return duration(now - value) if value else ""


@register.filter
def until(value: datetime | None, now: datetime) -> str:
    """How long until ``value``; a time already past reads with a minus sign."""
    if value is None:
        return ""
    left = value - now
    return duration(left) if left.total_seconds() >= 0 else "\u2212" + duration(-left)


# Up to this far a due time reads as what is left ("2 h 05 min", or 4 min past with a minus);
# farther, as the day and time it falls on ("Mon 7 Dec, 09:00"): "201 h 44 min" says little.
NEAR_DUE = timedelta(hours=8)


@register.simple_tag
def due(value: datetime | None, now: datetime, time_zone: str) -> str:
    """When an item is due: the time left if near, else the weekday, date and time in the
    reader's language and time zone."""
    if value is None:
        return ""
    if abs(value - now) < NEAR_DUE:
        return until(value, now)
    return day_and_time(value, zone=ZoneInfo(time_zone), language=translation.get_language())


def day_and_time(value: datetime, *, zone: ZoneInfo, language: str | None) -> str:
    """'Mon 7 Dec, 09:00', 'po 7. 12. 9:00', 'Mo., 7. Dez., 09:00': the locale's short weekday
    and date (CLDR's MMMEd) joined to its short time as the locale joins them."""
    code = (language or "en").split("-")[0]
    # The catalog's locale of the language (English: en-GB, the agency's), as the IVR's.
    tag = CATALOG[code].tts_language.replace("-", "_") if code in CATALOG else ""
    locale = Locale.parse(tag or translation.to_locale(code))
    day = format_skeleton("MMMEd", value, tzinfo=zone, locale=locale)
    time = format_time(value, "short", tzinfo=zone, locale=locale)
    return str(locale.datetime_formats["short"]).replace("{1}", day).replace("{0}", time)


@register.filter
def seconds(value: float | None) -> str:
    """A call's duration in seconds as "4:05" (minutes:seconds), "—" when unknown."""
    if value is None:
        return "\u2014"
    minutes, rest = divmod(int(value), 60)
    return f"{minutes}:{rest:02d}"
