"""GET /api/v1/conversations/{id}: an agent's reply carries its author and its delivery (as
the outbox has it); internal notes never show."""

import pytest
from django.core.cache import cache

from conversations.services import conversation_note_add, conversation_reply
from outbox.models import Delivery
from tests.restapi.support import PROBLEM, get, key_of, key_without
from tests.support.desk import inbound
from tests.support.factories import agent_serving
from tests.support.tenancy import in_schema

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _counters():
    cache.clear()  # the rate limit's windows


@pytest.fixture
def answered(two_clients):
    """Client A's e-mail conversation: the customer's message (and its acknowledgement), two
    replies of Eva Svobodová (the second bounced) and an internal note."""
    client = two_clients.a
    conversation, _ = inbound(client, "Kde je moje objednávka?", "jana@example.cz")
    agent = agent_serving([client])
    agent.first_name, agent.last_name = "Eva", "Svobodová"
    agent.save()
    with in_schema(client):
        first = conversation_reply(
            client=client, conversation_id=conversation.pk, agent=agent, text="Už jede."
        )
        second = conversation_reply(
            client=client, conversation_id=conversation.pk, agent=agent, text="Dorazí zítra."
        )
        conversation_note_add(
            client=client, conversation_id=conversation.pk, agent=agent, text="TAJNÁ POZNÁMKA"
        )
    Delivery.objects.filter(client=client, message_id=second.pk).update(
        state=Delivery.State.BOUNCED, last_error="550 5.1.1 No such user"
    )
    return conversation, first, second


def test_replies_carry_their_author_and_delivery_and_notes_never_show(two_clients, answered):
    conversation, _, _ = answered
    response = get(
        key_of(two_clients.a, "conversations:read"), f"/api/v1/conversations/{conversation.pk}"
    )
    assert response.status_code == 200, response.content
    messages = response.json()["messages"]
    assert "TAJNÁ" not in response.content.decode()
    customer, *rest = messages
    assert customer["direction"] == "in"
    assert (customer["author"], customer["delivery"]) == (None, None)
    replies = [m for m in rest if not m["automatic"]]
    # Signed with the client's signature below the text.
    assert [m["text"].split("\n")[0] for m in replies] == ["Už jede.", "Dorazí zítra."]
    assert [m["author"] for m in replies] == ["Eva Svobodová", "Eva Svobodová"]
    assert replies[0]["delivery"]["state"] == "queued" and replies[0]["delivery"]["reason"] is None
    assert replies[1]["delivery"] == {
        "state": "bounced",
        "sent_at": None,
        "reason": "550 5.1.1 No such user",
    }
    # The acknowledgement: Polydesk's, no author, its own delivery.
    automatic = [m for m in rest if m["automatic"]]
    assert all(m["author"] is None and m["delivery"] for m in automatic)


def test_another_clients_key_and_a_key_without_the_scope(two_clients, answered):
    conversation, _, _ = answered
    path = f"/api/v1/conversations/{conversation.pk}"
    hidden = get(key_of(two_clients.b), path)
    assert hidden.status_code == 404 and hidden["Content-Type"] == PROBLEM
    assert "Svobodová" not in hidden.content.decode()
    refused = get(key_without(two_clients.a, "conversations:read"), path)
    assert refused.status_code == 403 and refused.json()["scope"] == "conversations:read"
