"""Search in a real browser: an agent types a Czech customer's name without accents in the
box every desk page has, finds her conversation with its client, and opens it."""

import pytest
from playwright.sync_api import expect

from accounts.models import User
from conversations.models import Conversation
from conversations.services import conversation_open_inbound
from languages.services import agent_skills_set
from routing.models import AgentState, WorkItem
from tests.support.browser import served_and_browsed
from tests.support.factories import PASSWORD, UserFactory
from tests.support.tenancy import in_schema

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def desk(two_clients, django_db_blocker):
    with django_db_blocker.unblock():
        agent = UserFactory(role=User.Role.AGENT, language="en")
        agent_skills_set(agent=agent, skills={"cs": "native"})
        agent.served_clients.set([two_clients.a])
        with in_schema(two_clients.a):
            conversation = conversation_open_inbound(
                client=two_clients.a,
                channel="email",
                subject="Reklamace bot",
                text="Dobrý den, boty z objednávky 4711 se rozpadly po týdnu v Žilině.",
                customer_email="zofie@example.cz",
                customer_name="Žofie Dvořáková",
            ).conversation
        try:
            with served_and_browsed() as (port, browser):
                yield {"url": f"http://localhost:{port}", "browser": browser, "agent": agent}
        finally:
            WorkItem.objects.filter(client=two_clients.a, source_id=conversation.pk).delete()
            with in_schema(two_clients.a):
                customer = conversation.customer
                Conversation.objects.filter(pk=conversation.pk).delete()
                customer.delete()
            AgentState.objects.filter(agent=agent).delete()
            agent.delete()


def test_search_without_accents_finds_a_czech_customer(desk):
    page = desk["browser"].new_page()
    page.goto(desk["url"] + "/")
    page.get_by_label("User name").fill(desk["agent"].username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    expect(page.locator("#queue")).to_be_visible()
    page.wait_for_load_state("load")  # the scripts (deferred) are in
    page.keyboard.press("/")  # the shortcut puts the cursor in the header's box
    expect(page.locator("#desk-search-q")).to_be_focused()
    page.keyboard.type("zofie dvorakova")
    page.keyboard.press("Enter")

    results = page.locator("#search-results")
    expect(page.locator("#search-count")).to_contain_text("Conversations found: 1")
    expect(results).to_contain_text("Client A Obuv")
    expect(results.locator(".hit-customer mark")).to_have_text(["Žofie", "Dvořáková", "zofie"])
    expect(results).to_contain_text("Reklamace bot")

    page.locator("#search-q").fill("zilina")  # the town as named, without accents
    page.get_by_role("button", name="Search").last.click()
    expect(results.locator(".hit-snippet mark")).to_have_text(["Žilině"])  # "v Žilině" found

    results.get_by_role("link", name="Reklamace bot").click()
    expect(page.get_by_role("heading", name="Client A Obuv")).to_be_visible()
    expect(page.locator(".message.in")).to_contain_text("rozpadly po týdnu")
    page.close()
