"""SMS quiet hours: when an order update by SMS may go out. Plain functions of wall-clock
times in the client's time zone, without Django.

The nightly window runs from ``start`` to ``end`` (across midnight when start > end, e.g.
20:00-08:00; none when they are equal); ``sunday`` makes all of Sunday quiet too, so a
Saturday evening's message waits for Monday morning. A wall-clock end that does not exist
(the night the clocks go forward) is read as the same time after the change.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

SUNDAY = 6  # date.weekday()


@dataclass(frozen=True)
class QuietHours:
    start: time
    end: time
    sunday: bool


def _local(day: date, at: time, zone: ZoneInfo) -> datetime:
    """``at`` on ``day`` in ``zone`` as a real instant: a time skipped by a change of the
    clocks is taken as that many minutes after the change (zoneinfo's fold=0 reading,
    normalised through UTC)."""
    return datetime.combine(day, at, tzinfo=zone).astimezone(UTC).astimezone(zone)


def _night_end(local: datetime, quiet: QuietHours) -> datetime | None:
    """When the nightly window ``local`` falls in ends; None outside it."""
    start, end, now = quiet.start, quiet.end, local.time().replace(tzinfo=None)
    zone = local.tzinfo
    assert isinstance(zone, ZoneInfo)  # built by quiet_until
    if start == end:
        return None
    if start < end:  # within one day, e.g. 12:00-14:00
        return _local(local.date(), end, zone) if start <= now < end else None
    if now >= start:  # evening: until tomorrow's end
        return _local(local.date() + timedelta(days=1), end, zone)
    if now < end:  # small hours: until this morning's end
        return _local(local.date(), end, zone)
    return None


def quiet_until(at: datetime, *, zone: ZoneInfo, quiet: QuietHours) -> datetime | None:
    """The moment the quiet hours that ``at`` falls in end (UTC); None when an SMS may go at
    ``at``."""
    local = at.astimezone(zone)
    moved = False
    # A Sunday ends at midnight, which may be a nightly window's middle, whose end may be
    # a Sunday again (a window ending after midnight on Saturday): a few steps at most.
    for _step in range(4):
        if quiet.sunday and local.weekday() == SUNDAY:
            local = _local(local.date() + timedelta(days=1), time(0, 0), zone)
            moved = True
            continue
        night = _night_end(local, quiet)
        if night is None:
            break
        local, moved = night, True
    return local.astimezone(UTC) if moved else None
