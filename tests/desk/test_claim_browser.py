"""Claiming a queue item and a supervisor assigning one, in a real browser."""

import pytest
from playwright.sync_api import expect

from accounts.models import User
from conversations.models import Conversation
from conversations.services import conversation_open_inbound
from languages.services import agent_skills_set
from routing.models import AgentState, WorkItem
from tests.support.browser import second_step, served_and_browsed
from tests.support.factories import PASSWORD, UserFactory
from tests.support.tenancy import in_schema

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def desk(two_clients, django_db_blocker):
    with django_db_blocker.unblock():
        jana = UserFactory(
            role=User.Role.AGENT, language="en", first_name="Jana", last_name="Claimer"
        )
        ota = UserFactory(role=User.Role.AGENT, language="en", first_name="Ota", last_name="Away")
        for agent in (jana, ota):
            agent_skills_set(agent=agent, skills={"cs": "native"})
            agent.served_clients.set([two_clients.a])
        boss = UserFactory(
            role=User.Role.ADMIN, language="en", first_name="Sofie", last_name="Boss"
        )
        with in_schema(two_clients.a):
            conversations = [
                conversation_open_inbound(
                    client=two_clients.a,
                    channel="email",
                    text=text,
                    subject=subject,
                    customer_email=email,
                ).conversation
                for subject, text, email in (
                    (
                        "Reklamace bot",
                        "Dobrý den, boty se po týdnu rozpadly, chci je reklamovat.",
                        "claim-browser@example.cz",
                    ),
                    (
                        "Výměna velikosti",
                        "Dobrý den, potřebuji vyměnit boty za větší velikost, prosím.",
                        "assign-browser@example.cz",
                    ),
                )
            ]
        items = {
            conversation.subject: WorkItem.objects.get(
                client=two_clients.a, source_kind="conversation", source_id=conversation.pk
            )
            for conversation in conversations
        }
        try:
            with served_and_browsed() as (port, browser):
                yield {
                    "url": f"http://localhost:{port}",
                    "browser": browser,
                    "jana": jana.username,
                    "boss": boss.username,
                    "items": {subject: item.pk for subject, item in items.items()},
                }
        finally:
            WorkItem.objects.filter(pk__in=[item.pk for item in items.values()]).delete()
            with in_schema(two_clients.a):
                for conversation in conversations:
                    customer = conversation.customer
                    Conversation.objects.filter(pk=conversation.pk).delete()
                    customer.delete()
            AgentState.objects.filter(agent__in=[jana, ota, boss]).delete()
            for user in (jana, ota, boss):
                user.delete()


def signed_in_page(desk, username):
    page = desk["browser"].new_page()
    page.goto(desk["url"] + "/")
    page.get_by_label("User name").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    second_step(page, username)
    return page


def test_claiming_a_queue_item(desk):
    page = signed_in_page(desk, desk["jana"])

    # Signed in, the agent is offline: the desk says so instead of "Nothing waiting".
    expect(page.locator("#why-nothing")).to_contain_text("You are offline.")
    expect(page.locator("#queue")).to_contain_text("Reklamace bot")

    # The item opened by its link (a colleague's message, a search hit) is claimed there.
    page.goto(desk["url"] + f"/desk/items/{desk['items']['Reklamace bot']}")
    expect(page.locator("#client-banner")).to_contain_text("Waiting in the queue")
    page.get_by_role("button", name="Go available and claim").click()

    expect(page.locator("#client-banner")).to_contain_text("Held by Jana Claimer")
    expect(page.locator("#claim-form")).to_have_count(0)
    expect(page.locator("#reply-text")).to_be_visible()
    expect(page.locator("#answer-due")).to_contain_text("of business time left")
    page.goto(desk["url"] + "/")
    expect(page.locator("#my-items")).to_contain_text("Reklamace bot")
    page.close()


def test_a_supervisor_assigning_an_item(desk):
    page = signed_in_page(desk, desk["boss"])
    page.goto(desk["url"] + f"/desk/items/{desk['items']['Výměna velikosti']}")

    assign = page.locator("#assign")
    expect(assign).to_contain_text("Assign to an agent")
    # Ota never signed in: offline, so the supervisor must confirm.
    ota = assign.locator("option", has_text="Ota Away")
    expect(ota).to_contain_text("offline")
    page.locator("#assign-agent").select_option(label=ota.inner_text().strip())
    page.get_by_role("button", name="Assign", exact=True).click()
    expect(page.get_by_role("status").first).to_contain_text(
        "Ota Away: offline. Tick “Assign anyway” to give it to them all the same."
    )
    expect(page.locator("#client-banner")).to_contain_text("Waiting in the queue")

    page.locator("#assign-agent").select_option(label=ota.inner_text().strip())
    page.locator("#assign-confirm").check()
    page.get_by_role("button", name="Assign", exact=True).click()

    expect(page.get_by_role("status").first).to_contain_text("Assigned to Ota Away.")
    expect(page.locator("#client-banner")).to_contain_text("Held by Ota Away")
    page.close()
