"""The demo's texts in every catalog language, with the values English gives, except for
the gaps left on purpose (the module's header names them)."""

import re

import pytest

from demo.cast import DEMO_CLIENTS
from demo.content_texts import (
    CANNED_REPLIES,
    CATEGORY_NAMES,
    FAQ_ARTICLES,
    MAIL_WITH_FILES,
    MESSAGE_TEMPLATES,
    SIGNATURES,
)
from demo.telephony import MENU_TEXTS
from languages.catalog import CATALOG

PLACEHOLDER = re.compile(r"{(\w+)}")
# The deliberate gaps (content_texts' header): the demo shows the fallback with them.
GAPS = {
    ("CANNED_REPLIES", "refund-issued", "sk"),
    ("CANNED_REPLIES", "wrong-size-exchange", "sk"),
    ("CANNED_REPLIES", "thanks-closing", "ro"),
    ("FAQ_ARTICLES", "payment-methods", "hu"),
    ("MESSAGE_TEMPLATES", "survey_invitation", "pl"),
}
TABLES = {
    "CANNED_REPLIES": CANNED_REPLIES,
    "FAQ_ARTICLES": FAQ_ARTICLES,
    "MESSAGE_TEMPLATES": MESSAGE_TEMPLATES,
}
# Written before the catalog grew; their texts leave out the customer's name (no vocative).
FIRST_SEVEN = {"cs", "sk", "pl", "de", "hu", "ro", "en"}


def placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))


@pytest.mark.parametrize("table", sorted(TABLES))
def test_every_text_is_in_every_catalog_language_but_the_deliberate_gaps(table):
    for key, by_language in TABLES[table].items():
        missing = {(table, key, code) for code in CATALOG if code not in by_language}
        assert missing <= GAPS, missing


@pytest.mark.parametrize("table", sorted(TABLES))
def test_a_translation_keeps_the_values_english_gives(table):
    for key, by_language in TABLES[table].items():
        english = [placeholders(text) for text in by_language["en"]]
        for code, texts in by_language.items():
            for text, expected in zip(texts, english, strict=True):
                if code in FIRST_SEVEN:
                    assert placeholders(text) <= expected, (table, key, code)
                else:
                    assert placeholders(text) == expected, (table, key, code)


def test_category_names_and_signatures_are_in_every_catalog_language():
    for code, names in CATEGORY_NAMES.items():
        assert set(names) == set(CATALOG), code
    assert set(SIGNATURES) == set(CATALOG)
    for code, signature in SIGNATURES.items():
        assert placeholders(signature) == {"agent_name", "shop_name"}, code


def test_every_demo_clients_first_languages_have_their_texts():

    for client in DEMO_CLIENTS:
        for code in client.languages:
            assert code in MENU_TEXTS, (client.slug, code)
        for code in client.languages[:2]:
            assert code in MAIL_WITH_FILES, (client.slug, code)
