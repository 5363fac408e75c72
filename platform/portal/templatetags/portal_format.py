"""A portal table cell in the reader's language: ``{{ value|cell:kind }}``."""

from django import template
from django.utils import translation

from portal.tables import COUNT, HOURS, PERCENT
from reporting.layout import Formats

register = template.Library()


@register.filter
def cell(value, kind: str) -> str:
    fmt = Formats(translation.get_language() or "en", "UTC", "EUR")
    if kind == COUNT:
        return fmt.number(value)
    if kind == HOURS:
        return fmt.hours(value)
    if kind == PERCENT:
        return fmt.percent(value)
    return "—" if value in (None, "") else str(value)
