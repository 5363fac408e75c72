"""The IVR's own phrases: what a voice can say in every language, with the same values."""

import re

import pytest

from languages.catalog import CATALOG
from telephony.voice.phrases import ARTICLES, PHRASES, hungarian_article, phrase_format
from telephony.voice.twiml import language_name

PLACEHOLDER = re.compile(r"{(\w+)(?::(\w+))?}")


def placeholders(text: str) -> set[str]:
    return {name for name, _ in PLACEHOLDER.findall(text)}


@pytest.mark.parametrize("language", sorted(PHRASES))
def test_a_phrase_uses_no_value_that_english_does_not_give(language):
    for key, text in PHRASES[language].items():
        assert placeholders(text) <= placeholders(PHRASES["en"][key]), (language, key)


# A language's own choice in the language menu names itself ("Pro češtinu stiskněte 1."):
# the only phrase that may leave out a value English says.
SELF_NAMING = {"language_option": {"language"}}


@pytest.mark.parametrize("language", sorted(CATALOG))
def test_every_catalog_language_has_every_phrase_english_has(language):
    assert sorted(PHRASES.get(language, {})) == sorted(PHRASES["en"])


@pytest.mark.parametrize("language", sorted(CATALOG))
def test_a_phrase_gives_exactly_the_values_english_gives(language):
    for key, text in PHRASES[language].items():
        expected = placeholders(PHRASES["en"][key])
        may_leave_out = SELF_NAMING.get(key, set())
        assert expected - may_leave_out <= placeholders(text) <= expected, (language, key)


def test_the_phrases_are_the_catalogs_languages_and_no_other():
    assert set(PHRASES) == set(CATALOG)


@pytest.mark.parametrize("language", sorted(PHRASES))
def test_the_closed_message_says_both_the_date_and_the_time(language):
    assert placeholders(PHRASES[language]["closed"]) == {"date", "time"}


def test_no_phrase_holds_a_written_alternative_that_a_voice_would_read_aloud():
    # "a(z)" (Hungarian: the article before a vowel or not), "(s)", "/": said letter by letter.
    for language, phrases in PHRASES.items():
        for key, text in phrases.items():
            assert not re.search(r"\w\(\w+\)|\(\w+\)\w|\w/\w", text), (language, key, text)


def test_an_article_is_asked_for_only_where_the_language_has_one():
    for language, phrases in PHRASES.items():
        for key, text in phrases.items():
            specs = {spec for _, spec in PLACEHOLDER.findall(text)} - {""}
            assert specs <= ({"article"} if language in ARTICLES else set()), (language, key)


@pytest.mark.parametrize(
    ("word", "article"),
    [
        ("1", "az"),  # egy
        ("2", "a"),  # kettő
        ("5", "az"),  # öt
        ("10", "a"),  # tíz
        ("11", "a"),  # tizenegy
        ("50", "az"),  # ötven
        ("100", "a"),  # száz
        ("101", "a"),  # százegy
        ("500", "az"),  # ötszáz
        ("1000", "az"),  # ezer
        ("2000", "a"),  # kétezer
        ("5000", "az"),  # ötezer
        ("15000", "a"),  # tizenötezer
        ("1000000", "az"),  # egymillió
        ("0", "a"),  # nulla
        ("1.", "az"),  # első
        ("3.", "a"),  # harmadik
        ("Alpen Garten", "az"),
        ("Duna Design", "a"),
        ("Öko Bolt", "az"),
        ("Carpați Crafts", "a"),
        ("ikea", "az"),
        ("", "a"),
    ],
)
def test_the_hungarian_article_goes_by_the_sound_of_the_next_word(word, article):
    assert hungarian_article(word) == article


def test_the_hungarian_survey_names_the_shop_with_its_article():
    nps = PHRASES["hu"]["nps"]
    assert "hogy ajánlaná a Duna Design üzletet" in phrase_format(nps, "hu", client="Duna Design")
    assert "ajánlaná az Alpen Garten üzletet" in phrase_format(nps, "hu", client="Alpen Garten")


def test_a_language_is_named_in_the_words_of_the_text_that_names_it():
    assert language_name("cs")("cs") == "čeština"
    assert language_name("hu")("ro") == "maghiară"  # "în limba maghiară"
    assert language_name("sk")("de") == "Slowakisch"
    assert language_name("cs")("en") == "Czech"
    assert language_name("xx")("cs") == "xx"  # no name known: the code
