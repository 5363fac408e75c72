"""Signing in on every site: one limit per account across the agency's site and every
portal (django-axes, accounts.signin), each user on their own site only (accounts.backends),
and the password reset by e-mail, bound to its client's host and throttled."""

import re

import pytest
from axes.models import AccessAttempt
from django.core import mail
from django.core.cache import cache
from django.test import Client as HttpClient

from accounts.models import User
from tests.support.factories import PASSWORD, UserFactory
from tests.support.tenancy import host_of

pytestmark = pytest.mark.django_db

AGENCY = "localhost"
LOCKED = "signing in is locked for 15 minutes"


@pytest.fixture(autouse=True)
def _fresh_counters():
    """The reset throttle counts in the (per-process) cache: each test starts at zero."""
    cache.clear()
    yield
    cache.clear()


def sign_in(host: str, username: str, password: str = PASSWORD, **meta):
    http = HttpClient(HTTP_HOST=host, **meta)
    response = http.post("/accounts/login/", {"username": username, "password": password})
    return http, response


def page_text(response) -> str:
    """The page without what differs on every answer: the CSRF token and the CSP nonce."""
    text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())
    return re.sub(r' nonce="[^"]+"', "", text)


def signed_in(http: HttpClient) -> bool:
    return "_auth_user_id" in http.session


def test_five_failures_on_one_portal_lock_the_account_on_every_site(two_clients):
    admin = UserFactory(role=User.Role.ADMIN)  # may sign in on the desk and on any portal
    for attempt in range(1, 6):
        _http, page = sign_in(host_of(two_clients.a), admin.username, "nope")
        # The fifth failure locks: its answer already says so.
        assert page.status_code == (429 if attempt == 5 else 200)
    assert page.context["too_many_attempts"] is True  # said in Czech, client A's language
    for host in (host_of(two_clients.a), host_of(two_clients.b), AGENCY):
        http, page = sign_in(host, admin.username)  # the right password
        assert page.status_code == 429 and not signed_in(http)
        assert page.context["too_many_attempts"] is True
    assert LOCKED in page.content.decode()  # the agency's site speaks English
    admin_site = HttpClient(HTTP_HOST=AGENCY)
    admin_site.post("/admin/login/", {"username": admin.username, "password": PASSWORD})
    assert not signed_in(admin_site)
    # Another account from another address is not affected.
    other = UserFactory(role=User.Role.CLIENT, client=two_clients.a)
    http, _page = sign_in(host_of(two_clients.a), other.username, REMOTE_ADDR="10.0.0.9")
    assert signed_in(http)


def test_a_right_password_on_the_wrong_site_is_answered_and_counted_as_a_wrong_one(
    two_clients, user_a
):
    _http, wrong_password = sign_in(host_of(two_clients.b), user_a.username, "nope")
    http, wrong_site = sign_in(host_of(two_clients.b), user_a.username)
    assert not signed_in(http)
    assert wrong_site.status_code == wrong_password.status_code == 200
    # Not a byte tells them apart (but the form's fresh CSRF token).
    assert page_text(wrong_site) == page_text(wrong_password)
    for _attempt in range(3):  # on the agency's site too: 5 failures in all
        sign_in(AGENCY, user_a.username)
    http, page = sign_in(host_of(two_clients.a), user_a.username)  # their own portal
    assert page.status_code == 429 and not signed_in(http)


@pytest.mark.parametrize("role", [User.Role.AGENT, User.Role.CLIENT])
def test_each_user_signs_in_on_their_own_site_only(two_clients, role):
    user = UserFactory(role=role, client=two_clients.a if role == User.Role.CLIENT else None)
    own, other = (
        (AGENCY, host_of(two_clients.a))
        if role == User.Role.AGENT
        else (host_of(two_clients.a), AGENCY)
    )
    assert not signed_in(sign_in(other, user.username)[0])
    assert not signed_in(sign_in(host_of(two_clients.b), user.username)[0])
    assert signed_in(sign_in(own, user.username)[0])


def test_a_session_of_one_site_opens_no_other(two_clients, user_a):
    portal_user = HttpClient(HTTP_HOST=AGENCY)
    portal_user.force_login(user_a)
    assert portal_user.get("/").status_code == 403  # the desk
    assert portal_user.get("/", HTTP_HOST=host_of(two_clients.b)).status_code == 404
    agent = HttpClient(HTTP_HOST=host_of(two_clients.a))
    agent.force_login(UserFactory(role=User.Role.AGENT))
    assert agent.get("/").status_code == 404  # no portal for the agency's agents


def test_signing_in_clears_that_accounts_failures_only(two_clients):
    """A guesser who signs in to their own account between guesses clears nothing of the
    account they are guessing (axes' own reset would clear the whole address)."""
    victim = UserFactory(role=User.Role.AGENT)
    guesser = UserFactory(role=User.Role.AGENT)
    for _attempt in range(4):
        sign_in(AGENCY, victim.username, "nope")
    assert signed_in(sign_in(AGENCY, guesser.username)[0])
    _http, page = sign_in(AGENCY, victim.username, "nope")
    assert page.status_code == 429
    # And the victim's own success clears their count.
    AccessAttempt.objects.filter(username=victim.username).update(failures_since_start=4)
    assert signed_in(sign_in(AGENCY, victim.username, REMOTE_ADDR="10.0.0.8")[0])
    assert not AccessAttempt.objects.filter(username=victim.username).exists()


def test_thirty_failures_lock_the_address_and_the_proxy_is_not_the_client(settings, two_clients):
    # Behind the TLS proxy, the client is the proxy's last X-Forwarded-For entry.
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    for attempt in range(29):
        sign_in(AGENCY, f"guess{attempt}", "nope", HTTP_X_FORWARDED_FOR="203.0.113.7")
    colleague = UserFactory(role=User.Role.AGENT)
    assert signed_in(sign_in(AGENCY, colleague.username, HTTP_X_FORWARDED_FOR="203.0.113.7")[0])
    sign_in(AGENCY, "guess30", "nope", HTTP_X_FORWARDED_FOR="203.0.113.7")
    http, page = sign_in(AGENCY, colleague.username, HTTP_X_FORWARDED_FOR="203.0.113.7")
    assert page.status_code == 429 and not signed_in(http)
    # Another address is not locked; a forged first entry does not make it so.
    assert signed_in(sign_in(AGENCY, colleague.username, HTTP_X_FORWARDED_FOR="198.51.100.4")[0])
    forged = "198.51.100.4, 203.0.113.7"
    assert not signed_in(sign_in(AGENCY, colleague.username, HTTP_X_FORWARDED_FOR=forged)[0])


def reset_link(http: HttpClient, email: str) -> str:
    http.post("/accounts/password-reset/", {"email": email})
    message = mail.outbox[-1]
    assert message.to == [email]
    return re.search(r"http://[^/]+(/accounts/reset/\S+/)", message.body)[1]


def test_a_password_is_reset_by_e_mail_for_this_clients_users_only(two_clients, user_a, user_b):
    http = HttpClient(HTTP_HOST=host_of(two_clients.a))
    # Client B's user asking on client A's portal: the same answer, and no mail.
    response = http.post("/accounts/password-reset/", {"email": user_b.email})
    assert response.status_code == 302 and mail.outbox == []
    link = reset_link(http, user_a.email)
    form = http.get(link, follow=True)
    assert form.status_code == 200
    done = http.post(
        form.redirect_chain[-1][0] if form.redirect_chain else link,
        {"new_password1": "Ein neues Passwort 42", "new_password2": "Ein neues Passwort 42"},
    )
    assert done.status_code == 302 and done["Location"] == "/accounts/reset/done/"
    user_a.refresh_from_db()
    assert user_a.check_password("Ein neues Passwort 42")


def test_a_reset_link_of_one_portal_is_refused_on_another(two_clients, user_a):
    link = reset_link(HttpClient(HTTP_HOST=host_of(two_clients.a)), user_a.email)
    elsewhere = HttpClient(HTTP_HOST=host_of(two_clients.b))
    page = elsewhere.get(link, follow=True)
    assert page.status_code == 200
    assert page.context["validlink"] is False  # "This link is no longer valid", in Polish
    set_password = page.redirect_chain[-1][0] if page.redirect_chain else link
    elsewhere.post(set_password, {"new_password1": "Cizí heslo 4242", "new_password2": "x"})
    elsewhere.post(
        set_password, {"new_password1": "Cizí heslo 4242", "new_password2": "Cizí heslo 4242"}
    )
    user_a.refresh_from_db()
    assert user_a.check_password(PASSWORD)
    # On its own portal the same link still works.
    home = HttpClient(HTTP_HOST=host_of(two_clients.a)).get(link, follow=True)
    assert home.context["validlink"] is True


def test_reset_mails_are_throttled_per_account_and_per_address(two_clients, user_a):
    http = HttpClient(HTTP_HOST=host_of(two_clients.a))
    answers = [http.post("/accounts/password-reset/", {"email": user_a.email}) for _ in range(5)]
    # Three mails an hour for one account; the page says the same every time.
    assert len(mail.outbox) == 3
    assert {(answer.status_code, answer["Location"]) for answer in answers} == {
        (302, "/accounts/password-reset/sent/")
    }
    unknown = http.post("/accounts/password-reset/", {"email": "nobody@example.org"})
    assert (unknown.status_code, unknown["Location"]) == (302, "/accounts/password-reset/sent/")
    # Ten requests an hour from one address (six made above), whatever the account.
    for attempt in range(4):
        http.post("/accounts/password-reset/", {"email": f"someone{attempt}@example.org"})
    refused = http.post("/accounts/password-reset/", {"email": "nobody@example.org"})
    assert refused.status_code == 429
    assert "Příliš mnoho žádostí z vaší adresy" in refused.content.decode()  # in Czech
    elsewhere = HttpClient(HTTP_HOST=host_of(two_clients.a), REMOTE_ADDR="10.0.0.7")
    assert (
        elsewhere.post("/accounts/password-reset/", {"email": "x@example.org"}).status_code == 302
    )
