"""A widget chat on the desk in a real browser: the customer's new message and their typing
appear on the open item page without a reload (desk-chat.js), and the agent's typing in the
reply box is told to the customer's widget (the chat's seq grows, agent_typing_until set)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import User
from conversations.models import Conversation
from conversations.services import conversation_customer_message, conversation_open_inbound
from languages.services import agent_skills_set
from routing.models import AgentState, WorkItem
from tests.support.browser import in_another_thread, second_step, served_and_browsed, wait_until
from tests.support.factories import PASSWORD, UserFactory
from tests.support.tenancy import in_schema
from widget.models import ChatSession
from widget.tokens import session_key_new

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def chat_desk(two_clients, django_db_blocker):
    client = two_clients.a
    with django_db_blocker.unblock():
        agent = UserFactory(role=User.Role.AGENT, language="en")
        agent_skills_set(agent=agent, skills={"cs": "native"})
        agent.served_clients.set([client])
        with in_schema(client):
            conversation = conversation_open_inbound(
                client=client,
                channel="chat",
                text="Dobrý den, kde je můj balík?",
                customer_email="chat-browser@example.cz",
                customer_name="Eva Chatová",
            ).conversation
            ChatSession.objects.create(
                conversation=conversation, key=session_key_new(), created_at=timezone.now()
            )
        item = WorkItem.objects.get(client=client, source_id=conversation.pk)
        WorkItem.objects.filter(pk=item.pk).update(agent=agent, status="assigned")
        try:
            with served_and_browsed() as (port, browser):
                yield {
                    "url": f"http://localhost:{port}",
                    "browser": browser,
                    "agent": agent.username,
                    "client": client,
                    "conversation": conversation,
                    "item": item,
                }
        finally:
            WorkItem.objects.filter(pk=item.pk).delete()
            with in_schema(client):
                customer = conversation.customer
                Conversation.objects.filter(pk=conversation.pk).delete()
                customer.delete()
            AgentState.objects.filter(agent=agent).delete()
            agent.delete()


def test_the_customers_message_and_typing_appear_and_the_agents_typing_is_told(chat_desk):
    client, conversation = chat_desk["client"], chat_desk["conversation"]
    page = chat_desk["browser"].new_page()
    page.goto(chat_desk["url"] + "/")
    page.get_by_label("User name").fill(chat_desk["agent"])
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    second_step(page, chat_desk["agent"])
    page.goto(f"{chat_desk['url']}/desk/items/{chat_desk['item'].pk}")
    page.locator("#chat-live").wait_for(state="attached")
    assert page.locator("#thread li").count() == 1

    def customer_writes_and_types():
        with in_schema(client):
            conversation_customer_message(
                client=client, conversation_id=conversation.pk, text="Objednávka 1042, díky."
            )
            ChatSession.objects.filter(conversation=conversation).update(
                customer_typing_until=timezone.now() + timedelta(seconds=30)
            )

    in_another_thread(customer_writes_and_types)
    wait_until(page, "document.querySelectorAll('#thread li').length === 2", timeout=10)
    assert "Objednávka 1042, díky." in page.locator("#thread li").last.inner_text()
    wait_until(
        page,
        "document.getElementById('chat-live').textContent === 'The customer is typing…'",
        timeout=10,
    )
    assert page.locator("#chat-live").get_attribute("role") == "status"

    page.locator("#reply-text").press_sequentially("Dobrý den")
    sessions: list = []

    def told():
        with in_schema(client):
            sessions.append(ChatSession.objects.get(conversation=conversation))

    for _ in range(50):
        sessions.clear()
        in_another_thread(told)
        if sessions[0].agent_typing_until is not None:
            break
        page.wait_for_timeout(100)
    assert sessions[0].agent_typing_until > timezone.now()
    assert sessions[0].seq >= 1
    # Reload-free: the reply box kept what the agent typed.
    assert page.locator("#reply-text").input_value() == "Dobrý den"
    page.close()
