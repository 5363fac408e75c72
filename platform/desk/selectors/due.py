"""When an item is due, as the agent reads it on the item's page: the moment in the client's
time zone (and the agent's, when their clocks differ), and the business time left in the
client's hours for the customer's country and language, the hours it was promised in."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from hours.calendar import BusinessCalendar
from hours.selectors import client_calendar
from tenants.models import Client


@dataclass(frozen=True)
class Due:
    at: datetime
    client_zone: ZoneInfo
    agent_zone: ZoneInfo | None  # None: the agent's clock reads the same then
    business_left: timedelta | None  # open time until it is due; None once overdue
    overdue_by: timedelta | None  # real time past it; None while not overdue


@dataclass(frozen=True)
class ItemDue:
    answer: Due | None  # the first-response promise, until it is answered
    answered_at: datetime | None
    resolution: Due | None  # the resolution promise of the conversation, if any


def due_of(at: datetime, *, calendar: BusinessCalendar, agent_time_zone: str, now: datetime) -> Due:
    """One due time read in the client's calendar and zone, and the agent's zone."""
    client_zone = calendar.zone
    agent_zone = ZoneInfo(agent_time_zone)
    same_clock = at.astimezone(agent_zone).utcoffset() == at.astimezone(client_zone).utcoffset()
    overdue = at <= now
    return Due(
        at=at,
        client_zone=client_zone,
        agent_zone=None if same_clock else agent_zone,
        business_left=(
            None if overdue else timedelta(seconds=calendar.business_seconds_between(now, at))
        ),
        overdue_by=now - at if overdue else None,
    )


def item_due_public(
    *,
    client: Client,
    country: str,
    language: str,
    answer_due_at: datetime | None,
    answered_at: datetime | None,
    resolution_due_at: datetime | None,
    agent_time_zone: str,
    now: datetime,
) -> ItemDue | None:
    """The item's due times (None when it has none), counted in the calendar its promises
    were computed in (``hours.selectors.client_calendar``: two queries, public schema)."""
    if answer_due_at is None and resolution_due_at is None:
        return None
    calendar = client_calendar(client, country=country, language=language)

    def read(at: datetime | None) -> Due | None:
        if at is None:
            return None
        return due_of(at, calendar=calendar, agent_time_zone=agent_time_zone, now=now)

    return ItemDue(
        answer=None if answered_at else read(answer_due_at),
        answered_at=answered_at,
        resolution=read(resolution_due_at),
    )
