"""Who is typing in a widget chat: the agent (shown in the customer's widget, through the live
process) and the customer (shown on the desk). A mark lasts TYPING_SECONDS; the page that
types renews it while the person types."""

from datetime import datetime, timedelta

from django.db import connection, transaction

from widget.models import ChatSession
from widget.signals import chat_signal

TYPING_SECONDS = 6
# At most one mark (and one wake-up of the customer's widget) per chat in this long.
THROTTLE_SECONDS = 3


def agent_typing_mark(*, conversation_id: int, now: datetime) -> bool:
    """The agent types in this chat: shown to the customer for the next TYPING_SECONDS.
    Throttled in the database (no mark while the last one has more than TYPING_SECONDS -
    THROTTLE_SECONDS to run); True when marked and the customer's widget told."""
    until = now + timedelta(seconds=TYPING_SECONDS)
    fresh_until = now + timedelta(seconds=TYPING_SECONDS - THROTTLE_SECONDS)
    with transaction.atomic(), connection.cursor() as cursor:
        # The chats merged into the conversation too: they live on in it.
        cursor.execute(
            "UPDATE widget_chatsession SET agent_typing_until = %s WHERE (conversation_id = %s"
            " OR conversation_id IN"
            " (SELECT id FROM conversations_conversation WHERE merged_into_id = %s))"
            " AND (agent_typing_until IS NULL OR agent_typing_until <= %s) RETURNING id",
            [until, conversation_id, conversation_id, fresh_until],
        )
        if cursor.fetchone() is None:
            return False
        chat_signal(conversation_id=conversation_id)
    return True


def customer_typing(*, conversation_id: int, now: datetime) -> bool:
    """Whether the customer is typing in this chat now (for the desk)."""
    return ChatSession.objects.filter(
        conversation_id=conversation_id, customer_typing_until__gt=now
    ).exists()
