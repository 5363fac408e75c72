"""A client's invoices in a real browser (Debian's chromium driven by Playwright)."""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest
from playwright.sync_api import Browser, expect

from accounts.models import User
from billing.services import invoice_issue
from reporting.models import KpiSnapshot
from tests.support.billing import billing_tables_truncate, plan_for, record, utc
from tests.support.browser import served_and_browsed
from tests.support.factories import PASSWORD, UserFactory
from tests.support.pdf import text_of
from tests.support.tenancy import host_of, in_schema

pytestmark = pytest.mark.slow


@dataclass(frozen=True)
class Site:
    browser: Browser
    url_a: str
    url_b: str
    user_a: str
    user_b: str
    number: str
    invoice_id: int


@pytest.fixture(scope="module")
def site(two_clients, django_db_blocker) -> Iterator[Site]:
    # Committed rows: the server thread has its own connection.
    with django_db_blocker.unblock():
        user_a = UserFactory(role=User.Role.CLIENT, client=two_clients.a, language="cs")
        user_b = UserFactory(role=User.Role.CLIENT, client=two_clients.b)
        plan_for(
            two_clients.a,
            date(2026, 1, 1),
            base_monthly_fee=Decimal("1500"),
            price_per_email=Decimal("35"),
        )
        record(two_clients.a, "email_answered", 1, utc(2026, 10, 5, 9), language="cs")
        invoice = invoice_issue(
            client=two_clients.a, month=date(2026, 10, 1), now=utc(2026, 11, 2, 8)
        ).invoice
        host_a, host_b = host_of(two_clients.a), host_of(two_clients.b)
        try:
            with served_and_browsed() as (port, browser):
                yield Site(
                    browser=browser,
                    url_a=f"http://{host_a}:{port}",
                    url_b=f"http://{host_b}:{port}",
                    user_a=user_a.username,
                    user_b=user_b.username,
                    number=invoice.number,
                    invoice_id=invoice.pk,
                )
        finally:
            billing_tables_truncate()
            User.objects.filter(pk__in=[user_a.pk, user_b.pk]).delete()
            for client in (two_clients.a, two_clients.b):
                with in_schema(client):  # stored by the dashboards of closed months
                    KpiSnapshot.objects.all().delete()


def sign_in(page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("button[type=submit]").last.click()
    expect(page).not_to_have_url(f"{base_url}/accounts/login/")


def test_a_client_opens_its_invoice_and_downloads_the_lines(site, tmp_path):
    page = site.browser.new_page()
    sign_in(page, site.url_a, site.user_a)

    page.goto(f"{site.url_a}/invoices/")
    expect(page.get_by_role("heading", name="Faktury")).to_be_visible()
    page.get_by_role("link", name=site.number).click()
    # 1,500 + 35 in Czech notation (babel: non-breaking spaces).
    expect(page.locator("#invoice-total")).to_have_text("1\u00a0535,00\u00a0Kč")
    expect(page.get_by_role("cell", name="Měsíční paušál")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="Stáhnout položky (CSV)").click()
    saved = tmp_path / "lines.csv"
    download.value.save_as(saved)
    lines = saved.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("invoice,position,kind")
    assert [line.split(",")[2] for line in lines[1:]] == ["base_fee", "emails"]
    with page.expect_download() as download:
        page.get_by_role("link", name="Stáhnout PDF (Čeština)").click()
    assert download.value.suggested_filename == f"{site.number}.pdf"
    pdf = tmp_path / "invoice.pdf"
    download.value.save_as(pdf)
    assert "1 535,00 Kč" in text_of(pdf.read_bytes())
    page.set_viewport_size({"width": 375, "height": 740})
    page.screenshot(path=tmp_path / "invoice-phone.png", full_page=True)
    page.close()


def test_another_client_gets_404_for_the_invoice(site):
    page = site.browser.new_page()
    sign_in(page, site.url_b, site.user_b)

    response = page.goto(f"{site.url_b}/invoices/{site.invoice_id}/")

    assert response.status == 404
    expect(page.locator("body")).not_to_contain_text(site.number)
    page.close()


@pytest.mark.parametrize("width", [1280, 1920])
def test_the_invoice_page_shows_its_vat_and_terms_without_overflowing(site, tmp_path, width):
    page = site.browser.new_page(viewport={"width": width, "height": 900})
    sign_in(page, site.url_a, site.user_a)

    page.goto(f"{site.url_a}/invoices/{site.invoice_id}/")

    # 1 535,00 Kč + 21 % (322,35 Kč): 1 857,35 Kč to pay, due 14 days after 2 November.
    expect(page.locator("#invoice-vat")).to_have_text("322,35\u00a0Kč")
    expect(page.locator("#invoice-total-with-vat")).to_have_text("1\u00a0857,35\u00a0Kč")
    expect(page.locator("#invoice-due")).to_have_text("16. listopadu 2026")
    expect(page.locator("#invoice-vat-totals")).to_contain_text("Základní sazba")
    assert page.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth")
    page.screenshot(path=tmp_path / f"invoice-{width}.png", full_page=True)
    page.goto(f"{site.url_a}/invoices/")
    # To pay, and still open (nothing paid yet).
    expect(page.get_by_role("cell", name="1\u00a0857,35\u00a0Kč")).to_have_count(2)
    assert page.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth")
    page.screenshot(path=tmp_path / f"invoices-{width}.png", full_page=True)
    page.close()
