"""Writes of the SLA: conversations' resolution clocks and the sweep that records warnings
and breaches (public schema)."""

from datetime import datetime, timedelta
from typing import NamedTuple

from django.db import connection, transaction
from django.utils import timezone

from hours.calendar import BusinessCalendar
from hours.models import ResolutionClock, SlaEvent
from tenants.models import Client


def resolution_clock_start(
    *,
    client: Client,
    conversation_id: int,
    channel: str,
    started_at: datetime,
    due_at: datetime,
    warn_at: datetime,
) -> ResolutionClock:
    """Start (or, on a reopening, restart) a conversation's resolution clock."""
    clock, _ = ResolutionClock.objects.update_or_create(
        client=client,
        conversation_id=conversation_id,
        defaults={
            "channel": channel,
            "started_at": started_at,
            "due_at": due_at,
            "warn_at": warn_at,
            "resolved_at": None,
            "paused_at": None,
        },
    )
    return clock


def _running_clock(client: Client, conversation_id: int) -> ResolutionClock | None:
    return (
        ResolutionClock.objects.select_for_update()
        .filter(client=client, conversation_id=conversation_id, resolved_at__isnull=True)
        .first()
    )


def _breach_record(clock: ResolutionClock, *, at: datetime) -> None:
    """Past due at ``at``: the breach is recorded (once, also when the sweep saw it first)."""
    if at > clock.due_at:
        SlaEvent.objects.get_or_create(
            resolution=clock,
            kind=SlaEvent.Kind.BREACH,
            due_at=clock.due_at,
            defaults={
                "client_id": clock.client_id,
                "metric": SlaEvent.Metric.RESOLUTION,
                "recorded_at": at,
            },
        )


@transaction.atomic
def resolution_clock_pause(*, client: Client, conversation_id: int, now: datetime) -> None:
    """The agent answered and the conversation waits for the customer: the clock stands
    still (a pause already running keeps its start). Paused after the due time, the breach
    stands."""
    clock = _running_clock(client, conversation_id)
    if clock is None or clock.paused_at is not None:
        return
    _breach_record(clock, at=now)
    clock.paused_at = now
    clock.save(update_fields=["paused_at"])


@transaction.atomic
def resolution_clock_resume(
    *, client: Client, conversation_id: int, calendar: BusinessCalendar, now: datetime
) -> ResolutionClock | None:
    """The customer wrote again: the business time that was left at the pause runs on from
    now (counted in ``calendar``, the client's hours for the conversation). The clock, or
    None when it was not paused."""
    clock = _running_clock(client, conversation_id)
    if clock is None or clock.paused_at is None:
        return None
    paused_at, clock.paused_at = clock.paused_at, None

    def moved(moment: datetime) -> datetime:
        if moment <= paused_at:  # already passed (and swept) before the pause
            return moment
        left = calendar.business_seconds_between(paused_at, moment)
        return calendar.add_business_hours(now, timedelta(seconds=left))

    clock.due_at, clock.warn_at = moved(clock.due_at), moved(clock.warn_at)
    clock.save(update_fields=["paused_at", "due_at", "warn_at"])
    return clock


@transaction.atomic
def resolution_clock_stop(
    *, client: Client, conversation_id: int, now: datetime | None = None
) -> ResolutionClock | None:
    """The conversation is resolved: the clock stops; resolved late, the breach is recorded
    (once, also when the sweep saw it first). Resolved while waiting for the customer, the
    matter was settled by the answer that started the wait: that is when it is judged.
    None when the conversation had no running promise."""
    now = now or timezone.now()
    clock = _running_clock(client, conversation_id)
    if clock is None:
        return None
    clock.resolved_at = now
    clock.save(update_fields=["resolved_at"])
    _breach_record(clock, at=clock.paused_at or now)
    return clock


@transaction.atomic
def resolution_clock_cancel(*, client: Client, conversation_id: int, now: datetime) -> None:
    """The conversation needs no resolution (marked spam): its clock stops unjudged, no
    breach recorded; a breach the sweep recorded earlier stays in the record."""
    clock = _running_clock(client, conversation_id)
    if clock is not None:
        clock.resolved_at = now
        clock.save(update_fields=["resolved_at"])


# One statement per metric and kind over the whole queue, whatever the number of clients.
_SLA_EVENTS = """
    INSERT INTO routing_slaevent (client_id, metric, item_id, kind, due_at, recorded_at)
    SELECT client_id, 'first_response', id, %(kind)s, due_at, %(now)s FROM routing_workitem
    WHERE status IN ('waiting', 'offered', 'assigned') AND responded_at IS NULL
      AND {condition}
    ON CONFLICT (item_id, kind, due_at) DO NOTHING
"""
_RESOLUTION_EVENTS = """
    INSERT INTO routing_slaevent (client_id, metric, resolution_id, kind, due_at, recorded_at)
    SELECT client_id, 'resolution', id, %(kind)s, due_at, %(now)s FROM routing_resolutionclock
    WHERE resolved_at IS NULL AND paused_at IS NULL AND {condition}
    ON CONFLICT (resolution_id, kind, due_at) DO NOTHING
"""


class SweepCounts(NamedTuple):
    """SLA events recorded by one sweep."""

    warnings: int
    breaches: int
    resolution_warnings: int
    resolution_breaches: int


@transaction.atomic
def sla_sweep(*, now: datetime | None = None) -> SweepCounts:
    """Record a warning for open work and unresolved conversations whose warning time
    passed, and a breach for those past due, once each."""
    now = now or timezone.now()
    counts = []
    for statement in (_SLA_EVENTS, _RESOLUTION_EVENTS):
        for kind, condition in (
            (SlaEvent.Kind.WARNING, "warn_at <= %(now)s AND due_at > %(now)s"),
            (SlaEvent.Kind.BREACH, "due_at <= %(now)s"),
        ):
            with connection.cursor() as cursor:
                cursor.execute(statement.format(condition=condition), {"kind": kind, "now": now})
                counts.append(cursor.rowcount)
    return SweepCounts(*counts)
