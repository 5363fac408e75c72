"""The agency's receivables page in a real browser: an admin uploads a bank statement, reads
what the import did, and allocates the payment no invoice was found for."""

import os
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import expect

from accounts.models import User
from tests.support.billing import billing_tables_truncate, plan_for, utc
from tests.support.browser import second_step, served_and_browsed
from tests.support.factories import PASSWORD, UserFactory
from tests.support.payments import camt_entry, camt_statement, issue_with_terms

pytestmark = pytest.mark.slow


def test_an_admin_imports_a_statement_and_allocates_what_was_not_matched(
    two_clients, django_db_blocker, tmp_path
):
    with django_db_blocker.unblock():
        admin = UserFactory(role=User.Role.ADMIN, language="en")
        plan_for(two_clients.a, date(2026, 1, 1), base_monthly_fee=Decimal("12000.00"))
        invoices = [
            issue_with_terms(
                two_clients.a,
                date(2026, month, 1),
                due_on=date(2026, month + 1, 16),
                reference=f"20260{month:02d}",
                now=utc(2026, month + 1, 2),
            )
            for month in (7, 9, 10)
        ]
        statement = tmp_path / "camt053.xml"
        statement.write_bytes(
            camt_statement(
                [
                    camt_entry(
                        bank_id="W1", amount="14520.00", currency="CZK", reference="2026010"
                    ),
                    camt_entry(bank_id="W2", amount="5000.00", currency="CZK", payer="Obuv a.s."),
                    camt_entry(bank_id="W3", amount="80.00", currency="CZK", credit=False),
                ],
                currency="CZK",
            )
        )
        try:
            with served_and_browsed() as (port, browser):
                page = browser.new_page(viewport={"width": 1280, "height": 900})
                page.goto(f"http://localhost:{port}/billing/receivables/")
                page.get_by_label("User name").fill(admin.username)
                page.get_by_label("Password").fill(PASSWORD)
                page.get_by_role("button", name="Sign in").click()
                second_step(page, admin.username)  # an agency admin enrols first
                page.goto(f"http://localhost:{port}/billing/receivables/")

                page.locator("#statement-upload input[type=file]").set_input_files(statement)
                page.locator("#statement-upload button").click()
                result = page.locator("#import-result")
                expect(result).to_contain_text("New payments: 2")
                expect(result).to_contain_text("Matched to an invoice: 1")
                expect(result).to_contain_text("Debits (not imported): 1")
                total = page.locator("#aging tr.total")
                expect(total).to_contain_text("CZK29,040.00")  # July and September, 21 % VAT
                unmatched = page.locator("#unmatched tbody tr")
                expect(unmatched).to_have_count(1)
                expect(unmatched).to_contain_text("Obuv a.s.")
                _screenshots(page, tmp_path, "receivables-imported")

                unmatched.locator("input[name=invoice]").fill(invoices[0].number)
                unmatched.locator("button").click()
                expect(page.locator("#unmatched")).to_contain_text("Every payment is allocated.")
                expect(page.locator("#aging tr.total")).to_contain_text("CZK24,040.00")
                expect(page.locator("#allocations")).to_contain_text(invoices[0].number)
                page.close()
        finally:
            billing_tables_truncate()
            User.objects.filter(pk=admin.pk).delete()


def _screenshots(page, tmp_path: Path, name: str) -> None:
    """At 1280 and 1920 px, into POLYDESK_SCREENSHOTS too when it is set (to look at)."""
    folders = [tmp_path] + (
        [Path(os.environ["POLYDESK_SCREENSHOTS"])] if os.environ.get("POLYDESK_SCREENSHOTS") else []
    )
    for width in (1280, 1920):
        page.set_viewport_size({"width": width, "height": 900})
        for folder in folders:
            page.screenshot(path=folder / f"{name}-{width}.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})
