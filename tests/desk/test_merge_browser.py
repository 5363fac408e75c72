"""Merge and spam, the merge half (issue #17), in a real browser: an agent merges two
conversations of one customer from the item page ("Merge into…", the confirmation with both
subjects) and reads the combined thread; the merged one says where it went; then merges the
customer with another one from the customer's page."""

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from accounts.models import User
from conversations.models import Conversation
from conversations.services import conversation_open_inbound
from customers.models import Customer
from languages.services import agent_skills_set
from routing.models import AgentState, WorkItem
from tests.support.browser import served_and_browsed
from tests.support.factories import PASSWORD, UserFactory
from tests.support.tenancy import in_schema

pytestmark = pytest.mark.slow

CONTACTS = (  # (subject, text, e-mail)
    ("Boty nedorazily", "Dobrý den, objednané boty stále nedorazily.", "merge-browser@example.cz"),
    (
        "Znovu: objednávka 4711",
        "Píšu znovu, objednávka 4711 pořád nic.",
        "merge-browser@example.cz",
    ),
    ("Kabelka", "Chci vrátit kabelku.", "merge-browser-work@example.cz"),
)


@pytest.fixture(scope="module")
def desk(two_clients, django_db_blocker):
    client = two_clients.a
    with django_db_blocker.unblock():
        agent = UserFactory(
            role=User.Role.AGENT, language="en", first_name="Mia", last_name="Merge"
        )
        agent_skills_set(agent=agent, skills={"cs": "native"})
        agent.served_clients.set([client])
        with in_schema(client):
            conversations = [
                conversation_open_inbound(
                    client=client, channel="email", text=text, subject=subject, customer_email=who
                ).conversation
                for subject, text, who in CONTACTS
            ]
        items = [
            WorkItem.objects.get(client=client, source_kind="conversation", source_id=c.pk)
            for c in conversations
        ]
        WorkItem.objects.filter(pk=items[1].pk).update(agent=agent, status="assigned")
        try:
            with served_and_browsed() as (port, browser):
                yield {
                    "url": f"http://localhost:{port}",
                    "browser": browser,
                    "agent": agent.username,
                    "client": client.pk,
                    "conversations": [c.pk for c in conversations],
                    "customers": [c.customer_id for c in conversations],
                    "items": [item.pk for item in items],
                }
        finally:
            WorkItem.objects.filter(
                client=client, source_id__in=[c.pk for c in conversations]
            ).delete()
            with in_schema(client):
                ids = [c.pk for c in conversations]
                Conversation.objects.filter(pk__in=ids).update(merged_into=None)
                Conversation.objects.filter(pk__in=ids).delete()
                Customer.objects.filter(email__startswith="merge-browser").update(merged_into=None)
                Customer.objects.filter(email__startswith="merge-browser").delete()
            AgentState.objects.filter(agent=agent).delete()
            agent.delete()


def signed_in_page(desk):
    page = desk["browser"].new_page(viewport={"width": 1280, "height": 900})
    page.goto(desk["url"] + "/")
    page.get_by_label("User name").fill(desk["agent"])
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    return page


def _screenshots(page, name: str) -> None:
    """For a person's look (never committed): at 1280 and 1920 px wide, in
    POLYDESK_SCREENSHOTS when set."""
    if not os.environ.get("POLYDESK_SCREENSHOTS"):
        return
    folder = Path(os.environ["POLYDESK_SCREENSHOTS"])
    folder.mkdir(parents=True, exist_ok=True)
    for width in (1280, 1920):
        page.set_viewport_size({"width": width, "height": 1000})
        page.screenshot(path=str(folder / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def test_merge_two_conversations_of_one_customer_and_see_the_combined_thread(desk):
    first, second, _other = desk["conversations"]
    first_item, second_item, _ = desk["items"]
    page = signed_in_page(desk)
    page.goto(desk["url"] + f"/desk/items/{second_item}")
    card = page.locator("#merge-card")
    expect(card).to_contain_text("Merge into…")
    _screenshots(page, "item-merge-card")

    card.locator(f'a[data-target="{first}"]').click()

    expect(page.locator("#merge-source")).to_contain_text("Znovu: objednávka 4711")
    expect(page.locator("#merge-target")).to_contain_text("Boty nedorazily")
    _screenshots(page, "merge-confirm")
    page.get_by_role("button", name=f"Merge #{second} into #{first}").click()

    expect(page).to_have_url(desk["url"] + f"/desk/items/{first_item}")
    expect(page.get_by_role("status").first).to_contain_text(f"#{second} was merged into #{first}")
    thread = page.locator("#thread")
    expect(thread).to_contain_text("objednané boty stále nedorazily")
    merged = thread.locator("li.message", has_text="objednávka 4711 pořád nic")
    expect(merged.locator(".merged-from")).to_have_text(f"from #{second}")
    _screenshots(page, "merged-thread")

    page.goto(desk["url"] + f"/desk/items/{second_item}")
    expect(page.locator("#merged-banner")).to_contain_text(f"Merged into #{first}")
    expect(page.locator("#reply-text")).to_have_count(0)
    expect(page.locator("#merge-card")).to_have_count(0)
    _screenshots(page, "merged-source")
    page.locator("#merged-target-link").click()
    expect(page).to_have_url(desk["url"] + f"/desk/items/{first_item}")
    page.close()


def test_merge_the_customer_with_another_from_the_customers_page(desk):
    kept, _same, moved = desk["customers"]
    page = signed_in_page(desk)
    page.goto(desk["url"] + f"/desk/clients/{desk['client']}/customers/{kept}")
    page.locator("#customer-query").fill("merge-browser-work")
    page.locator("#customer-search-form").get_by_role("button", name="Search").click()
    expect(page.locator("#customer-found")).to_contain_text("merge-browser-work@example.cz")
    _screenshots(page, "customer-page")
    page.locator(".customer-merge-link").click()
    expect(page.locator("#merge-target")).to_contain_text("merge-browser@example.cz")
    _screenshots(page, "customer-merge-confirm")
    page.get_by_role("button", name="Merge the customers").click()

    expect(page.get_by_role("status").first).to_contain_text("The customers were merged.")
    expect(page.locator("#identities")).to_contain_text("merge-browser-work@example.cz")
    expect(page.locator("#customer-conversations")).to_contain_text("Kabelka")
    page.goto(desk["url"] + f"/desk/clients/{desk['client']}/customers/{moved}")
    expect(page).to_have_url(desk["url"] + f"/desk/clients/{desk['client']}/customers/{kept}")
    page.close()
