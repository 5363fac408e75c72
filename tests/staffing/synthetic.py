"""Seeded synthetic pools for the forecast's tests: Poisson counts per hour around a weekday
and local-hour profile, with a yearly growth, holiday closures and clients' sales."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import numpy.typing as npt

from staffing.forecast import PoolSeries

PRAGUE = ZoneInfo("Europe/Prague")
# A pool's week (Monday first) and day (local hours 0..23): busy on weekday office hours,
# quieter at the weekend and in the evening, a trickle at night.
WEEKDAY_LEVEL = (1.25, 1.15, 1.05, 1.0, 0.95, 0.45, 0.3)
HOUR_LEVEL = (
    (0.1,) * 7 + (0.5, 1.0) + (1.6,) * 4 + (1.3,) + (1.5,) * 4 + (1.0, 0.8, 0.7, 0.5, 0.3, 0.2)
)
# The Czech and Slovak fixed-date public holidays (month, day): the pool's clients there close.
HOLIDAY_DAYS = (
    (1, 1),
    (5, 1),
    (5, 8),
    (7, 5),
    (7, 6),
    (9, 1),
    (9, 28),
    (10, 28),
    (11, 17),
    (12, 24),
    (12, 25),
    (12, 26),
)


@dataclass(frozen=True)
class SyntheticPool:
    series: PoolSeries
    mean: npt.NDArray[np.float64]  # the Poisson mean of every hour, history and horizon
    future: npt.NDArray[np.float64]  # counts drawn for the horizon's hours


def holidays_of(years: Sequence[int]) -> list[date]:
    """The fixed-date holidays of those years."""
    return [date(year, month, day) for year in years for month, day in HOLIDAY_DAYS]


def synthetic_pool(
    *,
    seed: int,
    start: datetime,
    weeks: int,
    horizon_hours: int = 672,
    zone: ZoneInfo = PRAGUE,
    per_day: float = 400.0,
    yearly_growth: float = 0.25,
    holidays: Sequence[date] = (),
    holiday_share: float = 0.6,
    holiday_residual: float = 0.1,
    events: Sequence[tuple[date, date, float]] = (),
) -> SyntheticPool:
    """A pool with `weeks` weeks of history from `start` and its horizon: `per_day` contacts
    on an average day at the start, growing by `yearly_growth` a year; on `holidays` (local
    days) `holiday_share` of the pool's clients close and bring `holiday_residual` of their
    volume; each event (first day, last day, lift) multiplies the pool's volume."""
    hours = weeks * 168
    span = hours + horizon_hours
    local = [(start + timedelta(hours=i)).astimezone(zone) for i in range(span)]
    weekday = np.array([WEEKDAY_LEVEL[t.weekday()] for t in local]) / np.mean(WEEKDAY_LEVEL)
    hour = np.array([HOUR_LEVEL[t.hour] for t in local]) / np.sum(HOUR_LEVEL)
    growth = 1 + yearly_growth * np.arange(span) / (365 * 24)
    days = [t.date() for t in local]
    closed = set(holidays)
    share = np.array([holiday_share if day in closed else 0.0 for day in days])
    lift = np.ones(span)
    for first, last, factor in events:
        lift[[first <= day <= last for day in days]] *= factor
    mean = per_day * growth * weekday * hour * (1 - share * (1 - holiday_residual)) * lift
    counts = np.random.default_rng(seed).poisson(mean).astype(np.float64)
    series = PoolSeries(
        start=start.astimezone(UTC),
        history=counts[:hours],
        horizon_hours=horizon_hours,
        zone=zone,
        holiday_share=share,
        event_lift=lift,
    )
    return SyntheticPool(series=series, mean=mean, future=counts[hours:])
