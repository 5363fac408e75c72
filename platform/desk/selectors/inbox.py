"""Reads for the agent's inbox, public schema only: the clients' table, the agent's items,
the head of what they may take and the counts, in one scan of the waiting work."""

import logging
import zlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connection
from django.db.models import Q, QuerySet
from django.utils import timezone
from psycopg.types.numeric import Int8
from redis.exceptions import RedisError

from accounts.models import User
from accounts.selectors import clients_served
from core.channels import Channel
from routing.models import WorkItem
from routing.pulse import pulse_of_agent
from routing.selectors import ACTIVE, agent_reach_cached, eligible_items_sql
from routing.services import URGENT_FIRST
from tenants.models import Client

log = logging.getLogger(__name__)

# The inbox shows the head of the queue and the busiest clients; the counts cover all.
QUEUE_HEAD = 25
CLIENT_LINES = 25


def client_colour(client: Client) -> str:
    """A stable colour per client (from its slug), so that two clients never look alike
    on the desk at a glance. Clients have no brand colour of their own yet."""
    hue = zlib.crc32(client.slug.encode()) % 360
    return f"hsl({hue} 60% 35%)"


@dataclass(frozen=True)
class ClientCard:
    client: Client
    local_time: datetime
    portal_url: str


def portal_url(domain: str) -> str:
    port = settings.SITE_URL_PORT
    suffix = "" if port in ("", "80", "443") else f":{port}"
    return f"{settings.SITE_URL_SCHEME}://{domain}{suffix}/"


def client_cards_public(*, limit: int | None = None) -> tuple[list[ClientCard], int]:
    """The live clients by name (the first ``limit``) with their local time and portal
    address, and how many more there are (two queries, three when there are more)."""
    now = timezone.now()
    cards = []
    serving = Client.objects.serving().order_by("name")
    for client in serving.prefetch_related("domains")[:limit]:
        primary = next((d for d in client.domains.all() if d.is_primary), None)
        cards.append(
            ClientCard(
                client=client,
                local_time=timezone.localtime(now, client.tz),
                portal_url=portal_url(primary.domain) if primary else "",
            )
        )
    # Counted only when the limit was reached: below it there is nothing more.
    more = serving.count() - len(cards) if limit is not None and len(cards) == limit else 0
    return cards, more


@dataclass(frozen=True)
class CountLine:
    key: str  # a language code or a client's name
    waiting: int
    oldest: datetime


@dataclass(frozen=True)
class QueueFilter:
    """What the agent narrowed the queue's table to (the counts cover everything)."""

    client_id: int | None = None
    channel: str = ""
    language: str = ""
    due_from: datetime | None = None
    due_until: datetime | None = None
    page: int = 1

    def sql(self) -> tuple[str, list[Any]]:
        """A condition on the eligible rows, and its values."""
        clauses: list[str] = ["TRUE"]
        params: list[Any] = []
        for column, value in (
            ("client_id", self.client_id),
            ("channel", self.channel),
            ("language", self.language),
        ):
            if value not in (None, ""):
                clauses.append(f"{column} = %s")
                params.append(value)
        if self.due_from is not None:
            clauses.append("due_at >= %s")
            params.append(self.due_from)
        if self.due_until is not None:
            clauses.append("due_at < %s")
            params.append(self.due_until)
        return " AND ".join(clauses), params


@dataclass(frozen=True)
class Inbox:
    my_items: list["WorkItem"]  # offered or assigned to the agent, most urgent first
    queue_head: list["WorkItem"]  # one page of what the agent may take (filtered), in order
    per_language: list[CountLine]
    per_client: list[CountLine]  # the CLIENT_LINES longest-waiting clients
    more_clients: int  # clients with waiting work beyond those lines
    waiting: int  # everything the agent may take now
    queue_total: int = 0  # what the queue's filter lets through
    page: int = 1

    @property
    def pages(self) -> int:
        return max(1, -(-self.queue_total // QUEUE_HEAD))


def agent_items_public(agent: User) -> "QuerySet[WorkItem]":
    """The items offered or assigned to this agent, most urgent first."""
    return (
        WorkItem.objects.filter(agent=agent, status__in=ACTIVE)
        .select_related("client")
        .order_by(*URGENT_FIRST)
    )


def queue_clients_public(agent: User, chosen: int | None) -> "QuerySet[Client]":
    """The clients the queue's filter offers: those the agent serves; for an agent of every
    client, those with waiting work and the one ``chosen``: every client would be thousands
    of options (5,000: 200 KiB of the page), most of them with nothing to show."""
    clients = clients_served(agent)
    if not agent.serves_every_client:
        return clients
    waiting = WorkItem.objects.filter(status=WorkItem.Status.WAITING).values("client_id")
    return clients.filter(Q(pk__in=waiting) | Q(pk=chosen))


def agent_pulse_public(agent: User) -> str | None:
    """What the desk compares each second (routing/pulse.py): a digest that changes when work
    is queued for one of the agent's clients, or given to or taken from them; None when the
    pulse's cache cannot be read (the desk's slower poll still brings the news)."""
    try:
        return pulse_of_agent(agent_id=agent.pk, client_ids=agent_reach_cached(agent).served_ids)
    except (DatabaseError, RedisError):
        log.exception("The desk's pulse cannot be read")
        return None


def item_news(item: WorkItem) -> dict[str, Any]:
    """What the desk's notifications say of an item (desk_live.js)."""
    return {
        "id": item.pk,
        "status": item.status,
        "channel": item.channel,
        "client": item.client.name,
        "summary": item.summary,
    }


# One scan of the queue for the whole inbox: the eligible rows are read once (a CTE used
# several times is materialised), then counted per language and per client in the database,
# so that a few dozen rows come back whatever the number of items and clients.
_INBOX_SQL = """
    WITH eligible AS (
        SELECT id, client_id, channel, language, priority, due_at, waiting_since
        FROM routing_workitem WHERE {clause}
    ), by_client AS (
        SELECT client_id, count(*) AS waiting, min(waiting_since) AS oldest
        FROM eligible GROUP BY client_id
    )
    (SELECT 'language', language, count(*), min(waiting_since), NULL::bigint
     FROM eligible GROUP BY language ORDER BY language)
    UNION ALL
    (SELECT 'client', tenants_client.name, by_client.waiting, by_client.oldest, NULL
     FROM by_client JOIN tenants_client ON tenants_client.id = by_client.client_id
     ORDER BY by_client.oldest, tenants_client.name LIMIT %s)
    UNION ALL
    SELECT 'clients', NULL, count(*), NULL, NULL FROM by_client
    UNION ALL
    SELECT 'filtered', NULL, count(*), NULL, NULL FROM eligible WHERE {head}
    UNION ALL
    (SELECT 'head', NULL, NULL, NULL, id FROM eligible WHERE {head}
     ORDER BY priority DESC, due_at ASC NULLS LAST, waiting_since, id LIMIT %s OFFSET %s)
"""


def agent_inbox_public(
    agent: User, *, now: datetime | None = None, queue: QueueFilter | None = None
) -> Inbox:
    """The agent's inbox: their items, one page of what they may take (``queue``: its
    filter and page), and counts per language and client. Three queries (four when the
    agent's reach is not cached), one scan of the waiting work, however many items and
    clients there are."""
    queue = queue or QueueFilter()
    now = now or timezone.now()
    reach = agent_reach_cached(agent)
    clause, params = eligible_items_sql(reach, list(Channel.values), now)
    # The clause's first value is the clients served (none for an agent of every client).
    # psycopg sends a list of small ids as smallint[]; against the bigint column PostgreSQL
    # then probes the client index once per client. As bigint[] it hashes the list and
    # scans once (500 clients: 34 -> 25 ms).
    if not reach.every_client:
        if params[0] != list(reach.client_ids):
            raise RuntimeError("eligible_items_sql no longer starts with the clients served")
        params[0] = [Int8(client_id) for client_id in params[0]]
    with connection.cursor() as cursor:
        wanted, wanted_params = queue.sql()
        cursor.execute(
            _INBOX_SQL.format(clause=clause, head=wanted),
            [
                *params,
                CLIENT_LINES,
                *wanted_params,
                *wanted_params,
                QUEUE_HEAD,
                (queue.page - 1) * QUEUE_HEAD,
            ],
        )
        rows = cursor.fetchall()
    lines: dict[str, list[Any]] = {
        "language": [],
        "client": [],
        "clients": [],
        "filtered": [],
        "head": [],
    }
    for kind, key, waiting, oldest, item_id in rows:
        lines[kind].append(item_id if kind == "head" else CountLine(key, waiting, oldest))
    # A UNION ALL promises no order between or within its parts: sorted here again.
    head = sorted(
        WorkItem.objects.select_related("client").in_bulk(lines["head"]).values(),
        key=lambda item: (
            -item.priority,
            item.due_at is None,
            item.due_at or now,
            item.waiting_since,
            item.pk,
        ),
    )
    clients_waiting = lines["clients"][0].waiting
    return Inbox(
        my_items=list(agent_items_public(agent)),
        queue_head=head,
        per_language=sorted(lines["language"], key=lambda line: line.key),
        per_client=sorted(lines["client"], key=lambda line: (line.oldest, line.key)),
        more_clients=max(clients_waiting - len(lines["client"]), 0),
        waiting=sum(line.waiting for line in lines["language"]),
        queue_total=lines["filtered"][0].waiting,
        page=queue.page,
    )
