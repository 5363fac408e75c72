"""Numbers, durations, rates, dates and money in the reader's language (babel), for pages and
PDFs alike: ``Formats(language, time_zone, currency)``."""

import re
from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_datetime, format_skeleton
from babel.numbers import format_currency, format_decimal, format_percent
from django.utils import translation
from django.utils.translation import gettext as _

from core.channels import channel_label
from core.locales import babel_locale

# A figure and its unit never wrap apart ("92,1 %", "32,2 h"): on a page and in a PDF alike.
NBSP = "\xa0"


def unbroken(text: str) -> str:
    """``text`` with its spaces made non-breaking: a figure with its unit on one line."""
    return text.replace(" ", NBSP)


BRACKETS = re.compile(r"\([^()]*\)")


def brackets_unbroken(text: str) -> str:
    """``text`` with no line break inside its brackets: "Satisfied (4 or 5)" may wrap before
    "(4 or 5)", never inside it."""
    return BRACKETS.sub(lambda match: unbroken(match.group()), text)


def _reader_locale(language: str | None) -> Locale:
    """The locale of ``language`` (the active one when None); English when babel has none."""
    try:
        return Locale.parse(babel_locale(language or translation.get_language() or "en"))
    except (UnknownLocaleError, ValueError):
        return Locale.parse("en")


def language_in_words(code: str, *, reader: str | None = None) -> str:
    """A language as the reader says it in a sentence, CLDR's word ("Slovak", "slovenština"
    on a Czech page); an unknown code as it is. ``reader``: the active language when None."""
    return str(_reader_locale(reader).languages.get(code) or code)


def language_label(code: str, *, reader: str | None = None) -> str:
    """A language as a label: its own name, then the reader's word for it when that differs
    ("Čeština (Czech)" in English, "Čeština (czeski)" in Polish, "Čeština" in Czech); an
    unknown code as it is ("—" for none)."""
    if not code:
        return "—"
    try:
        own = Locale.parse(code).get_language_name(code) or code
    except (UnknownLocaleError, ValueError):
        return code
    own = own[:1].upper() + own[1:]
    theirs = language_in_words(code, reader=reader)
    return own if theirs.casefold() == own.casefold() else f"{own} ({theirs})"


class Formats:
    """Numbers, durations, rates, dates and money in one locale."""

    def __init__(
        self,
        language: str,
        time_zone: str,
        currency: str,
        *,
        names: Mapping[str, str] | None = None,
    ) -> None:
        self.locale = Locale.parse(babel_locale(language))
        self.zone = ZoneInfo(time_zone)
        self.currency = currency
        # Category and topic codes with their names in this language (content's Category).
        self.names = names or {}

    def number(self, value: int | Decimal | None) -> str:
        return "—" if value is None else format_decimal(value, locale=self.locale)

    def decimal(self, value: Decimal | None, *, places: int) -> str:
        """A number with exactly ``places`` decimals (amounts, average scores)."""
        if value is None:
            return "—"
        return format_decimal(value, "#,##0." + "0" * places, locale=self.locale)

    def hours(self, seconds: float | None) -> str:
        if seconds is None:
            return "—"
        value = format_decimal(Decimal(seconds) / 3600, "#,##0.0", locale=self.locale)
        return unbroken(_("%(value)s h") % {"value": value})

    def seconds(self, seconds: float | None) -> str:
        if seconds is None:
            return "—"
        value = format_decimal(round(Decimal(seconds)), locale=self.locale)
        return unbroken(_("%(value)s s") % {"value": value})

    def percent(self, ratio: Decimal | None) -> str:
        if ratio is None:
            return "—"
        return format_percent(ratio, "#,##0.0\xa0%", locale=self.locale)

    def change_count(self, now: int, before: int | None) -> str:
        if before is None:
            return "—"
        return format_decimal(now - before, "+#,##0;-#,##0", locale=self.locale)

    def change_hours(self, now: float | None, before: float | None) -> str:
        if now is None or before is None:
            return "—"
        value = format_decimal(
            Decimal(now - before) / 3600, "+#,##0.0;-#,##0.0", locale=self.locale
        )
        return unbroken(_("%(value)s h") % {"value": value})

    def change_points(self, now: Decimal | None, before: Decimal | None) -> str:
        if now is None or before is None:
            return "—"
        value = format_decimal((now - before) * 100, "+#,##0.0;-#,##0.0", locale=self.locale)
        return unbroken(_("%(value)s pp") % {"value": value})

    def money(self, amount: Decimal, currency: str | None = None) -> str:
        return format_currency(amount, currency or self.currency, locale=self.locale)

    def month(self, moment: datetime) -> str:
        return format_skeleton("yMMMM", moment.date(), locale=self.locale)

    def date(self, moment: datetime) -> str:
        return format_date(moment.astimezone(self.zone).date(), "long", locale=self.locale)

    def moment(self, moment: datetime) -> str:
        return format_datetime(moment, "medium", tzinfo=self.zone, locale=self.locale)

    def value_label(self, dimension: str, code: str) -> str:
        """A split's value as a reader says it (Czech, Slovakia, E-mail...)."""
        if dimension == "team":  # a team's own name, as the agency wrote it
            return code or _("No team")
        if not code:
            if dimension == "topic":
                return _("No topic")
            return _("Not known") if dimension in ("country", "language") else _("No category")
        if dimension == "channel":
            return channel_label(code)
        if dimension == "language":
            return (self.locale.languages.get(code) or code).capitalize()
        if dimension == "country":
            return self.locale.territories.get(code) or code
        return self.names.get(code, code)


def system_subject(client: Any, label: str, detail: str = "") -> str:
    """The subject of a conversation Polydesk opens itself ("Voicemail +386…"): ``label``
    (marked with gettext_noop) in the client's default language, the language its portal
    and most of its agents read; stored as text like any customer's subject."""
    with translation.override(client.default_language):
        word = _(label)
    return f"{word} {detail}".strip()


def system_text(client: Any, pattern: str, **values: object) -> str:
    """A message Polydesk writes itself into a conversation ("Voicemail from …"): ``pattern``
    (marked with gettext_noop) in the client's default language, filled with ``values``."""
    with translation.override(client.default_language):
        return _(pattern) % values
