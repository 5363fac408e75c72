"""Every contact and call KPI of docs/kpis.md stated a second time, in plain Python over plain
rows: the oracle the SQL of reporting.selectors is held to (tests/reporting/test_kpi_oracle.py).
"SLA met" has its own (tests/support/sla.py).

No database and no SQL here: loops, comparisons and sorts that read like the documentation.
The numbers of the definitions (7 days, 20 seconds, the score bands) are written again on
purpose rather than imported from reporting.figures, so that a changed constant shows too.
"""

import math
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from reporting.figures import (
    CallFigures,
    ContactFigures,
    CsatFigures,
    NpsFigures,
    SatisfactionFigures,
    SatisfactionGroup,
)

CONTACT_DIMENSIONS = ("channel", "language", "country", "category")
CALL_DIMENSIONS = ("language", "country", "topic")
REPEAT_WINDOW = timedelta(days=7)  # exact: 168 hours, whatever the clocks do meanwhile
SERVICE_LEVEL = 20.0  # seconds; exactly 20 is in time
CSAT_ANSWERS = (1, 2, 3, 4, 5)
NPS_ANSWERS = tuple(range(11))


@dataclass(frozen=True, kw_only=True)
class ContactRow:
    """One conversation of the client's schema with its customer's country."""

    id: int
    customer_id: int
    channel: str
    language: str
    country: str
    category: str
    automatic: bool
    # Opened by an agent's new e-mail: never a contact, even once the customer answers.
    started_by_agent: bool
    # A proactive order update (order_updates): never a contact, even once answered.
    proactive: bool = False
    # Marked spam (or filed so: a blocked sender): never a contact.
    spam: bool = False
    created_at: datetime
    first_response_at: datetime | None
    # The latest resolution and the latest reopening (the row keeps no earlier ones).
    resolved_at: datetime | None
    reopened_at: datetime | None
    reopen_count: int
    # Merged into another conversation of the customer (the desk's "Merge into…").
    merged_at: datetime | None = None


@dataclass(frozen=True, kw_only=True)
class CallRow:
    """One call of the client's schema."""

    language: str
    country: str
    topic: str
    ringing_at: datetime
    queued_at: datetime | None
    answered_at: datetime | None
    outcome: str
    talk_seconds: int | None
    csat: int | None
    nps: int | None
    # A voicemail or callback request that telephony turned into a conversation.
    became_conversation: bool
    # The team of the agent who answered the call ("" = no agent, or an agent of no team).
    team: str = ""


@dataclass(frozen=True, kw_only=True)
class SurveyRow:
    """One conversation survey with its conversation's category and handling agent's team."""

    channel: str
    language: str
    category: str
    # The team of the conversation's assignee ("" = none, or an agent of no team).
    team: str
    state: str
    created_at: datetime
    rating: int | None
    rated_at: datetime | None
    nps: int | None


def percentile(values: list[float], fraction: float) -> float | None:
    """The fraction's percentile with linear interpolation between the closest ranks (what
    PostgreSQL's percentile_cont computes), None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    position = fraction * (len(ordered) - 1)
    below, above = math.floor(position), math.ceil(position)
    return ordered[below] + (ordered[above] - ordered[below]) * (position - below)


def _mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


# --- contacts -----------------------------------------------------------------------------


def is_from_customer(row: ContactRow) -> bool:
    """Opened by the customer: not an auto-reply or bounce, not an agent's new e-mail, not
    a proactive order update, not spam."""
    return not row.automatic and not row.started_by_agent and not row.proactive and not row.spam


def is_contact(row: ContactRow, *, start: datetime, end: datetime) -> bool:
    """Received in the period, from the customer."""
    return is_from_customer(row) and start <= row.created_at < end


def is_handled(row: ContactRow, *, end: datetime) -> bool:
    return row.first_response_at is not None and row.first_response_at < end


def is_reopened(row: ContactRow, *, end: datetime) -> bool:
    """The customer wrote again after a resolution, before the period's end (the latest
    reopening is the one the row keeps)."""
    return row.reopen_count > 0 and row.reopened_at is not None and row.reopened_at < end


def is_merged(row: ContactRow, *, end: datetime) -> bool:
    """Merged into another conversation before the period's end."""
    return row.merged_at is not None and row.merged_at < end


def is_resolved(row: ContactRow, *, end: datetime) -> bool:
    """Resolved at least once before the period's end: its latest resolution came before the
    end, or it was reopened before the end (a reopening follows a resolution), or it was
    merged away before the end (the merge settles it)."""
    latest = row.resolved_at is not None and row.resolved_at < end
    return latest or is_reopened(row, end=end) or is_merged(row, end=end)


def settled_at(row: ContactRow, *, end: datetime) -> datetime | None:
    """When its matter was last settled, if before the end: a conversation merged away while
    open (never resolved, or reopened since) at its merge; else its latest resolution."""
    open_when_merged = row.resolved_at is None or (
        row.reopened_at is not None and row.reopened_at >= row.resolved_at
    )
    if is_merged(row, end=end) and open_when_merged:
        return row.merged_at
    return row.resolved_at if row.resolved_at is not None and row.resolved_at < end else None


def is_repeat(row: ContactRow, rows: Iterable[ContactRow]) -> bool:
    """The same customer opened another contact (automatic, agent-started and spam
    conversations are not contacts) within the 7 days before this one, the bound included;
    of two at the same instant the later id is the repeat."""
    return any(
        other.customer_id == row.customer_id
        and is_from_customer(other)
        and (other.created_at, other.id) < (row.created_at, row.id)
        and other.created_at >= row.created_at - REPEAT_WINDOW
        for other in rows
    )


def _contact_group(
    contacts: list[ContactRow],
    rows: list[ContactRow],
    *,
    end: datetime,
    business_seconds: Callable[[ContactRow], float],
) -> ContactFigures:
    handled = [c for c in contacts if is_handled(c, end=end)]
    calendar = [
        (c.first_response_at - c.created_at).total_seconds()
        for c in handled
        if c.first_response_at is not None
    ]
    business = [business_seconds(c) for c in handled]
    settled = [(c, settled_at(c, end=end)) for c in contacts]
    resolution = [(at - c.created_at).total_seconds() for c, at in settled if at is not None]
    return ContactFigures(
        received=len(contacts),
        handled=len(handled),
        first_response_median=percentile(calendar, 0.5),
        first_response_p90=percentile(calendar, 0.9),
        first_response_business_median=percentile(business, 0.5),
        first_response_business_p90=percentile(business, 0.9),
        resolved=sum(is_resolved(c, end=end) for c in contacts),
        reopened=sum(is_reopened(c, end=end) for c in contacts),
        repeat=sum(is_repeat(c, rows) for c in contacts),
        resolution_median=percentile(resolution, 0.5),
        resolution_p90=percentile(resolution, 0.9),
    )


def contact_figures(
    rows: list[ContactRow],
    *,
    start: datetime,
    end: datetime,
    business_seconds: Callable[[ContactRow], float],
) -> tuple[ContactFigures, dict[str, list[tuple[str, ContactFigures]]]]:
    """The totals and every split, each split's groups most contacts first (then by value):
    the shape of reporting.selectors.contact_figures_for_period."""
    contacts = [row for row in rows if is_contact(row, start=start, end=end)]
    totals = _contact_group(contacts, rows, end=end, business_seconds=business_seconds)
    by: dict[str, list[tuple[str, ContactFigures]]] = {}
    for dimension in CONTACT_DIMENSIONS:
        groups: dict[str, list[ContactRow]] = defaultdict(list)
        for contact in contacts:
            groups[getattr(contact, dimension)].append(contact)
        by[dimension] = sorted(
            (
                (value, _contact_group(group, rows, end=end, business_seconds=business_seconds))
                for value, group in groups.items()
            ),
            key=lambda pair: (-pair[1].received, pair[0]),
        )
    return totals, by


# --- what arrived: daily volume and the heat map --------------------------------------------


def arrivals(
    contacts: list[ContactRow], calls: list[CallRow], *, start: datetime, end: datetime
) -> list[tuple[datetime, str]]:
    """(when, channel) of every contact and of every call that did not become one."""
    received = [(c.created_at, c.channel) for c in contacts if is_contact(c, start=start, end=end)]
    rang = [
        (call.ringing_at, "call")
        for call in calls
        if start <= call.ringing_at < end and not call.became_conversation
    ]
    return received + rang


def local_days(*, start: datetime, end: datetime, zone: ZoneInfo) -> list[date]:
    """Every local date that has a moment in [start, end)."""
    days, day = [], start.astimezone(zone).date()
    while datetime.combine(day, datetime.min.time(), tzinfo=zone) < end:
        days.append(day)
        day += timedelta(days=1)
    return days


def daily_volume(
    arrived: list[tuple[datetime, str]], *, start: datetime, end: datetime, zone: ZoneInfo
) -> list[tuple[date, dict[str, int]]]:
    counts: dict[date, Counter[str]] = defaultdict(Counter)
    for at, channel in arrived:
        counts[at.astimezone(zone).date()][channel] += 1
    return [(day, dict(counts[day])) for day in local_days(start=start, end=end, zone=zone)]


def heatmap(arrived: list[tuple[datetime, str]], *, zone: ZoneInfo) -> list[list[int]]:
    grid = [[0] * 24 for _ in range(7)]
    for at, _channel in arrived:
        local = at.astimezone(zone)
        grid[local.weekday()][local.hour] += 1
    return grid


# --- calls, CSAT and NPS --------------------------------------------------------------------


def _speed(call: CallRow) -> float | None:
    """Seconds from entering the queue to an agent's answer (None: not answered from it)."""
    if call.queued_at is None or call.answered_at is None:
        return None
    return (call.answered_at - call.queued_at).total_seconds()


def _call_group(calls: list[CallRow]) -> CallFigures:
    queued = [c for c in calls if c.queued_at is not None]
    answered = [c for c in queued if c.answered_at is not None]
    speeds = [s for c in answered if (s := _speed(c)) is not None]
    talk = [float(c.talk_seconds) for c in answered if c.talk_seconds is not None]
    csat = Counter(c.csat for c in calls if c.csat is not None)
    nps = Counter(c.nps for c in calls if c.nps is not None)
    return CallFigures(
        received=len(calls),
        queued=len(queued),
        answered=len(answered),
        answered_within_target=sum(speed <= SERVICE_LEVEL for speed in speeds),
        target_seconds=int(SERVICE_LEVEL),
        abandoned=sum(c.outcome == "abandoned" for c in queued),
        voicemails=sum(c.outcome == "voicemail" for c in calls),
        callbacks=sum(c.outcome == "callback" for c in calls),
        speed_of_answer_average=_mean(speeds),
        handle_time_average=_mean(talk),
        csat=CsatFigures(answers={score: csat[score] for score in CSAT_ANSWERS}),
        nps=NpsFigures(answers={score: nps[score] for score in NPS_ANSWERS}),
    )


def call_figures(
    calls: list[CallRow], *, start: datetime, end: datetime
) -> tuple[CallFigures | None, dict[str, list[tuple[str, CallFigures]]]]:
    """The totals (None: no call rang) and every split, most calls first (then by value)."""
    rang = [call for call in calls if start <= call.ringing_at < end]
    by: dict[str, list[tuple[str, CallFigures]]] = {}
    for dimension in CALL_DIMENSIONS:
        groups: dict[str, list[CallRow]] = defaultdict(list)
        for call in rang:
            groups[getattr(call, dimension)].append(call)
        by[dimension] = sorted(
            ((value, _call_group(group)) for value, group in groups.items()),
            key=lambda pair: (-pair[1].received, pair[0]),
        )
    return (_call_group(rang) if rang else None), by


# --- the conversation survey, and both surveys by team --------------------------------------

SATISFACTION_DIMENSIONS = ("channel", "language", "category")


def _group(csat: Iterable[int | None], nps: Iterable[int | None]) -> SatisfactionGroup:
    csat_counts = Counter(score for score in csat if score is not None)
    nps_counts = Counter(score for score in nps if score is not None)
    return SatisfactionGroup(
        csat=CsatFigures(answers={score: csat_counts[score] for score in CSAT_ANSWERS}),
        nps=NpsFigures(answers={score: nps_counts[score] for score in NPS_ANSWERS}),
    )


def is_answered_in(survey: SurveyRow, *, start: datetime, end: datetime) -> bool:
    """Rated in the period: its rating and its NPS answer (given after the rating, on the
    same page) count in the month of the rating."""
    return (
        survey.rating is not None and survey.rated_at is not None and start <= survey.rated_at < end
    )


def satisfaction_figures(
    surveys: list[SurveyRow], *, start: datetime, end: datetime
) -> SatisfactionFigures | None:
    """The answers given in the period, in total and by channel, language and category (most
    CSAT answers first, then by value), and the surveys sent in it; None without either."""
    answered = [s for s in surveys if is_answered_in(s, start=start, end=end)]
    sent = [s for s in surveys if s.state == "sent" and start <= s.created_at < end]
    if not sent and not answered:
        return None

    def of(rows: list[SurveyRow]) -> SatisfactionGroup:
        return _group([r.rating for r in rows], [r.nps for r in rows])

    totals = of(answered)
    by: dict[str, list[tuple[str, SatisfactionGroup]]] = {}
    for dimension in SATISFACTION_DIMENSIONS:
        groups: dict[str, list[SurveyRow]] = defaultdict(list)
        for survey in answered:
            groups[getattr(survey, dimension)].append(survey)
        by[dimension] = sorted(
            ((value, of(group)) for value, group in groups.items()),
            key=lambda pair: (-pair[1].csat.count, pair[0]),
        )
    return SatisfactionFigures(
        sent=len(sent),
        answered_of_sent=sum(s.rating is not None for s in sent),
        totals=totals.csat,
        by={name: [(value, g.csat) for value, g in groups] for name, groups in by.items()},
        nps_totals=totals.nps,
        nps_by={name: [(value, g.nps) for value, g in groups] for name, groups in by.items()},
    )


def satisfaction_by_team(
    surveys: list[SurveyRow], calls: list[CallRow], *, start: datetime, end: datetime
) -> list[tuple[str, SatisfactionGroup]]:
    """Both surveys' answers by the handling agent's team: conversation surveys rated in the
    period, calls that rang in it with an answer to either question. Teams with the most
    CSAT answers first (then NPS answers, then by name), "No team" ("") last."""
    csat: dict[str, list[int | None]] = defaultdict(list)
    nps: dict[str, list[int | None]] = defaultdict(list)
    for survey in surveys:
        if is_answered_in(survey, start=start, end=end):
            csat[survey.team].append(survey.rating)
            nps[survey.team].append(survey.nps)
    for call in calls:
        if start <= call.ringing_at < end and (call.csat is not None or call.nps is not None):
            csat[call.team].append(call.csat)
            nps[call.team].append(call.nps)
    groups = [(team, _group(csat[team], nps[team])) for team in csat]
    return sorted(
        groups,
        key=lambda pair: (pair[0] == "", -pair[1].csat.count, -pair[1].nps.count, pair[0]),
    )
