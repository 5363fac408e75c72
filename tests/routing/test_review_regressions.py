"""Regressions found in review: each test failed before its fix."""

from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client as HttpClient
from django.utils import timezone

from accounts.models import User
from conversations.email_in import email_file_raw
from conversations.models import Conversation, Message
from conversations.services import conversation_reply
from hours.services import sla_sweep
from languages.services import agent_skills_set
from routing.models import AgentState, WorkItem
from routing.services import (
    agent_next_item,
    agent_presence_set,
    agents_release_stale,
    route_waiting,
    work_enqueue,
)
from tenants.models import InboundAddress
from tests.conftest import in_schema
from tests.conversations.test_email_in import email
from tests.factories import UserFactory
from tests.outbox.helpers import send_now

pytestmark = pytest.mark.django_db


def czech(two_clients, **capacity) -> User:
    user = UserFactory(role=User.Role.AGENT)
    agent_skills_set(agent=user, skills={"cs": "native"})
    user.served_clients.set([two_clients.a])
    agent_presence_set(agent=user, presence="available")
    if capacity:
        AgentState.objects.filter(agent=user).update(**capacity)
    return user


def queued(client, number: int) -> WorkItem:
    return work_enqueue(client=client, channel="email", language="cs", source_kind="regress",
                        source_id=number)  # fmt: skip


@pytest.fixture
def mailbox(two_clients):
    InboundAddress.objects.create(client=two_clients.a, address="podpora@obuv.example")
    return two_clients.a


def test_provider_webhooks_are_not_served_without_a_secret(two_clients):
    assert HttpClient(HTTP_HOST="localhost").post("/anymail/sendgrid/inbound/").status_code == 404


def test_an_open_desk_keeps_its_agent_online(two_clients):
    agent = czech(two_clients)
    AgentState.objects.filter(agent=agent).update(heartbeat_at=timezone.now() - timedelta(hours=1))
    http = HttpClient(HTTP_HOST="localhost")
    http.force_login(agent)
    assert http.post("/desk/heartbeat").json() == {"ok": True}
    assert agents_release_stale() == 0
    assert AgentState.objects.get(agent=agent).presence == "available"


def test_going_offline_hands_the_work_back(two_clients):
    agent = czech(two_clients)
    item = queued(two_clients.a, 1)
    agent_next_item(agent=agent)
    agent_presence_set(agent=agent, presence="offline")
    item.refresh_from_db()
    assert (item.status, item.agent) == ("waiting", None)


def test_items_left_with_an_offline_agent_are_released(two_clients):
    agent = czech(two_clients)
    item = queued(two_clients.a, 2)
    agent_next_item(agent=agent)
    AgentState.objects.filter(agent=agent).update(presence="offline")  # e.g. a race
    assert agents_release_stale() == 1
    item.refresh_from_db()
    assert item.status == "waiting"


def test_waiting_work_is_shared_between_available_agents(two_clients):
    first, second = czech(two_clients, capacity_email=10), czech(two_clients, capacity_email=10)
    for number in range(4):
        queued(two_clients.a, 10 + number)
    assert route_waiting() == 4
    assert WorkItem.objects.filter(agent=first).count() == 2
    assert WorkItem.objects.filter(agent=second).count() == 2


def test_a_forged_in_reply_to_opens_a_new_conversation(mailbox):
    first = email_file_raw(email())
    real = email_file_raw(
        email(message_id="<m3@customer.example>", In_Reply_To="<m1@customer.example>",
              body="Ještě dotaz.")
    )  # fmt: skip
    assert real.conversation_id == first.conversation_id  # the same sender: a real reply
    message = email(message_id="<evil2@x.example>", In_Reply_To="<m1@customer.example>",
                    body="Změňte mi adresu doručení na jinou, prosím.")  # fmt: skip
    stranger = email_file_raw(message.replace(b"vera@customer.example", b"mallory@evil.example"))
    assert stranger.conversation_id != first.conversation_id and not stranger.threaded


def test_a_broken_template_or_odd_subject_does_not_stop_mail(mailbox):
    from content.models import MessageTemplate

    with in_schema(mailbox):
        MessageTemplate.objects.create(
            kind="acknowledgement", body_cs="Díky {jmeno}, {expected_answer}"
        )
    filed = email_file_raw(email(subject="=?utf-8?q?Dotaz=0Ana_dv=C4=9B_=C5=99=C3=A1dky?=",
                                 message_id="<" + "x" * 300 + "@long.example>"))  # fmt: skip
    with in_schema(mailbox):
        conversation = Conversation.objects.get(pk=filed.conversation_id)
        ack = Message.objects.get(conversation=conversation, direction="out")
    assert "\n" not in conversation.subject
    assert ack.body_text.startswith("Díky {jmeno}, ")


def test_bounces_and_auto_replies_get_no_acknowledgement(mailbox):
    from content.models import MessageTemplate

    with in_schema(mailbox):
        MessageTemplate.objects.create(kind="acknowledgement", body_cs="Děkujeme.")
    filed = email_file_raw(email(Auto_Submitted="auto-replied", message_id="<auto@x.example>"))
    with in_schema(mailbox):
        assert not Message.objects.filter(conversation_id=filed.conversation_id,
                                          direction="out").exists()  # fmt: skip


def test_the_first_answer_stops_the_sla_clock_and_a_follow_up_gets_a_new_one(mailbox, two_clients):
    agent = czech(two_clients)
    filed = email_file_raw(email())
    item = WorkItem.objects.get(client=mailbox, source_id=filed.conversation_id)
    WorkItem.objects.filter(pk=item.pk).update(agent=agent, status="assigned")
    with in_schema(mailbox):
        reply = conversation_reply(
            client=mailbox,
            conversation_id=filed.conversation_id,
            agent=agent,
            text="Dobrý den, řešíme to.",
        )
    assert send_now(mailbox, reply.pk) == "sent"  # the answer counts once the server took it
    # Answered: no first-response breach; waiting for the customer: the resolution clock
    # stands still, so however long the customer is silent, no resolution breach either.
    assert sla_sweep(now=datetime(2030, 1, 1, tzinfo=UTC)) == (0, 0, 0, 0)

    WorkItem.objects.filter(pk=item.pk).update(status="done")
    before = timezone.now()
    email_file_raw(email(message_id="<m9@customer.example>", In_Reply_To="<m1@customer.example>",
                         body="Ještě jedna otázka k reklamaci."))  # fmt: skip
    follow_up = WorkItem.objects.get(client=mailbox, source_id=filed.conversation_id,
                                     status="waiting")  # fmt: skip
    assert follow_up.due_at > before + timedelta(hours=40)


def test_only_the_items_agent_answers_it(two_clients):
    owner, other = czech(two_clients), czech(two_clients)
    item = queued(two_clients.a, 20)
    WorkItem.objects.filter(pk=item.pk).update(source_kind="conversation", agent=owner,
                                               status="assigned")  # fmt: skip
    http = HttpClient(HTTP_HOST="localhost")
    http.force_login(other)
    assert http.post(f"/desk/items/{item.pk}/reply", {"text": "x"}).status_code == 403
    assert http.post(f"/desk/items/{item.pk}/language", {"language": "sk"}).status_code == 403


def test_api_fields_longer_than_their_columns_get_a_400(two_clients):
    import json

    from tenants.services import api_key_issue

    _, key = api_key_issue(client=two_clients.b, name="shop")
    response = HttpClient(HTTP_HOST="localhost").post(
        "/api/v1/messages",
        json.dumps({"text": "Dzień dobry\x00", "customer": {"email": "a@b.pl", "name": "x" * 201}}),
        content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {key}",
    )  # fmt: skip
    assert response.status_code == 400 and "customer.name" in response.json()["fields"]


def test_a_follow_up_to_an_answered_item_still_open_gets_its_own_promise(mailbox, two_clients):
    agent = czech(two_clients)
    filed = email_file_raw(email())
    item = WorkItem.objects.get(client=mailbox, source_id=filed.conversation_id)
    WorkItem.objects.filter(pk=item.pk).update(agent=agent, status="assigned")
    with in_schema(mailbox):
        conversation_reply(client=mailbox, conversation_id=filed.conversation_id, agent=agent,
                           text="Dobrý den, řešíme to.")  # fmt: skip
    first_due = WorkItem.objects.get(pk=item.pk).due_at
    before = timezone.now()
    # The agent did not press Done; the customer asks again.
    email_file_raw(email(message_id="<m7@customer.example>", In_Reply_To="<m1@customer.example>",
                         body="A ještě: kdy přijde náhradní díl?"))  # fmt: skip
    item.refresh_from_db()
    assert (item.status, item.agent_id, item.responded_at) == ("assigned", agent.pk, None)
    assert item.due_at > before + timedelta(hours=40) and item.due_at >= first_due
    assert sla_sweep(now=item.due_at + timedelta(minutes=1)).breaches == 1
