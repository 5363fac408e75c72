"""Spam in a real browser: mark spam (shortcut "s", one confirmation) → gone from the queue →
in the spam list → Not spam → back in the queue."""

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from accounts.models import User
from conversations.models import Conversation
from conversations.services import conversation_open_inbound
from customers.models import BlockedSender
from hours.models import ResolutionClock
from languages.services import agent_skills_set
from routing.models import AgentState, WorkItem
from tests.support.browser import served_and_browsed
from tests.support.factories import PASSWORD, UserFactory
from tests.support.tenancy import in_schema

pytestmark = pytest.mark.slow
SUBJECT = "Levné hodinky Rolex jen dnes"


@pytest.fixture(scope="module")
def desk(two_clients, django_db_blocker):
    with django_db_blocker.unblock():
        agent = UserFactory(
            role=User.Role.AGENT, language="en", first_name="Petra", last_name="Spamová"
        )
        agent_skills_set(agent=agent, skills={"cs": "native"})
        agent.served_clients.set([two_clients.a])
        with in_schema(two_clients.a):
            conversation = conversation_open_inbound(
                client=two_clients.a,
                channel="email",
                text="Dobrý den, hodinky Rolex za zlomek ceny, klikněte na odkaz níže.",
                subject=SUBJECT,
                customer_email="nabidka@hodinky-levne.example",
            ).conversation
        item = WorkItem.objects.get(
            client=two_clients.a, source_kind="conversation", source_id=conversation.pk
        )
        try:
            with served_and_browsed() as (port, browser):
                yield {
                    "url": f"http://localhost:{port}",
                    "browser": browser,
                    "agent": agent.username,
                    "item": item.pk,
                }
        finally:
            WorkItem.objects.filter(client=two_clients.a, source_id=conversation.pk).delete()
            ResolutionClock.objects.filter(
                client=two_clients.a, conversation_id=conversation.pk
            ).delete()
            with in_schema(two_clients.a):
                BlockedSender.objects.all().delete()
                customer = conversation.customer
                Conversation.objects.filter(pk=conversation.pk).delete()
                customer.delete()
            AgentState.objects.filter(agent=agent).delete()
            agent.delete()


def test_mark_spam_then_not_spam(desk, tmp_path):
    page = desk["browser"].new_page(viewport={"width": 1280, "height": 900})
    page.goto(desk["url"] + "/")
    page.get_by_label("User name").fill(desk["agent"])
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("#queue")).to_contain_text(SUBJECT)

    # The item's page: "s" opens the spam card with its one button focused; Enter confirms.
    page.goto(desk["url"] + f"/desk/items/{desk['item']}")
    card = page.locator("#spam-card")
    expect(card).not_to_have_attribute("open", "")
    page.keyboard.press("s")
    expect(card).to_have_attribute("open", "")
    expect(page.locator("#spam-confirm")).to_be_focused()
    _screenshots(page, tmp_path, "spam-card")
    page.keyboard.press("Enter")

    # Back in the inbox: the message says what was blocked; the item is gone from the queue.
    expect(page.get_by_role("status").first).to_contain_text("nabidka@hodinky-levne.example")
    expect(page.locator("#inbox")).not_to_contain_text(SUBJECT)
    _screenshots(page, tmp_path, "inbox-after-spam")

    # The spam list, from the queue's filters: who marked it, and the undo.
    page.locator("#spam-link").click()
    row = page.locator("#spam-list tbody tr").first
    expect(row).to_contain_text(SUBJECT)
    expect(row).to_contain_text("Petra Spamová")
    expect(row).to_contain_text("blocked")
    _screenshots(page, tmp_path, "spam-list")
    # Its page says who marked it and offers the undo too.
    row.get_by_role("link", name=SUBJECT).click()
    expect(page.locator("#spam-banner")).to_contain_text("Marked by Petra Spamová")
    expect(page.locator("#conversation-status")).to_have_text("Spam")
    expect(page.locator("#client-banner")).to_contain_text("Spam: not in the queue")
    expect(page.locator("#client-banner")).not_to_contain_text("Answer due")
    _screenshots(page, tmp_path, "spam-item")
    page.go_back()
    row.get_by_role("button", name="Not spam").click()

    expect(page.locator("#spam-page")).to_contain_text("is unblocked")
    expect(page.locator("#spam-list")).to_contain_text("No spam.")
    page.goto(desk["url"] + "/")
    expect(page.locator("#queue")).to_contain_text(SUBJECT)
    page.close()


def _screenshots(page, folder: Path, name: str) -> None:
    """For a person's look (never committed): the page at 1280 and 1920 px wide, kept in
    the test's temporary folder, or POLYDESK_SCREENSHOTS when set."""
    folder = Path(os.environ.get("POLYDESK_SCREENSHOTS") or folder)
    folder.mkdir(parents=True, exist_ok=True)
    for width in (1280, 1920):
        page.set_viewport_size({"width": width, "height": 1000})
        page.screenshot(path=str(folder / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})
