"""Dates and times as the IVR says them, in each language's own order (CLDR through babel).

Plain functions, Django-free. A caller hears the next opening time: the locale's full date
without the year ("pondělí 7. prosince", "december 7., hétfő", "Montag, 7. Dezember") and its
short time ("9:00", "09:00"); the phrase around them supplies the word that joins them
("v", "um", "à", ...), which CLDR's own date-time patterns leave out.
"""

from datetime import datetime, tzinfo
from functools import cache

from babel import Locale
from babel.dates import format_datetime, format_time, tokenize_pattern, untokenize_pattern

from languages.catalog import CATALOG

type Token = tuple[str, str | tuple[str, int]]


@cache
def date_pattern_without_year(locale: str) -> str:
    """The locale's full date pattern (weekday, day, month, year) without the year and the
    words that tie it to the rest: 'EEEE d. MMMM y' -> 'EEEE d. MMMM', 'y. MMMM d., EEEE'
    -> 'MMMM d., EEEE', "EEEE, d 'de' MMMM 'de' y" -> "EEEE, d 'de' MMMM"."""
    tokens = _merged(tokenize_pattern(Locale.parse(locale).date_formats["full"].pattern))
    while (year := next((i for i, t in enumerate(tokens) if _is_year(t)), None)) is not None:
        # Words of the year's own follow it (Latvian 'y. gada', Bulgarian's abbreviation of
        # "year"); the separator before it stays for the rest unless the year came last.
        end = year + 1 if year + 1 < len(tokens) and tokens[year + 1][0] == "chars" else year
        last = not any(kind == "field" for kind, _ in tokens[end + 1 :])
        start = year - 1 if last and year > 0 and tokens[year - 1][0] == "chars" else year
        del tokens[start : end + 1]
    return untokenize_pattern(tokens).strip()


def _is_year(token: Token) -> bool:
    kind, value = token
    return kind == "field" and isinstance(value, tuple) and value[0] in "yYu"


def _merged(tokens: list[Token]) -> list[Token]:
    """Adjacent literal pieces as one ("' '" and "'de '" are one separator)."""
    merged: list[Token] = []
    for kind, value in tokens:
        if kind == "chars" and merged and merged[-1][0] == "chars":
            merged[-1] = ("chars", f"{merged[-1][1]}{value}")
        else:
            merged.append((kind, value))
    return merged


def locale_of(language: str) -> str:
    """The babel locale of a language: its voice's ('cs-CZ' -> 'cs_CZ'), else the code."""
    tts = CATALOG[language].tts_language if language in CATALOG else ""
    return tts.replace("-", "_") or language


def spoken_date(moment: datetime, *, zone: tzinfo, locale: str) -> str:
    """'pondělí 7. prosince': the weekday, day and month of ``moment`` in ``zone``."""
    return format_datetime(moment, date_pattern_without_year(locale), tzinfo=zone, locale=locale)


def spoken_time(moment: datetime, *, zone: tzinfo, locale: str) -> str:
    """'9:00' (cs) or '09:00' (de): the locale's short time of ``moment`` in ``zone``."""
    return format_time(moment, "short", tzinfo=zone, locale=locale)
