"""Every interface catalog passes the catalog check, and the check finds what it must."""

import shutil
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po
from django.conf import settings
from django.db.models import F
from django.test import Client as HttpClient

from accounts.models import User
from core.formats import Formats
from core.locales import babel_locale
from languages.catalog import CATALOG
from languages.catalog_check import catalog_problems, placeholders, plural_problems
from languages.catalog_review import (
    catalog_messages_sync,
    catalog_read,
    catalog_reviews_export,
    catalog_write,
)
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
    """Real catalogs (en, cs, pl) in a folder of their own, as the settings' locale."""
    for language in ("en", "cs", "pl"):
        folder = tmp_path / language / "LC_MESSAGES"
        folder.mkdir(parents=True)
        shutil.copy(LOCALES / language / "LC_MESSAGES" / "django.po", folder / "django.po")
    settings.LOCALE_PATHS = [tmp_path]
    return tmp_path


def edit_catalog(path: Path, source: str, text: str) -> None:
    catalog = read_po(path.open("rb"), locale="cs")
    catalog[source].string = text
    with path.open("wb") as po:
        write_po(po, catalog, width=0)


def speaker_of(language: str, proficiency: str = "native", **names) -> HttpClient:
    speaker = UserFactory(role=User.Role.AGENT, is_staff=True, **names)
    AgentSkill.objects.create(agent=speaker, language_id=language, proficiency=proficiency)
    http = HttpClient(HTTP_HOST="localhost")
    http.force_login(speaker)
    return http


def change(http: HttpClient, row: CatalogMessage, data: dict):
    return http.post(f"/admin/languages/catalogmessage/{row.pk}/change/", data)


@pytest.mark.django_db
def test_reviews_go_from_the_admin_into_the_catalog_and_back(locale_copy, two_clients):
    result = catalog_messages_sync()
    count = CatalogMessage.objects.filter(language_id="cs").count()
    assert result.created == 2 * count and count > 900
    assert not CatalogMessage.objects.filter(language_id="en").exists()  # en is the source
    assert catalog_messages_sync().created == 0  # twice is once

    http = speaker_of("cs", first_name="Jana", last_name="N")
    page = http.get("/admin/languages/catalogmessage/")
    assert page.status_code == 200
    assert "Written, not reviewed" in page.text and "none yet" in page.text

    sign_in = CatalogMessage.objects.get(language_id="cs", source="Sign in")
    # Ticked "right": what was typed below does not count.
    assert change(http, sign_in, {"right": "on", "better_0": "Vstoupit"}).status_code == 302
    sign_in.refresh_from_db()
    assert (sign_in.state, sign_in.proposal) == ("reviewed", [])
    waits = CatalogMessage.objects.get(language_id="cs", source="%(counter)s item waits for you.")
    form = http.get(f"/admin/languages/catalogmessage/{waits.pk}/change/").text
    assert 'name="better_2"' in form and 'name="better_3"' not in form  # three Czech forms
    response = change(
        http,
        waits,
        {
            "better_0": "Čeká na vás jedna položka.",
            "better_1": "Čekají na vás %(counter)s položky.",
            "better_2": "Čeká na vás %(counter)s položek.",
        },
    )
    assert response.status_code == 302
    waits.refresh_from_db()
    assert waits.state == CatalogMessage.State.CHANGE_PROPOSED
    assert waits.proposed_against == waits.forms

    result = catalog_reviews_export()
    assert (result.written, result.conflicts) == ({"cs": 2}, [])
    catalog = read_po((locale_copy / "cs/LC_MESSAGES/django.po").open("rb"), locale="cs")
    assert any(c.startswith("Reviewed: Jana N, ") for c in catalog["Sign in"].user_comments)
    assert catalog["%(counter)s item waits for you."].string[0] == "Čeká na vás jedna položka."
    assert catalog_problems(locale_copy / "cs/LC_MESSAGES/django.po") == []

    # A deploy of the exported catalogs: the proposal is now the text, reviewed.
    catalog_messages_sync()
    waits.refresh_from_db()
    assert (waits.state, waits.proposal) == ("reviewed", [])
    # A fresh database learns the reviews from the catalog, with their dates.
    CatalogMessage.objects.all().delete()
    assert catalog_messages_sync().reviewed == 2
    assert CatalogMessage.objects.get(language_id="cs", source="Sign in").reviewed_at is not None


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("source", "typed", "refusal"),
    [
        ("Sign in", "Přihlásit {jméno}", "placeholder not in the source"),
        ("Sign in", "100 % jistě", "valid Python format string"),
        ("Sign in", "<b>Přihlásit</b>", "markup differs"),
    ],
)
def test_a_proposal_that_would_break_the_catalog_is_refused(
    locale_copy, two_clients, source, typed, refusal
):
    catalog_messages_sync()
    http = speaker_of("cs")
    row = CatalogMessage.objects.get(language_id="cs", source=source)
    if refusal == "valid Python format string":  # only messages with placeholders are formats
        row = CatalogMessage.objects.get(language_id="cs", source="%(counter)s item waits for you.")
        data = {f"better_{i}": typed + " %(counter)s" for i in range(3)}
        data["better_0"] = typed + " %(counter)s %"
    else:
        data = {"better_0": typed}
    response = change(http, row, data)
    assert response.status_code == 200 and refusal in response.text
    row.refresh_from_db()
    assert row.state == "written"


@pytest.mark.django_db
def test_a_proposal_keeps_the_line_breaks_gettext_requires(locale_copy, two_clients):
    catalog_messages_sync()
    row = CatalogMessage.objects.filter(language_id="cs", source__endswith="\n").first()
    assert row is not None
    typed = row.forms[0].strip("\n").replace("\n", "\r\n") + " Děkujeme."
    assert change(speaker_of("cs"), row, {"better_0": typed}).status_code == 302
    row.refresh_from_db()
    assert row.proposal[0].endswith("Děkujeme.\n")
    catalog_reviews_export()
    assert catalog_problems(locale_copy / "cs/LC_MESSAGES/django.po") == []


@pytest.mark.django_db
def test_a_changed_translation_needs_a_new_review(locale_copy):
    catalog_messages_sync()
    CatalogMessage.objects.filter(language_id="cs", source="Sign in").update(
        state=CatalogMessage.State.REVIEWED, reviewer_name="Jana N"
    )
    catalog_reviews_export()
    path = locale_copy / "cs/LC_MESSAGES/django.po"
    # A developer changes the reviewed text and keeps the old comment: the check says so,
    # and the review does not carry over to the new text.
    edit_catalog(path, "Sign in", "Přihlášení")
    assert any("changed since its review" in p for p in catalog_problems(path))
    assert catalog_messages_sync().updated == 1
    row = CatalogMessage.objects.get(language_id="cs", source="Sign in")
    assert (row.state, row.forms, row.reviewer_name) == ("written", ["Přihlášení"], "")


@pytest.mark.django_db
def test_a_deploy_keeps_what_speakers_did_and_the_export_never_overwrites_a_newer_text(
    locale_copy,
):
    catalog_messages_sync()
    path = locale_copy / "cs/LC_MESSAGES/django.po"
    rows = CatalogMessage.objects.filter(language_id="cs")
    rows.filter(source="Sign in").update(
        state="change_proposed",
        proposal=["Vstoupit"],
        proposed_against=F("forms"),
        reviewer_name="Jana N",
    )
    rows.filter(source="Sign out").update(state="reviewed", reviewer_name="Jana N")
    edit_catalog(path, "Sign in", "Přihlášení")  # the developers' newer text

    catalog_messages_sync()  # a deploy
    sign_in = rows.get(source="Sign in")
    assert (sign_in.state, sign_in.proposal, sign_in.forms) == (
        "change_proposed",
        ["Vstoupit"],
        ["Přihlášení"],
    )
    result = catalog_reviews_export()
    assert result.written == {"cs": 1}  # the review of "Sign out"
    assert result.conflicts == ["cs: 'Sign in': the catalog's text changed since the proposal"]
    assert read_po(path.open("rb"), locale="cs")["Sign in"].string == "Přihlášení"

    # A message that leaves the catalogs: its review stays, listed.
    catalog = read_po(path.open("rb"), locale="cs")
    catalog.delete("Sign out")
    catalog.delete("Sign in")
    with path.open("wb") as po:
        write_po(po, catalog, width=0)
    result = catalog_messages_sync()
    assert len(result.orphaned) == 2
    assert rows.filter(source__in=["Sign in", "Sign out"]).count() == 2


@pytest.mark.django_db
def test_speakers_review_only_their_own_languages(locale_copy, two_clients):
    catalog_messages_sync()
    http = speaker_of("pl")
    AgentSkill.objects.filter(language_id="pl").first().agent.skills.create(
        language_id="cs", proficiency="basic"
    )
    czech = CatalogMessage.objects.filter(language_id="cs").first()
    polish = CatalogMessage.objects.filter(language_id="pl").first()
    assert http.get(f"/admin/languages/catalogmessage/{czech.pk}/change/").status_code in (302, 403)
    assert http.get(f"/admin/languages/catalogmessage/{polish.pk}/change/").status_code == 200
    listing = http.get("/admin/languages/catalogmessage/").text
    assert '?language__code__exact=pl">pl</a>' in listing  # the summary: own language only
    assert "?language__code__exact=cs" not in listing  # neither there nor in the filter
    # Selecting everything marks nothing: nobody read 900 texts.
    response = http.post(
        "/admin/languages/catalogmessage/",
        {
            "action": "mark_reviewed",
            "select_across": "1",
            "index": "0",
            "_selected_action": [polish.pk],
        },
        follow=True,
    )
    assert "at most 50" in response.text
    assert not CatalogMessage.objects.filter(state="reviewed").exists()

    no_skill = UserFactory(role=User.Role.AGENT, is_staff=True)
    other = HttpClient(HTTP_HOST="localhost")
    other.force_login(no_skill)
    assert other.get("/admin/languages/catalogmessage/").status_code == 403
    agent = UserFactory(role=User.Role.AGENT)  # not staff: no admin at all
    plain = HttpClient(HTTP_HOST="localhost")
    plain.force_login(agent)
    assert plain.get("/admin/languages/catalogmessage/").status_code == 302


@pytest.mark.parametrize("language", PRESENT)
def test_reading_and_writing_a_catalog_changes_nothing(language, tmp_path):
    """The export rewrites catalogs: every catalog is kept as it writes them, so a review
    changes its own lines only."""
    path = LOCALES / language / "LC_MESSAGES" / "django.po"
    copy = tmp_path / "django.po"
    catalog_write(copy, catalog_read(path, language))
    assert copy.read_bytes() == path.read_bytes()


def test_portuguese_is_portugals_in_numbers_dates_and_plurals():
    assert babel_locale("pt") == "pt_PT" and babel_locale("pt-br") == "pt_BR"
    assert babel_locale("cs") == "cs" and babel_locale("en") == "en"
    fmt = Formats("pt", "Europe/Lisbon", "EUR")
    assert fmt.money(Decimal("19562.72")) == "19\xa0562,72\xa0€"  # Brazil: "€ 19.562,72"
    with (LOCALES / "pt" / "LC_MESSAGES" / "django.po").open("rb") as po:
        header = dict(read_po(po).mime_headers)["Plural-Forms"]
    assert plural_problems(header, "pt_PT") == []
    assert plural_problems(header, "pt") != []  # Brazil's rule makes 0 singular
