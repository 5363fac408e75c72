"""The agency's /billing/ page in a real browser: a failed invoice e-mail is announced and
its link leads to the admin list with the reason, where it is sent again."""

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from accounts.models import User
from billing.models import BillingMail
from tests.support.billing import billing_tables_truncate, october_invoices_issue
from tests.support.browser import second_step, served_and_browsed
from tests.support.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.slow
# Screenshots for a person to look at (POLYDESK_SCREENSHOTS=<folder>); none by default.
SHOTS = os.environ.get("POLYDESK_SCREENSHOTS", "")


def test_a_failed_invoice_e_mail_is_announced_and_found_in_the_admin(
    two_clients, django_db_blocker
):
    with django_db_blocker.unblock():
        invoices = october_invoices_issue(two_clients)
        # Issuing queued both invoices' mails; one was sent, the other refused by the server.
        BillingMail.objects.filter(invoice=invoices["b"]).update(state="sent", last_error="")
        BillingMail.objects.filter(invoice=invoices["a"]).update(
            to="gone@shop.example",
            state="failed",
            attempts=1,
            last_error="recipient refused: 550 5.1.1 no such mailbox",
        )
        admin = UserFactory(role=User.Role.ADMIN, is_staff=True, is_superuser=True, language="en")
        try:
            with served_and_browsed() as (port, browser):
                page = browser.new_page(viewport={"width": 1280, "height": 900})
                page.goto(f"http://localhost:{port}/billing/?month=2026-10")
                page.get_by_label("User name").fill(admin.username)
                page.get_by_label("Password").fill(PASSWORD)
                page.get_by_role("button", name="Sign in").click()
                second_step(page, admin.username)
                page.goto(f"http://localhost:{port}/billing/?month=2026-10")
                notice = page.locator("#failed-mails")
                expect(notice).to_have_text("Invoice e-mails failed: 1")
                for width in (1280, 1920):
                    if SHOTS:
                        page.set_viewport_size({"width": width, "height": 900})
                        page.screenshot(path=str(Path(SHOTS) / f"billing-{width}.png"))
                notice.get_by_role("link").click()
                expect(page.locator("#result_list")).to_contain_text("no such mailbox")
                if SHOTS:
                    page.screenshot(
                        path=str(Path(SHOTS) / "billing-mails-admin.png"), full_page=True
                    )
                page.close()
        finally:
            billing_tables_truncate()
            User.objects.filter(pk=admin.pk).delete()
