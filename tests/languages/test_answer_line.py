"""The line that offers an answer in the customer's language (languages.answer_line)."""

import pytest

from languages.answer_line import ANSWER_IN_LANGUAGE_LINE, answer_in_language_line
from languages.catalog import CATALOG
from languages.czech_slovak import unaccented

NAMED = {
    "cs": "cesky",
    "sk": "slovensky",
    "pl": "polsku",
    "de": "deutsch",
    "hu": "magyarul",
    "ro": "romana",
    "sl": "slovenscini",
    "hr": "hrvatskom",
    "bg": "българск",
    "en": "english",
    "fr": "francais",
    "it": "italiano",
    "es": "espanol",
    "nl": "nederlands",
    "pt": "portugues",
    "el": "ελληνικα",
}


def test_every_catalog_language_has_its_line_written_in_it():
    assert set(ANSWER_IN_LANGUAGE_LINE) == set(CATALOG)
    lines = list(ANSWER_IN_LANGUAGE_LINE.values())
    assert len(set(lines)) == len(lines)
    for code, line in ANSWER_IN_LANGUAGE_LINE.items():
        assert line.endswith(".") and "{" not in line
        # Each line is filed under its language: it names it ("česky", "auf Deutsch").
        assert NAMED[code] in unaccented(line), (code, line)


@pytest.mark.parametrize(
    ("language", "uncertain", "detected", "line"),
    [
        ("pl", True, "de", "Gern antworten wir Ihnen auch auf Deutsch."),
        ("cs", True, "en", "We can also answer you in English."),
        ("pl", False, "de", ""),  # sure: answered in German already, or corrected
        ("pl", True, "pl", ""),
        ("pl", True, "sv", ""),  # not a catalog language
        ("pl", True, "und", ""),
    ],
)
def test_the_line_goes_only_with_an_unsure_language_that_read_another_one(
    language, uncertain, detected, line
):
    assert (
        answer_in_language_line(language=language, uncertain=uncertain, detected=detected) == line
    )
