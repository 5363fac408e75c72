"""A widget chat on the item page without a reload (desk.views.chat): the customer's new
messages and their typing through the page's small JSON endpoint, the agent's typing told to
the customer's widget (throttled), bad input a 400, outsiders a 404."""

from datetime import timedelta

import lxml.html
import pytest
from django.utils import timezone

from conversations.services import conversation_customer_message, conversation_note_add
from tests.support.desk import agent_with, held_by, inbound, signed_in
from tests.support.tenancy import in_schema
from widget.models import ChatSession
from widget.tokens import session_key_new

pytestmark = pytest.mark.django_db


@pytest.fixture
def chat(two_clients):
    """A widget chat of client A held by Jana: (conversation, item, agent)."""
    shop = two_clients.a
    conversation, item = inbound(
        shop, "Dobrý den, kde je můj balík?", "eva@example.cz", channel="chat"
    )
    with in_schema(shop):
        ChatSession.objects.create(
            conversation=conversation, key=session_key_new(), created_at=timezone.now()
        )
    jana = agent_with([shop], {"cs": "native"}, first_name="Jana")
    return conversation, held_by(item, jana), jana


def news(http, item, after):
    response = http.get(f"/desk/items/{item.pk}/chat", {"after": after})
    assert response.status_code == 200
    return response.json()


def test_the_page_polls_its_chat_and_shows_a_new_message_and_typing(two_clients, chat):
    conversation, item, jana = chat
    http = signed_in(jana)
    page = http.get(f"/desk/items/{item.pk}").text
    live = lxml.html.fromstring(page).get_element_by_id("chat-live")
    assert live.get("data-url") == f"/desk/items/{item.pk}/chat"
    assert live.get("data-typing") == "The customer is typing…"
    after = int(live.get("data-after"))
    assert "desk-chat.js" in page
    first = news(http, item, after)
    assert first == {"html": "", "last": after, "typing": False}

    with in_schema(two_clients.a):
        conversation_customer_message(
            client=two_clients.a, conversation_id=conversation.pk, text="Číslo je 1042."
        )
        conversation_note_add(
            client=two_clients.a,
            conversation_id=conversation.pk,
            agent=jana,
            text="Interní poznámka",
        )
        ChatSession.objects.filter(conversation=conversation).update(
            customer_typing_until=timezone.now() + timedelta(seconds=5)
        )
    second = news(http, item, after)
    assert second["typing"] is True
    items = lxml.html.fromstring(f"<ol>{second['html']}</ol>").xpath("//li")
    # The agent's page shows the note too (the customer's widget never does).
    assert [li.get("class") for li in items] == ["message in", "message note"]
    assert "Číslo je 1042." in second["html"]
    assert second["last"] == int(items[-1].get("id").removeprefix("message-"))
    # Asked again from there: nothing new; and the customer stopped typing.
    with in_schema(two_clients.a):
        ChatSession.objects.filter(conversation=conversation).update(
            customer_typing_until=timezone.now() - timedelta(seconds=1)
        )
    assert news(http, item, second["last"]) == {
        "html": "",
        "last": second["last"],
        "typing": False,
    }


def test_the_agents_typing_reaches_the_widget_throttled(two_clients, chat):
    conversation, item, jana = chat
    http = signed_in(jana)
    assert http.post(f"/desk/items/{item.pk}/typing").status_code == 204
    with in_schema(two_clients.a):
        session = ChatSession.objects.get(conversation=conversation)
    assert session.seq == 1
    assert session.agent_typing_until > timezone.now() + timedelta(seconds=4)
    # Again at once: no new mark, no new wake-up of the widget.
    assert http.post(f"/desk/items/{item.pk}/typing").status_code == 204
    with in_schema(two_clients.a):
        assert ChatSession.objects.get(conversation=conversation).seq == 1


def test_an_agent_who_does_not_hold_the_chat_does_not_type_in_it(two_clients, chat):
    conversation, item, _ = chat
    other = agent_with([two_clients.a], {"cs": "native"})
    assert signed_in(other).post(f"/desk/items/{item.pk}/typing").status_code == 204
    with in_schema(two_clients.a):
        session = ChatSession.objects.get(conversation=conversation)
    assert (session.seq, session.agent_typing_until) == (0, None)


@pytest.mark.parametrize("after", ["-1", "x", "1e5", "9" * 40])
def test_bad_input_is_a_400(chat, after):
    _, item, jana = chat
    response = signed_in(jana).get(f"/desk/items/{item.pk}/chat", {"after": after})
    assert response.status_code == 400


def test_outsiders_get_404(two_clients, chat):
    _, item, _ = chat
    outsider = signed_in(agent_with([two_clients.b], {"pl": "native"}))
    assert outsider.get(f"/desk/items/{item.pk}/chat").status_code == 404
    assert outsider.post(f"/desk/items/{item.pk}/typing").status_code == 404


def test_the_page_says_the_chat_came_from_the_widget_and_from_which_page(two_clients, chat):
    conversation, item, jana = chat
    with in_schema(two_clients.a):
        ChatSession.objects.filter(conversation=conversation).update(
            origin="https://shop-a.example",
            page_url='https://shop-a.example/boty?"><script>alert(1)</script>',
        )
    page = signed_in(jana).get(f"/desk/items/{item.pk}").text
    origin = lxml.html.fromstring(page).get_element_by_id("chat-origin")
    assert origin.text_content() == (
        'Started in the chat widget: https://shop-a.example/boty?"><script>alert(1)</script>'
    )
    assert "<script>alert(1)" not in page  # the customer's page address is text, escaped


def test_a_chat_not_from_the_widget_says_nothing_of_it(two_clients):
    _conversation, item = inbound(two_clients.a, "Dobrý den", "eva@example.cz", channel="chat")
    jana = agent_with([two_clients.a], {"cs": "native"}, first_name="Jana")
    page = signed_in(jana).get(f"/desk/items/{held_by(item, jana).pk}").text
    assert 'id="chat-origin"' not in page
