"""Telling a waiting widget that its chat changed: the session's ``seq`` grows and
PostgreSQL's NOTIFY carries ``<schema>:<conversation id>:<seq>`` on CHANNEL to the live
process (widget.live). NOTIFY is delivered when the transaction commits, so a widget never
hears of a reply that was rolled back, and asks only for what is already there."""

from django.db import connection

from tenants.current import schema_name_current

CHANNEL = "polydesk_widget"


def chat_signal(*, conversation_id: int) -> int | None:
    """Bump the chat's ``seq`` and notify (in the current client schema and transaction);
    the new seq, or None when the conversation was not started from the widget."""
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE widget_chatsession SET seq = seq + 1 WHERE conversation_id = %s RETURNING seq",
            [conversation_id],
        )
        row = cursor.fetchone()
        if row is None:
            return None
        seq = int(row[0])
        cursor.execute(
            "SELECT pg_notify(%s, %s)",
            [CHANNEL, f"{schema_name_current()}:{conversation_id}:{seq}"],
        )
    return seq
