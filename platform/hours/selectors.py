"""Reads of clients' hours and promises (public schema): the calendar a contact is counted
in, the SLA promised on a channel."""

import functools
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
    if country not in _holiday_countries():
        # A customer from a country without a holiday calendar (or a made-up code) gets the
        # client's main country's hours and holidays rather than an error.
        country = client.countries[0] if client.countries else ""
    schedules = {
        (row.country, row.language): row.weekly
        for row in BusinessHours.objects.filter(client=client)
    }
    for scope in ((country, language), (country, ""), ("", language), ("", "")):
        if scope in schedules:
            weekly = schedules[scope]
            break
    else:
        weekly = default_weekly_hours()
    closures = [(c.starts_at, c.ends_at) for c in Closure.objects.filter(client=client)]
    return BusinessCalendar(
        time_zone=client.time_zone,
        weekly_hours=_weekly_from_json(weekly),
        country=country or None,
        closures=closures,
    )


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
