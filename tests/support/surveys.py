"""Resolved conversations and their surveys, for the survey tests (tests/surveys)."""

import re
from datetime import UTC, datetime, timedelta

from conversations.models import Conversation
from conversations.services import conversation_open_inbound, conversation_resolve
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
