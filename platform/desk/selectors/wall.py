"""The supervisors' wall, public schema only: queues per language and client, agents
available per language, each agent's activity."""

import zoneinfo
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Count, Min, Q
from django.utils import timezone

from accounts.models import User
from languages.models import AgentSkill
from routing.models import AgentState, WorkItem
from routing.selectors import ACTIVE


@dataclass(frozen=True)
class WallQueue:
    language: str
    client_name: str
    waiting: int
    longest_wait: timedelta


@dataclass(frozen=True)
class WallLanguage:
    language: str
    waiting: int
    longest_wait: timedelta | None
    agents_available: int


@dataclass(frozen=True)
class WallAgent:
    name: str
    presence: str
    held: int
    handled_today: int
    languages: list[str]


@dataclass(frozen=True)
class Wall:
    queues: list[WallQueue]  # the WALL_QUEUES longest-waiting queues
    more_queues: int
    languages: list[WallLanguage]
    agents: list[WallAgent]


WALL_QUEUES = 100


def supervisor_wall_public(*, now: datetime | None = None, time_zone: str = "UTC") -> Wall:
    """Queues per language and client (waiting, longest wait; the longest waits first),
    agents available per language, and each agent's presence, items held and items
    handled today (since local midnight in ``time_zone``). Four queries."""
    now = now or timezone.now()
    rows = (
        WorkItem.objects.filter(status=WorkItem.Status.WAITING)
        .values("language", "client__name")
        .annotate(waiting=Count("id"), oldest=Min("waiting_since"))
        .order_by("oldest", "language", "client__name")
    )
    queues = [
        WallQueue(r["language"], r["client__name"], r["waiting"], now - r["oldest"]) for r in rows
    ]
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
    per_language: dict[str, list[Any]] = {}
    for queue in queues:
        line = per_language.setdefault(queue.language, [0, timedelta(0)])
        line[0] += queue.waiting
        line[1] = max(line[1], queue.longest_wait)
    languages = [
        WallLanguage(
            language=code,
            waiting=per_language.get(code, [0, None])[0],
            longest_wait=per_language.get(code, [0, None])[1],
            agents_available=available.get(code, 0),
        )
        for code in sorted(set(per_language) | set(available))
    ]
    local_midnight = timezone.localtime(now, zoneinfo.ZoneInfo(time_zone)).replace(
        hour=0, minute=0, second=0, microsecond=0
    )
    agents = (
        User.objects.filter(is_active=True, role__in=[User.Role.AGENT, User.Role.ADMIN])
        .filter(Q(desk_state__isnull=False) | Q(role=User.Role.AGENT))
        .select_related("desk_state")
        .annotate(
            held=Count("work_items", filter=Q(work_items__status__in=ACTIVE)),
            handled=Count(
                "work_items",
                filter=Q(
                    work_items__status=WorkItem.Status.DONE,
                    work_items__closed_at__gte=local_midnight,
                ),
            ),
        )
        .order_by("username")
    )
    skills: dict[int, list[str]] = {}
    for agent_id, code in (
        AgentSkill.objects.filter(proficiency__in=["native", "fluent"])
        .values_list("agent_id", "language_id")
        .order_by("language_id")
    ):
        skills.setdefault(agent_id, []).append(code)
    return Wall(
        queues=queues[:WALL_QUEUES],
        more_queues=max(len(queues) - WALL_QUEUES, 0),
        languages=languages,
        agents=[
            WallAgent(
                name=agent.get_full_name() or agent.username,
                presence=_presence_of(agent),
                held=agent.held,
                handled_today=agent.handled,
                languages=skills.get(agent.pk, []),
            )
            for agent in agents
        ],
    )


def _presence_of(agent: User) -> str:

    try:
        return agent.desk_state.presence
    except AgentState.DoesNotExist:
        return AgentState.Presence.OFFLINE
