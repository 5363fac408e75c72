"""Reads on deliveries. Functions ending in ``_public`` read only the public schema."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from django.db import connection
from django.db.models import OuterRef, Subquery

from outbox import registry
from outbox.models import Delivery
from routing.models import WorkItem
from tenants.models import Client

# Due rows with their client's schema (the task runs there), oldest due first. Queued rows
# whose task is not on its way (never sent to the broker, or sent long ago and lost), and
# rows whose sender's lease ran out, unless the sweep already sent them on since.
_DUE = """
    SELECT d.id, c.schema_name FROM outbox_delivery d
    JOIN tenants_client c ON c.id = d.client_id
    WHERE (d.state = 'queued' AND d.next_attempt_at <= %(now)s
           AND (d.dispatched_at IS NULL OR d.dispatched_at < %(stale)s))
       OR (d.state = 'sending' AND d.lease_until < %(now)s
           AND (d.dispatched_at IS NULL OR d.dispatched_at < d.lease_until
                OR d.dispatched_at < %(stale)s))
    ORDER BY coalesce(d.lease_until, d.next_attempt_at)
    LIMIT %(limit)s
"""


def deliveries_due_public(
    *, now: datetime, redispatch_after: timedelta, limit: int
) -> list[tuple[int, str]]:
    """(delivery id, schema name) of the rows the sweep sends again."""
    with connection.cursor() as cursor:
        cursor.execute(_DUE, {"now": now, "stale": now - redispatch_after, "limit": limit})
        return [(row[0], row[1]) for row in cursor.fetchall()]


def deliveries_effects_due_public(*, now: datetime, limit: int) -> list[int]:
    """Rows marked sent whose effects (first response, billing) were not applied: their
    worker died between the two steps (a minute's grace for one still at it)."""
    return list(
        Delivery.objects.filter(
            effects_applied_at__isnull=True, sent_at__lt=now - timedelta(minutes=1)
        )
        .order_by("sent_at")
        .values_list("pk", flat=True)[:limit]
    )


def deliveries_of_messages(*, client: Client, message_ids: Iterable[int]) -> dict[int, Delivery]:
    """The delivery of each of these messages of ``client`` (public schema), by message id."""
    rows = Delivery.objects.filter(client=client, message_id__in=list(message_ids))
    return {row.message_id: row for row in rows if row.message_id is not None}


@dataclass(frozen=True)
class Undelivered:
    """A message that did not reach its customer, for the supervisor wall."""

    delivery: Delivery
    client_name: str
    item_id: int | None  # the conversation's latest work item (the desk's link), if any
    since: datetime | None  # when it failed or bounced


def undelivered_public(*, limit: int = 100) -> list[Undelivered]:
    """Failed and bounced messages of every client, newest first (one query)."""

    latest_item = (
        WorkItem.objects.filter(
            client_id=OuterRef("client_id"),
            source_kind="conversation",
            source_id=OuterRef("conversation_id"),
        )
        .order_by("-id")
        .values("id")[:1]
    )
    rows = (
        Delivery.objects.filter(state__in=[Delivery.State.FAILED, Delivery.State.BOUNCED])
        .exclude(channel__in=registry.OWN_CHANNELS)
        .select_related("client")
        .annotate(item_id=Subquery(latest_item))
        .order_by("-queued_at", "-id")[:limit]
    )
    return [
        Undelivered(row, row.client.name, row.item_id, row.bounced_at or row.failed_at)
        for row in rows
    ]


class _Message(Protocol):
    pk: Any
    direction: str


def messages_with_deliveries[M: _Message](*, client: Client, messages: Iterable[M]) -> list[M]:
    """``messages`` (of ``client``) with ``.delivery`` set: the delivery row of an outbound
    message or a forward (a note sent to another address), None for others and for outbound
    messages from before the outbox."""
    messages = list(messages)
    outbound = [m.pk for m in messages if m.direction in ("out", "note")]
    # One query whenever there is a thread (0 is no message's id), so that a page's query
    # count does not depend on what its thread holds.
    deliveries = (
        deliveries_of_messages(client=client, message_ids=outbound or [0]) if messages else {}
    )
    for message in messages:
        message.delivery = deliveries.get(message.pk)  # type: ignore[attr-defined]  # for the page
    return messages
