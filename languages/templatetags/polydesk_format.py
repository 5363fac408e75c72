"""Dates, numbers and money in the reader's language (babel), for everything clients and
customers read: ``{% load polydesk_format %}`` then ``{{ when|local_datetime:tz }}``,
``{{ amount|money:"CZK" }}``, ``{{ count|number }}``."""

import zoneinfo
from datetime import datetime
from decimal import Decimal

from babel.dates import format_datetime
from babel.numbers import format_currency, format_decimal
from django import template
from django.utils import translation

from core.locales import babel_locale
from languages.cleaning import own_words as cut

register = template.Library()


def _locale() -> str:
    return babel_locale(translation.get_language() or "en")


@register.filter
def local_datetime(value: datetime, time_zone: str = "UTC") -> str:
    if value is None:
        return ""
    return format_datetime(value, "medium", tzinfo=zoneinfo.ZoneInfo(time_zone), locale=_locale())


@register.filter
def money(amount: Decimal, currency: str) -> str:
    if amount is None:
        return ""
    return format_currency(amount, currency, locale=_locale())


@register.filter
def number(value) -> str:
    if value is None:
        return ""
    return format_decimal(value, locale=_locale())


@register.filter
def own_words(text: str) -> str:
    """The customer's words without quoted history and signature (languages.cleaning)."""

    return cut(text or "")
