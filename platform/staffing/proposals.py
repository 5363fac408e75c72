"""The week's shift proposal shown on the shifts page (docs/staffing.md, "The shift
proposal"): the gaps the latest plan leaves once the shifts entered are counted, the agents
still free that week, and the shifts ``staffing.proposal.shifts_propose`` proposes for them.
It reads only: accepting a shift is ``staffing.services.proposed_shifts_accept``."""

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from functools import partial
from typing import Literal
from zoneinfo import ZoneInfo

import numpy as np
from django.db.models import Q

from accounts.models import User
from staffing.models import Absence, PlanRun, Shift
from staffing.plan import plan_required_by_hour
from staffing.proposal import AgentAvailability, Proposal, shifts_propose
from staffing.rules import HOUR, hour_floor
from staffing.selectors import agent_languages, coverage_by_hour, staffing_settings

SHIFT_HOURS = (8, 6, 4)
# The days a contracted week is worked over: a day away takes the week's hours over these.
WORKING_DAYS = 5
REST_HOURS = 11
# Shifts of the day before and after the week still bind it through the rest between shifts.
NEIGHBOUR_HOURS = 24

type ProposalStatus = Literal[
    "optimal", "feasible", "no_solution", "no_plan", "week_past", "no_plan_for_week", "no_gaps"
]


@dataclass(frozen=True)
class ProposedLine:
    """A proposed shift: the agent, its UTC and local times, the languages it helps and the
    missing agent-hours it covers."""

    agent: User
    starts_at: datetime
    ends_at: datetime
    local_start: datetime
    local_end: datetime
    languages: list[str]
    covers: int


@dataclass(frozen=True)
class LanguageGap:
    """A language's missing agent-hours in the week before the proposal and after it."""

    language: str
    before: int
    after: int


@dataclass(frozen=True)
class WeekProposal:
    """The proposal for one week of the supervisor's zone, from the latest done plan."""

    start: datetime  # UTC, the local Monday's midnight
    end: datetime
    zone: ZoneInfo
    plan: PlanRun | None
    status: ProposalStatus
    shifts: list[ProposedLine] = field(default_factory=list)
    gaps: list[LanguageGap] = field(default_factory=list)

    @property
    def hours(self) -> int:
        return int((self.end - self.start) / HOUR)


def week_bounds(*, week_start: datetime, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """[start, end) in UTC of the local week (Monday 00:00 to Monday 00:00 in ``zone``) that
    holds ``week_start``: 168 hours, 167 or 169 in the weeks the clocks change."""
    local_day = week_start.astimezone(zone).date()
    monday = local_day - timedelta(days=local_day.weekday())
    start = datetime.combine(monday, time(0), tzinfo=zone).astimezone(UTC)
    end = datetime.combine(monday + timedelta(days=7), time(0), tzinfo=zone).astimezone(UTC)
    # The plan's hours are UTC hours: in a zone half an hour off UTC the week starts at the
    # UTC hour its midnight falls in.
    return hour_floor(start), hour_floor(end)


def week_proposal(*, week_start: datetime, zone: ZoneInfo, now: datetime) -> WeekProposal:
    """Shifts for the free agents filling what the latest done plan still misses per
    language in the local week of ``week_start`` (hours before ``now`` left out)."""
    start, end = week_bounds(week_start=week_start, zone=zone)
    plan = PlanRun.objects.filter(status=PlanRun.Status.DONE).order_by("-started_at").first()
    answer = partial(WeekProposal, start=start, end=end, zone=zone, plan=plan)
    if plan is None:
        return answer(status="no_plan")
    past = _hours_past(start=start, end=end, now=now)
    if start + past * HOUR >= end:
        return answer(status="week_past")
    plan_end = plan.horizon_start + plan.horizon_hours * HOUR
    if plan.horizon_start >= end or plan_end <= start + past * HOUR:
        return answer(status="no_plan_for_week")
    gaps = week_gaps(start=start, end=end, past=past)
    if not gaps:
        return answer(status="no_gaps")
    proposal = shifts_propose(
        gaps=gaps,
        agents=_free_agents(start=start, end=end, past=past),
        shift_hours=SHIFT_HOURS,
        min_rest_hours=REST_HOURS,
    )
    return answer(
        status=proposal.status,
        shifts=_lines(proposal, start=start, zone=zone),
        gaps=[
            LanguageGap(
                language=language, before=sum(missing), after=sum(proposal.uncovered[language])
            )
            for language, missing in sorted(gaps.items())
        ],
    )


def week_gaps(*, start: datetime, end: datetime, past: int = 0) -> dict[str, list[int]]:
    """Per language, the agents missing in each hour of [start, end): the latest done plan's
    requirement less the coverage of the shifts entered, rounded up; the first ``past``
    hours none. Languages missing nobody are left out."""
    hours = int((end - start) / HOUR)
    required = plan_required_by_hour(start=start, end=end)
    coverage = coverage_by_hour(start=start, end=end, required=required)
    gaps = {}
    for language, needed in sorted(required.items()):
        short = np.maximum(needed - coverage.get(language, np.zeros(hours)), 0.0)
        # 0.9999999 agents short after float arithmetic is one agent, 1.0000001 not two.
        missing = np.ceil(np.round(short, 6)).astype(int)
        missing[:past] = 0
        if missing.any():
            gaps[language] = [int(value) for value in missing]
    return gaps


def _hours_past(*, start: datetime, end: datetime, now: datetime) -> int:
    """The hours of [start, end) that began before ``now`` (the hour under way included)."""
    hours = int((end - start) / HOUR)
    return min(max(math.ceil((now - start) / HOUR), 0), hours)


def _span(begins: datetime, ends: datetime, *, start: datetime, hours: int) -> tuple[int, int]:
    """The hours of the horizon a span touches, [first, last), clipped to the neighbouring
    days (a partial hour counts whole: nobody can start a shift in it)."""
    first = math.floor((begins - start) / HOUR)
    last = math.ceil((ends - start) / HOUR)
    return max(first, -NEIGHBOUR_HOURS), min(last, hours + NEIGHBOUR_HOURS)


def _away(first: int, last: int) -> tuple[int, int]:
    """An absence (or the hours past) as a busy block for the solver, which keeps the rest
    before and after each busy block: narrowed by the rest at both ends (reversed when
    shorter than two rests), its block excludes exactly the shifts that overlap it."""
    return first + REST_HOURS, last - REST_HOURS


def _free_agents(*, start: datetime, end: datetime, past: int) -> list[AgentAvailability]:
    """Every agent who may take a shift, with their languages, busy blocks and the hours
    their contracted week leaves."""
    hours = int((end - start) / HOUR)
    near_start, near_end = start - NEIGHBOUR_HOURS * HOUR, end + NEIGHBOUR_HOURS * HOUR
    shifts = list(
        Shift.objects.filter(starts_at__lt=near_end, ends_at__gt=near_start).values_list(
            "agent_id", "starts_at", "ends_at"
        )
    )
    absences = list(
        Absence.objects.filter(starts_at__lt=near_end, ends_at__gt=near_start).values_list(
            "agent_id", "starts_at", "ends_at"
        )
    )
    busy: dict[int, list[tuple[int, int]]] = defaultdict(list)
    on_shift: dict[int, float] = defaultdict(float)
    for agent_id, begins, ends in shifts:
        busy[agent_id].append(_span(begins, ends, start=start, hours=hours))
        on_shift[agent_id] += max((min(ends, end) - max(begins, start)) / HOUR, 0.0)
    week_hours = staffing_settings().week_hours
    away_hours: dict[int, float] = defaultdict(float)
    for agent_id, begins, ends in absences:
        busy[agent_id].append(_away(*_span(begins, ends, start=start, hours=hours)))
        away_hours[agent_id] += _contracted_away(
            begins, ends, start=start, end=end, week=week_hours
        )
    candidates = _agent_ids(with_week={agent_id for agent_id, *_ in shifts + absences})
    agents = []
    for agent_id, languages in sorted(agent_languages(candidates).items()):
        max_hours = math.floor(week_hours - on_shift[agent_id] - away_hours[agent_id])
        if max_hours < min(SHIFT_HOURS):
            continue
        blocks = busy[agent_id] + ([_away(-NEIGHBOUR_HOURS, past)] if past else [])
        agents.append(
            AgentAvailability(
                agent_id=agent_id, languages=languages, busy=blocks, max_hours=max_hours
            )
        )
    return agents


def _contracted_away(
    begins: datetime, ends: datetime, *, start: datetime, end: datetime, week: float
) -> float:
    """The contracted hours an absence takes from the week: its hours in the week, at most
    a working day's share (the week over WORKING_DAYS) for each day it touches (a day of
    leave is a working day off, not 24 hours)."""
    inside = max((min(ends, end) - max(begins, start)) / HOUR, 0.0)
    return min(inside, math.ceil(inside / 24) * week / WORKING_DAYS)


def _agent_ids(*, with_week: Iterable[int]) -> list[int]:
    """The agents the shifts page shows as rows: active agents, and the admins who have a
    shift or an absence that week (an admin who never takes a shift gets none proposed)."""
    return list(
        User.objects.filter(is_active=True)
        .filter(Q(role=User.Role.AGENT) | Q(role=User.Role.ADMIN, pk__in=list(with_week)))
        .values_list("pk", flat=True)
    )


def _lines(proposal: Proposal, *, start: datetime, zone: ZoneInfo) -> list[ProposedLine]:
    people = User.objects.in_bulk({shift.agent_id for shift in proposal.shifts})
    lines = []
    for shift in proposal.shifts:
        starts_at = start + shift.start * HOUR
        ends_at = starts_at + shift.hours * HOUR
        lines.append(
            ProposedLine(
                agent=people[shift.agent_id],
                starts_at=starts_at,
                ends_at=ends_at,
                local_start=starts_at.astimezone(zone),
                local_end=ends_at.astimezone(zone),
                languages=sorted(shift.languages),
                covers=sum(
                    (shift.agent_id, hour) in proposal.given
                    for hour in range(shift.start, shift.start + shift.hours)
                ),
            )
        )
    return lines
