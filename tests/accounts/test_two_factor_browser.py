"""Two factors in a real browser: an agency admin must enrol after the password (the key
read off the page, the code computed from it as an app would), then signs in with a code
and remembers the browser; a portal user signs in on their portal with their app's code."""

import base64
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.core.cache import cache
from playwright.sync_api import Browser, Page, expect

from accounts.models import User
from tenants.models import Client
from tests.support.browser import served_and_browsed
from tests.support.factories import PASSWORD, UserFactory
from tests.support.tenancy import host_of
from tests.support.two_factor import totp_code, totp_device_for

pytestmark = pytest.mark.slow


@dataclass(frozen=True)
class Site:
    browser: Browser
    agency: str
    portal_a: str
    admin: str
    portal_user: str
    portal_key: str
    manager: str


@pytest.fixture(scope="module")
def site(two_clients, django_db_blocker) -> Iterator[Site]:
    # Committed: the server thread has its own connection.
    with django_db_blocker.unblock():
        admin = UserFactory(role=User.Role.ADMIN)
        portal_user = UserFactory(role=User.Role.CLIENT, client=two_clients.a)
        key = totp_device_for(portal_user).key
        manager = UserFactory(
            role=User.Role.CLIENT, client=two_clients.a, portal_role=User.PortalRole.MANAGER
        )
        host_a = host_of(two_clients.a)
        with served_and_browsed() as (port, browser):
            yield Site(
                browser=browser,
                agency=f"http://localhost:{port}",
                portal_a=f"http://{host_a}:{port}",
                admin=admin.username,
                portal_user=portal_user.username,
                portal_key=key,
                manager=manager.username,
            )
        people = [admin, portal_user, manager]
        AccessAttempt.objects.filter(username__in=[user.username for user in people]).delete()
        User.objects.filter(pk__in=[user.pk for user in people]).delete()
        Client.objects.filter(pk=two_clients.a.pk).update(portal_two_factor_required=False)
        cache.clear()


def shots(tmp_path: Path) -> Path:
    """Screenshots go to POLYDESK_SHOTS when set (to look at them), else the test's folder."""
    folder = Path(os.environ.get("POLYDESK_SHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def shoot(page: Page, folder: Path, name: str) -> None:
    for width, height in ((1280, 800), (1920, 1000)):
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=folder / f"{name}-{width}.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 800})


def password_step(page: Page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("button[type=submit]").click()


def test_an_admin_enrols_then_signs_in_with_a_code_on_the_desk(site, tmp_path):
    folder = shots(tmp_path)
    page = site.browser.new_page(viewport={"width": 1280, "height": 800})
    password_step(page, site.agency, site.admin)
    expect(page).to_have_url(f"{site.agency}/accounts/two-factor/enrol/")
    expect(page.locator("#two-factor-qr svg")).to_be_visible()
    shoot(page, folder, "enrol")
    # Nothing else is open before the app is set up.
    page.goto(f"{site.agency}/")
    expect(page).to_have_url(f"{site.agency}/accounts/login/?next=/")
    page.goto(f"{site.agency}/accounts/two-factor/enrol/")

    secret = page.locator("#two-factor-secret").inner_text().replace(" ", "")
    key_hex = base64.b32decode(secret + "=" * (-len(secret) % 8)).hex()
    page.locator("input[name=code]").fill(totp_code(key_hex))
    page.locator("button[type=submit]").click()
    expect(page).to_have_url(f"{site.agency}/accounts/two-factor/recovery-codes/")
    expect(page.locator("#recovery-codes li")).to_have_count(10)
    shoot(page, folder, "recovery-codes")
    page.get_by_role("button", name="I have kept them").click()
    expect(page).to_have_url(f"{site.agency}/")
    expect(page.locator("#my-links")).to_be_visible()

    page.get_by_role("button", name="Sign out").click()
    password_step(page, site.agency, site.admin)
    expect(page).to_have_url(f"{site.agency}/accounts/two-factor/code/")
    shoot(page, folder, "code")
    # The enrolment's time step is used: the app's next code (still within the window).
    page.locator("input[name=code]").fill(totp_code(key_hex, at=time.time() + 30))
    page.locator("input[name=remember]").check()
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(f"{site.agency}/")

    page.get_by_role("button", name="Sign out").click()
    password_step(page, site.agency, site.admin)
    expect(page).to_have_url(f"{site.agency}/")  # remembered: no code asked
    page.goto(f"{site.agency}/accounts/two-factor/")
    expect(page.locator("#remembered-browsers tbody tr")).to_have_count(1)
    shoot(page, folder, "two-factor-settings")
    page.locator("#remembered-browsers").get_by_role("button", name="Forget").click()
    expect(page.locator("#remembered-browsers")).to_have_count(0)
    page.close()


def test_a_portal_user_signs_in_with_a_code_on_their_portal(site, tmp_path):
    folder = shots(tmp_path)
    page = site.browser.new_page(viewport={"width": 1280, "height": 800})
    password_step(page, site.portal_a, site.portal_user)
    expect(page).to_have_url(f"{site.portal_a}/accounts/two-factor/code/")
    page.locator("input[name=code]").fill("000000")
    page.locator("button[type=submit]").click()
    expect(page.get_by_role("alert")).to_be_visible()
    shoot(page, folder, "code-wrong-portal")
    time.sleep(1.1)  # django-otp waits a second after a wrong code
    page.locator("input[name=code]").fill(totp_code(site.portal_key))
    page.locator("button[type=submit]").click()
    expect(page).to_have_url(f"{site.portal_a}/")
    page.goto(f"{site.portal_a}/security/")
    expect(page.locator("#two-factor-required")).to_be_visible()  # a viewer: read-only
    expect(page.locator("input[name=two_factor_required]")).to_have_count(0)
    shoot(page, folder, "portal-security-viewer")
    page.close()


def test_a_portal_manager_requires_two_factors_of_the_clients_users(site, tmp_path):
    folder = shots(tmp_path)
    page = site.browser.new_page(viewport={"width": 1280, "height": 800})
    password_step(page, site.portal_a, site.manager)
    expect(page).to_have_url(f"{site.portal_a}/")  # not required yet, no app: no code
    page.goto(f"{site.portal_a}/security/")
    page.locator("#two-factor-required").check()
    page.locator("main form button[type=submit]").click()
    expect(page.get_by_role("status")).to_be_visible()
    expect(page.locator("#two-factor-required")).to_be_checked()
    shoot(page, folder, "portal-security-manager")
    page.locator("header form.signout button").click()
    # The manager has no app: the next sign-in asks to set one up, and nothing else opens.
    password_step(page, site.portal_a, site.manager)
    expect(page).to_have_url(f"{site.portal_a}/accounts/two-factor/enrol/")
    page.goto(f"{site.portal_a}/security/")
    expect(page).to_have_url(f"{site.portal_a}/accounts/login/?next=/security/")
    page.close()
