"""Signing in on every site: the sign-in limit (accounts.login_limit, accounts.backends) and
the password reset by e-mail, for this client's users only."""

import re

import pytest
from django.core import mail
from django.test import Client as HttpClient

from accounts.models import User
from tests.support.factories import PASSWORD, UserFactory
from tests.support.tenancy import host_of

pytestmark = pytest.mark.django_db


def test_sign_in_is_refused_for_a_while_after_five_failures(two_clients, user_a):
    http = HttpClient(HTTP_HOST=host_of(two_clients.a))
    for _attempt in range(5):
        page = http.post("/accounts/login/", {"username": user_a.username, "password": "nope"})
        assert page.status_code == 200
    blocked = http.post("/accounts/login/", {"username": user_a.username, "password": PASSWORD})
    assert blocked.status_code == 429
    assert "_auth_user_id" not in http.session
    # Another account from another address is not affected.
    other = UserFactory(role=User.Role.CLIENT, client=two_clients.a)
    elsewhere = HttpClient(HTTP_HOST=host_of(two_clients.a), REMOTE_ADDR="10.0.0.9")
    assert (
        elsewhere.post(
            "/accounts/login/", {"username": other.username, "password": PASSWORD}
        ).status_code
        == 302
    )


def test_a_password_is_reset_by_e_mail_for_this_clients_users_only(two_clients, user_a, user_b):
    http = HttpClient(HTTP_HOST=host_of(two_clients.a))
    # Client B's user asking on client A's portal: the same answer, and no mail.
    response = http.post("/accounts/password-reset/", {"email": user_b.email})
    assert response.status_code == 302 and mail.outbox == []
    http.post("/accounts/password-reset/", {"email": user_a.email})
    [message] = mail.outbox
    assert message.to == [user_a.email]
    link = re.search(r"http://[^/]+(/accounts/reset/\S+/)", message.body)[1]
    form = http.get(link, follow=True)
    assert form.status_code == 200
    done = http.post(
        form.redirect_chain[-1][0] if form.redirect_chain else link,
        {"new_password1": "Ein neues Passwort 42", "new_password2": "Ein neues Passwort 42"},
    )
    assert done.status_code == 302 and done["Location"] == "/accounts/reset/done/"
    user_a.refresh_from_db()
    assert user_a.check_password("Ein neues Passwort 42")


def test_the_desk_and_the_admin_are_limited_too_and_the_proxy_is_not_the_client(
    settings, two_clients
):
    # two_clients: the agency and its domain ("localhost"), made once per run; run first on a
    # worker, the desk had no domain yet and every sign-in failed, the right one too.
    agent = UserFactory(role=User.Role.AGENT)
    desk = HttpClient(HTTP_HOST="localhost")
    for _attempt in range(5):
        desk.post("/accounts/login/", {"username": agent.username, "password": "nope"})
    desk.post("/accounts/login/", {"username": agent.username, "password": PASSWORD})
    assert "_auth_user_id" not in desk.session  # blocked: the right password is refused
    admin = HttpClient(HTTP_HOST="localhost")
    admin.post("/admin/login/", {"username": agent.username, "password": PASSWORD})
    assert "_auth_user_id" not in admin.session

    # Behind the TLS proxy, thirty failures from one client do not lock out the others.
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    for attempt in range(30):
        HttpClient(HTTP_HOST="localhost", HTTP_X_FORWARDED_FOR="203.0.113.7").post(
            "/accounts/login/", {"username": f"guess{attempt}", "password": "nope"}
        )
    colleague = UserFactory(role=User.Role.AGENT)
    other = HttpClient(HTTP_HOST="localhost", HTTP_X_FORWARDED_FOR="198.51.100.4")
    other.post("/accounts/login/", {"username": colleague.username, "password": PASSWORD})
    assert "_auth_user_id" in other.session
    forged = HttpClient(HTTP_HOST="localhost", HTTP_X_FORWARDED_FOR="198.51.100.4, 203.0.113.7")
    forged.post("/accounts/login/", {"username": colleague.username, "password": PASSWORD})
    assert "_auth_user_id" not in forged.session  # the proxy's last entry counts
