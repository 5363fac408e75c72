"""One way to name a language on every page: its own name with the reader's word for it
(core.formats.language_label), or the reader's word alone in a sentence."""

import pytest
from django.utils import translation

from core.formats import language_in_words, language_label


@pytest.mark.parametrize(
    ("reader", "code", "label"),
    [
        ("en", "cs", "Čeština (Czech)"),
        ("pl", "cs", "Čeština (czeski)"),
        ("cs", "cs", "Čeština"),  # the reader's own language once
        ("de", "el", "Ελληνικά (Griechisch)"),
        ("en", "xx", "xx"),  # no name known: the code
        ("en", "", "—"),
    ],
)
def test_a_language_label_is_its_own_name_then_the_readers_word(reader, code, label):
    assert language_label(code, reader=reader) == label
    with translation.override(reader):
        assert language_label(code) == label


def test_in_a_sentence_a_language_is_the_readers_word_as_cldr_writes_it():
    assert language_in_words("sk", reader="en") == "Slovak"
    assert language_in_words("sk", reader="cs") == "slovenština"  # lower case mid-sentence
    assert language_in_words("xx", reader="cs") == "xx"
    # A reader language babel does not know names it in English.
    assert language_in_words("sk", reader="zz") == "Slovak"
    with translation.override("hu"):
        assert language_in_words("sk") == "szlovák"
