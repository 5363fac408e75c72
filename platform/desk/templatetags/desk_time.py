"""Moments read on a clock of a given zone, whatever the page's own time zone: Django's
``date`` filter first converts to the page's zone (UTC on the desk), which showed a
client's local time as UTC under the client's zone name."""

from datetime import datetime
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_time
from django import template
from django.utils import translation

from desk.templatetags.desk_labels import day_and_time
from languages.catalog import CATALOG

register = template.Library()


def _zone(zone: ZoneInfo | str) -> ZoneInfo:
    return zone if isinstance(zone, ZoneInfo) else ZoneInfo(zone)


def _locale() -> Locale:
    # The catalog's locale of the language (English: en-GB), as desk_labels.day_and_time.
    code = (translation.get_language() or "en").split("-")[0]
    tag = CATALOG[code].tts_language.replace("-", "_") if code in CATALOG else ""
    return Locale.parse(tag or translation.to_locale(code))


@register.filter
def time_in(value: datetime | None, zone: ZoneInfo | str) -> str:
    """The wall-clock time of ``value`` in ``zone`` ("00:59", "0:59")."""
    if value is None:
        return ""
    return format_time(value, "short", tzinfo=_zone(zone), locale=_locale())


@register.filter
def moment_in(value: datetime | None, zone: ZoneInfo | str) -> str:
    """Weekday, date and time of ``value`` in ``zone`` ("Mon 26 Oct, 09:00")."""
    if value is None:
        return ""
    return day_and_time(value, zone=_zone(zone), language=translation.get_language())


@register.filter
def zone_name(zone: ZoneInfo | str) -> str:
    """The zone's identifier ("Europe/Prague")."""
    return zone.key if isinstance(zone, ZoneInfo) else zone
