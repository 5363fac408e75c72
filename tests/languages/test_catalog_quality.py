"""Every interface catalog passes the catalog check, and the check finds what it must."""

import shutil
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po
from django.conf import settings
from django.test import Client as HttpClient

from accounts.models import User
from core.formats import Formats
from core.locales import babel_locale
from languages.catalog import CATALOG
from languages.catalog_check import catalog_problems, placeholders, plural_problems
from languages.catalog_review import catalog_messages_sync, catalog_reviews_export
from languages.models import AgentSkill, CatalogMessage
from tests.support.factories import UserFactory

LOCALES = Path(settings.LOCALE_PATHS[0])
PRESENT = sorted(path.parent.parent.name for path in LOCALES.glob("*/LC_MESSAGES/django.po"))


def test_the_interface_speaks_every_catalog_language():
    ui = [code for code, _name in settings.LANGUAGES]
    assert sorted(ui) == sorted(CATALOG)
    assert sorted(CATALOG) == PRESENT, "a catalog for each language of settings.LANGUAGES"


@pytest.mark.parametrize("language", PRESENT)
def test_the_catalog_passes_the_check(language):
    assert catalog_problems(LOCALES / language / "LC_MESSAGES" / "django.po") == []


def test_every_catalog_has_the_english_catalogs_messages():
    def ids(language):
        with (LOCALES / language / "LC_MESSAGES" / "django.po").open("rb") as po:
            return {(m.context, m.id if isinstance(m.id, str) else m.id[0]) for m in read_po(po)}

    english = ids("en")
    for language in PRESENT:
        assert ids(language) == english, language


def write_catalog(path: Path, language: str, messages, *, plural_forms: str | None = None):
    catalog = Catalog(
        locale=language,
        project="Polydesk",
        version="1",
        fuzzy=False,
        last_translator="Polydesk team",
        revision_date=datetime(2026, 12, 6, tzinfo=UTC),
    )
    for message_id, string in messages:
        catalog.add(message_id, string)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as po:
        write_po(po, catalog, width=0)
    if plural_forms:
        text = path.read_text(encoding="utf-8")
        start = text.index('"Plural-Forms: ')
        end = text.index("\\n", start)
        path.write_text(text[:start] + f'"Plural-Forms: {plural_forms}' + text[end:])
    return path


def test_a_lost_or_invented_placeholder_is_found(tmp_path):
    path = write_catalog(
        tmp_path / "sl" / "LC_MESSAGES" / "django.po",
        "sl",
        [
            ("Hello %(name)s", "Zdravo"),
            ("Due {date}", "Rok {datum}"),
            ("<strong>Open</strong>", "Odprto"),
            ("Fine", "V redu"),
        ],
    )
    problems = catalog_problems(path)
    assert any("placeholder lost ['%(name)s']" in p for p in problems)
    assert any("placeholder not in the source ['{datum}']" in p for p in problems)
    assert any("markup differs" in p for p in problems)
    assert not any("'Fine'" in p for p in problems)


def test_an_untranslated_or_fuzzy_message_is_found(tmp_path):
    path = write_catalog(
        tmp_path / "hr" / "LC_MESSAGES" / "django.po", "hr", [("Queue", ""), ("Open", "Otvoreno")]
    )
    catalog = read_po(path.open("rb"), locale="hr")
    catalog["Open"].flags.add("fuzzy")
    with path.open("wb") as po:
        write_po(po, catalog, width=0)
    problems = catalog_problems(path)
    assert "not translated: 'Queue'" in problems
    assert "fuzzy: 'Open'" in problems


def test_plural_forms_must_follow_the_language(tmp_path):
    slovenian = [(("%(n)s item", "%(n)s items"), ("%(n)s element", "%(n)s elementa"))]
    path = write_catalog(tmp_path / "sl" / "LC_MESSAGES" / "django.po", "sl", slovenian)
    problems = catalog_problems(path)
    # Slovenian has four forms (1, 2, 3-4, other): two are not enough.
    assert any("2 plural forms instead of 4" in p for p in problems)

    wrong_rule = write_catalog(
        tmp_path / "cs" / "LC_MESSAGES" / "django.po",
        "cs",
        [(("%(n)s item", "%(n)s items"), ("%(n)s položka", "%(n)s položky", "%(n)s položek"))],
        plural_forms="nplurals=3; plural=(n==1 ? 0 : n<5 ? 1 : 2);",
    )
    assert any("disagrees with CLDR for n = [0" in p for p in catalog_problems(wrong_rule))

    fewer = write_catalog(
        tmp_path / "hu" / "LC_MESSAGES" / "django.po",
        "hu",
        [(("%(n)s day", "%(n)s days"), ("%(n)s nap",))],
        plural_forms="nplurals=1; plural=0;",
    )
    assert "nplurals=1, the language has 2" in catalog_problems(fewer)


def test_placeholders_are_read_like_python_reads_them():
    assert placeholders("%(counter)s of %s, 100 %% sure, {shop_name}") == [
        "%(counter)s",
        "%s",
        "{shop_name}",
    ]
    assert placeholders("{{ not one }} and 5%") == []


@pytest.fixture
def locale_copy(tmp_path, settings):
    """Two real catalogs (en and cs) in a folder of their own, as the settings' locale."""
    for language in ("en", "cs"):
        folder = tmp_path / language / "LC_MESSAGES"
        folder.mkdir(parents=True)
        shutil.copy(LOCALES / language / "LC_MESSAGES" / "django.po", folder / "django.po")
    settings.LOCALE_PATHS = [tmp_path]
    return tmp_path


@pytest.mark.django_db
def test_reviews_go_from_the_admin_into_the_catalog_and_back(locale_copy, two_clients):
    result = catalog_messages_sync()
    count = CatalogMessage.objects.filter(language_id="cs").count()
    assert result.created == count > 900
    assert not CatalogMessage.objects.exclude(language_id="cs").exists()  # en is the source
    assert catalog_messages_sync().created == 0  # twice is once

    speaker = UserFactory(role=User.Role.AGENT, is_staff=True, first_name="Jana", last_name="N")
    AgentSkill.objects.create(agent=speaker, language_id="cs", proficiency="native")
    http = HttpClient(HTTP_HOST="localhost")
    http.force_login(speaker)
    page = http.get("/admin/languages/catalogmessage/")
    assert page.status_code == 200
    assert "Written, not reviewed" in page.text and "none yet" in page.text

    sign_in = CatalogMessage.objects.get(language_id="cs", source="Sign in")
    assert (
        http.post(
            f"/admin/languages/catalogmessage/{sign_in.pk}/change/", {"right": "on", "better": ""}
        ).status_code
        == 302
    )
    waits = CatalogMessage.objects.get(language_id="cs", source="%(counter)s item waits for you.")
    refused = http.post(
        f"/admin/languages/catalogmessage/{waits.pk}/change/",
        {"better": "Čeká na vás jedna položka.\n---\nČekají %(counter)s.\n---\nČeká %(counter)s."},
    )
    assert "Keep the placeholders" not in refused.text  # %(counter)s is kept by two forms
    waits.refresh_from_db()
    assert waits.state == CatalogMessage.State.CHANGE_PROPOSED
    bad = http.post(
        f"/admin/languages/catalogmessage/{sign_in.pk}/change/", {"better": "Přihlásit {jméno}"}
    )
    assert "Not in the English text: {jméno}" in bad.text

    assert catalog_reviews_export() == {"cs": 2}
    catalog = read_po((locale_copy / "cs/LC_MESSAGES/django.po").open("rb"), locale="cs")
    assert any(c.startswith("Reviewed: Jana N, ") for c in catalog["Sign in"].user_comments)
    assert catalog["%(counter)s item waits for you."].string[0] == "Čeká na vás jedna položka."
    assert catalog_problems(locale_copy / "cs/LC_MESSAGES/django.po") == []

    # A fresh database learns the reviews from the catalog.
    CatalogMessage.objects.all().delete()
    assert catalog_messages_sync().reviewed == 2


@pytest.mark.django_db
def test_a_changed_translation_needs_a_new_review(locale_copy):
    catalog_messages_sync()
    CatalogMessage.objects.filter(language_id="cs", source="Sign in").update(
        state=CatalogMessage.State.REVIEWED, reviewer_name="Jana N"
    )
    path = locale_copy / "cs/LC_MESSAGES/django.po"
    catalog = read_po(path.open("rb"), locale="cs")
    catalog["Sign in"].string = "Přihlášení"
    with path.open("wb") as po:
        write_po(po, catalog, width=0)
    assert catalog_messages_sync().updated == 1
    row = CatalogMessage.objects.get(language_id="cs", source="Sign in")
    assert (row.state, row.forms, row.reviewer_name) == ("written", ["Přihlášení"], "")


@pytest.mark.django_db
def test_speakers_review_only_their_own_languages(locale_copy, two_clients):
    catalog_messages_sync()
    speaker = UserFactory(role=User.Role.AGENT, is_staff=True)
    AgentSkill.objects.create(agent=speaker, language_id="pl", proficiency="native")
    AgentSkill.objects.create(agent=speaker, language_id="cs", proficiency="basic")
    http = HttpClient(HTTP_HOST="localhost")
    http.force_login(speaker)
    row = CatalogMessage.objects.filter(language_id="cs").first()
    assert http.get(f"/admin/languages/catalogmessage/{row.pk}/change/").status_code in (302, 403)
    assert "none yet" not in http.get("/admin/languages/catalogmessage/").text


def test_portuguese_is_portugals_in_numbers_dates_and_plurals():
    assert babel_locale("pt") == "pt_PT" and babel_locale("pt-br") == "pt_BR"
    assert babel_locale("cs") == "cs" and babel_locale("en") == "en"
    fmt = Formats("pt", "Europe/Lisbon", "EUR")
    assert fmt.money(Decimal("19562.72")) == "19\xa0562,72\xa0€"  # Brazil: "€ 19.562,72"
    with (LOCALES / "pt" / "LC_MESSAGES" / "django.po").open("rb") as po:
        header = dict(read_po(po).mime_headers)["Plural-Forms"]
    assert plural_problems(header, "pt_PT") == []
    assert plural_problems(header, "pt") != []  # Brazil's rule makes 0 singular
