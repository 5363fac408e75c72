"""Reads of clients' hours and promises (public schema): the calendar a contact is counted
in, the SLA promised on a channel."""

import functools
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import time
from decimal import Decimal

import holidays

from hours.calendar import BusinessCalendar
from hours.models import BusinessHours, Closure, SlaTarget, default_weekly_hours
from tenants.models import Client


def _weekly_from_json(
    weekly: dict[str, list[list[str]]],
) -> dict[int, list[tuple[time, time | None]]]:
    hours: dict[int, list[tuple[time, time | None]]] = {}
    for day, intervals in weekly.items():
        hours[int(day)] = [
            (time.fromisoformat(opens), None if closes == "24:00" else time.fromisoformat(closes))
            for opens, closes in intervals
        ]
    return hours


@functools.cache
def _holiday_countries() -> frozenset[str]:
    return frozenset(holidays.list_supported_countries())


def client_calendar(client: Client, *, country: str = "", language: str = "") -> BusinessCalendar:
    """The client's business hours for a country and language: the most specific schedule
    (country and language, then country, then language, then the client's, then the
    agency's default), that country's public holidays, and the client's closures."""
    return client_calendars(client, scopes=[(country, language)])[(country, language)]


def client_calendars(
    client: Client, *, scopes: Iterable[tuple[str, str]]
) -> dict[tuple[str, str], BusinessCalendar]:
    """``client_calendar`` for each (country, language) of ``scopes``, reading the client's
    hours and closures once; scopes that come to the same country and schedule share one
    calendar object (so a caller can compute its open periods once)."""
    schedules = {
        (row.country, row.language): row.weekly
        for row in BusinessHours.objects.filter(client=client)
    }
    closures = [(c.starts_at, c.ends_at) for c in Closure.objects.filter(client=client)]
    calendars: dict[tuple[str, str | None], BusinessCalendar] = {}
    found: dict[tuple[str, str], BusinessCalendar] = {}
    for country, language in scopes:
        counted_in = country
        if counted_in not in _holiday_countries():
            # A customer from a country without a holiday calendar (or a made-up code) gets
            # the client's main country's hours and holidays rather than an error.
            counted_in = client.countries[0] if client.countries else ""
        schedule = next(
            (
                scope
                for scope in ((counted_in, language), (counted_in, ""), ("", language), ("", ""))
                if scope in schedules
            ),
            None,
        )
        key = (counted_in, None if schedule is None else "/".join(schedule))
        if key not in calendars:
            weekly = default_weekly_hours() if schedule is None else schedules[schedule]
            calendars[key] = BusinessCalendar(
                time_zone=client.time_zone,
                weekly_hours=_weekly_from_json(weekly),
                country=counted_in or None,
                closures=closures,
            )
        found[(country, language)] = calendars[key]
    return found


@dataclass(frozen=True)
class SlaPromise:
    first_response_hours: Decimal
    warn_before_hours: Decimal
    resolution_hours: Decimal | None = None  # None: no resolution promise
    resolve_pending_after_days: int | None = 7  # None: never resolved automatically


# The agency's offer: an answer within 48 business hours, the matter resolved within 96; a
# conversation left without a word from the customer for 7 days after an answer is resolved.
DEFAULT_SLA = SlaPromise(Decimal(48), Decimal(4), Decimal(96), 7)


def sla_promise_for(client: Client, channel: str) -> SlaPromise:
    """The client's target for the channel, its all-channel target, or the agency's."""
    return sla_promises_for(client, [channel])[channel]


def sla_promises_for(client: Client, channels: list[str]) -> dict[str, SlaPromise]:
    """sla_promise_for of each of ``channels``, from one read of the client's targets."""
    rows = {row.channel: row for row in SlaTarget.objects.filter(client=client)}
    promises = {}
    for channel in channels:
        row = rows.get(channel) or rows.get("")
        promises[channel] = (
            DEFAULT_SLA
            if row is None
            else SlaPromise(
                row.first_response_hours,
                row.warn_before_hours,
                row.resolution_hours,
                row.resolve_pending_after_days,
            )
        )
    return promises
