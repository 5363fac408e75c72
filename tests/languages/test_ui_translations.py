"""The agent desk and client portal speak every language of settings.LANGUAGES, completely."""

import ast
from decimal import Decimal
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.conf import settings
from django.template import engines
from django.templatetags.i18n import BlockTranslateNode, TranslateNode
from django.test import Client as HttpClient
from django.utils import translation

from accounts.models import User
from languages.templatetags.polydesk_format import money, number
from tests.support.factories import PASSWORD, UserFactory
from tests.support.tenancy import host_of

ROOT = Path(__file__).resolve().parents[2]
LOCALES = ROOT / "platform" / "locale"
UI_LANGUAGES = [code for code, _name in settings.LANGUAGES]
GETTEXT_NAMES = {"gettext", "gettext_lazy", "gettext_noop", "_", "pgettext", "pgettext_lazy"}


def catalog(language: str):
    with (LOCALES / language / "LC_MESSAGES" / "django.po").open("rb") as po:
        return read_po(po, locale=language)


def msgids_in_sources() -> set[str]:
    """What the templates and the code mark for translation (what makemessages extracts)."""
    found: set[str] = set()
    for path in ROOT.glob("platform/**/templates/**/*.html"):
        template = engines["django"].from_string(path.read_text(encoding="utf-8")).template
        for node in template.nodelist.get_nodes_by_type(TranslateNode):
            # {% translate variable %}: a text marked in the code (gettext_noop), found below.
            if node.filter_expression.var.literal is not None:
                found.add(node.filter_expression.var.literal)
        for node in template.nodelist.get_nodes_by_type(BlockTranslateNode):
            # As makemessages writes it: {{ client }} becomes %(client)s.
            found.add(node.render_token_list(node.singular)[0])
    for folder in ("platform", "tenants", "languages", "billing", "reporting", "telephony"):
        for path in (ROOT / folder).rglob("*.py"):
            for call in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if (
                    isinstance(call, ast.Call)
                    and isinstance(call.func, ast.Name)
                    and call.func.id in GETTEXT_NAMES
                    and call.args
                    and isinstance(call.args[0], ast.Constant)
                ):
                    found.add(call.args[0].value)
    return found


@pytest.mark.parametrize("language", UI_LANGUAGES)
def test_every_ui_message_is_translated_and_none_is_fuzzy(language):
    messages = [m for m in catalog(language) if m.id]
    assert messages
    assert not catalog(language).fuzzy
    assert [m.id for m in messages if not m.string] == []
    assert [m.id for m in messages if m.fuzzy] == []


def test_every_marked_string_is_in_the_catalogs():
    marked = msgids_in_sources()
    assert "Sign in" in marked and "Name, e-mail or phone" in marked
    for language in UI_LANGUAGES:
        # A plural message's id is (singular, plural): the singular is what is marked.
        ids = {m.id if isinstance(m.id, str) else m.id[0] for m in catalog(language) if m.id}
        missing = marked - ids
        assert missing == set(), f"run makemessages for {language}: {sorted(missing)}"


@pytest.mark.django_db
def test_a_portal_greets_strangers_in_the_clients_language(two_clients):
    czech = HttpClient(HTTP_HOST=host_of(two_clients.a)).get("/accounts/login/")
    polish = HttpClient(HTTP_HOST=host_of(two_clients.b)).get("/accounts/login/")
    assert "Uživatelské jméno" in czech.text and czech["Content-Language"] == "cs"
    assert "Nazwa użytkownika" in polish.text and polish["Content-Language"] == "pl"


@pytest.mark.django_db
def test_a_signed_in_user_reads_their_own_language(two_clients):
    user = UserFactory(role=User.Role.CLIENT, client=two_clients.a, language="hu")
    http = HttpClient(HTTP_HOST=host_of(two_clients.a))
    http.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    page = http.get("/")
    assert "Nyelvek" in page.text and "Helyi idő" in page.text


@pytest.mark.parametrize(
    ("language", "expected_money", "expected_number"),
    [
        ("cs", "1\xa0234,50\xa0Kč", "12\xa0345"),
        ("de", "1.234,50\xa0CZK", "12.345"),
        ("en", "CZK1,234.50", "12,345"),
    ],
)
def test_money_and_numbers_follow_the_readers_language(language, expected_money, expected_number):
    with translation.override(language):
        assert money(Decimal("1234.50"), "CZK") == expected_money
        assert number(12345) == expected_number
