"""The IVR's dates and times in each language's own order (CLDR's full date, no year)."""

import re
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from telephony.voice.phrases import PHRASES
from telephony.voice.spoken_dates import (
    date_pattern_without_year,
    locale_of,
    spoken_date,
    spoken_time,
)

PRAGUE = ZoneInfo("Europe/Prague")
# Wednesday 9 December 2026, 14:30 in Prague.
WEDNESDAY = datetime(2026, 12, 9, 13, 30, tzinfo=UTC)


@pytest.mark.parametrize("language", sorted(PHRASES))
def test_every_ivr_language_says_weekday_day_and_month_without_the_year(language):
    pattern = date_pattern_without_year(locale_of(language))
    assert "y" not in pattern.replace("'", "")
    fields = re.sub(r"'[^']*'", " ", pattern)  # quoted words ("' de '") are not fields
    assert {"d", "MMMM"} <= set(fields.replace(".", " ").replace(",", " ").split())
    assert "EEEE" in pattern or "cccc" in pattern
    said = spoken_date(WEDNESDAY, zone=PRAGUE, locale=locale_of(language))
    assert "2026" not in said and "9" in said


@pytest.mark.parametrize(
    ("locale", "pattern", "said"),
    [
        ("cs_CZ", "EEEE d. MMMM", "středa 9. prosince"),
        ("sk_SK", "EEEE d. MMMM", "streda 9. decembra"),
        ("pl_PL", "EEEE, d MMMM", "środa, 9 grudnia"),
        ("de_DE", "EEEE, d. MMMM", "Mittwoch, 9. Dezember"),
        # CLDR: 'y. MMMM d., EEEE' (the year first: its own separator goes with it)
        ("hu_HU", "MMMM d., EEEE", "december 9., szerda"),
        ("ro_RO", "EEEE, d MMMM", "miercuri, 9 decembrie"),
        ("en_GB", "EEEE, d MMMM", "Wednesday, 9 December"),
        ("fr_FR", "EEEE d MMMM", "mercredi 9 décembre"),
        # "… 'de' y": the word before the year goes with it
        ("es_ES", "EEEE, d' de 'MMMM", "miércoles, 9 de diciembre"),
        # Bulgarian "d MMMM y" then the abbreviation of 'year': so does the word after it
        ("bg_BG", "EEEE, d MMMM", "сряда, 9 декември"),
    ],
)
def test_the_pattern_is_cldrs_full_date_without_the_year(locale, pattern, said):
    assert date_pattern_without_year(locale) == pattern
    assert spoken_date(WEDNESDAY, zone=PRAGUE, locale=locale) == said


def test_the_time_is_the_locales_short_time_in_the_given_zone():
    morning = datetime(2026, 12, 7, 7, 0, tzinfo=UTC)  # 08:00 in Prague
    assert spoken_time(morning, zone=PRAGUE, locale="cs_CZ") == "8:00"
    assert spoken_time(morning, zone=PRAGUE, locale="de_DE") == "08:00"
    assert spoken_time(morning, zone=ZoneInfo("Europe/Bucharest"), locale="ro_RO") == "09:00"


def test_a_language_without_a_voice_locale_uses_its_code():
    assert locale_of("cs") == "cs_CZ"
    assert locale_of("fi") == "fi"
