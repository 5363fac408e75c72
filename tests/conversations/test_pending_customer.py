"""Waiting for the customer: the resolution clock stands still after an answer and runs on
when the customer writes again; a conversation left silent too long is resolved."""

import json
from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client as HttpClient
from django.utils import translation

from conversations.models import Conversation
from conversations.services import (
    conversation_customer_message,
    conversation_open_inbound,
    conversation_reply,
    conversation_resolve,
    conversations_pending_resolve,
)
from conversations.tasks import pending_resolve_client_task
from desk.templatetags.desk_labels import conversation_status
from hours.models import ResolutionClock, SlaEvent, SlaTarget
from hours.services import sla_sweep
from languages.services import agent_skills_set
from routing.models import WorkItem
from tenants.services import api_key_issue
from tests.support.factories import UserFactory
from tests.support.tenancy import in_schema

pytestmark = pytest.mark.django_db
MONDAY_10_PRAGUE = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
MONDAY_12_PRAGUE = datetime(2026, 11, 23, 11, 0, tzinfo=UTC)
FRIDAY_11_PRAGUE = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)


def opened(client, *, channel="chat", now=MONDAY_10_PRAGUE) -> Conversation:
    with in_schema(client):
        return conversation_open_inbound(
            client=client,
            channel=channel,
            text="Dobrý den, kde je moje objednávka?",
            customer_email="cekam@example.cz",
            now=now,
        ).conversation


def answered(client, conversation, *, now=MONDAY_12_PRAGUE):
    agent = UserFactory(role="agent")
    agent_skills_set(agent=agent, skills={"cs": "native"})
    agent.served_clients.set([client])
    with in_schema(client):
        conversation_reply(
            client=client,
            conversation_id=conversation.pk,
            agent=agent,
            text="Dobrý den, zásilka je na cestě.",
            now=now,
        )
        conversation.refresh_from_db()
    return agent


def clock_of(client, conversation) -> ResolutionClock:
    return ResolutionClock.objects.get(client=client, conversation_id=conversation.pk)


def test_an_answer_pauses_the_clock_and_the_customers_silence_is_not_a_breach(two_clients):
    conversation = opened(two_clients.a)
    answered(two_clients.a, conversation)

    assert conversation.status == "pending"
    assert conversation.pending_since == MONDAY_12_PRAGUE
    assert clock_of(two_clients.a, conversation).paused_at == MONDAY_12_PRAGUE
    # Long past the original due time (Wednesday 9 December): nothing is warned or breached.
    assert sla_sweep(now=datetime(2026, 12, 20, tzinfo=UTC)).resolution_breaches == 0
    assert not SlaEvent.objects.filter(metric="resolution").exists()


def test_the_customer_writes_again_and_the_business_time_left_runs_on(two_clients):
    conversation = opened(two_clients.a)
    answered(two_clients.a, conversation)
    with in_schema(two_clients.a):
        conversation_customer_message(
            client=two_clients.a,
            conversation_id=conversation.pk,
            text="Ještě nepřišla.",
            now=FRIDAY_11_PRAGUE,
        )
        conversation.refresh_from_db()

    # 96 business hours from Monday 10:00; 2 used by the answer at 12:00, 94 left. From
    # Friday 11:00: 5 that Friday, 88 over the next 11 working days (Mon 30 Nov to Mon 14
    # Dec), the last one on Tuesday 15 December, 09:00 local. Warned 4 business hours before.
    clock = clock_of(two_clients.a, conversation)
    assert clock.paused_at is None
    assert clock.due_at == datetime(2026, 12, 15, 8, 0, tzinfo=UTC)
    assert clock.warn_at == datetime(2026, 12, 14, 12, 0, tzinfo=UTC)  # Monday 13:00 local
    assert conversation.resolution_due_at == clock.due_at
    assert (conversation.status, conversation.pending_since) == ("open", None)
    waiting = WorkItem.objects.get(
        client=two_clients.a, source_id=conversation.pk, status__in=WorkItem.OPEN_STATUSES
    )
    assert waiting.responded_at is None  # the new message waits for its own answer


def test_paused_after_the_due_time_the_breach_stands(two_clients):
    conversation = opened(two_clients.a)
    late = datetime(2026, 12, 10, 9, 0, tzinfo=UTC)  # a day after the due time
    answered(two_clients.a, conversation, now=late)
    breach = SlaEvent.objects.get(metric="resolution", kind="breach")
    assert (breach.due_at, breach.recorded_at) == (datetime(2026, 12, 9, 9, 0, tzinfo=UTC), late)


def test_resolved_while_waiting_is_judged_when_the_wait_began(two_clients):
    conversation = opened(two_clients.a)
    agent = answered(two_clients.a, conversation)  # on time: Monday 12:00
    with in_schema(two_clients.a):
        conversation_resolve(
            client=two_clients.a,
            conversation_id=conversation.pk,
            agent=agent,
            now=datetime(2026, 12, 20, tzinfo=UTC),
        )
    assert clock_of(two_clients.a, conversation).resolved_at is not None
    assert not SlaEvent.objects.filter(metric="resolution").exists()


def test_a_conversation_left_silent_for_seven_days_is_resolved_automatically(two_clients):
    silent, answered_again, fresh = (opened(two_clients.a) for _ in range(3))
    answered(two_clients.a, silent)
    answered(two_clients.a, answered_again)
    answered(two_clients.a, fresh, now=MONDAY_12_PRAGUE + timedelta(days=5))
    with in_schema(two_clients.a):
        conversation_customer_message(
            client=two_clients.a,
            conversation_id=answered_again.pk,
            text="A ještě jedna věc.",
            now=MONDAY_12_PRAGUE + timedelta(days=1),
        )
        a_week_later = MONDAY_12_PRAGUE + timedelta(days=7)
        assert conversations_pending_resolve(client=two_clients.a, now=a_week_later) == 1
        assert conversations_pending_resolve(client=two_clients.a, now=a_week_later) == 0
        silent.refresh_from_db()
        assert (silent.status, silent.resolved_automatically) == ("resolved", True)
        assert silent.resolved_at == a_week_later
        assert Conversation.objects.get(pk=answered_again.pk).status == "open"
        assert Conversation.objects.get(pk=fresh.pk).status == "pending"
    assert not WorkItem.objects.filter(
        client=two_clients.a, source_id=silent.pk, status__in=WorkItem.OPEN_STATUSES
    ).exists()
    assert clock_of(two_clients.a, silent).resolved_at == a_week_later
    assert not SlaEvent.objects.filter(metric="resolution").exists()  # answered on time


def test_the_clients_limit_per_channel_or_never(two_clients):
    SlaTarget.objects.create(client=two_clients.a, channel="chat", resolve_pending_after_days=2)
    SlaTarget.objects.create(client=two_clients.a, channel="api", resolve_pending_after_days=None)
    chat, api = opened(two_clients.a, channel="chat"), opened(two_clients.a, channel="api")
    answered(two_clients.a, chat)
    answered(two_clients.a, api)
    with in_schema(two_clients.a):
        later = MONDAY_12_PRAGUE + timedelta(days=60)
        assert (
            conversations_pending_resolve(
                client=two_clients.a, now=MONDAY_12_PRAGUE + timedelta(days=1)
            )
            == 0
        )
        assert conversations_pending_resolve(client=two_clients.a, now=later) == 1
        assert Conversation.objects.get(pk=chat.pk).resolved_automatically
        assert Conversation.objects.get(pk=api.pk).status == "pending"


def test_the_hourly_task_runs_in_the_clients_schema(two_clients):
    conversation = opened(two_clients.a, now=datetime(2026, 1, 5, 9, 0, tzinfo=UTC))
    answered(two_clients.a, conversation, now=datetime(2026, 1, 5, 10, 0, tzinfo=UTC))
    of_b = opened(two_clients.b, now=datetime(2026, 1, 5, 9, 0, tzinfo=UTC))
    answered(two_clients.b, of_b, now=datetime(2026, 1, 5, 10, 0, tzinfo=UTC))
    with in_schema(two_clients.a):
        assert pending_resolve_client_task() == 1  # now: long after those seven days
    with in_schema(two_clients.b):
        assert Conversation.objects.get(pk=of_b.pk).status == "pending"  # A's left it
        assert pending_resolve_client_task() == 1
        assert pending_resolve_client_task() == 0


def test_a_reopening_forgets_the_automatic_resolution_and_the_label_says_it(two_clients):
    conversation = opened(two_clients.a)
    answered(two_clients.a, conversation)
    with in_schema(two_clients.a):
        conversations_pending_resolve(
            client=two_clients.a, now=MONDAY_12_PRAGUE + timedelta(days=8)
        )
        conversation.refresh_from_db()
        with translation.override("cs"):
            assert (
                conversation_status(conversation) == "Vyřešeno automaticky (zákazník neodpověděl)"
            )
        conversation_customer_message(
            client=two_clients.a, conversation_id=conversation.pk, text="Pořád nic."
        )
        conversation.refresh_from_db()
    assert (conversation.status, conversation.reopen_count) == ("open", 1)
    assert not conversation.resolved_automatically
    with translation.override("cs"):
        assert conversation_status(conversation) == "Otevřená"


def post_message(key, conversation_id, payload):
    return HttpClient(HTTP_HOST="localhost").post(
        f"/api/v1/conversations/{conversation_id}/messages",
        json.dumps(payload),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {key}",
    )


def test_the_api_takes_the_customers_next_message_once(two_clients):
    _, key = api_key_issue(client=two_clients.a, name="chat widget")
    conversation = opened(two_clients.a)
    answered(two_clients.a, conversation)
    payload = {"text": "Děkuji, a kdy přesně?", "external_id": "chat-2"}

    first, again = (
        post_message(key, conversation.pk, payload),
        post_message(key, conversation.pk, payload),
    )
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["status"] == "open"
    assert [m["text"] for m in first.json()["messages"]][-1] == payload["text"]
    with in_schema(two_clients.a):
        assert conversation.messages.filter(direction="in").count() == 2


def test_the_api_refuses_other_clients_conversations_other_channels_and_bad_input(two_clients):
    _, key_b = api_key_issue(client=two_clients.b, name="shop")
    _, key_a = api_key_issue(client=two_clients.a, name="shop")
    chat, email = opened(two_clients.a), opened(two_clients.a, channel="email")
    # Client B's key cannot name client A's conversation (another schema).
    assert post_message(key_b, chat.pk, {"text": "Ahoj"}).status_code == 404
    assert post_message(key_a, email.pk, {"text": "Ahoj"}).status_code == 409
    refused = post_message(key_a, chat.pk, {"text": "  "}).json()["fields"]
    assert list(refused) == ["text"] and refused["text"].startswith("Required")
    assert post_message("nonsense", chat.pk, {"text": "Ahoj"}).status_code == 401
    with in_schema(two_clients.a):
        assert chat.messages.count() == 1 and email.messages.count() == 1
