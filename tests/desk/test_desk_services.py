"""The services behind the desk's actions, called directly (routing and conversations)."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from conversations.models import Conversation, Message
from conversations.services import (
    conversation_note_add,
    conversation_queue_language,
    conversation_triage_set,
    tags_parse,
)
from routing.models import AgentState, WorkItem
from routing.services import agent_heartbeat, item_release, item_transfer, work_enqueue
from tests.support.desk import agent_with, held_by, inbound, signed_in
from tests.support.factories import UserFactory
from tests.support.tenancy import in_schema

pytestmark = pytest.mark.django_db


def test_tags_are_parsed_once_each_in_lower_case():
    assert tags_parse("Refund, delivery  refund,,DELIVERY x") == ["refund", "delivery", "x"]
    assert tags_parse("  ") == []


def test_a_transferred_call_is_offered_with_a_deadline(two_clients):
    receiver = agent_with([two_clients.a], {"cs": "native"})
    call = work_enqueue(
        client=two_clients.a, channel="call", language="cs", source_kind="call", source_id=77
    )
    now = timezone.now()
    item = item_transfer(item_id=call.pk, to_agent=receiver, now=now)
    assert (item.status, item.agent, item.offered_at) == ("offered", receiver, now)
    assert item.offer_expires_at == now + timedelta(seconds=20)


def test_a_closed_item_is_neither_transferred_nor_released(two_clients):
    receiver = agent_with([two_clients.a], {"cs": "native"})
    item = work_enqueue(
        client=two_clients.a,
        channel="email",
        language="cs",
        source_kind="conversation",
        source_id=78,
    )
    WorkItem.objects.filter(pk=item.pk).update(status="done")
    with pytest.raises(ValueError, match="closed"):
        item_transfer(item_id=item.pk, to_agent=receiver)
    with pytest.raises(ValueError, match="holds"):
        item_release(item_id=item.pk)


def test_an_agent_with_only_basic_czech_is_not_given_czech_work(two_clients):
    basic = agent_with([two_clients.a], {"cs": "basic", "en": "native"})
    item = work_enqueue(
        client=two_clients.a,
        channel="email",
        language="cs",
        source_kind="conversation",
        source_id=79,
    )
    with pytest.raises(ValueError, match="language"):
        item_transfer(item_id=item.pk, to_agent=basic)


def test_services_refuse_bad_input_and_change_nothing(two_clients):
    agent = agent_with([two_clients.a], {"cs": "native"})
    conversation, item = inbound(two_clients.a, "Dobrý den, kde je moje zásilka?", "s@example.cz")
    with in_schema(two_clients.a):
        with pytest.raises(ValidationError):
            conversation_note_add(
                client=two_clients.a, conversation_id=conversation.pk, agent=agent, text="\n "
            )
        with pytest.raises(ValidationError) as refused:
            conversation_triage_set(
                client=two_clients.a,
                conversation_id=conversation.pk,
                category="x" * 65,
                tags=["ok"],
                priority=5,
            )
        assert set(refused.value.message_dict) == {"category", "priority"}
        with pytest.raises(ValidationError):
            conversation_queue_language(
                client=two_clients.a,
                conversation_id=conversation.pk,
                language="klingon",
                agent=agent,
            )
        unchanged = Conversation.objects.get(pk=conversation.pk)
        assert (unchanged.category, unchanged.priority, unchanged.language) == ("", 0, "cs")
        assert Message.objects.filter(conversation=conversation).count() == 1
    item.refresh_from_db()
    assert (item.priority, item.language) == (0, "cs")


def test_a_call_item_opens_with_the_clients_clock(two_clients):
    agent = agent_with([two_clients.a], {"cs": "native"})
    call = work_enqueue(
        client=two_clients.a, channel="call", language="cs", source_kind="call", source_id=80
    )
    held_by(call, agent)
    page = signed_in(agent).get(f"/desk/items/{call.pk}").text
    assert 'id="open-state"' in page and "Client A Obuv" in page


def test_the_heartbeat_returns_the_presence(two_clients):
    assert agent_heartbeat(agent=UserFactory()) == "offline"  # no state yet
    agent = agent_with([two_clients.a], {"cs": "native"}, presence="busy")
    now = timezone.now() + timedelta(minutes=1)  # the presence switch was a heartbeat too
    assert agent_heartbeat(agent=agent, now=now) == "busy"
    assert AgentState.objects.get(agent=agent).heartbeat_at == now


def test_a_call_offered_to_the_agent_is_marked_in_the_inbox(two_clients):
    """A call is accepted by answering it (telephony bridges it then); the desk shows it."""
    agent = agent_with([two_clients.a], {"cs": "native"})
    call = work_enqueue(
        client=two_clients.a,
        channel="call",
        language="cs",
        source_kind="call",
        source_id=81,
        summary="+420 777 000 111",
    )
    http = signed_in(agent)
    assert "Offered to you" not in http.get("/desk/live").json()["html"]
    item_transfer(item_id=call.pk, to_agent=agent)  # offered to the agent
    inbox = http.get("/desk/live").json()["html"]
    mine = inbox[: inbox.index('id="queue"')]
    assert "+420 777 000 111" in mine and "Offered to you" in mine
