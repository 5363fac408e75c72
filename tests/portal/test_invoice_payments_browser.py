"""A client's manager sees its open and overdue invoices in a real browser (Debian's chromium
driven by Playwright), with the figures the payments make."""

import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from accounts.models import User
from billing.services.payments import bank_statement_import
from reporting.models import KpiSnapshot
from tests.support.billing import billing_tables_truncate, plan_for, utc
from tests.support.browser import served_and_browsed
from tests.support.factories import PASSWORD, UserFactory
from tests.support.payments import camt_entry, camt_statement, issue_with_terms
from tests.support.tenancy import host_of, in_schema

pytestmark = pytest.mark.slow


@dataclass(frozen=True)
class Site:
    browser: Browser
    url: str
    manager: str
    numbers: dict[str, str]


@pytest.fixture(scope="module")
def site(two_clients, django_db_blocker) -> Iterator[Site]:
    # Committed rows: the server thread has its own connection.
    with django_db_blocker.unblock():
        client = two_clients.a  # CZK, read in English by its manager
        manager = UserFactory(
            role=User.Role.CLIENT,
            client=client,
            language="en",
            portal_role=User.PortalRole.MANAGER,
        )
        plan_for(client, date(2026, 1, 1), base_monthly_fee=Decimal("12000.00"))
        terms = {
            "paid": (8, date(2026, 9, 16), "2026000801"),
            "overdue": (9, date(2026, 10, 16), "2026000901"),
            "partly": (10, date(2099, 1, 16), "2026001001"),
        }
        numbers = {
            name: issue_with_terms(
                client,
                date(2026, month, 1),
                due_on=due,
                reference=ref,
                now=utc(2026, month + 1, 2),
            ).number
            for name, (month, due, ref) in terms.items()
        }
        bank_statement_import(
            data=camt_statement(
                [
                    camt_entry(
                        bank_id="B1", amount="14520.00", currency="CZK", reference="2026000801"
                    ),
                    camt_entry(
                        bank_id="B2", amount="4500.50", currency="CZK", reference="2026001001"
                    ),
                ],
                currency="CZK",
            ),
            filename="browser.xml",
            user=None,
        )
        host = host_of(client)  # before the browser: no ORM inside its event loop
        try:
            with served_and_browsed() as (port, browser):
                yield Site(browser, f"http://{host}:{port}", manager.username, numbers)
        finally:
            billing_tables_truncate()
            User.objects.filter(pk=manager.pk).delete()
            with in_schema(client):  # stored by the dashboards of closed months
                KpiSnapshot.objects.all().delete()


def sign_in(page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("button[type=submit]").last.click()
    expect(page).not_to_have_url(f"{base_url}/accounts/login/")


def _shots() -> Path | None:
    """A folder to keep the screenshots in (POLYDESK_SCREENSHOTS), to look at them."""
    folder = os.environ.get("POLYDESK_SCREENSHOTS", "")
    return Path(folder) if folder else None


def test_a_manager_sees_open_and_overdue_invoices_with_their_figures(site, tmp_path):
    page = site.browser.new_page(viewport={"width": 1280, "height": 900})
    sign_in(page, site.url, site.manager)
    page.goto(f"{site.url}/invoices/")

    summary = page.locator("#open-summary")
    # 12,000 + 21 % VAT = 14,520 due on each. Open: 14,520 overdue + 10,019.50 left of the
    # partly paid one; overdue: 14,520.
    expect(summary).to_contain_text("Open: CZK24,539.50")
    expect(summary).to_contain_text("of which overdue: CZK14,520.00")
    overdue = page.locator(f"tr[data-number='{site.numbers['overdue']}']")
    expect(overdue.locator(".invoice-status")).to_have_text("Overdue")
    expect(overdue).to_contain_text("2026-10-16")
    partly = page.locator(f"tr[data-number='{site.numbers['partly']}']")
    expect(partly.locator(".invoice-status")).to_have_text("Partly paid")
    expect(partly).to_contain_text("CZK10,019.50")
    paid = page.locator(f"tr[data-number='{site.numbers['paid']}']")
    expect(paid.locator(".invoice-status")).to_have_text("Paid")
    for width in (1280, 1920):
        page.set_viewport_size({"width": width, "height": 900})
        for folder in filter(None, (tmp_path, _shots())):
            page.screenshot(path=folder / f"portal-invoices-{width}.png", full_page=True)

    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_role("link", name=site.numbers["partly"]).click()
    expect(page.locator("#invoice-status")).to_have_text("Partly paid")
    payments = page.locator("#invoice-payments")
    expect(payments).to_contain_text("2026001001")
    expect(page.locator("#invoice-open")).to_have_text("CZK10,019.50")
    for folder in filter(None, (tmp_path, _shots())):
        page.screenshot(path=folder / "portal-invoice-1280.png", full_page=True)
    page.close()
