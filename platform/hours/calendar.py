"""Business-hours arithmetic: when a team is open and when N open hours have elapsed.

Pure and Django-free: plain datetimes in, plain datetimes out. The walk goes day by day over
local dates: each day's wall-clock intervals become aware instants (compared and subtracted in
UTC), public holidays remove whole days and closures cut periods out. Elapsed time is real
time, so a DST change inside opening hours makes that day an hour shorter or longer.

Two choices to know about:

* Midnight as a closing time is written ``None`` (``(time(20), None)`` is open until the end
  of the day); ``time(0)`` as an end is rejected because it would read as "before it opens".
* A wall time is turned into an instant with ``fold=0`` (PEP 495) and normalised through UTC:
  a time that does not exist (02:30 on a spring-forward day in Europe) is read with the offset
  in force before the change, i.e. it moves forward by the gap (02:30 -> 03:30 CEST); a time
  that occurs twice (02:30 on a fall-back day) is its first occurrence.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_HALF_EVEN, Decimal
from types import MappingProxyType
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays

type Interval = tuple[time, time | None]
type Segment = tuple[datetime, datetime]

# Beyond this many days without any open time the calendar counts as never opening.
HORIZON_DAYS = 366

DEFAULT_WEEKLY_HOURS: Mapping[int, Sequence[Interval]] = MappingProxyType(
    {weekday: ((time(8), time(16)),) for weekday in range(5)}
)
"""The agency's default: Monday to Friday, 08:00-16:00."""


@dataclass(frozen=True, kw_only=True)
class BusinessCalendar:
    """Opening hours in one time zone, minus a country's public holidays and extra closures."""

    time_zone: str
    # Weekday (0 = Monday .. 6 = Sunday) -> sorted, non-overlapping local (opens, closes)
    # intervals; closes=None means midnight at the end of that day. Absent or empty = closed.
    weekly_hours: Mapping[int, Sequence[Interval]]
    country: str | None = None
    subdivision: str | None = None
    # Extra closed periods [start, end), aware datetimes.
    closures: Sequence[Segment] = ()
    _closures_utc: tuple[Segment, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        try:
            ZoneInfo(self.time_zone)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {self.time_zone!r}") from exc
        object.__setattr__(self, "weekly_hours", _validated_weekly_hours(self.weekly_hours))
        object.__setattr__(self, "closures", _validated_closures(self.closures))
        object.__setattr__(
            self,
            "_closures_utc",
            tuple((start.astimezone(UTC), end.astimezone(UTC)) for start, end in self.closures),
        )
        if self.subdivision is not None and self.country is None:
            raise ValueError("a subdivision needs a country")
        if self.country is not None:
            try:
                _holiday_dates(self.country, self.subdivision, 2000)
            except NotImplementedError as exc:
                raise ValueError(
                    f"no public holidays known for country {self.country!r}"
                    f" / subdivision {self.subdivision!r}"
                ) from exc

    @property
    def zone(self) -> ZoneInfo:
        """The calendar's time zone as a ZoneInfo."""
        return ZoneInfo(self.time_zone)

    def is_open(self, at: datetime) -> bool:
        """Whether the calendar is open at the aware moment `at`."""
        # Everything is compared in UTC: an inter-zone == is always False for a moment in a
        # DST fold (PEP 495).
        at = _utc(at, "at")
        first = next(self._open_segments(at, until=at), None)
        return first is not None and first[0] == at

    def next_opening(self, at: datetime) -> datetime | None:
        """`at` if open, else the next opening moment; None if none within HORIZON_DAYS."""
        at = _utc(at, "at")
        until = at + timedelta(days=HORIZON_DAYS)
        first = next(self._open_segments(at, until=until), None)
        if first is None or first[0] > until:
            return None
        return first[0].astimezone(self.zone)

    def add_business_hours(self, start: datetime, hours: float | Decimal | timedelta) -> datetime:
        """The moment at which `hours` of open time have elapsed after `start`."""
        start = _utc(start, "start")
        remaining = _as_timedelta(hours)
        for seg_start, seg_end in self._open_segments(start, until=None):
            if remaining <= seg_end - seg_start:
                return (seg_start + remaining).astimezone(self.zone)
            remaining -= seg_end - seg_start
        raise ValueError(
            f"the calendar has no open time for {HORIZON_DAYS} days, cannot add {hours!r}"
        )

    def business_seconds_between(self, start: datetime, end: datetime) -> float:
        """Open seconds in [start, end); 0 if end <= start."""
        start, end = _utc(start, "start"), _utc(end, "end")
        if end <= start:
            return 0.0
        total = timedelta()
        for seg_start, seg_end in self._open_segments(start, until=end):
            if seg_start >= end:
                break
            total += min(seg_end, end) - seg_start
        return total.total_seconds()

    def open_periods(self, start: datetime, end: datetime) -> list[Segment]:
        """The open UTC periods overlapping [start, end), clipped to it, in order."""
        start, end = _utc(start, "start"), _utc(end, "end")
        return [
            (seg_start, min(seg_end, end))
            for seg_start, seg_end in self._open_segments(start, until=end)
            if seg_start < end
        ]

    def _open_segments(self, start: datetime, *, until: datetime | None) -> Iterator[Segment]:
        """Open UTC segments from UTC `start` on, in order, clipped to start at or after it.

        With `until`, stops after the local day containing it; without, stops after
        HORIZON_DAYS consecutive days without open time.
        """
        zone = self.zone
        cursor = start
        # The day before too: harmless, and safe should a day's interval reach past midnight.
        day = cursor.astimezone(zone).date() - timedelta(days=1)
        last_day = until.astimezone(zone).date() if until is not None else None
        idle_days = 0
        while (last_day is None and idle_days <= HORIZON_DAYS) or (
            last_day is not None and day <= last_day
        ):
            opened = False
            for seg_start, seg_end in self._day_segments(day, zone):
                # The cursor also keeps segments from overlapping if a DST gap moved one.
                seg_start = max(seg_start, cursor)
                if seg_end > seg_start:
                    opened = True
                    yield seg_start, seg_end
                    cursor = seg_end
            idle_days = 0 if opened else idle_days + 1
            day += timedelta(days=1)

    def _day_segments(self, day: date, zone: ZoneInfo) -> list[Segment]:
        """The local date's open periods as sorted, disjoint UTC segments."""
        if self.country is not None and day in _holiday_dates(
            self.country, self.subdivision, day.year
        ):
            return []
        segments: list[Segment] = []
        for opens, closes in self.weekly_hours.get(day.weekday(), ()):
            seg_start = _instant(day, opens, zone)
            seg_end = (
                _instant(day + timedelta(days=1), time(0), zone)
                if closes is None
                else _instant(day, closes, zone)
            )
            # A DST gap can push an opening past its closing (02:45-03:15 on spring-forward).
            if seg_end > seg_start:
                segments.append((seg_start, seg_end))
        segments = _merged(segments)
        for closure_start, closure_end in self._closures_utc:
            segments = _subtracted(segments, closure_start, closure_end)
        return segments


@functools.lru_cache(maxsize=512)
def _holiday_dates(country: str, subdivision: str | None, year: int) -> frozenset[date]:
    """The public holidays of a country (and subdivision) in one year."""
    return frozenset(holidays.country_holidays(country, subdiv=subdivision, years=year))


def _instant(day: date, wall: time, zone: ZoneInfo) -> datetime:
    """A local wall time on a date as a UTC instant (fold=0, see the module docstring)."""
    return datetime.combine(day, wall.replace(fold=0), tzinfo=zone).astimezone(UTC)


def _merged(segments: list[Segment]) -> list[Segment]:
    """Sorted segments with overlapping or touching ones joined."""
    merged: list[Segment] = []
    for seg_start, seg_end in sorted(segments):
        if merged and seg_start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], seg_end))
        else:
            merged.append((seg_start, seg_end))
    return merged


def _subtracted(segments: list[Segment], cut_start: datetime, cut_end: datetime) -> list[Segment]:
    """Segments with [cut_start, cut_end) removed."""
    result: list[Segment] = []
    for seg_start, seg_end in segments:
        if cut_end <= seg_start or cut_start >= seg_end:
            result.append((seg_start, seg_end))
            continue
        if seg_start < cut_start:
            result.append((seg_start, cut_start))
        if cut_end < seg_end:
            result.append((cut_end, seg_end))
    return result


def _utc(value: datetime, name: str) -> datetime:
    """An aware datetime in UTC; ValueError if it is naive."""
    _require_aware(value, name)
    return value.astimezone(UTC)


def _require_aware(value: datetime, name: str) -> None:
    """Raise ValueError unless `value` is an aware datetime."""
    if not isinstance(value, datetime):
        raise TypeError(f"{name} must be a datetime, not {type(value).__name__}")
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be an aware datetime, got naive {value.isoformat()}")


def _as_timedelta(hours: float | Decimal | timedelta) -> timedelta:
    """A non-negative amount of hours as an exact timedelta (to the microsecond)."""
    if isinstance(hours, timedelta):
        amount = hours
    elif isinstance(hours, Decimal):
        if not hours.is_finite():
            raise ValueError(f"hours must be finite, got {hours}")
        microseconds = (hours * 3_600_000_000).to_integral_value(rounding=ROUND_HALF_EVEN)
        amount = timedelta(microseconds=int(microseconds))
    elif isinstance(hours, int | float) and not isinstance(hours, bool):
        if not math.isfinite(hours):
            raise ValueError(f"hours must be finite, got {hours}")
        amount = timedelta(hours=hours)
    else:
        raise TypeError(f"hours must be a number or a timedelta, not {type(hours).__name__}")
    if amount < timedelta():
        raise ValueError(f"hours must not be negative, got {hours!r}")
    return amount


def _validated_weekly_hours(
    weekly_hours: Mapping[int, Sequence[Interval]],
) -> Mapping[int, tuple[Interval, ...]]:
    """A read-only copy of the weekly hours; ValueError if they are not well-formed."""
    validated: dict[int, tuple[Interval, ...]] = {}
    for weekday, intervals in weekly_hours.items():
        if isinstance(weekday, bool) or not isinstance(weekday, int) or not 0 <= weekday <= 6:
            raise ValueError(f"weekday must be an int 0 (Monday) .. 6 (Sunday), got {weekday!r}")
        checked: list[Interval] = []
        for interval in intervals:
            if len(interval) != 2:
                raise ValueError(f"weekday {weekday}: {interval!r} is not an (opens, closes) pair")
            opens, closes = interval
            if not isinstance(opens, time) or not (closes is None or isinstance(closes, time)):
                raise ValueError(
                    f"weekday {weekday}: {interval!r} must be (time, time) or (time, None)"
                )
            if opens.tzinfo is not None or (closes is not None and closes.tzinfo is not None):
                raise ValueError(
                    f"weekday {weekday}: {interval!r} must be local wall times without tzinfo"
                )
            if closes is not None and closes <= opens:
                hint = " (write None for midnight)" if closes == time(0) else ""
                raise ValueError(
                    f"weekday {weekday}: {opens.isoformat()}-{closes.isoformat()} "
                    f"must close after it opens{hint}"
                )
            if checked:
                previous_closes = checked[-1][1]
                if previous_closes is None or opens < previous_closes:
                    raise ValueError(
                        f"weekday {weekday}: intervals must be sorted and must not overlap, "
                        f"{opens.isoformat()} opens before the previous interval closes"
                    )
            checked.append((opens, closes))
        validated[weekday] = tuple(checked)
    return MappingProxyType(validated)


def _validated_closures(closures: Sequence[Segment]) -> tuple[Segment, ...]:
    """The closures as a tuple; ValueError unless each is an aware [start, end) with end > start."""
    validated: list[Segment] = []
    for closure in closures:
        if len(closure) != 2:
            raise ValueError(f"closure {closure!r} is not a (start, end) pair")
        start, end = closure
        _require_aware(start, "closure start")
        _require_aware(end, "closure end")
        if end <= start:
            raise ValueError(
                f"closure {start.isoformat()}..{end.isoformat()} must end after it starts"
            )
        validated.append((start, end))
    return tuple(validated)
