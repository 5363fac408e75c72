"""A portal manager invites a colleague in a real browser (Debian's chromium driven by
Playwright): the invitation's link sets a password, the colleague signs in as a viewer and
is refused the Users page, and the manager reads all of it in the portal's audit log."""

import re
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django.core import mail
from playwright.sync_api import Browser, expect

from accounts.models import User
from reporting.models import KpiSnapshot
from tests.support.browser import served_and_browsed
from tests.support.factories import PASSWORD, UserFactory
from tests.support.tenancy import host_of, in_schema

pytestmark = pytest.mark.slow

INVITED = "nova.kolegyne@obuv.example"
NEW_PASSWORD = "Zelený kůň skáče přes plot 42"


@dataclass(frozen=True)
class Site:
    browser: Browser
    url: str
    manager: str


@pytest.fixture(scope="module")
def site(two_clients, django_db_blocker) -> Iterator[Site]:
    # Committed data, and the database open for the whole module: the server thread has
    # its own connection and serves requests while the test runs.
    with django_db_blocker.unblock():
        manager = UserFactory(
            role=User.Role.CLIENT, client=two_clients.a, portal_role=User.PortalRole.MANAGER
        )
        host = host_of(two_clients.a)  # no ORM calls once Playwright runs
        with served_and_browsed() as (port, browser):
            yield Site(browser, f"http://{host}:{port}", manager.username)
        User.objects.filter(pk=manager.pk).delete()
        User.objects.filter(email=INVITED).delete()
        with in_schema(two_clients.a):  # the month so far, stored when the dashboard showed it
            KpiSnapshot.objects.all().delete()


def sign_in(page, url: str, username: str, password: str) -> None:
    """Client A's portal greets strangers in its default language, Czech."""
    page.goto(f"{url}/accounts/login/")
    page.get_by_label("Uživatelské jméno").fill(username)
    page.get_by_label("Heslo").fill(password)
    page.get_by_role("button", name="Přihlásit").click()


def test_a_manager_invites_a_viewer_and_reads_it_in_the_audit_log(site):
    manager = site.browser.new_context().new_page()
    sign_in(manager, site.url, site.manager, PASSWORD)
    expect(manager).to_have_url(f"{site.url}/")
    manager.get_by_role("link", name="Team and settings").click()
    expect(manager.get_by_role("heading", name="Users")).to_be_visible()
    invite = manager.locator("#invite")
    invite.get_by_label("E-mail").fill(INVITED)
    invite.get_by_label("Role").select_option("viewer")
    invite.get_by_role("button", name="Send the invitation").click()
    expect(manager.get_by_role("status")).to_have_text(f"Invitation sent to {INVITED}.")
    row = manager.locator(f'tr[data-user="{INVITED}"]')
    expect(row).to_contain_text("Invited")

    # The e-mail the server sent (Django's test outbox: the server runs in this process).
    [message] = [sent for sent in mail.outbox if sent.to == [INVITED]]
    [link] = re.findall(r"https?://\S+", message.body)
    assert link.startswith(f"{site.url}/accounts/invitation/")

    colleague = site.browser.new_context().new_page()
    colleague.goto(link)
    colleague.locator("input[name=new_password1]").fill(NEW_PASSWORD)
    colleague.locator("input[name=new_password2]").fill(NEW_PASSWORD)
    colleague.locator("form button[type=submit]").click()
    expect(colleague).to_have_url(f"{site.url}/accounts/reset/done/")

    sign_in(colleague, site.url, INVITED, NEW_PASSWORD)
    expect(colleague).to_have_url(f"{site.url}/")
    # A viewer: no Team link, and the page itself refuses.
    expect(colleague.locator(".portal-nav a[href='/team/']")).to_have_count(0)
    refused = colleague.goto(f"{site.url}/team/")
    assert refused is not None and refused.status == 403

    manager.reload()
    expect(row).to_contain_text("Active")
    manager.get_by_role("link", name="Audit log").click()
    events = manager.locator("#audit-events")
    expect(events.locator("tr", has_text="invited").filter(has_text=INVITED)).to_have_count(1)
    expect(
        events.locator("tr", has_text="invitation accepted").filter(has_text=INVITED)
    ).to_have_count(1)
    expect(events.locator("tr[data-action=signed_in]").filter(has_text=INVITED)).to_have_count(1)
