"""Per-agent figures by day and week, public schema only: handled items, first response and
handle time from the work queue, satisfaction from the ratings copied to the public schema
(``accounts.AgentRating``). Definitions in docs/kpis.md, "Per agent"."""

import zoneinfo
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection
from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncDate

from accounts.models import AgentRating, User

SATISFIED = 4  # a rating of 4 or 5 is a satisfied customer (as CSAT_SATISFIED for calls)


@dataclass(frozen=True)
class Period:
    """A day or a week (Monday to Sunday) in a time zone."""

    kind: str  # "day" or "week"
    first: date
    time_zone: str

    @classmethod
    def of(cls, kind: str, day: date, time_zone: str) -> "Period":
        first = day - timedelta(days=day.weekday()) if kind == "week" else day
        return cls(kind=kind, first=first, time_zone=time_zone)

    @property
    def days(self) -> list[date]:
        return [self.first + timedelta(days=n) for n in range(7 if self.kind == "week" else 1)]

    @property
    def last(self) -> date:
        return self.days[-1]

    def bounds(self) -> tuple[datetime, datetime]:
        """The period's start and end as aware datetimes (the end excluded)."""
        zone = zoneinfo.ZoneInfo(self.time_zone)
        start = datetime.combine(self.first, time(), zone)
        end = datetime.combine(self.last + timedelta(days=1), time(), zone)
        return start, end

    def shifted(self, steps: int) -> "Period":
        return Period(
            self.kind, self.first + timedelta(days=len(self.days) * steps), self.time_zone
        )


@dataclass(frozen=True)
class Figures:
    handled: int = 0
    first_response: timedelta | None = None  # median over the handled items answered
    answered: int = 0  # the handled items with a first response
    handle_time: timedelta | None = None  # median from taking the item to done
    ratings: int = 0
    rating_sum: int = 0
    satisfied: int = 0

    @property
    def csat(self) -> Decimal | None:
        """The mean rating, to two places (half up), as the client's CSAT."""
        if not self.ratings:
            return None
        mean = Decimal(self.rating_sum) / Decimal(self.ratings)
        return mean.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)

    @property
    def satisfied_share(self) -> Decimal | None:
        if not self.ratings:
            return None
        return (Decimal(100 * self.satisfied) / self.ratings).quantize(Decimal("1"))


@dataclass(frozen=True)
class AgentLine:
    agent_id: int
    name: str
    total: Figures
    by_day: list[tuple[date, Figures]]  # every day of the period, in order


# The handled items of the period, their medians per agent and day and per agent (one scan
# of the period's done items through the agent's done-items index).
_HANDLED_SQL = """
    WITH handled AS (
        SELECT agent_id,
               (closed_at AT TIME ZONE %(zone)s)::date AS day,
               EXTRACT(EPOCH FROM responded_at - asked_at) AS first_response,
               EXTRACT(EPOCH FROM closed_at - assigned_at) AS handle
        FROM routing_workitem
        WHERE status = 'done' AND agent_id = ANY(%(agents)s)
          AND closed_at >= %(start)s AND closed_at < %(end)s
    )
    SELECT agent_id, day, count(*),
           percentile_cont(0.5) WITHIN GROUP (ORDER BY first_response),
           count(first_response),
           percentile_cont(0.5) WITHIN GROUP (ORDER BY handle)
    FROM handled
    GROUP BY GROUPING SETS ((agent_id, day), (agent_id))
"""


def _seconds(value: float | None) -> timedelta | None:
    return None if value is None else timedelta(seconds=round(value))


def agent_figures_public(*, period: Period, agents: list[User]) -> list[AgentLine]:
    """The figures of these agents in the period, in total and per day. Two queries."""
    start, end = period.bounds()
    handled: dict[tuple[int, date | None], dict[str, object]] = {}
    with connection.cursor() as cursor:
        cursor.execute(
            _HANDLED_SQL,
            {
                "zone": period.time_zone,
                "agents": [agent.pk for agent in agents],
                "start": start,
                "end": end,
            },
        )
        for agent_id, day, count, first, answered, handle in cursor.fetchall():
            handled[(agent_id, day)] = {
                "handled": count,
                "first_response": _seconds(first),
                "answered": answered,
                "handle_time": _seconds(handle),
            }
    rated: dict[tuple[int, date | None], dict[str, int]] = {}
    for row in (
        AgentRating.objects.filter(agent__in=agents, rated_at__gte=start, rated_at__lt=end)
        .values("agent_id", day=TruncDate("rated_at", tzinfo=zoneinfo.ZoneInfo(period.time_zone)))
        .annotate(
            ratings=Count("id"),
            rating_sum=Sum("rating"),
            satisfied=Count("id", filter=Q(rating__gte=SATISFIED)),
        )
    ):
        values = {key: row[key] for key in ("ratings", "rating_sum", "satisfied")}
        rated[(row["agent_id"], row["day"])] = values
        total = rated.setdefault((row["agent_id"], None), dict.fromkeys(values, 0))
        for key, value in values.items():
            total[key] += value

    def figures(agent_id: int, day: date | None) -> Figures:
        return Figures(**handled.get((agent_id, day), {}), **rated.get((agent_id, day), {}))  # type: ignore[arg-type]

    return [
        AgentLine(
            agent_id=agent.pk,
            name=agent.get_full_name() or agent.username,
            total=figures(agent.pk, None),
            by_day=[(day, figures(agent.pk, day)) for day in period.days],
        )
        for agent in agents
    ]


def desk_agents_public() -> list[User]:
    """Every active agent, and the admins who have used the desk, by name."""
    return list(
        User.objects.filter(is_active=True, role__in=[User.Role.AGENT, User.Role.ADMIN])
        .filter(Q(desk_state__isnull=False) | Q(role=User.Role.AGENT))
        .order_by("first_name", "last_name", "username")
    )
