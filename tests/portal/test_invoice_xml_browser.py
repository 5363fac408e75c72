"""A client's accountant in a real browser: signs in to the portal, opens an invoice issued
with VAT, downloads its e-invoice from the link, and gets the UBL file the official
validators accept. Its own client (committed rows: invoices are never deleted)."""

import os
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import expect

from accounts.models import User
from tenants.models import Client
from tenants.services import client_provision
from tests.billing.einvoice.validation import fatal, schema_errors, schematron_findings
from tests.support.billing import utc
from tests.support.browser import served_and_browsed
from tests.support.einvoice import vat_invoice
from tests.support.factories import PASSWORD, UserFactory
from tests.support.tenancy import host_of

pytestmark = pytest.mark.slow


def _screenshots(page, name: str) -> None:
    """For a person's look (never committed): at 1280 and 1920 px wide, in
    POLYDESK_SCREENSHOTS when set."""
    if not os.environ.get("POLYDESK_SCREENSHOTS"):
        return
    folder = Path(os.environ["POLYDESK_SCREENSHOTS"])
    folder.mkdir(parents=True, exist_ok=True)
    for width in (1280, 1920):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(folder / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def test_an_accountant_downloads_the_e_invoice_from_the_invoice_page(
    two_clients, django_db_blocker, tmp_path
):
    with django_db_blocker.unblock():
        _walk(tmp_path)


def _walk(tmp_path) -> None:
    """Committed rows (the server thread has its own connection), then the pages."""
    client = Client.objects.filter(slug="client-einvoice").first() or (
        client_provision(
            slug="client-einvoice",
            name="E-faktura Obuv",
            countries=["CZ"],
            languages=["cs", "en"],
            time_zone="Europe/Prague",
            currency="CZK",
        ).client
    )
    # A month no other test bills, so that the committed invoice stands alone.
    invoice = vat_invoice(
        client,
        sequence=950001,
        revision=1,
        period=date(2025, 3, 1),
        issued_at=utc(2025, 4, 2, 8),
    )
    accountant = UserFactory(role=User.Role.CLIENT, client=client, language="cs")
    host = host_of(client)

    with served_and_browsed() as (port, browser):
        page = browser.new_page(viewport={"width": 1280, "height": 900}, accept_downloads=True)
        page.goto(f"http://{host}:{port}/invoices/")
        page.get_by_label("Uživatelské jméno").fill(accountant.username)
        page.get_by_label("Heslo").fill(PASSWORD)
        page.get_by_role("button", name="Přihlásit").click()
        expect(page.locator("main")).to_contain_text(invoice.number)
        _screenshots(page, "portal-invoices-xml")
        page.get_by_role("link", name=invoice.number).click()
        expect(page.locator("#invoice-pdf")).to_contain_text("Stáhnout e-fakturu (UBL XML)")
        _screenshots(page, "portal-invoice-xml")

        with page.expect_download() as download:
            page.get_by_role("link", name="Stáhnout e-fakturu (UBL XML)").click()
        saved = tmp_path / download.value.suggested_filename
        download.value.save_as(saved)

    assert saved.name == f"invoice-{invoice.number}.xml"
    xml = saved.read_bytes()
    assert schema_errors(xml) == []
    assert fatal(schematron_findings(xml)) == []
