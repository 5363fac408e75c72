"""Signing in in a real browser: five failures on one portal lock the account on the
agency's site and on another portal, with a clear message; a reset link of one portal is
refused on another."""

import re
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from axes.models import AccessAttempt
from django.core import mail
from django.core.cache import cache
from playwright.sync_api import Browser, Page, expect

from accounts.models import User
from tests.support.browser import served_and_browsed
from tests.support.factories import PASSWORD, UserFactory
from tests.support.tenancy import host_of

pytestmark = pytest.mark.slow


@dataclass(frozen=True)
class Site:
    browser: Browser
    agency: str
    portal_a: str
    portal_b: str
    admin: str
    user_a_email: str


@pytest.fixture(scope="module")
def site(two_clients, django_db_blocker) -> Iterator[Site]:
    # Committed: the server thread has its own connection.
    with django_db_blocker.unblock():
        admin = UserFactory(role=User.Role.ADMIN)
        user_a = UserFactory(
            role=User.Role.CLIENT, client=two_clients.a, email="reset@obuv.example"
        )
        host_a, host_b = host_of(two_clients.a), host_of(two_clients.b)
        with served_and_browsed() as (port, browser):
            yield Site(
                browser=browser,
                agency=f"http://localhost:{port}",
                portal_a=f"http://{host_a}:{port}",
                portal_b=f"http://{host_b}:{port}",
                admin=admin.username,
                user_a_email=user_a.email,
            )
        # The failures were committed by the server: other modules' sign-ins from this
        # address must not count them.
        AccessAttempt.objects.filter(username=admin.username).delete()
        User.objects.filter(pk__in=[admin.pk, user_a.pk]).delete()
        cache.clear()


def sign_in(page: Page, base_url: str, username: str, password: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(password)
    page.locator("button[type=submit]").click()


def test_five_failures_on_one_portal_lock_the_account_on_every_site(site, tmp_path):
    page = site.browser.new_page(viewport={"width": 1280, "height": 800})
    for _attempt in range(4):
        sign_in(page, site.portal_a, site.admin, "not the password")
        expect(page.get_by_role("alert")).to_be_visible()  # wrong user name or password
    sign_in(page, site.portal_a, site.admin, "not the password")
    # Client A's portal speaks Czech to strangers.
    expect(page.get_by_role("alert")).to_contain_text("uzamčeno na 15 minut")
    page.screenshot(path=tmp_path / "locked-portal-a-1280.png", full_page=True)

    # The right password, on the agency's site and on client B's portal: locked there too.
    sign_in(page, site.agency, site.admin, PASSWORD)
    expect(page.get_by_role("alert")).to_have_text(
        "Too many failed sign-ins: signing in is locked for 15 minutes, here and on every "
        "other Polydesk site. Please wait and try again."
    )
    expect(page).to_have_url(f"{site.agency}/accounts/login/")
    page.set_viewport_size({"width": 1920, "height": 1000})
    page.screenshot(path=tmp_path / "locked-agency-1920.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 800})
    page.screenshot(path=tmp_path / "locked-agency-1280.png", full_page=True)
    sign_in(page, site.portal_b, site.admin, PASSWORD)
    expect(page.get_by_role("alert")).to_contain_text("15 minut")
    expect(page).to_have_url(f"{site.portal_b}/accounts/login/")
    page.close()


def test_a_reset_link_of_one_portal_is_refused_on_another(site, tmp_path):
    page = site.browser.new_page(viewport={"width": 1280, "height": 800})
    page.goto(f"{site.portal_a}/accounts/password-reset/")
    page.locator("input[name=email]").fill(site.user_a_email)
    page.locator("button[type=submit]").click()
    expect(page).to_have_url(f"{site.portal_a}/accounts/password-reset/sent/")
    link = re.search(r"http://[^/]+(/accounts/reset/\S+/)", mail.outbox[-1].body)[1]

    page.goto(f"{site.portal_b}{link}")
    expect(page.get_by_role("alert")).to_be_visible()  # the link is no longer valid
    expect(page.locator("input[name=new_password1]")).to_have_count(0)
    page.screenshot(path=tmp_path / "reset-on-b-1280.png", full_page=True)
    page.set_viewport_size({"width": 1920, "height": 1000})
    page.screenshot(path=tmp_path / "reset-on-b-1920.png", full_page=True)

    page.goto(f"{site.portal_a}{link}")
    expect(page.locator("input[name=new_password1]")).to_be_visible()
    page.close()
