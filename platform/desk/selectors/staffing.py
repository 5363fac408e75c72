"""The supervisors' staffing page, public schema only: the latest plan of one language pool
for one week in the reader's time zone, hour by hour (contacts forecast, seasonal baseline
and actual per plan channel; agents required on shift and scheduled), the pools' inputs and
backtests, and the same hours of every pool for the CSV export."""

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.db.models import Q, Sum

from languages.models import AgentSkill
from staffing.models import Absence, ContactHour, PlanChannel, PlanHour, PlanPool, PlanRun, Shift
from staffing.rules import agents_on_shift

CHANNELS = [channel.value for channel in PlanChannel]
HOUR = dt.timedelta(hours=1)
# Agents who speak a language this well serve its pool (basic speakers only as a fallback,
# which the plan does not count on).
POOL_PROFICIENCIES = (AgentSkill.Proficiency.NATIVE, AgentSkill.Proficiency.FLUENT)


@dataclass(frozen=True)
class PlanHourRow:
    """One local hour of one pool: per plan channel, and the agents on shift."""

    starts_at: dt.datetime  # local, in the reader's zone
    forecast: dict[str, float]
    baseline: dict[str, float]
    actual: dict[str, int] | None  # None: the hour has not passed yet
    agents: dict[str, float]
    required: int | None  # None: outside the plan's horizon
    scheduled: int

    @property
    def gap(self) -> int:
        """Agents missing (positive) or spare (negative) against the requirement."""
        return (self.required or 0) - self.scheduled

    @property
    def is_gap(self) -> bool:
        return self.required is not None and self.gap > 0

    @property
    def is_surplus(self) -> bool:
        return self.required is not None and self.gap < 0

    @property
    def spare(self) -> int:
        return max(-self.gap, 0)

    @property
    def forecast_total(self) -> float:
        return sum(self.forecast.values())

    @property
    def baseline_total(self) -> float:
        return sum(self.baseline.values())

    @property
    def actual_total(self) -> int | None:
        return None if self.actual is None else sum(self.actual.values())

    @property
    def agents_in_order(self) -> list[float | None]:
        """The agents of each plan channel, in the channels' order (None: not planned)."""
        return [self.agents.get(channel) for channel in CHANNELS]

    def forecast_of(self, channel: str | None) -> float:
        return _of(self.forecast, channel)

    def baseline_of(self, channel: str | None) -> float:
        return _of(self.baseline, channel)

    def actual_of(self, channel: str | None) -> int | None:
        return None if self.actual is None else int(_of(self.actual, channel))


def _of(values: Mapping[str, float], channel: str | None) -> float:
    return float(values.get(channel, 0) if channel else sum(values.values()))


@dataclass(frozen=True)
class PoolView:
    """One channel of a language pool: the inputs the plan used and its backtest."""

    channel: str
    handle_seconds: float
    patience_seconds: float | None
    promise_hours: float | None
    history_contacts: int
    model_name: str
    backtest_mape: float | None
    backtest_bias: float | None
    baseline_mape: float | None
    baseline_bias: float | None

    @property
    def channel_label(self) -> str:
        return str(PlanChannel(self.channel).label)

    @property
    def bias_signed(self) -> str:
        """The forecast's bias with its sign: +1.2 (too high) or -0.8 (too low)."""
        return "" if self.backtest_bias is None else f"{self.backtest_bias:+.1f}"


@dataclass(frozen=True)
class StaffingWeek:
    run: PlanRun
    language: str
    week_start: dt.date  # the local Monday
    zone: ZoneInfo
    hours: list[PlanHourRow]
    pools: list[PoolView] = field(default_factory=list)

    @property
    def gap_hours(self) -> int:
        return sum(1 for row in self.hours if row.is_gap)

    @property
    def surplus_hours(self) -> int:
        return sum(1 for row in self.hours if row.is_surplus)


def plan_latest() -> PlanRun | None:
    """The newest finished plan."""
    return PlanRun.objects.filter(status=PlanRun.Status.DONE).order_by("-started_at").first()


def plan_failed_after(run: PlanRun | None) -> PlanRun | None:
    """The newest run, when it failed after ``run`` (the supervisor should read its error)."""
    newest = PlanRun.objects.order_by("-started_at").first()
    if newest is None or newest.status != PlanRun.Status.FAILED:
        return None
    if run is not None and newest.started_at <= run.started_at:
        return None
    return newest


def plan_languages(*, run: PlanRun) -> list[str]:
    """The run's language pools, busiest (most contacts forecast) first."""
    totals = (
        PlanHour.objects.filter(pool__run=run)
        .values("pool__language")
        .annotate(total=Sum("forecast"))
        .order_by("-total", "pool__language")
    )
    languages = [row["pool__language"] for row in totals]
    pooled = PlanPool.objects.filter(run=run).values_list("language", flat=True).distinct()
    return languages + sorted(set(pooled) - set(languages))


def week_bounds(*, week_start: dt.date, zone: ZoneInfo) -> tuple[dt.datetime, dt.datetime]:
    """The local week's first and last instant (UTC): 167, 168 or 169 hours with DST."""
    start = dt.datetime.combine(week_start, dt.time(0), tzinfo=zone).astimezone(dt.UTC)
    end = dt.datetime.combine(week_start + dt.timedelta(days=7), dt.time(0), tzinfo=zone)
    return start, end.astimezone(dt.UTC)


def staffing_week(
    *, run: PlanRun, language: str, week_start: dt.date, zone: ZoneInfo, now: dt.datetime
) -> StaffingWeek:
    """One pool's local week of the plan, hour by hour, with its pools' inputs."""
    weeks = staffing_weeks(run=run, languages=[language], week_start=week_start, zone=zone, now=now)
    pools = [
        PoolView(
            channel=pool.channel,
            handle_seconds=pool.handle_seconds,
            patience_seconds=pool.patience_seconds,
            promise_hours=pool.promise_hours,
            history_contacts=pool.history_contacts,
            model_name=pool.model_name,
            backtest_mape=pool.backtest_mape,
            backtest_bias=pool.backtest_bias,
            baseline_mape=pool.baseline_mape,
            baseline_bias=pool.baseline_bias,
        )
        for pool in PlanPool.objects.filter(run=run, language=language).order_by("channel")
    ]
    return StaffingWeek(
        run=run,
        language=language,
        week_start=week_start,
        zone=zone,
        hours=weeks[language],
        pools=sorted(pools, key=lambda pool: CHANNELS.index(pool.channel)),
    )


def staffing_weeks(
    *,
    run: PlanRun,
    languages: list[str],
    week_start: dt.date,
    zone: ZoneInfo,
    now: dt.datetime,
) -> dict[str, list[PlanHourRow]]:
    """Each language's local week of the plan, hour by hour (one query per kind of row)."""
    start, end = week_bounds(week_start=week_start, zone=zone)
    shrinkage = int(run.settings_used.get("shrinkage", 0))
    planned: dict[tuple[str, dt.datetime], dict[str, PlanHour]] = defaultdict(dict)
    for hour in PlanHour.objects.filter(
        pool__run=run, pool__language__in=languages, hour__gte=start, hour__lt=end
    ).select_related("pool"):
        planned[(hour.pool.language, hour.hour)][hour.pool.channel] = hour
    passed = min(end, now.replace(minute=0, second=0, microsecond=0))
    actual: dict[tuple[str, dt.datetime], dict[str, int]] = defaultdict(dict)
    for row in (
        ContactHour.objects.filter(language__in=languages, hour__gte=start, hour__lt=passed)
        .values("language", "hour", "channel")
        .annotate(contacts=Sum("contacts"))
    ):
        actual[(row["language"], row["hour"])][row["channel"]] = row["contacts"]
    scheduled = _scheduled_by_hour(languages=languages, start=start, end=end)
    weeks: dict[str, list[PlanHourRow]] = {}
    for language in languages:
        rows = []
        at = start
        while at < end:
            hours = planned.get((language, at), {})
            agents = {channel: hours[channel].agents for channel in hours}
            rows.append(
                PlanHourRow(
                    starts_at=at.astimezone(zone),
                    forecast={channel: hours[channel].forecast for channel in hours},
                    baseline={channel: hours[channel].baseline for channel in hours},
                    actual=actual.get((language, at), {}) if at < passed else None,
                    agents=agents,
                    required=(
                        agents_on_shift(agents.values(), shrinkage_percent=shrinkage)
                        if hours
                        else None
                    ),
                    scheduled=scheduled.get((language, at), 0),
                )
            )
            at += HOUR
        weeks[language] = rows
    return weeks


def _scheduled_by_hour(
    *, languages: list[str], start: dt.datetime, end: dt.datetime
) -> dict[tuple[str, dt.datetime], int]:
    """Agents of each language on shift at each hour's middle and not absent then: an agent
    who speaks two pools' languages counts in both (the plan shares them; the page shows
    who could be there)."""
    speakers: dict[int, list[str]] = defaultdict(list)
    for agent_id, language in AgentSkill.objects.filter(
        language_id__in=languages, proficiency__in=POOL_PROFICIENCIES, agent__is_active=True
    ).values_list("agent_id", "language_id"):
        speakers[agent_id].append(language)
    overlapping = Q(agent_id__in=speakers, starts_at__lt=end, ends_at__gt=start)
    shifts = list(Shift.objects.filter(overlapping).values_list("agent_id", "starts_at", "ends_at"))
    absences: dict[int, list[tuple[dt.datetime, dt.datetime]]] = defaultdict(list)
    for agent_id, starts_at, ends_at in Absence.objects.filter(overlapping).values_list(
        "agent_id", "starts_at", "ends_at"
    ):
        absences[agent_id].append((starts_at, ends_at))
    counts: dict[tuple[str, dt.datetime], int] = defaultdict(int)
    for agent_id, starts_at, ends_at in shifts:
        at = max(start, starts_at.replace(minute=0, second=0, microsecond=0))
        while at < min(end, ends_at):
            middle = at + HOUR / 2
            away = any(a <= middle < b for a, b in absences[agent_id])
            if starts_at <= middle < ends_at and not away:
                for language in speakers[agent_id]:
                    counts[(language, at)] += 1
            at += HOUR
    return counts


def plan_horizon_end(run: PlanRun) -> dt.datetime:
    return run.horizon_start + run.horizon_hours * HOUR
