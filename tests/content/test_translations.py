import pytest
from django.test import Client as HttpClient

from accounts.models import User
from content.models import CannedReply, FaqArticle
from content.selectors import canned_replies_in_language, missing_languages, translation_for
from languages.models import LanguageFallback
from tests.support.factories import UserFactory
from tests.support.tenancy import host_of, in_schema

pytestmark = pytest.mark.django_db


def test_a_missing_translation_falls_back_along_the_chain_and_says_so(two_clients):
    with in_schema(two_clients.a):
        reply = CannedReply.objects.create(
            key="refund",
            title_cs="Vrácení peněz",
            body_cs="Peníze jsme vrátili.",
            title_en="Refund",
            body_en="We have refunded you.",
        )

    assert translation_for(reply, "body", "cs").text == "Peníze jsme vrátili."
    slovak = translation_for(reply, "body", "sk")  # sk -> cs -> en
    assert (slovak.language, slovak.fallback) == ("cs", True)
    polish = translation_for(reply, "body", "pl")  # pl -> en
    assert (polish.text, polish.language, polish.fallback) == ("We have refunded you.", "en", True)


def test_no_text_on_the_whole_chain_gives_none(two_clients):
    with in_schema(two_clients.a):
        reply = CannedReply.objects.create(key="only-de", title_de="Nur Deutsch", body_de="Ja.")
    assert translation_for(reply, "body", "pl") is None


def test_fallbacks_follow_what_the_admin_set(two_clients):
    with in_schema(two_clients.a):
        faq = FaqArticle.objects.create(
            slug="x",
            question_sl="Kdaj?",
            answer_sl="Jutri.",
            question_en="When?",
            answer_en="Tomorrow.",
        )
    assert translation_for(faq, "answer", "hr").language == "en"
    LanguageFallback.objects.create(language_id="hr", fallback_id="sl")
    assert translation_for(faq, "answer", "hr").text == "Jutri."


def test_missing_languages_and_the_replies_an_agent_sees(two_clients):
    with in_schema(two_clients.a):
        CannedReply.objects.create(
            key="hello", title_cs="Dobrý den", body_cs="Dobrý den!", title_sk="", body_sk=""
        )
        CannedReply.objects.create(key="old", title_cs="Staré", body_cs="x", active=False)
        reply = CannedReply.objects.get(key="hello")
        views = canned_replies_in_language("sk")

    assert missing_languages(reply, ["title", "body"], ["cs", "sk"]) == ["sk"]
    assert [(v.key, v.body.text, v.body.fallback) for v in views] == [("hello", "Dobrý den!", True)]


def agency_admin() -> User:
    return UserFactory(role=User.Role.ADMIN, is_staff=True, is_superuser=True)


def test_agency_admins_edit_a_clients_content_in_its_languages_side_by_side(two_clients):
    http = HttpClient(HTTP_HOST=host_of(two_clients.a))  # client A serves cs and sk
    http.force_login(agency_admin())

    form = http.get("/admin/content/cannedreply/add/")
    assert form.status_code == 200
    assert "čeština (cs)" in form.text and "slovenčina (sk)" in form.text
    assert "body_pl" not in form.text  # not a language of this client

    missing_default = http.post(
        "/admin/content/cannedreply/add/",
        {
            "key": "greeting",
            "category": "general",
            "active": "on",
            "title_sk": "Dobrý deň",
            "body_sk": "Dobrý deň, ako vám môžeme pomôcť?",
        },
    )
    assert missing_default.status_code == 200
    assert "Required in the client&#x27;s default language." in missing_default.text

    saved = http.post(
        "/admin/content/cannedreply/add/",
        {
            "key": "greeting",
            "category": "general",
            "active": "on",
            "title_cs": "Dobrý den",
            "body_cs": "Dobrý den, jak vám můžeme pomoci?",
        },
    )
    assert saved.status_code == 302
    listing = http.get("/admin/content/cannedreply/")
    assert "greeting" in listing.text and "Missing translations" in listing.text
    assert '<td class="field-missing">sk</td>' in listing.text


def test_content_of_one_client_is_not_on_another_clients_admin(two_clients):
    with in_schema(two_clients.a):
        CannedReply.objects.create(key="secret-of-a", title_cs="Tajné", body_cs="Tajné")
    http = HttpClient(HTTP_HOST=host_of(two_clients.b))
    http.force_login(agency_admin())
    listing = http.get("/admin/content/cannedreply/")
    assert listing.status_code == 200
    assert "secret-of-a" not in listing.text


def test_client_portal_users_cannot_open_the_content_admin(two_clients):
    http = HttpClient(HTTP_HOST=host_of(two_clients.a))
    http.force_login(UserFactory(role=User.Role.CLIENT, client=two_clients.a))
    response = http.get("/admin/content/cannedreply/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_content_edits_leave_no_admin_log_in_the_clients_schema(two_clients):
    from django.contrib.admin.models import LogEntry

    admin = agency_admin()
    http = HttpClient(HTTP_HOST=host_of(two_clients.a))
    http.force_login(admin)
    http.post(
        "/admin/content/cannedreply/add/",
        {"key": "logged", "active": "on", "title_cs": "T", "body_cs": "B"},
    )
    with in_schema(two_clients.a):
        assert CannedReply.objects.filter(key="logged").exists()
        assert not LogEntry.objects.exists()
    admin.delete()  # possible: nothing in a client's schema points at this user
