"""The supervisors' wall, public schema only (the work queue's summaries): per language and
per client what waits (calls and messages apart), the longest wait, the first-response
promises at risk, breached and due within the hour, the agents available; each agent's
presence, time in it and current item; the items behind every number (the drill-down)."""

import zoneinfo
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import connection
from django.db.models import Count, F, Min, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.models import User
from languages.models import AgentSkill
from routing.models import AgentState, WorkItem
from routing.selectors import ACTIVE

WALL_CLIENTS = 100  # the clients shown: most breached first, then the longest waits
DRILL_DOWN_ROWS = 200
DUE_SOON = timedelta(hours=1)
TOTALS = ("waiting", "waiting_calls", "waiting_messages", "at_risk", "breached", "due_soon")


@dataclass(frozen=True)
class WallLine:
    """One language or one client."""

    key: str  # a language code or a client's name
    query: str  # the drill-down's filter: "language=cs" or "client=12"
    waiting_calls: int
    waiting_messages: int
    longest_wait: timedelta | None
    at_risk: int
    breached: int
    due_soon: int
    agents_available: int

    @property
    def waiting(self) -> int:
        return self.waiting_calls + self.waiting_messages


@dataclass(frozen=True)
class CurrentItem:
    id: int
    client_name: str
    channel: str
    summary: str
    status: str
    held_for: timedelta


@dataclass(frozen=True)
class WallAgent:
    id: int
    name: str
    presence: str
    in_presence: timedelta | None  # since the presence last changed (None: not known)
    current: CurrentItem | None  # the item the agent took last among those they hold
    held: int
    handled_today: int
    languages: list[str]


@dataclass(frozen=True)
class Wall:
    now: datetime
    languages: list[WallLine]
    clients: list[WallLine]  # the WALL_CLIENTS clients with open work that need it most
    more_clients: int
    agents: list[WallAgent]

    @property
    def totals(self) -> dict[str, int]:
        return {name: sum(getattr(line, name) for line in self.languages) for name in TOTALS}


# What each number counts, shared by the wall's counts and its drill-down (docs/kpis.md,
# "The supervisors' wall"). A promise is the first-response due time of an open item not
# answered yet; "at risk" is the business-hours warning passed, the due time not yet.
def show_filters(now: datetime) -> dict[str, Q]:
    waiting = Q(status=WorkItem.Status.WAITING)
    unanswered = Q(responded_at__isnull=True, due_at__isnull=False)
    return {
        "waiting": waiting,
        "calls": waiting & Q(channel="call"),
        "messages": waiting & ~Q(channel="call"),
        "breached": unanswered & Q(due_at__lte=now),
        "at_risk": unanswered & Q(due_at__gt=now, warn_at__lte=now),
        "due_soon": unanswered & Q(due_at__gt=now, due_at__lte=now + DUE_SOON),
    }


SHOWS = ("waiting", "calls", "messages", "breached", "at_risk", "due_soon")


def _open_items(seen_client_ids: Collection[int] | None = None) -> "QuerySet[WorkItem]":
    items = WorkItem.objects.filter(status__in=WorkItem.OPEN_STATUSES)
    return items if seen_client_ids is None else items.filter(client_id__in=seen_client_ids)


def _counted(rows: "QuerySet[WorkItem, Any]", now: datetime) -> "QuerySet[Any]":
    shows = show_filters(now)
    return rows.annotate(
        calls=Count("id", filter=shows["calls"]),
        messages=Count("id", filter=shows["messages"]),
        oldest=Min("waiting_since", filter=shows["waiting"]),
        breached=Count("id", filter=shows["breached"]),
        at_risk=Count("id", filter=shows["at_risk"]),
        due_soon=Count("id", filter=shows["due_soon"]),
    )


def _line(key: str, query: str, row: dict[str, Any], available: int, now: datetime) -> WallLine:
    return WallLine(
        key=key,
        query=query,
        waiting_calls=row["calls"],
        waiting_messages=row["messages"],
        longest_wait=now - row["oldest"] if row["oldest"] else None,
        at_risk=row["at_risk"],
        breached=row["breached"],
        due_soon=row["due_soon"],
        agents_available=available,
    )


_EMPTY = {"calls": 0, "messages": 0, "oldest": None, "at_risk": 0, "breached": 0, "due_soon": 0}

# Available agents per client served (the router's reach: served clients, not admin rights):
# those with the client in their list, and those who serve every client (their list unused).
_AVAILABLE_PER_CLIENT = """
    SELECT client.id, count(*)
    FROM unnest(%s::bigint[]) AS client (id)
    JOIN accounts_user AS agent ON agent.serves_every_client OR EXISTS (
        SELECT 1 FROM accounts_user_served_clients AS served
        WHERE served.user_id = agent.id AND served.client_id = client.id)
    JOIN routing_agentstate AS state ON state.agent_id = agent.id
    WHERE state.presence = 'available' AND agent.is_active
    GROUP BY client.id
"""


def supervisor_wall_public(
    *,
    now: datetime | None = None,
    time_zone: str = "UTC",
    seen_client_ids: Collection[int] | None = None,
) -> Wall:
    """The wall: lines per language and per client, and every agent's activity (handled
    today: since local midnight in ``time_zone``). Eight queries, whatever the numbers of
    items, clients and agents. The items counted and named are those of ``seen_client_ids``
    (a staff supervisor's clients; None: every client, for agency admins), so that every
    number matches the list behind it."""
    now = now or timezone.now()
    by_language = {
        row["language"]: row
        for row in _counted(_open_items(seen_client_ids).values("language"), now).order_by(
            "language"
        )
    }
    available = dict(
        AgentSkill.objects.filter(
            proficiency__in=["native", "fluent"],
            agent__desk_state__presence=AgentState.Presence.AVAILABLE,
            agent__is_active=True,
        )
        .values("language_id")
        .annotate(n=Count("agent", distinct=True))
        .values_list("language_id", "n")
    )
    languages = [
        _line(code, f"language={code}", by_language.get(code, _EMPTY), available.get(code, 0), now)
        for code in sorted(set(by_language) | set(available))
    ]
    client_rows = list(
        _counted(_open_items(seen_client_ids).values("client_id", "client__name"), now).order_by(
            "-breached", F("oldest").asc(nulls_last=True), "client__name"
        )
    )
    shown = client_rows[:WALL_CLIENTS]
    with connection.cursor() as cursor:
        cursor.execute(_AVAILABLE_PER_CLIENT, [[row["client_id"] for row in shown]])
        per_client = dict(cursor.fetchall())
    clients = [
        _line(
            row["client__name"],
            f"client={row['client_id']}",
            row,
            per_client.get(row["client_id"], 0),
            now,
        )
        for row in shown
    ]
    return Wall(
        now=now,
        languages=languages,
        clients=clients,
        more_clients=max(len(client_rows) - WALL_CLIENTS, 0),
        agents=_agents(now, time_zone, seen_client_ids),
    )


def _agents(
    now: datetime, time_zone: str, seen_client_ids: Collection[int] | None
) -> list[WallAgent]:
    """Every agent (and every admin with a desk): presence, current item, counts. Four
    queries. An agent's current item is named only when the viewer serves its client
    (``seen_client_ids``; None: every client, for agency admins)."""
    local_midnight = timezone.localtime(now, zoneinfo.ZoneInfo(time_zone)).replace(
        hour=0, minute=0, second=0, microsecond=0
    )
    latest_taken = (
        WorkItem.objects.filter(agent=OuterRef("pk"), status__in=ACTIVE)
        .order_by(F("assigned_at").desc(nulls_last=True), F("offered_at").desc(), "-id")
        .values("id")[:1]
    )
    agents = list(
        User.objects.filter(is_active=True, role__in=[User.Role.AGENT, User.Role.ADMIN])
        .filter(Q(desk_state__isnull=False) | Q(role=User.Role.AGENT))
        .select_related("desk_state")
        .annotate(
            # Subqueries, not a join: a join would read every item an agent ever held.
            held=_count_of(WorkItem.objects.filter(agent=OuterRef("pk"), status__in=ACTIVE)),
            handled=_count_of(
                WorkItem.objects.filter(
                    agent=OuterRef("pk"),
                    status=WorkItem.Status.DONE,
                    closed_at__gte=local_midnight,
                )
            ),
            current_id=Subquery(latest_taken),
        )
        .order_by("first_name", "last_name", "username")
    )
    current = WorkItem.objects.select_related("client").in_bulk(
        [agent.current_id for agent in agents if agent.current_id]
    )
    skills: dict[int, list[str]] = {}
    for agent_id, code in (
        AgentSkill.objects.filter(proficiency__in=["native", "fluent"])
        .values_list("agent_id", "language_id")
        .order_by("language_id")
    ):
        skills.setdefault(agent_id, []).append(code)
    lines = []
    for agent in agents:
        state = _state_of(agent)
        lines.append(
            WallAgent(
                id=agent.pk,
                name=agent.get_full_name() or agent.username,
                presence=state.presence if state else AgentState.Presence.OFFLINE,
                in_presence=now - state.presence_since if state and state.presence_since else None,
                current=_current(current.get(agent.current_id), now, seen_client_ids),
                held=agent.held,
                handled_today=agent.handled,
                languages=skills.get(agent.pk, []),
            )
        )
    return lines


def _count_of(items: "QuerySet[WorkItem]") -> Coalesce:
    """How many ``items`` (correlated with the agent's row), 0 for none."""
    counted = items.order_by().values("agent").annotate(n=Count("id")).values("n")
    return Coalesce(Subquery(counted), 0)


def _current(
    item: WorkItem | None, now: datetime, seen_client_ids: Collection[int] | None
) -> CurrentItem | None:
    if item is None or (seen_client_ids is not None and item.client_id not in seen_client_ids):
        return None
    taken = item.assigned_at or item.offered_at or item.waiting_since
    return CurrentItem(
        id=item.pk,
        client_name=item.client.name,
        channel=item.channel,
        summary=item.summary,
        status=item.status,
        held_for=now - taken,
    )


def _state_of(agent: User) -> AgentState | None:
    try:
        return agent.desk_state
    except AgentState.DoesNotExist:
        return None


@dataclass(frozen=True)
class DrillDown:
    items: list[WorkItem]  # the DRILL_DOWN_ROWS most urgent
    total: int


def wall_items_public(
    *,
    show: str,
    language: str | None = None,
    client_id: int | None = None,
    seen_client_ids: Collection[int] | None = None,
    now: datetime | None = None,
) -> DrillDown:
    """The open items behind one number of the wall (``show`` one of ``SHOWS``), most
    urgent first (due time, then the longest wait), of the clients the viewer serves
    (``seen_client_ids``; None: every client, for agency admins). Two queries."""
    now = now or timezone.now()
    rows = _open_items(seen_client_ids).filter(show_filters(now)[show])
    if language is not None:
        rows = rows.filter(language=language)
    if client_id is not None:
        rows = rows.filter(client_id=client_id)
    items = list(
        rows.select_related("client", "agent").order_by(
            F("due_at").asc(nulls_last=True), "waiting_since", "id"
        )[:DRILL_DOWN_ROWS]
    )
    total = len(items) if len(items) < DRILL_DOWN_ROWS else rows.count()
    return DrillDown(items=items, total=total)
