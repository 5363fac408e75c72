"""The supervisors' staffing page, public schema only: the latest plan of one language pool
for one week in the reader's time zone, hour by hour (contacts forecast, seasonal baseline
and actual per plan channel; agents required on shift and scheduled), the pools' inputs and
backtests, and the same hours of every pool for the CSV export."""

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

import numpy as np
from django.db.models import DateTimeField, ExpressionWrapper, F, Q, Sum

from staffing.models import ContactHour, PlanChannel, PlanHour, PlanPool, PlanRun
from staffing.plan import STALE_AFTER
from staffing.rules import HOUR, agents_on_shift, hour_floor
from staffing.selectors import coverage_by_hour

CHANNELS = [channel.value for channel in PlanChannel]


@dataclass(frozen=True)
class PlanHourRow:
    """One local hour of one pool: per plan channel, and the agents on shift."""

    starts_at: dt.datetime  # local, in the reader's zone
    forecast: dict[str, float]
    baseline: dict[str, float]
    actual: dict[str, int] | None  # None: the hour has not passed yet
    agents: dict[str, float]
    required: int | None  # None: outside the plan's horizon
    # Agents on shift and not absent (partial hours pro rata; an agent who speaks several
    # languages shared between their pools: staffing.selectors.coverage_by_hour).
    scheduled: float

    @property
    def gap(self) -> float:
        """Agents missing (positive) or spare (negative) against the requirement."""
        return round((self.required or 0) - self.scheduled, 2)

    @property
    def is_gap(self) -> bool:
        return self.required is not None and self.gap > 0

    @property
    def is_surplus(self) -> bool:
        return self.required is not None and self.gap < 0

    @property
    def spare(self) -> float:
        return max(-self.gap, 0.0)

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

    # The backtest's figures are shares (0.081); the page shows percent (8.1 %).
    @property
    def mape_percent(self) -> float | None:
        return None if self.backtest_mape is None else self.backtest_mape * 100

    @property
    def baseline_mape_percent(self) -> float | None:
        return None if self.baseline_mape is None else self.baseline_mape * 100

    @property
    def bias_signed(self) -> str:
        """The forecast's bias in percent with its sign: +1.2 (too high), -0.8 (too low)."""
        return "" if self.backtest_bias is None else f"{self.backtest_bias * 100:+.1f}"


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


def plan_running(*, now: dt.datetime) -> PlanRun | None:
    """The plan being made now (running and younger than staffing.plan.STALE_AFTER)."""
    return (
        PlanRun.objects.filter(status=PlanRun.Status.RUNNING, started_at__gt=now - STALE_AFTER)
        .order_by("-started_at")
        .first()
    )


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
    # The plan's hours are whole UTC hours: a zone half an hour off (India, Newfoundland)
    # starts its week at the UTC hour it falls in, as the shift proposal does.
    return hour_floor(start), hour_floor(end.astimezone(dt.UTC))


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
    """Each language's local week of the plan, hour by hour. Scheduled agents are shared
    between pools against every pool's requirement, so every pool of the run is read."""
    start, end = week_bounds(week_start=week_start, zone=zone)
    hours = int((end - start) / HOUR)
    passed = min(end, max(start, now.replace(minute=0, second=0, microsecond=0)))
    runs = _runs_of_hours(run=run, start=start, passed=passed, end=end)
    shrinkage = {
        chosen.pk: int(chosen.settings_used.get("shrinkage", 0)) for chosen in runs.values()
    }
    planned: dict[str, list[dict[str, PlanHour]]] = defaultdict(lambda: [{} for _ in range(hours)])
    for hour in PlanHour.objects.filter(_segments(runs, start=start)).select_related("pool"):
        planned[hour.pool.language][int((hour.hour - start) / HOUR)][hour.pool.channel] = hour
    shrinkage_of = [shrinkage.get(runs[i].pk, 0) if i in runs else 0 for i in range(hours)]
    required = {
        language: [
            agents_on_shift(
                (h.agents for h in channels.values()), shrinkage_percent=shrinkage_of[index]
            )
            if channels
            else None
            for index, channels in enumerate(week)
        ]
        for language, week in planned.items()
    }
    scheduled = coverage_by_hour(
        start=start,
        end=end,
        required={
            language: np.array([need or 0 for need in needs], dtype=float)
            for language, needs in required.items()
        },
    )
    actual: dict[tuple[str, dt.datetime], dict[str, int]] = defaultdict(dict)
    for row in (
        ContactHour.objects.filter(language__in=languages, hour__gte=start, hour__lt=passed)
        .values("language", "hour", "channel")
        .annotate(contacts=Sum("contacts"))
    ):
        actual[(row["language"], row["hour"])][row["channel"]] = row["contacts"]
    weeks: dict[str, list[PlanHourRow]] = {}
    for language in languages:
        week = planned.get(language) or [{} for _ in range(hours)]
        needs = required.get(language) or [None] * hours
        covered = scheduled.get(language, np.zeros(hours))
        rows = []
        for index, channels in enumerate(week):
            at = start + index * HOUR
            rows.append(
                PlanHourRow(
                    starts_at=at.astimezone(zone),
                    forecast={channel: h.forecast for channel, h in channels.items()},
                    baseline={channel: h.baseline for channel, h in channels.items()},
                    actual=actual.get((language, at), {}) if at < passed else None,
                    agents={channel: h.agents for channel, h in channels.items()},
                    required=needs[index],
                    scheduled=round(float(covered[index]), 2),
                )
            )
        weeks[language] = rows
    return weeks


def plan_horizon_end(run: PlanRun) -> dt.datetime:
    return run.horizon_start + run.horizon_hours * HOUR


def _runs_of_hours(
    *, run: PlanRun, start: dt.datetime, passed: dt.datetime, end: dt.datetime
) -> dict[int, PlanRun]:
    """The plan each hour of [start, end) is read from (hour index → run): a past hour
    from the newest finished plan made before its UTC day began whose horizon holds it
    (the day-ahead forecast, to set against what came), else from ``run``; the hours to
    come from ``run``. Runs are few (one a night): chosen here, then their hours read in
    one query, rather than DISTINCT ON over every run's copy of each hour."""
    horizon_end = ExpressionWrapper(
        F("horizon_start") + F("horizon_hours") * HOUR, output_field=DateTimeField()
    )
    earlier = list(
        PlanRun.objects.filter(status=PlanRun.Status.DONE, started_at__lt=passed)
        .annotate(horizon_end=horizon_end)
        .filter(horizon_start__lt=passed, horizon_end__gt=start)
        .order_by("-started_at")
    )
    chosen: dict[int, PlanRun] = {}
    for index in range(int((end - start) / HOUR)):
        at = start + index * HOUR
        day_began = at.replace(hour=0, minute=0)
        ahead = (
            next(
                (
                    made
                    for made in earlier
                    if made.started_at <= day_began and made.horizon_start <= at < made.horizon_end
                ),
                None,
            )
            if at < passed
            else None
        )
        if ahead is not None:
            chosen[index] = ahead
        elif run.horizon_start <= at < plan_horizon_end(run):
            chosen[index] = run
    return chosen


def _segments(runs: Mapping[int, PlanRun], *, start: dt.datetime) -> Q:
    """The hours to read: each run's consecutive hours as one range."""
    ranges: list[tuple[int, int, int]] = []  # run, first and last hour index
    for index in sorted(runs):
        run_id = runs[index].pk
        if ranges and ranges[-1][0] == run_id and ranges[-1][2] == index - 1:
            ranges[-1] = (run_id, ranges[-1][1], index)
        else:
            ranges.append((run_id, index, index))
    wanted = Q(pk__in=[])
    for run_id, first, last in ranges:
        wanted |= Q(
            pool__run_id=run_id, hour__gte=start + first * HOUR, hour__lte=start + last * HOUR
        )
    return wanted
