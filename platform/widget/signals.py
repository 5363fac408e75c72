"""Telling a waiting widget that its chat changed: the session's ``seq`` grows and
PostgreSQL's NOTIFY carries ``<schema>:<conversation id>:<seq>`` on CHANNEL to the live
process (widget.live). NOTIFY is delivered when the transaction commits, so a widget never
hears of a reply that was rolled back, and asks only for what is already there.

A chat merged into another conversation (conversations.merge) lives on there: a change of
that conversation bumps the chat's own session too (the row its token names, which the live
process watches)."""

from django.db import connection

from tenants.current import schema_name_current

CHANNEL = "polydesk_widget"


def chat_signal(*, conversation_id: int) -> int | None:
    """Bump the seq of the chat of ``conversation_id`` and of every chat merged into it, and
    notify each (in the current client schema and transaction); the conversation's own new
    seq, or None when it was not started from the widget."""
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE widget_chatsession SET seq = seq + 1 WHERE conversation_id = %s"
            " OR conversation_id IN"
            " (SELECT id FROM conversations_conversation WHERE merged_into_id = %s)"
            " RETURNING conversation_id, seq",
            [conversation_id, conversation_id],
        )
        rows = cursor.fetchall()
        schema = schema_name_current()
        for chat_id, seq in rows:
            cursor.execute("SELECT pg_notify(%s, %s)", [CHANNEL, f"{schema}:{chat_id}:{seq}"])
    return next((int(seq) for chat_id, seq in rows if chat_id == conversation_id), None)
