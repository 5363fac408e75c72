"""Stored KPI figures: when a month is closed, how old the month so far may be, and Kpis to
JSON and back.

No Django, no database (the model is ``reporting.models.KpiSnapshot``; reading and writing
it: ``reporting.selectors.kpi_snapshot_get``, ``reporting.services.kpis_for_month``).

The codec follows the dataclasses of ``reporting.figures`` by their type hints: Decimals are
written as strings (exact), dates and datetimes in ISO 8601, tuples and lists as lists, and
a dict as a list of [key, value] pairs (PostgreSQL's jsonb reorders an object's keys, and
the order of a split is the order shown). A period keeps its time zone's name, which its
previous month is computed in. Decoding checks every value against its type: a row written
by another shape of the figures fails to decode (ValueError) rather than giving wrong ones;
a change of the dataclasses' shape also raises FORMAT_VERSION.
"""

import dataclasses
import functools
import types
import typing
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

from reporting.figures import Kpis, Period

# Raise it whenever a field of Kpis or of a dataclass inside it is added, removed, renamed or
# changes meaning: rows of another version are recomputed (and replaced) on their next read.
# 2: the conversation survey's NPS (SatisfactionFigures.nps_totals, nps_by) and the split by
# team (Kpis.satisfaction_by_team).
# 3: an agent's new e-mail is no contact (Conversation.started_by_agent): months that held
# one counted it as received and answered at once.
# 4: spam is no contact and its promises are not applicable (Conversation.spam).
FORMAT_VERSION = 4

# A month is closed, and its figures stored, once its end is this far behind: late status
# webhooks of its calls are reconciled 15 minutes after the call (telephony's sweep runs
# every 5 minutes), a return call's fate is settled after a day (RETURN_CALL_GIVE_UP_AFTER),
# so two days leave a margin over both. See docs/kpis.md, "Stored figures".
CLOSED_AFTER = timedelta(days=2)

# The month so far is served from figures computed at most this long ago (docs/kpis.md,
# "Stored figures"): the whole computation takes about a second at 100,000 conversations a
# month, and a dashboard, its CSV exports and a PDF preview read it again and again.
SO_FAR_MAX_AGE = timedelta(minutes=2)
# The portal's dashboard shows figures up to this old at once while a worker computes new
# ones (reporting.tasks.kpis_so_far_refresh_task): only a read after a longer quiet waits.
SO_FAR_STALE_MAX = timedelta(minutes=30)

Json = Any


def month_is_closed(*, period: Period, now: datetime) -> bool:
    """True when ``period`` (a whole month) ended at least CLOSED_AFTER before ``now``."""
    return now - period.end >= CLOSED_AFTER


def so_far_is_fresh(
    *,
    stored: Period,
    computed_at: datetime,
    month: Period,
    now: datetime,
    max_age: timedelta = SO_FAR_MAX_AGE,
) -> bool:
    """True when ``stored`` is ``month`` cut when it was computed, at most ``max_age`` before
    ``now`` (and not after it: figures computed later than ``now`` would show what had not
    happened yet)."""
    return (
        stored == month.until(computed_at)
        and str(stored.start.tzinfo) == str(month.start.tzinfo)
        and timedelta(0) <= now - computed_at <= max_age
    )


def kpis_encode(kpis: Kpis) -> Json:
    """The figures as plain JSON data (lists, dicts of str keys, str, int, float, None)."""
    return _encode(kpis)


def kpis_decode(data: Json) -> Kpis:
    """Kpis from kpis_encode's data; ValueError when the data does not fit the dataclasses."""
    try:
        decoded = _decode(data, Kpis)
    except (KeyError, TypeError, InvalidOperation, AttributeError) as error:
        raise ValueError(f"undecodable KPI figures: {error!r}") from error
    return typing.cast(Kpis, decoded)


def _encode(value: Any) -> Json:
    if isinstance(value, Period):
        return {
            "start": value.start.isoformat(),
            "end": value.end.isoformat(),
            "zone": _zone(value),
        }
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _encode(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, bool | int | float | str) or value is None:
        return value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_encode(item) for item in value]
    if isinstance(value, dict):
        return [[_encode(key), _encode(item)] for key, item in value.items()]
    raise TypeError(f"cannot store {type(value).__name__} in KPI figures")


def _zone(period: Period) -> str:
    zone = period.start.tzinfo
    if not isinstance(zone, ZoneInfo):
        raise TypeError("a stored period needs a named time zone (ZoneInfo)")
    return zone.key


def _decode(data: Json, kind: Any) -> Any:
    origin, args = typing.get_origin(kind), typing.get_args(kind)
    if origin in (typing.Union, types.UnionType):
        if data is None and type(None) in args:
            return None
        (inner,) = [arg for arg in args if arg is not type(None)]
        return _decode(data, inner)
    if kind is Period:
        zone = ZoneInfo(_typed(data["zone"], str))
        return Period(
            start=datetime.fromisoformat(_typed(data["start"], str)).astimezone(zone),
            end=datetime.fromisoformat(_typed(data["end"], str)).astimezone(zone),
        )
    if isinstance(kind, type) and dataclasses.is_dataclass(kind):
        hints, fields = _fields_of(kind)
        if set(_typed(data, dict)) != fields:
            raise KeyError(f"{kind.__name__} fields differ: {sorted(set(data) ^ fields)}")
        return kind(**{name: _decode(data[name], hints[name]) for name in fields})
    if origin is list:
        return [_decode(item, args[0]) for item in _typed(data, list)]
    if origin is tuple:
        items = _typed(data, list)
        if len(items) != len(args):
            raise TypeError(f"a pair of {len(items)} items")
        return tuple(_decode(item, arg) for item, arg in zip(items, args, strict=True))
    if origin is dict:
        return {_decode(k, args[0]): _decode(v, args[1]) for k, v in _typed(data, list)}
    if kind is Decimal:
        return Decimal(_typed(data, str))
    if kind is datetime:
        return datetime.fromisoformat(_typed(data, str))
    if kind is date:
        return date.fromisoformat(_typed(data, str))
    if kind is float:
        if isinstance(data, bool) or not isinstance(data, int | float):
            raise TypeError(f"{data!r} is not a number")
        return float(data)
    if kind in (int, str, bool):
        return _typed(data, kind)
    raise TypeError(f"cannot read {kind!r} from KPI figures")


@functools.cache
def _fields_of(kind: type) -> tuple[dict[str, Any], frozenset[str]]:
    """A dataclass's fields and their types (resolving the hints costs more than decoding)."""
    return typing.get_type_hints(kind), frozenset(f.name for f in dataclasses.fields(kind))


def _typed(data: Json, kind: type) -> Any:
    if not isinstance(data, kind) or (kind is int and isinstance(data, bool)):
        raise TypeError(f"{data!r} is not {kind.__name__}")
    return data
