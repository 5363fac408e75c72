"""Resolved conversations and their surveys, for the survey tests (tests/surveys)."""

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

from accounts.models import User
from conversations.models import Conversation, Message
from conversations.services import conversation_open_inbound, conversation_resolve
from customers.models import Customer
from hours.models import ResolutionClock
from outbox.models import Delivery
from routing.models import WorkItem
from surveys.models import Survey, SurveySettings
from surveys.services import survey_settings_update, surveys_due_send
from tests.support.factories import agent_serving
from tests.support.tenancy import in_schema

MONDAY_10_PRAGUE = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
RESOLVED_AT = datetime(2026, 11, 23, 11, 0, tzinfo=UTC)
# The default delay is an hour: a sweep after it sends.
AFTER_DELAY = RESOLVED_AT + timedelta(minutes=61)
RATING_LINK = re.compile(r"(https?://\S+/survey/\S+?/)\?rating=(\d)")


def surveys_on(client, *, enabled: bool = True, delay_minutes: int = 60) -> None:
    with in_schema(client):
        survey_settings_update(
            enabled=enabled,
            delay_minutes=delay_minutes,
            reply_window_hours=72,
            link_valid_days=30,
            now=MONDAY_10_PRAGUE - timedelta(days=1),
        )


def resolved(
    client,
    *,
    channel: str = "email",
    email: str = "spokojeny@example.cz",
    phone: str = "",
    text: str = "Dobrý den, kde je moje objednávka? Děkuji.",
    at: datetime = RESOLVED_AT,
) -> Conversation:
    """A Czech customer's conversation on ``channel``, resolved by an agent at ``at``."""
    agent = agent_serving([client])
    with in_schema(client):
        conversation = conversation_open_inbound(
            client=client,
            channel=channel,
            text=text,
            customer_email=email,
            customer_phone=phone,
            country="CZ",
            language="cs",
            now=MONDAY_10_PRAGUE,
        ).conversation
        return conversation_resolve(
            client=client, conversation_id=conversation.pk, agent=agent, now=at
        )


def sweep(client, *, now: datetime = AFTER_DELAY) -> int:
    with in_schema(client):
        return surveys_due_send(client=client, now=now)


@contextmanager
def committed_resolution(
    two_clients, django_db_blocker, *, at: datetime = RESOLVED_AT, email: str = "zavod@example.cz"
) -> Iterator[Conversation]:
    """A resolved e-mail conversation of client A with surveys on, committed; it, its survey
    and everything they made are deleted afterwards."""
    client = two_clients.a
    with django_db_blocker.unblock():
        users_before = set(User.objects.values_list("pk", flat=True))
        surveys_on(client)
        conversation = resolved(client, email=email, at=at)
        try:
            yield conversation
        finally:
            Delivery.objects.filter(client=client, conversation_id=conversation.pk).delete()
            WorkItem.objects.filter(client=client, source_id=conversation.pk).delete()
            ResolutionClock.objects.filter(client=client, conversation_id=conversation.pk).delete()
            with in_schema(client):
                Survey.objects.filter(conversation=conversation).delete()
                Message.objects.filter(conversation=conversation).delete()
                Conversation.objects.filter(pk=conversation.pk).delete()
                Customer.objects.filter(email=email).delete()
                SurveySettings.objects.all().delete()
            User.objects.exclude(pk__in=users_before).delete()
