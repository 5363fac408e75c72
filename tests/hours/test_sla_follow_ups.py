"""The SLA clocks around an answer: the first answer stops them, a follow-up gets its own
promise."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from conversations.email_in import email_file_raw
from conversations.services import conversation_reply
from hours.services import sla_sweep
from routing.models import WorkItem
from tenants.models import InboundAddress
from tests.support.mail import email
from tests.support.outbox import send_now
from tests.support.routing import czech
from tests.support.tenancy import in_schema

pytestmark = pytest.mark.django_db


@pytest.fixture
def mailbox(two_clients):
    InboundAddress.objects.create(client=two_clients.a, address="podpora@obuv.example")
    return two_clients.a


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
    email_file_raw(
        email(
            message_id="<m9@customer.example>",
            In_Reply_To="<m1@customer.example>",
            body="Ještě jedna otázka k reklamaci.",
        )
    )
    follow_up = WorkItem.objects.get(
        client=mailbox, source_id=filed.conversation_id, status="waiting"
    )
    assert follow_up.due_at > before + timedelta(hours=40)


def test_a_follow_up_to_an_answered_item_still_open_gets_its_own_promise(mailbox, two_clients):
    agent = czech(two_clients)
    filed = email_file_raw(email())
    item = WorkItem.objects.get(client=mailbox, source_id=filed.conversation_id)
    WorkItem.objects.filter(pk=item.pk).update(agent=agent, status="assigned")
    with in_schema(mailbox):
        conversation_reply(
            client=mailbox,
            conversation_id=filed.conversation_id,
            agent=agent,
            text="Dobrý den, řešíme to.",
        )
    first_due = WorkItem.objects.get(pk=item.pk).due_at
    before = timezone.now()
    # The agent did not press Done; the customer asks again.
    email_file_raw(
        email(
            message_id="<m7@customer.example>",
            In_Reply_To="<m1@customer.example>",
            body="A ještě: kdy přijde náhradní díl?",
        )
    )
    item.refresh_from_db()
    assert (item.status, item.agent_id, item.responded_at) == ("assigned", agent.pk, None)
    assert item.due_at > before + timedelta(hours=40) and item.due_at >= first_due
    assert sla_sweep(now=item.due_at + timedelta(minutes=1)).breaches == 1
