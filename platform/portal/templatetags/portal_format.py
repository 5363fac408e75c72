"""A portal table cell in the reader's language: ``{{ value|cell:kind }}``."""

import functools

from babel.numbers import format_decimal
from django import template
from django.utils import translation

from core.formats import Formats, brackets_unbroken
from portal.tables import AMOUNT, COUNT, HOURS, PERCENT, POINTS, QUANTITY, SCORE, SECONDS

register = template.Library()


@functools.lru_cache(maxsize=16)
def _formats(language: str) -> Formats:
    # Numbers, hours and percentages need only the language (no zone, no currency).
    return Formats(language, "UTC", "EUR")


@register.filter
def cell(value, kind: str) -> str:
    fmt = _formats(translation.get_language() or "en")
    if kind == COUNT:
        return fmt.number(value)
    if kind == HOURS:
        return fmt.hours(value)
    if kind == PERCENT:
        return fmt.percent(value)
    if kind == SECONDS:
        return fmt.seconds(value)
    if kind in (SCORE, AMOUNT):
        return fmt.decimal(value, places=2)
    if kind == POINTS:
        return fmt.decimal(value, places=1)
    if kind == QUANTITY:
        return "—" if value is None else format_decimal(value, "#,##0.####", locale=fmt.locale)
    return "—" if value in (None, "") else str(value)


@register.filter
def unbroken_brackets(text: str) -> str:
    """A column title that may wrap, but not inside its brackets ("NPS (-100 to 100)")."""
    return brackets_unbroken(str(text))


@register.filter
def named(code: str, names: dict[str, str]) -> str:
    """A category or topic code as its name in the reader's language (``names`` from
    ``content.selectors.category_names``); the code itself when it has no name."""
    return names.get(code, code) if code else ""


@register.filter
def language_name(code: str) -> str:
    """A language code as the reader names it ("Čeština" for "cs" on a Czech page)."""
    return _formats(translation.get_language() or "en").value_label("language", code)


@register.filter
def may_manage(user, client) -> bool:
    """The portal's manager pages (the audit log) are linked for managers and agency admins."""
    return bool(getattr(user, "may_manage_portal_of", None) and user.may_manage_portal_of(client))
