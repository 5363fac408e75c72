"""Reads of the staffing room (public schema): the history per language pool, the pools'
open hours and holidays, the agents on shift per language and hour, adherence now."""

import functools
import zoneinfo
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import holidays
import numpy as np
from django.db.models import Sum

from accounts.models import User
from hours.calendar import BusinessCalendar
from hours.selectors import client_calendars
from languages.catalog import CATALOG
from languages.models import AgentSkill
from routing.models import AgentState
from staffing.models import Absence, ContactHour, PlanHour, PlanRun, Shift, StaffingSettings
from staffing.rules import HOUR, agents_on_shift
from staffing.sharing import agents_share
from tenants.models import Client

# Below this many handled (or abandoned) contacts, a pool's mean is noise: the plan uses the
# settings' handle time (or Erlang C, without patience) instead.
FEWEST_OBSERVED = 30
LIVE_CHANNELS = ("call", "chat")

type Pool = tuple[str, str]  # (language, plan channel)


def staffing_settings() -> StaffingSettings:
    """The agency's staffing targets: the one row, made with the defaults the first time."""
    found, _created = StaffingSettings.objects.get_or_create(pk=1)
    return found


def _hours_between(start: datetime, end: datetime) -> int:
    return max(int((end - start) / HOUR), 0)


def _index(hour: datetime, start: datetime) -> int:
    return int((hour - start) / HOUR)


def pool_hourly_history(*, start: datetime, end: datetime) -> dict[Pool, np.ndarray]:
    """Contacts per hour of [start, end) of each pool (language, plan channel), every
    client added, hours without contacts 0. One query."""
    hours = _hours_between(start, end)
    found: dict[Pool, np.ndarray] = {}
    rows = (
        ContactHour.objects.filter(hour__gte=start, hour__lt=end)
        .values_list("language", "channel", "hour")
        .annotate(n=Sum("contacts"))
        .order_by()
    )
    for language, channel, hour, n in rows:
        series = found.setdefault((language, channel), np.zeros(hours))
        series[_index(hour, start)] = n
    return found


def pool_client_shares(*, start: datetime, end: datetime) -> dict[Pool, dict[int, float]]:
    """Each client's share of each pool's contacts over [start, end) (the shares add up to
    1 per pool). One query."""
    totals: dict[Pool, dict[int, int]] = defaultdict(dict)
    rows = (
        ContactHour.objects.filter(hour__gte=start, hour__lt=end)
        .values_list("language", "channel", "client_id")
        .annotate(n=Sum("contacts"))
        .order_by()
    )
    for language, channel, client_id, n in rows:
        if n:
            totals[(language, channel)][client_id] = n
    return {
        pool: {client_id: n / sum(per_client.values()) for client_id, n in per_client.items()}
        for pool, per_client in totals.items()
    }


def _pool_sums(start: datetime, end: datetime) -> dict[Pool, dict[str, Any]]:
    rows = (
        ContactHour.objects.filter(hour__gte=start, hour__lt=end)
        .values("language", "channel")
        .annotate(
            handled=Sum("handled"),
            handle=Sum("handle_seconds"),
            abandoned=Sum("abandoned"),
            waited=Sum("wait_seconds"),
        )
        .order_by()
    )
    return {(row["language"], row["channel"]): dict(row) for row in rows}


def pool_handle_seconds(*, start: datetime, end: datetime) -> dict[Pool, float | None]:
    """The mean handle time of each pool (Σ handle seconds / Σ handled), None below 30
    handled contacts. One query."""
    return {
        pool: row["handle"] / row["handled"] if row["handled"] >= FEWEST_OBSERVED else None
        for pool, row in _pool_sums(start, end).items()
    }


def pool_patience_seconds(*, start: datetime, end: datetime) -> dict[Pool, float | None]:
    """The callers' (chatters') mean patience of each live pool: Σ seconds waited / Σ
    abandoned, the maximum-likelihood estimate of an exponential patience censored by the
    answer; None below 30 abandoned (Erlang C then). One query."""
    return {
        pool: row["waited"] / row["abandoned"] if row["abandoned"] >= FEWEST_OBSERVED else None
        for pool, row in _pool_sums(start, end).items()
        if pool[1] in LIVE_CHANNELS
    }


def pool_zone(*, start: datetime, end: datetime) -> dict[Pool, str]:
    """The time zone of each pool: the one whose clients have most of its contacts. One
    query."""
    rows = (
        ContactHour.objects.filter(hour__gte=start, hour__lt=end)
        .values_list("language", "channel", "client__time_zone")
        .annotate(n=Sum("contacts"))
        .order_by("language", "channel", "-n", "client__time_zone")
    )
    found: dict[Pool, str] = {}
    for language, channel, zone, _n in rows:
        found.setdefault((language, channel), zone)
    return found


def _calendar_key(calendar: BusinessCalendar) -> tuple[object, ...]:
    # A calendar holds a mapping (not hashable): the same hours read from two clients are
    # one key, so their open periods are computed once.
    weekly = calendar.weekly_hours
    return (
        calendar.time_zone,
        calendar.country,
        calendar.subdivision,
        tuple(sorted((day, tuple(intervals)) for day, intervals in weekly.items())),
        tuple(calendar.closures),
    )


def pool_open_hours(
    *, language: str, client_ids: Iterable[int], start: datetime, end: datetime
) -> np.ndarray:
    """Per hour of [start, end): open when any of the clients is open for the language in
    any of its countries for some of the hour (business hours, public holidays and
    closures: hours.selectors.client_calendars)."""
    hours = _hours_between(start, end)
    is_open = np.zeros(hours, dtype=bool)
    calendars: dict[tuple[object, ...], BusinessCalendar] = {}
    for client in Client.objects.filter(pk__in=list(client_ids)).order_by("pk"):
        scopes = [(country, language) for country in client.countries or [""]]
        for calendar in client_calendars(client, scopes=scopes).values():
            calendars.setdefault(_calendar_key(calendar), calendar)
    for calendar in calendars.values():
        for opens, closes in calendar.open_periods(start, end):
            first = _index(opens, start)
            last = -(-int((closes - start).total_seconds()) // 3600)  # the hour it ends in
            is_open[max(first, 0) : min(last, hours)] = True
    return is_open


def holiday_country(countries: Sequence[str], language: str) -> str:
    """The country whose public holidays a client's customers of a language keep: the
    first of its countries where the language is spoken, else its first country."""
    spoken_in = CATALOG[language].countries if language in CATALOG else ()
    return next((c for c in countries if c in spoken_in), countries[0] if countries else "")


@functools.lru_cache(maxsize=32)
def _local_days(start: datetime, hours: int, zone: str) -> np.ndarray:
    """The local date of each hour's start, as numpy days; an hour's offset only changes
    at a transition, so it is read once per distinct offset run (fast for years)."""
    local = zoneinfo.ZoneInfo(zone)
    stamps = np.arange(hours, dtype="int64") * 3600 + int(start.timestamp())
    offsets = np.empty(hours, dtype="int64")
    # The offset at each day's start is that of the day's hours except on a transition day;
    # reading it hourly costs 17,000 conversions for two years: still a few milliseconds.
    for i in range(hours):
        offset = datetime.fromtimestamp(int(stamps[i]), UTC).astimezone(local).utcoffset()
        offsets[i] = int(offset.total_seconds()) if offset else 0
    days = ((stamps + offsets) // 86400).astype("datetime64[D]")
    days.setflags(write=False)  # cached: shared by every pool of the zone
    return days


def pool_holiday_share(
    *, language: str, shares: Mapping[int, float], start: datetime, end: datetime
) -> np.ndarray:
    """Per hour of [start, end): the share of the pool's volume (``shares``: client →
    share) of clients on a public holiday of their country (holiday_country) on that
    hour's local day. Clients are grouped by (country, time zone): one computation each."""
    hours = _hours_between(start, end)
    share = np.zeros(hours)
    groups: dict[tuple[str, str], float] = defaultdict(float)
    for client_id, countries, zone in Client.objects.filter(pk__in=list(shares)).values_list(
        "pk", "countries", "time_zone"
    ):
        country = holiday_country(countries or [], language)
        if country:
            groups[(country, zone)] += shares[client_id]
    days_of_zone: dict[str, np.ndarray] = {}
    for (country, zone), weight in groups.items():
        if zone not in days_of_zone:
            days_of_zone[zone] = _local_days(start, hours, zone)
        days = days_of_zone[zone]
        if not hours:
            continue
        years = range(days[0].astype(object).year, days[-1].astype(object).year + 1)
        try:
            known = holidays_of(country, years)
        except NotImplementedError:
            continue
        share += weight * np.isin(days, known)
    return share


def holidays_of(country: str, years: Iterable[int]) -> np.ndarray:
    """A country's public holidays in those years, as numpy days."""
    found: list[date] = list(holidays.country_holidays(country, years=list(years)))
    return np.array(found, dtype="datetime64[D]")


# --- shifts, coverage, adherence ----------------------------------------------------------


def _shared(agents: list[frozenset[str]], left: Mapping[str, float]) -> dict[str, float]:
    """Agents who speak several languages counted in each language: shared against what
    each pool still lacks (staffing.sharing.agents_share); what the sharing left of each
    agent (spare) is shown where that agent could work, split evenly between their own
    languages, so no pool counts more agents than speak its language."""
    sharing = agents_share(agents=agents, required=left)
    counted = dict(sharing.allocated)
    needed = {language for language, amount in left.items() if amount > 0}
    # The sharing groups agents by the languages they speak among the pools in need; an
    # agent of a group counts for that group's allocation in equal part.
    group_sizes = Counter(spoken & needed for spoken in agents)
    for spoken in agents:
        group = spoken & needed
        used = sum(sharing.by_group.get(group, {}).values()) / group_sizes[group]
        unused = max(1.0 - used, 0.0)
        for code in spoken:
            counted[code] = counted.get(code, 0.0) + unused / len(spoken)
    return counted


def agent_languages(agent_ids: Iterable[int]) -> dict[int, frozenset[str]]:
    """The languages each agent answers in (native or fluent: the router's reach)."""
    found: dict[int, set[str]] = defaultdict(set)
    for agent_id, code in AgentSkill.objects.filter(
        agent_id__in=list(agent_ids), proficiency__in=["native", "fluent"]
    ).values_list("agent_id", "language_id"):
        found[agent_id].add(code)
    return {agent_id: frozenset(codes) for agent_id, codes in found.items()}


def _seconds_per_hour(
    spans: Iterable[tuple[datetime, datetime]], start: datetime, hours: int
) -> np.ndarray:
    """Seconds of each hour of the range inside the spans (disjoint spans)."""
    seconds = np.zeros(hours)
    origin = start.timestamp()
    for begins, ends in spans:
        lo = max(begins.timestamp() - origin, 0.0)
        hi = min(ends.timestamp() - origin, hours * 3600.0)
        while lo < hi:
            index = int(lo // 3600)
            upto = min((index + 1) * 3600.0, hi)
            seconds[index] += upto - lo
            lo = upto
    return seconds


def _intersections(
    shifts: Sequence[tuple[datetime, datetime]], absences: Sequence[tuple[datetime, datetime]]
) -> list[tuple[datetime, datetime]]:
    cut = []
    for shift_start, shift_end in shifts:
        for away_start, away_end in absences:
            begins, ends = max(shift_start, away_start), min(shift_end, away_end)
            if begins < ends:
                cut.append((begins, ends))
    # Two absences may overlap each other: merged so a shift's hour is not cut twice.
    merged: list[tuple[datetime, datetime]] = []
    for begins, ends in sorted(cut):
        if merged and begins <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], ends))
        else:
            merged.append((begins, ends))
    return merged


def agents_on_shift_by_hour(*, start: datetime, end: datetime) -> dict[int, np.ndarray]:
    """Each active agent's share of each hour of [start, end) on shift and not absent
    (1.0 the whole hour, 0.5 half of it). Two queries."""
    hours = _hours_between(start, end)
    shifts: dict[int, list[tuple[datetime, datetime]]] = defaultdict(list)
    for agent_id, begins, ends in Shift.objects.filter(
        starts_at__lt=end, ends_at__gt=start, agent__is_active=True
    ).values_list("agent_id", "starts_at", "ends_at"):
        shifts[agent_id].append((begins, ends))
    absences: dict[int, list[tuple[datetime, datetime]]] = defaultdict(list)
    for agent_id, begins, ends in Absence.objects.filter(
        starts_at__lt=end, ends_at__gt=start, agent_id__in=list(shifts)
    ).values_list("agent_id", "starts_at", "ends_at"):
        absences[agent_id].append((begins, ends))
    present = {}
    for agent_id, spans in shifts.items():
        on = _seconds_per_hour(spans, start, hours)
        away = _seconds_per_hour(_intersections(spans, absences.get(agent_id, [])), start, hours)
        present[agent_id] = (on - away) / 3600
    return present


def coverage_by_hour(
    *, start: datetime, end: datetime, required: Mapping[str, np.ndarray] | None = None
) -> dict[str, np.ndarray]:
    """Agents on shift per language and hour of [start, end), absences taken off, partial
    hours pro rata. An agent who speaks several languages counts once: shared between
    their pools against ``required`` (agents per language and hour; None: evenly) with
    ``agents_share``. Three queries."""
    hours = _hours_between(start, end)
    present = agents_on_shift_by_hour(start=start, end=end)
    languages = agent_languages(present)
    coverage: dict[str, np.ndarray] = defaultdict(lambda: np.zeros(hours))
    several: list[int] = []
    for agent_id, share in present.items():
        codes = languages.get(agent_id, frozenset())
        if len(codes) == 1:
            coverage[next(iter(codes))] += share
        elif codes:
            several.append(agent_id)
    for hour in range(hours):
        here = [agent_id for agent_id in several if present[agent_id][hour] > 0]
        if not here:
            continue
        # What the agents of one language leave uncovered is what the others are shared on.
        left = {
            code: max(float(series[hour]) - float(coverage[code][hour]), 0.0)
            for code, series in (required or {}).items()
        }
        # Partial hours of agents shared: their allocation scaled by their mean presence.
        presence = float(np.mean([present[agent_id][hour] for agent_id in here]))
        for code, agents in _shared([languages[agent_id] for agent_id in here], left).items():
            coverage[code][hour] += agents * presence
    return dict(coverage)


@dataclass(frozen=True)
class OnShift:
    agent_id: int
    name: str
    languages: list[str]
    starts_at: datetime | None  # None: available but not on shift
    ends_at: datetime | None
    presence: str
    presence_since: datetime | None

    @property
    def presence_label(self) -> str:
        """The presence in the reader's language."""
        return str(AgentState.Presence(self.presence).label)


def _name(user: User) -> str:
    return user.get_full_name() or user.username


def _presences(agent_ids: Iterable[int]) -> dict[int, tuple[str, datetime | None]]:
    return {
        agent_id: (presence, since)
        for agent_id, presence, since in AgentState.objects.filter(
            agent_id__in=list(agent_ids)
        ).values_list("agent_id", "presence", "presence_since")
    }


def on_shift_now(*, now: datetime) -> list[OnShift]:
    """The agents on shift at ``now`` and not absent, with their presence. Three queries."""
    away = Absence.objects.filter(starts_at__lte=now, ends_at__gt=now).values("agent_id")
    shifts = list(
        Shift.objects.filter(starts_at__lte=now, ends_at__gt=now, agent__is_active=True)
        .exclude(agent_id__in=away)
        .select_related("agent")
        .order_by("agent__first_name", "agent__last_name", "agent__username")
    )
    ids = [shift.agent_id for shift in shifts]
    languages = agent_languages(ids)
    presences = _presences(ids)
    return [
        OnShift(
            agent_id=shift.agent_id,
            name=_name(shift.agent),
            languages=sorted(languages.get(shift.agent_id, ())),
            starts_at=shift.starts_at,
            ends_at=shift.ends_at,
            presence=presences.get(shift.agent_id, (AgentState.Presence.OFFLINE, None))[0],
            presence_since=presences.get(shift.agent_id, ("", None))[1],
        )
        for shift in shifts
    ]


@dataclass(frozen=True)
class Adherence:
    now: datetime
    not_available: list[OnShift]  # scheduled now, presence not "available"
    not_scheduled: list[OnShift]  # available, not on shift now


def adherence(*, now: datetime) -> Adherence:
    """Real-time adherence: agents on shift now whose presence is not available (with the
    presence and since when), and agents available who are not on shift."""
    scheduled = on_shift_now(now=now)
    on_shift_ids = {line.agent_id for line in scheduled}
    available = (
        AgentState.objects.filter(presence=AgentState.Presence.AVAILABLE, agent__is_active=True)
        .exclude(agent_id__in=on_shift_ids)
        .select_related("agent")
        .order_by("agent__first_name", "agent__last_name", "agent__username")
    )
    states = list(available)
    languages = agent_languages(state.agent_id for state in states)
    return Adherence(
        now=now,
        not_available=[
            line for line in scheduled if line.presence != AgentState.Presence.AVAILABLE
        ],
        not_scheduled=[
            OnShift(
                agent_id=state.agent_id,
                name=_name(state.agent),
                languages=sorted(languages.get(state.agent_id, ())),
                starts_at=None,
                ends_at=None,
                presence=state.presence,
                presence_since=state.presence_since,
            )
            for state in states
        ],
    )


@dataclass(frozen=True)
class LanguageNow:
    language: str
    required: int | None  # None: the plan has no requirement for the language this hour
    on_shift: float

    @property
    def short(self) -> bool:
        return self.required is not None and self.on_shift < self.required


@dataclass(frozen=True)
class StaffingNow:
    hour: datetime
    plan: PlanRun | None  # the latest done plan; None: no plan yet
    languages: list[LanguageNow]

    @property
    def plan_covers_hour(self) -> bool:
        """The latest plan's horizon holds this hour (else nothing is required of it)."""
        if self.plan is None:
            return False
        return (
            self.plan.horizon_start
            <= self.hour
            < self.plan.horizon_start + (self.plan.horizon_hours * HOUR)
        )


def staffing_this_hour(*, now: datetime) -> StaffingNow:
    """This hour per language: the agents the latest done plan requires on shift
    (staffing.rules.agents_on_shift over its channels, with the plan's shrinkage) and the
    agents on shift (coverage_by_hour)."""
    hour = now.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
    plan = PlanRun.objects.filter(status=PlanRun.Status.DONE).order_by("-started_at").first()
    required: dict[str, int] = {}
    if plan is not None:
        shrinkage = int(plan.settings_used.get("shrinkage", staffing_settings().shrinkage))
        per_language: dict[str, list[float]] = defaultdict(list)
        for language, agents in PlanHour.objects.filter(pool__run=plan, hour=hour).values_list(
            "pool__language", "agents"
        ):
            per_language[language].append(agents)
        required = {
            language: agents_on_shift(agents, shrinkage_percent=shrinkage)
            for language, agents in per_language.items()
        }
    coverage = coverage_by_hour(
        start=hour,
        end=hour + HOUR,
        required={code: np.array([float(n)]) for code, n in required.items()},
    )
    # A language nobody requires and nobody covers this hour is not a line.
    codes = sorted(set(required) | {code for code, series in coverage.items() if series[0] > 0})
    return StaffingNow(
        hour=hour,
        plan=plan,
        languages=[
            LanguageNow(
                language=code,
                required=required.get(code) if plan is not None else None,
                on_shift=round(float(coverage[code][0]), 1) if code in coverage else 0.0,
            )
            for code in codes
        ],
    )


def week_shifts(*, start: datetime, end: datetime) -> list[Shift]:
    """The shifts overlapping [start, end), with their agents. One query."""
    return list(
        Shift.objects.filter(starts_at__lt=end, ends_at__gt=start)
        .select_related("agent")
        .order_by("starts_at", "agent_id")
    )


def week_absences(*, start: datetime, end: datetime) -> list[Absence]:
    """The absences overlapping [start, end). One query."""
    return list(
        Absence.objects.filter(starts_at__lt=end, ends_at__gt=start)
        .select_related("agent")
        .order_by("starts_at", "agent_id")
    )
