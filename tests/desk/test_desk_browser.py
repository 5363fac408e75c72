"""The agent desk in a real browser: take the next Czech e-mail of client A, answer it with
a Czech canned reply, finish it; Polish work is not offered; customers' text cannot run."""

import pytest
from playwright.sync_api import expect

from accounts.models import User
from content.models import CannedReply
from conversations.models import Conversation
from conversations.services import conversation_open_inbound
from languages.services import agent_skills_set
from routing.models import AgentState, WorkItem
from tests.browser import served_and_browsed
from tests.conftest import in_schema
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.slow
HOSTILE = "Dobrý den, boty nepřišly. <img src=x onerror=\"document.title='pwned'\"> Prosím o radu."


@pytest.fixture(scope="module")
def desk(two_clients, django_db_blocker):
    with django_db_blocker.unblock():
        czech = UserFactory(role=User.Role.AGENT, language="cs")
        agent_skills_set(agent=czech, skills={"cs": "native"})
        czech.served_clients.set([two_clients.a, two_clients.b])
        with in_schema(two_clients.a):
            reply = CannedReply.objects.create(
                key="browser-sorry", title_cs="Omluva", body_cs="Omlouváme se, boty pošleme znovu.",
            )  # fmt: skip
            czech_item = conversation_open_inbound(
                client=two_clients.a, channel="email", text=HOSTILE, subject="Boty nepřišly",
                customer_email="browser@example.cz",
            ).conversation  # fmt: skip
        with in_schema(two_clients.b):
            polish = conversation_open_inbound(
                client=two_clients.b, channel="email", subject="Paczka",
                text="Dzień dobry, moja paczka nie dotarła, proszę o pomoc.",
                customer_email="browser@example.pl",
            ).conversation  # fmt: skip
        try:
            with served_and_browsed() as (port, browser):
                yield {"url": f"http://localhost:{port}", "browser": browser,
                       "agent": czech.username}  # fmt: skip
        finally:
            WorkItem.objects.filter(source_id__in=[czech_item.pk, polish.pk]).delete()
            for client, conversation in ((two_clients.a, czech_item), (two_clients.b, polish)):
                with in_schema(client):
                    customer = conversation.customer
                    Conversation.objects.filter(pk=conversation.pk).delete()
                    customer.delete()
            with in_schema(two_clients.a):
                CannedReply.objects.filter(pk=reply.pk).delete()
            AgentState.objects.filter(agent=czech).delete()
            czech.delete()


def test_an_agent_takes_answers_and_finishes_a_czech_email(desk):
    page = desk["browser"].new_page()
    page.goto(desk["url"] + "/")
    page.get_by_label("User name").fill(desk["agent"])
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    # Signed in, the desk speaks the agent's Czech; Polish work is not offered to them.
    queue = page.locator("#queue")
    expect(queue).to_contain_text("Client A Obuv")
    expect(queue).not_to_contain_text("Client B Sklep")
    page.get_by_label("Stav").select_option("available")
    page.get_by_role("button", name="Vzít další").click()
    page.get_by_role("link", name="Boty nepřišly").click()

    expect(page.get_by_role("heading", name="Client A Obuv")).to_be_visible()
    expect(page.locator(".message.in")).to_contain_text('<img src=x onerror="document.title')
    assert page.title() != "pwned"
    page.locator(".use-reply").first.click()
    expect(page.locator("#reply-text")).to_have_value("Omlouváme se, boty pošleme znovu.")
    page.get_by_role("button", name="Odeslat").click()
    expect(page.locator(".message.out")).to_contain_text("Omlouváme se, boty pošleme znovu.")
    page.get_by_role("button", name="Hotovo").click()
    expect(page.locator("#my-items")).to_contain_text("Nemáte přidělenou žádnou práci.")
    page.close()
