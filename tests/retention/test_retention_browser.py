"""The portal's "Data kept" page in a real browser: a client's user reads the periods the
agency set and what the next run would remove; after a run, an old conversation's thread
shows the marker in place of its words."""

import os
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from accounts.models import User
from conversations.models import Conversation, Message
from customers.models import Customer
from retention.models import RetentionRule
from retention.services import retention_apply
from tests.support.browser import in_another_thread, served_and_browsed
from tests.support.factories import PASSWORD, UserFactory
from tests.support.tenancy import host_of, in_schema

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def site(two_clients, django_db_blocker) -> Iterator[dict]:
    client = two_clients.a
    with django_db_blocker.unblock():
        user = UserFactory(role=User.Role.CLIENT, client=client)
        rule = RetentionRule.objects.create(
            client=client, messages_days=730, attachments_days=365, recordings_days=90
        )
        now = timezone.now()
        with in_schema(client):
            customer = Customer.objects.create(name="Retence Browser", email="ret@example.cz")
            old = Conversation.objects.create(
                customer=customer,
                channel="email",
                language="cs",
                subject="Stará reklamace",
                created_at=now - timedelta(days=900),
                status="resolved",
                resolved_at=now - timedelta(days=800),
            )
            Message.objects.create(
                conversation=old,
                direction="in",
                channel="email",
                body_text="Bydlím na Kounicově 12 v Brně.",
                created_at=now - timedelta(days=900),
            )
        host = host_of(client)
        try:
            with served_and_browsed() as (port, browser):
                yield {
                    "url": f"http://{host}:{port}",
                    "browser": browser,
                    "user": user.username,
                    "conversation": old.pk,
                    "client": client,
                }
        finally:
            with in_schema(client):
                Conversation.objects.filter(pk=old.pk).delete()
                customer.delete()
            rule.delete()
            user.delete()


def _screenshots(page: Page, name: str) -> None:
    """For a person's look (never committed): at 1280 and 1920 px wide, in
    POLYDESK_SCREENSHOTS when set."""
    if not os.environ.get("POLYDESK_SCREENSHOTS"):
        return
    folder = Path(os.environ["POLYDESK_SCREENSHOTS"])
    folder.mkdir(parents=True, exist_ok=True)
    for width in (1280, 1920):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(folder / f"{name}-{width}.png"), full_page=True)


def _signed_in(site) -> Page:
    page = site["browser"].new_page(viewport={"width": 1280, "height": 900})
    page.goto(site["url"] + "/accounts/login/")
    page.get_by_label("Uživatelské jméno").fill(site["user"])
    page.get_by_label("Heslo").fill(PASSWORD)
    page.get_by_role("button", name="Přihlásit").click()
    expect(page).to_have_url(site["url"] + "/")
    return page


def test_a_portal_user_reads_the_periods_and_the_next_runs_counts(site):
    page = _signed_in(site)
    page.get_by_role("link", name="Data kept").click()
    expect(page).to_have_url(site["url"] + "/privacy/retention/")
    heading = page.get_by_role("heading", name="How long we keep your customers' data")
    expect(heading).to_be_visible()
    row = page.get_by_role("row", name="Messages (text and e-mails)")
    expect(row).to_contain_text("730 days")
    expect(row.locator("td.num")).to_have_text("1")
    expect(page.get_by_role("row", name="Call details")).to_contain_text(
        "As long as our contract lasts"
    )
    _screenshots(page, "portal-retention")
    page.close()


def test_after_a_run_the_thread_shows_the_marker_in_place_of_the_words(site):
    def run() -> None:
        with in_schema(site["client"]):
            retention_apply(client=site["client"])

    in_another_thread(run)
    page = _signed_in(site)
    page.goto(site["url"] + f"/conversations/{site['conversation']}/")
    expect(page.locator("body")).to_contain_text("Odstraněno po 730 dnech (uchovávání údajů)")
    expect(page.locator("body")).not_to_contain_text("Kounicově")
    _screenshots(page, "portal-redacted-thread")
    page.goto(site["url"] + "/privacy/retention/")
    row = page.get_by_role("row", name="Messages (text and e-mails)")
    expect(row.locator("td.num")).to_have_text("0")
    page.close()
