"""The data fill of conversations 0001 (0005 before the squash): conversations already waiting
for the customer when the pause came in wait since the last answer (or the first response, or
their opening)."""

import importlib
from datetime import UTC, datetime, timedelta

import pytest
from django.apps import apps

from conversations.models import Conversation, Message
from conversations.services import conversation_open_inbound
from tests.support.tenancy import in_schema

pytestmark = pytest.mark.django_db
OPENED = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
FIRST_RESPONSE = OPENED + timedelta(hours=3)
LAST_ANSWER = OPENED + timedelta(days=2)

migration = importlib.import_module("conversations.migrations.0001_initial")


def conversation(client, email: str, *, status: str, first_response_at=None) -> Conversation:
    opened = conversation_open_inbound(
        client=client,
        channel="email",
        text="Dobrý den, kde je moje objednávka?",
        customer_email=email,
        subject=f"Objednávka {email}",
        now=OPENED,
    ).conversation
    Conversation.objects.filter(pk=opened.pk).update(
        status=status, pending_since=None, first_response_at=first_response_at
    )
    return opened


def answer(conversation: Conversation, at: datetime, direction: str = "out") -> None:
    Message.objects.create(
        conversation=conversation,
        direction=direction,
        channel="email",
        body_text="Dobrý den, zásilka je na cestě.",
        created_at=at,
    )


def test_pending_conversations_wait_since_the_last_answer_then_first_response_then_opening(
    two_clients,
):
    with in_schema(two_clients.a):
        answered_twice = conversation(
            two_clients.a, "a@example.cz", status="pending", first_response_at=FIRST_RESPONSE
        )
        answer(answered_twice, FIRST_RESPONSE)
        answer(answered_twice, LAST_ANSWER)
        answer(answered_twice, LAST_ANSWER + timedelta(hours=1), direction="note")
        responded_by_call = conversation(
            two_clients.a, "b@example.cz", status="pending", first_response_at=FIRST_RESPONSE
        )
        never_answered = conversation(two_clients.a, "c@example.cz", status="pending")
        still_open = conversation(
            two_clients.a, "d@example.cz", status="open", first_response_at=FIRST_RESPONSE
        )
        answer(still_open, LAST_ANSWER)

        migration.pending_since_fill(apps, None)

        def pending_since(item: Conversation) -> datetime | None:
            return Conversation.objects.get(pk=item.pk).pending_since

        assert pending_since(answered_twice) == LAST_ANSWER  # not the note after it
        assert pending_since(responded_by_call) == FIRST_RESPONSE
        assert pending_since(never_answered) == OPENED
        assert pending_since(still_open) is None


def test_a_pending_conversation_that_already_has_its_moment_keeps_it(two_clients):
    with in_schema(two_clients.a):
        kept = conversation(two_clients.a, "e@example.cz", status="pending")
        Conversation.objects.filter(pk=kept.pk).update(pending_since=LAST_ANSWER)
        answer(kept, FIRST_RESPONSE)

        migration.pending_since_fill(apps, None)

        assert Conversation.objects.get(pk=kept.pk).pending_since == LAST_ANSWER
