"""Calendar months: "YYYY-MM" read, and the month arithmetic of billing, reporting and the portal.

A month is the date of its first day. Which month a moment falls in depends on the time zone
it is read in (a client's month is its own local month), so the functions that start from a
moment take the zone. Plain standard library: reporting's Django-free figures use it too.
"""

import re
from datetime import date, datetime, tzinfo

_MONTH_TEXT = re.compile(r"([0-9]{4})-([0-9]{2})")
# Years a month may be read in: the month before and the month after always exist, and every
# zone's midnight of the 1st is a datetime (year 1 or 9999 overflow in month arithmetic).
_YEARS = range(1900, 3000)
_LONGEST_ECHO = 20  # a refusal quotes at most this much of what it was given


def month_parse(text: str) -> date:
    """'2026-10' -> date(2026, 10, 1); ValueError with the expected form for anything else."""
    match = _MONTH_TEXT.fullmatch(text.strip())
    if match and int(match[1]) in _YEARS and 1 <= int(match[2]) <= 12:
        return date(int(match[1]), int(match[2]), 1)
    shown = text if len(text) <= _LONGEST_ECHO else text[:_LONGEST_ECHO] + "…"
    raise ValueError(f"{shown!r} is not a month written as YYYY-MM (e.g. 2026-10).")


def month_query(text: str | None, *, default: date, latest: date | None = None) -> date:
    """A page's ``?month=``: `default` when absent or empty, else the month read (ValueError if
    it is not one, or is after `latest`)."""
    if not text:
        return default
    month = month_parse(text)
    if latest is not None and month > latest:
        raise ValueError(f"{month:%Y-%m} has not started yet.")
    return month


def months_back(month: date, count: int) -> date:
    """The first day of the month `count` months before `month`'s (a negative count: after)."""
    index = month.year * 12 + month.month - 1 - count
    return date(index // 12, index % 12 + 1, 1)


def month_of(moment: datetime, *, zone: tzinfo) -> date:
    """The month `moment` falls in on the calendar of `zone`."""
    return moment.astimezone(zone).date().replace(day=1)


def month_previous(moment: datetime, *, zone: tzinfo) -> date:
    """The month before the one `moment` falls in, in `zone`: the latest that has ended there."""
    return months_back(month_of(moment, zone=zone), 1)


def month_bounds(month: date) -> tuple[date, date]:
    """First day of the month and first day of the next."""
    return month.replace(day=1), months_back(month, -1)


def month_start(month: date, *, zone: tzinfo) -> datetime:
    """Midnight of the month's first day in `zone`."""
    return datetime(month.year, month.month, 1, tzinfo=zone)


def month_span(month: date, *, zone: tzinfo) -> tuple[datetime, datetime]:
    """[start, end) of the month in `zone`: midnight of its 1st to midnight of the next 1st."""
    start, end = month_bounds(month)
    return month_start(start, zone=zone), month_start(end, zone=zone)
