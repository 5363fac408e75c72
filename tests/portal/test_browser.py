"""The client portal in a real browser (Debian's chromium driven by Playwright)."""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

import pytest
from playwright.sync_api import Browser, expect

from accounts.models import User
from customers.models import Customer
from reporting.models import KpiSnapshot, Report, ReportSettings
from reporting.services import report_generate
from tests.support.browser import served_and_browsed
from tests.support.factories import PASSWORD, CustomerFactory, UserFactory
from tests.support.tenancy import host_of, in_schema

pytestmark = pytest.mark.slow


@dataclass(frozen=True)
class Site:
    browser: Browser
    port: int
    url_a: str
    url_b: str
    user_a: str
    user_b: str


@pytest.fixture(scope="module")
def site(two_clients, django_db_blocker) -> Iterator[Site]:
    # Committed data, and the database open for the whole module: the server thread has
    # its own connection and serves requests while the tests run.
    with django_db_blocker.unblock():
        user_a = UserFactory(role=User.Role.CLIENT, client=two_clients.a)
        user_b = UserFactory(role=User.Role.CLIENT, client=two_clients.b)
        with in_schema(two_clients.a):
            customer = CustomerFactory(name="Řehoř Žluťoučký", email="rehor@example.cz")
            report = report_generate(client=two_clients.a, month=date(2026, 10, 1))
        host_a, host_b = host_of(two_clients.a), host_of(two_clients.b)

        with served_and_browsed() as (port, browser):
            yield Site(
                browser=browser,
                port=port,
                url_a=f"http://{host_a}:{port}",
                url_b=f"http://{host_b}:{port}",
                user_a=user_a.username,
                user_b=user_b.username,
            )
        with in_schema(two_clients.a):
            Customer.objects.filter(pk=customer.pk).delete()
            Report.objects.filter(pk=report.pk).delete()
            # report_generate made the client's report settings row: the admin's "add" page
            # of another test refuses a second one.
            ReportSettings.objects.all().delete()
        for client in (two_clients.a, two_clients.b):
            with in_schema(client):  # stored by the report and the dashboards of closed months
                KpiSnapshot.objects.all().delete()
        User.objects.filter(pk__in=[user_a.pk, user_b.pk]).delete()


def sign_in(page, base_url: str, username: str) -> None:
    """Client A's portal greets strangers in its default language, Czech."""
    page.goto(f"{base_url}/")
    expect(page).to_have_url(f"{base_url}/accounts/login/?next=/")
    page.get_by_label("Uživatelské jméno").fill(username)
    page.get_by_label("Heslo").fill(PASSWORD)
    page.get_by_role("button", name="Přihlásit").click()


def test_a_client_user_signs_in_and_sees_their_portal(site, tmp_path):
    page = site.browser.new_page()
    sign_in(page, site.url_a, site.user_a)

    expect(page).to_have_url(f"{site.url_a}/")
    expect(page.get_by_role("heading", name="Client A Obuv")).to_be_visible()
    # Signed in, the interface speaks the user's own language (English for this user).
    expect(page.locator("#customer-count")).to_have_text("1")
    page.get_by_role("link", name="Customers").click()
    expect(page.get_by_role("cell", name="Řehoř Žluťoučký")).to_be_visible()
    page.screenshot(path=tmp_path / "portal-customers.png", full_page=True)
    page.set_viewport_size({"width": 375, "height": 740})
    page.screenshot(path=tmp_path / "portal-customers-phone.png", full_page=True)
    page.close()


def test_the_portal_fits_a_phone_screen(site):
    page = site.browser.new_page(viewport={"width": 375, "height": 740})
    sign_in(page, site.url_a, site.user_a)
    expect(page.get_by_role("heading", name="Client A Obuv")).to_be_visible()
    # The project's own stylesheet is served and applied (no CDN).
    expect(page.locator("body")).to_have_css("background-color", "rgb(244, 246, 250)")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.close()


def test_a_user_of_another_client_is_refused(site):
    page = site.browser.new_page()
    sign_in(page, site.url_a, site.user_b)

    expect(page.get_by_role("alert")).to_have_text("Nesprávné uživatelské jméno nebo heslo.")
    page.goto(f"{site.url_a}/customers/")
    expect(page).to_have_url(f"{site.url_a}/accounts/login/?next=/customers/")
    expect(page.get_by_text("Řehoř Žluťoučký")).to_have_count(0)
    page.close()


def test_the_dashboard_shows_the_months_figures_and_charts(site):
    page = site.browser.new_page()
    sign_in(page, site.url_a, site.user_a)
    expect(page.locator(".kpi").first).to_contain_text("Contacts received")
    expect(page.locator("svg.chart")).to_have_count(4)
    page.get_by_label("Month").select_option("2026-10")
    expect(page.locator("#kpi-month")).to_have_text("October 2026")
    page.close()


def test_the_latest_report_downloads(site, tmp_path):
    page = site.browser.new_page()
    sign_in(page, site.url_a, site.user_a)
    page.get_by_role("link", name="Reports").click()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download PDF").first.click()
    download = download_info.value
    assert download.suggested_filename == "report-2026-10.pdf"
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    assert path.read_bytes().startswith(b"%PDF")
    page.close()


def test_the_dashboard_and_reports_fit_a_phone_screen(site):
    page = site.browser.new_page(viewport={"width": 375, "height": 740})
    sign_in(page, site.url_a, site.user_a)
    for path in ("/", "/reports/", "/conversations/", "/calls/", "/invoices/"):
        page.goto(f"{site.url_a}{path}")
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), path
    page.close()


def test_the_call_history_is_reached_from_the_navigation_and_searched(site):
    page = site.browser.new_page()
    sign_in(page, site.url_a, site.user_a)
    page.get_by_role("link", name="Calls").click()
    expect(page.get_by_role("heading", name="Calls")).to_be_visible()
    page.get_by_label("Caller\u2019s number").fill("+420 600 123 456")
    page.get_by_label("Outcome").select_option("abandoned")
    page.get_by_role("button", name="Search").click()
    expect(page).to_have_url(f"{site.url_a}/calls/?number=%2B420+600+123+456&outcome=abandoned")
    expect(page.get_by_role("cell", name="No calls found.")).to_be_visible()
    page.get_by_role("link", name="Invoices").first.click()
    expect(page).to_have_url(f"{site.url_a}/invoices/")
    page.close()
