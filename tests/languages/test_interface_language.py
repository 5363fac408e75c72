"""Which language a page speaks (languages.middleware): the user's own choice, else the
browser's among the UI languages, else the client's default; and the switch in the header
(accounts.views.language_set) that keeps the choice."""

import re

import pytest
from django.conf import settings
from django.test import Client as HttpClient

from accounts.models import User
from tests.support.factories import PASSWORD, UserFactory
from tests.support.tenancy import host_of

pytestmark = pytest.mark.django_db


def portal_user(client, **fields) -> User:
    return UserFactory(role=User.Role.CLIENT, client=client, **fields)


def signed_in(client, user, **headers) -> HttpClient:
    http = HttpClient(HTTP_HOST=host_of(client), **headers)
    assert http.login(username=user.username, password=PASSWORD)
    return http


def test_a_user_who_never_chose_reads_the_browsers_language(two_clients):
    user = portal_user(two_clients.a, language="")
    page = signed_in(two_clients.a, user, HTTP_ACCEPT_LANGUAGE="ja-JP,de;q=0.8,en;q=0.5").get("/")
    # Japanese is no UI language: the next one the browser names, German.
    assert page["Content-Language"] == "de" and "Sprachen" in page.text


def test_a_browser_in_a_language_of_the_catalog_reads_it(two_clients):
    user = portal_user(two_clients.a, language="")
    page = signed_in(two_clients.a, user, HTTP_ACCEPT_LANGUAGE="sl-SI,en;q=0.5").get("/")
    assert page["Content-Language"] == "sl" and "Jeziki" in page.text


def test_a_region_of_a_ui_language_counts(two_clients):
    user = portal_user(two_clients.a, language="")
    page = signed_in(two_clients.a, user, HTTP_ACCEPT_LANGUAGE="pl-PL").get("/")
    assert page["Content-Language"] == "pl"


def test_without_a_usable_browser_language_the_clients_default_applies(two_clients):
    user = portal_user(two_clients.a, language="")
    page = signed_in(two_clients.a, user, HTTP_ACCEPT_LANGUAGE="ja, tr;q=0.5").get("/")
    assert page["Content-Language"] == "cs" and "Jazyky" in page.text


def test_the_users_own_choice_beats_the_browser(two_clients):
    user = portal_user(two_clients.a, language="ro")
    page = signed_in(two_clients.a, user, HTTP_ACCEPT_LANGUAGE="de").get("/")
    assert page["Content-Language"] == "ro"


def test_the_switch_saves_the_users_choice_and_returns_to_the_page(two_clients):
    user = portal_user(two_clients.a, language="")
    http = signed_in(two_clients.a, user, HTTP_ACCEPT_LANGUAGE="en")

    response = http.post("/language/", {"language": "cs", "next": "/customers/?q=x"})

    assert response.status_code == 302 and response["Location"] == "/customers/?q=x"
    user.refresh_from_db()
    assert user.language == "cs"
    assert "Zákazníci" in http.get("/customers/").text
    # Signed out and in again, from a browser that asks for English: still Czech.
    http.post("/accounts/logout/")
    again = signed_in(two_clients.a, user, HTTP_ACCEPT_LANGUAGE="en").get("/")
    assert again["Content-Language"] == "cs"


def test_a_stranger_switches_the_sign_in_page(two_clients):
    http = HttpClient(HTTP_HOST=host_of(two_clients.a))
    assert http.get("/accounts/login/")["Content-Language"] == "cs"  # the client's default

    http.post("/language/", {"language": "hu", "next": "/accounts/login/"})

    page = http.get("/accounts/login/")
    assert page["Content-Language"] == "hu" and "Felhasználónév" in page.text


@pytest.mark.parametrize("bad", ["", "ja", "xx-YY", "cs" * 200], ids=["empty", "ja", "xx", "long"])
def test_the_switch_refuses_a_language_that_is_not_offered(two_clients, bad):
    user = portal_user(two_clients.a, language="de")
    http = signed_in(two_clients.a, user)

    assert http.post("/language/", {"language": bad}).status_code == 400
    user.refresh_from_db()
    assert user.language == "de"


@pytest.mark.parametrize("elsewhere", ["https://evil.example/", "//evil.example/x", "javascript:1"])
def test_the_switch_never_sends_the_user_to_another_site(two_clients, elsewhere):
    user = portal_user(two_clients.a)
    response = signed_in(two_clients.a, user).post(
        "/language/", {"language": "sk", "next": elsewhere}
    )
    assert response.status_code == 302 and response["Location"] == "/"


def test_the_switch_offers_the_ui_languages_each_in_its_own_name(two_clients):
    user = portal_user(two_clients.a, language="cs")
    html = signed_in(two_clients.a, user).get("/").text

    switch = re.search(r'<select name="language".*?</select>', html, re.S)
    assert switch
    offered = re.findall(
        r'<option value="(\w+)" lang="\w+"( selected)?>([^<]+)</option>', switch[0]
    )
    assert [(code, name) for code, _selected, name in offered] == list(settings.LANGUAGES)
    assert ("cs", " selected", "Čeština") in offered and ("en", "", "English") in offered


def test_agents_switch_on_the_desk_too(two_clients):
    agent = UserFactory(role=User.Role.AGENT, language="")
    http = HttpClient(HTTP_HOST="localhost", HTTP_ACCEPT_LANGUAGE="pl")
    assert http.login(username=agent.username, password=PASSWORD)
    assert http.get("/")["Content-Language"] == "pl"

    http.post("/language/", {"language": "de", "next": "/"})

    agent.refresh_from_db()
    assert agent.language == "de" and http.get("/")["Content-Language"] == "de"
