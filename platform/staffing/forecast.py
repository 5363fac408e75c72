"""The contacts of one language pool and plan channel, hour by hour, for the weeks ahead.

Pure: numpy and statsmodels, no Django (docs/staffing.md, "Forecast"). The method, in short:
daily totals over the pool's local days, cleaned of holidays and clients' events, are
forecast by Holt-Winters exponential smoothing (damped trend, weekly seasonality); each day
is spread over its hours by a weekday-by-local-hour profile of the last weeks; the horizon's
holidays and events are applied again. The plain seasonal baseline (the last week repeated)
and a backtest of both (docs/kpis.md, "Forecast error") come with it.
"""

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import numpy as np
import numpy.typing as npt
from statsmodels.tsa.holtwinters import ExponentialSmoothing

Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]

WEEK_HOURS = 168
# The weekday-by-hour profile reads the last 8 weeks: recent enough to follow a client's
# changed opening hours, long enough that each of its 168 cells averages 8 hours.
PROFILE_WEEKS = 8
# Holt-Winters needs two weekly cycles to start and a few more to learn its trend; below 8
# weeks of whole days the forecast is each weekday's mean over the last 4 weeks.
SMOOTHING_MIN_DAYS = 56
WEEKDAY_MEAN_WEEKS = 4
# Holt-Winters learns from the last year of days at most: older days barely weigh in its
# smoothed state; fitting all of two years took a third longer for the same backtest error.
SMOOTHING_FIT_DAYS = 364
# A day whose holidays and events leave less than a quarter of its usual volume says too
# little about the usual volume: it is filled from the same weekday a week earlier instead.
CLEANING_FLOOR = 0.25
# Holiday days' share of the pool at least this big teach the holiday ratio.
HOLIDAY_DAY_SHARE = 0.05
# The backtest needs this much history before the weeks it holds back.
BACKTEST_MIN_TRAINING_WEEKS = 2
# An event day is compared with the same weekday of up to 4 weeks before.
EVENT_REFERENCE_WEEKS = 4

MODEL_NONE = "none: no contacts in the history"
MODEL_NAIVE = "seasonal naive: under a day of history"
MODEL_WEEKDAY_MEAN = "weekday mean + hour profile"
MODEL_SMOOTHING = "Holt-Winters (Ad,{season}) + hour profile"


@dataclass(frozen=True)
class PoolSeries:
    """A pool-channel's hourly history and the known holidays and events of it and its
    horizon."""

    start: datetime  # UTC, an hour's start: the first history hour
    history: Floats  # contacts per hour, len H (hours [start, start + H))
    horizon_hours: int  # 672
    zone: ZoneInfo  # the pool's main time zone: weekday and hour profiles are local time
    # len H + horizon_hours: for each hour, the share (0..1) of the pool's usual volume that
    # belongs to clients on a public holiday (closed) at that hour; 0 on ordinary hours.
    holiday_share: Floats
    # len H + horizon_hours: multiplier of the pool's volume from clients' known events at
    # that hour (1.0 = none; 1.3 = +30 % on the pool).
    event_lift: Floats

    def __post_init__(self) -> None:
        span = len(self.history) + self.horizon_hours
        if len(self.holiday_share) != span or len(self.event_lift) != span:
            raise ValueError("holiday_share and event_lift cover the history and the horizon")
        if self.start.utcoffset() != timedelta(0) or self.start.minute or self.start.second:
            raise ValueError("start is the start of an hour, in UTC")


@dataclass(frozen=True)
class PoolForecast:
    forecast: Floats  # horizon_hours, >= 0
    baseline: Floats  # horizon_hours: the seasonal baseline
    model_name: str  # at most 40 characters (PlanPool.model_name)


@dataclass(frozen=True)
class Backtest:
    """The last weeks of a history forecast from what came before; errors are fractions
    (0.08 = 8 %), None when the history is too short or the weeks held no contacts."""

    weeks: int
    mape: float | None
    bias: float | None
    baseline_mape: float | None
    baseline_bias: float | None


def pool_forecast(series: PoolSeries) -> PoolForecast:
    """The pool-channel's contacts per hour over the horizon, with the seasonal baseline."""
    return _forecast(
        start=series.start,
        history=np.asarray(series.history, dtype=np.float64),
        horizon_hours=series.horizon_hours,
        zone=series.zone,
        holiday_share=np.asarray(series.holiday_share, dtype=np.float64),
        event_lift=np.asarray(series.event_lift, dtype=np.float64),
    )


def pool_backtest(series: PoolSeries, *, weeks: int = 4) -> Backtest:
    """The last `weeks` weeks of the history forecast from the weeks before them, by the
    model and by the baseline, against what came; None figures under weeks + 2 weeks."""
    history = np.asarray(series.history, dtype=np.float64)
    held_hours = weeks * WEEK_HOURS
    cut = len(history) - held_hours
    if weeks < 1 or cut < BACKTEST_MIN_TRAINING_WEEKS * WEEK_HOURS:
        return Backtest(weeks, None, None, None, None)
    # The held-out weeks' holidays and events were known beforehand, as a horizon's are.
    made = _forecast(
        start=series.start,
        history=history[:cut],
        horizon_hours=held_hours,
        zone=series.zone,
        holiday_share=np.asarray(series.holiday_share[: len(history)], dtype=np.float64),
        event_lift=np.asarray(series.event_lift[: len(history)], dtype=np.float64),
    )
    actual = history[cut:]
    calendar = _calendar(series.start, len(history), series.zone)
    day_of_hour = calendar.day[PAD + cut : PAD + len(history)]
    days = _whole_days(calendar, cut, len(history))
    return Backtest(
        weeks=weeks,
        mape=_daily_mape(made.forecast, actual, day_of_hour, days),
        bias=_bias(made.forecast, actual),
        baseline_mape=_daily_mape(made.baseline, actual, day_of_hour, days),
        baseline_bias=_bias(made.baseline, actual),
    )


def event_lift_learn(*, daily: Sequence[float], event_days: Sequence[bool]) -> float | None:
    """A client's volume on its earlier event days against the same weekdays of the 4 weeks
    before (1.8 = +80 %); None without an event day that has such weeks before it."""
    during = 0.0
    usual = 0.0
    for day, is_event in enumerate(event_days):
        if not is_event:
            continue
        before = [
            daily[day - 7 * weeks]
            for weeks in range(1, EVENT_REFERENCE_WEEKS + 1)
            if day - 7 * weeks >= 0 and not event_days[day - 7 * weeks]
        ]
        if before:
            during += daily[day]
            usual += sum(before) / len(before)
    return during / usual if usual > 0 else None


def seasonal_naive(*, history: Floats, horizon_hours: int) -> Floats:
    """The baseline: each hour as the same hour a week earlier, so the last observed week
    repeated; under a week of history, the mean of the same hour of the day."""
    hours = len(history)
    ahead = np.arange(hours, hours + horizon_hours)
    if hours >= WEEK_HOURS:
        return np.asarray(history[hours - WEEK_HOURS + (ahead - hours) % WEEK_HOURS], np.float64)
    if hours >= 24:
        by_hour = np.bincount(np.arange(hours) % 24, weights=history, minlength=24)
        seen = np.bincount(np.arange(hours) % 24, minlength=24)
        return np.asarray(by_hour[ahead % 24] / seen[ahead % 24], np.float64)
    return np.full(horizon_hours, history.mean() if hours else 0.0)


@dataclass(frozen=True)
class _Calendar:
    """Local days around an hour span: arrays over hours [-PAD, hours + PAD) from start."""

    day: Ints  # the local day's number, 0 = the local day of the first hour of the padding
    weekday: Ints  # Monday 0
    hour: Ints  # local hour of the day, 0..23
    day_first: Ints  # per day number: its first hour, counted from start (may be negative)
    day_hours: Ints  # per day number: its hours (23, 24 or 25 around a DST change)


# Padding on both sides so that the local days a span touches are whole (at most 25 hours).
PAD = 25


@functools.lru_cache(maxsize=32)
def _calendar(start: datetime, hours: int, zone: ZoneInfo) -> _Calendar:
    """The local day, weekday and hour of every hour of the span, with its padding."""
    first = start - timedelta(hours=PAD)
    count = hours + 2 * PAD
    local = int(first.timestamp()) + 3600 * np.arange(count) + _utc_offsets(first, count, zone)
    epoch_day = local // 86400
    day = epoch_day - epoch_day[0]
    return _Calendar(
        day=day,
        # 1 January 1970, the epoch's day 0, was a Thursday.
        weekday=(epoch_day + 3) % 7,
        hour=(local % 86400) // 3600,
        day_first=np.searchsorted(day, np.arange(day[-1] + 1)).astype(np.int64) - PAD,
        day_hours=np.bincount(day).astype(np.int64),
    )


def _utc_offsets(first: datetime, count: int, zone: ZoneInfo) -> Ints:
    """Each hour's offset from UTC in the zone, in seconds. Probed once a day and hour by
    hour only across a day where it changed: a zone changes its offset at most once a day."""

    def offset(hour: int) -> int:
        moment = (first + timedelta(hours=hour)).astimezone(zone)
        return int((moment.utcoffset() or timedelta(0)).total_seconds())

    probes = [*range(0, count - 1, 24), count - 1]
    probed = [offset(hour) for hour in probes]
    offsets = np.empty(count, dtype=np.int64)
    for (since, until), (before, after) in zip(pairwise(probes), pairwise(probed), strict=True):
        if before == after:
            offsets[since : until + 1] = before
        else:
            offsets[since : until + 1] = [offset(hour) for hour in range(since, until + 1)]
    return offsets


def _whole_days(calendar: _Calendar, first: int, end: int) -> Ints:
    """The numbers of the local days lying wholly within hours [first, end)."""
    inside = (calendar.day_first >= first) & (calendar.day_first + calendar.day_hours <= end)
    return np.flatnonzero(inside).astype(np.int64)


def _padded(values: Floats, fill: float) -> Floats:
    return np.concatenate([np.full(PAD, fill), values, np.full(PAD, fill)])


def _forecast(
    *,
    start: datetime,
    history: Floats,
    horizon_hours: int,
    zone: ZoneInfo,
    holiday_share: Floats,
    event_lift: Floats,
) -> PoolForecast:
    baseline = seasonal_naive(history=history, horizon_hours=horizon_hours)
    hours = len(history)
    span = hours + horizon_hours
    if not history.any():
        return PoolForecast(np.zeros(horizon_hours), baseline, MODEL_NONE)
    calendar = _calendar(start, span, zone)
    known = _padded(np.concatenate([history, np.zeros(horizon_hours)]), 0.0)
    share = _padded(holiday_share, 0.0)
    lift = _padded(event_lift, 1.0)
    ordinary = (share < 1e-9) & (np.abs(lift - 1) < 1e-9)
    profile = _hour_profile(calendar, known, ordinary, hours)
    weight = profile[calendar.weekday, calendar.hour]
    day_weight = np.bincount(calendar.day, weights=weight)
    days = _whole_days(calendar, 0, hours)
    if not len(days):
        return PoolForecast(baseline, baseline, MODEL_NAIVE)

    def by_day(values: Floats) -> Floats:
        """Each day's profile-weighted mean of an hourly value."""
        return np.bincount(calendar.day, weights=weight * values) / np.maximum(day_weight, 1e-12)

    actual = np.bincount(calendar.day, weights=known)
    ratio = _holiday_ratio(actual, by_day(share), by_day(lift), days)
    factor = (1 - share * (1 - ratio)) * lift
    cleaned = _cleaned(actual[days], by_day(factor)[days])
    last_day = int(calendar.day[PAD + span - 1])
    predicted, model_name = _daily_model(cleaned, steps=last_day - int(days[-1]))
    per_day = np.zeros(last_day + 1)
    per_day[days[-1] + 1 :] = np.maximum(predicted, 0)
    ahead = slice(PAD + hours, PAD + span)
    day_ahead = calendar.day[ahead]
    hour_share = weight[ahead] / np.maximum(day_weight[day_ahead], 1e-12)
    forecast = per_day[day_ahead] * hour_share * factor[ahead]
    return PoolForecast(np.maximum(forecast, 0.0), baseline, model_name)


def _hour_profile(
    calendar: _Calendar, known: Floats, ordinary: npt.NDArray[np.bool_], hours: int
) -> Floats:
    """The mean contacts per weekday and local hour over the last weeks' ordinary hours
    (no holiday, no event): 7 by 24, the shape each day's total is spread by."""
    recent = np.zeros_like(ordinary)
    recent[PAD + max(0, hours - PROFILE_WEEKS * WEEK_HOURS) : PAD + hours] = True
    used = recent & ordinary
    cell = calendar.weekday[used] * 24 + calendar.hour[used]
    totals = np.bincount(cell, weights=known[used], minlength=168).reshape(7, 24)
    seen = np.bincount(cell, minlength=168).reshape(7, 24)
    by_hour = totals.sum(axis=0) / np.maximum(seen.sum(axis=0), 1)
    if not by_hour.any():
        by_hour = np.ones(24)
    means = np.where(seen > 0, totals / np.maximum(seen, 1), by_hour)
    # A weekday the last weeks never saw a contact on still gets the usual shape, in case the
    # daily model foresees some.
    return np.where(means.sum(axis=1, keepdims=True) > 0, means, by_hour)


def _holiday_ratio(actual: Floats, day_share: Floats, day_lift: Floats, days: Ints) -> float:
    """The share of their usual volume that clients on holiday still bring (0 when they bring
    none): learnt from the history's holiday days against the same weekdays 1 and 2 weeks
    around; 0 when the history has no such day."""
    is_day = np.zeros(len(actual), dtype=bool)
    is_day[days] = True
    clean = is_day & (day_share < 0.01) & (np.abs(day_lift - 1) < 0.01)
    brought = 0.0
    usual_open = 0.0
    usual_closed = 0.0
    for day in np.flatnonzero(is_day & (day_share >= HOLIDAY_DAY_SHARE)):
        around = [day + weeks for weeks in (-14, -7, 7, 14) if 0 <= day + weeks < len(actual)]
        references = [actual[other] for other in around if clean[other]]
        if not references:
            continue
        usual = sum(references) / len(references)
        brought += actual[day] / day_lift[day]
        usual_open += usual * (1 - day_share[day])
        usual_closed += usual * day_share[day]
    if usual_closed <= 0:
        return 0.0
    return float(np.clip((brought - usual_open) / usual_closed, 0.0, 1.0))


def _cleaned(actual: Floats, factor: Floats) -> Floats:
    """The days' totals as if no holiday or event: divided by the share of the usual volume
    they were expected to bring; a day left with too little is the same weekday a week
    earlier (or later, in the first week)."""
    cleaned = np.where(factor >= CLEANING_FLOOR, actual / np.maximum(factor, 1e-12), np.nan)
    for day in np.flatnonzero(np.isnan(cleaned)):
        same_weekday = cleaned[day % 7 :: 7]
        if day >= 7:
            cleaned[day] = cleaned[day - 7]
        elif not np.isnan(same_weekday).all():
            cleaned[day] = np.nanmean(same_weekday)
        elif not np.isnan(cleaned).all():
            cleaned[day] = np.nanmean(cleaned)
        else:
            cleaned[day] = actual.mean()
    return cleaned


def _daily_model(days: Floats, *, steps: int) -> tuple[Floats, str]:
    """The next `steps` days' totals after the cleaned ones, and the model's name."""
    if len(days) < SMOOTHING_MIN_DAYS:
        recent = days[-WEEKDAY_MEAN_WEEKS * 7 :]
        ahead = np.arange(len(days), len(days) + steps)
        weekday = np.arange(len(days) - len(recent), len(days)) % 7
        means = np.array(
            [
                recent[weekday == w].mean() if (weekday == w).any() else recent.mean()
                for w in range(7)
            ]
        )
        return means[ahead % 7], MODEL_WEEKDAY_MEAN
    # Fitted on a mean of 1 and scaled back: the optimiser's tolerances suit that scale, and
    # on raw counts it stopped short ("failed to converge") on pools of a million contacts a
    # day, on pools open every other week and on fast-growing ones, and forecast them worse.
    scale = days[-SMOOTHING_FIT_DAYS:].mean()
    fitted = days[-SMOOTHING_FIT_DAYS:] / scale
    # A multiplicative season needs every day above zero (a pool closed on Sundays is not).
    season = "mul" if fitted.min() > 0 else "add"
    model = ExponentialSmoothing(
        fitted,
        trend="add",
        damped_trend=True,
        seasonal=season,
        seasonal_periods=7,
        initialization_method="heuristic",
    )
    # SLSQP, not scipy's default L-BFGS-B: L-BFGS-B's Fortran calls BLAS, whose threads
    # made 48 pools take 10 s instead of 1.2 s on a busy two-core machine (docs/staffing.md).
    fit = model.fit(method="SLSQP", use_brute=False)
    predicted = np.asarray(fit.forecast(steps), dtype=np.float64) * scale
    return predicted, MODEL_SMOOTHING.format(season=season[0].upper())


def _daily_mape(forecast: Floats, actual: Floats, day_of_hour: Ints, days: Ints) -> float | None:
    """The mean absolute error of the whole days' totals, as a share of each day's actual
    total, over the days with at least one contact (docs/kpis.md, "Forecast error")."""
    length = int(day_of_hour.max()) + 1
    actual_days = np.bincount(day_of_hour, weights=actual, minlength=length)[days]
    forecast_days = np.bincount(day_of_hour, weights=forecast, minlength=length)[days]
    counted = actual_days >= 1
    if not counted.any():
        return None
    errors = np.abs(forecast_days[counted] - actual_days[counted]) / actual_days[counted]
    return float(errors.mean())


def _bias(forecast: Floats, actual: Floats) -> float | None:
    total = actual.sum()
    return float((forecast.sum() - total) / total) if total > 0 else None
