"""Writes of the staffing room: the contact history rolled up from the work queue or
imported, the settings, and the agents' shifts and absences (each change audited)."""

import zoneinfo
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import DateTimeField, ExpressionWrapper, F, Min, Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from audit.models import AuditEvent
from audit.services import audit_record
from routing.models import WorkItem
from staffing.csv_input import CsvRefused, HistoryLine, ShiftLine, history_lines, shift_lines
from staffing.models import (
    PLAN_CHANNEL_OF,
    Absence,
    ContactHour,
    PlanRun,
    Shift,
    StaffingSettings,
)
from staffing.rules import HOUR, hour_floor
from staffing.selectors import staffing_settings
from tenants.models import Client

# An owned e-mail can sit with its agent for days between taking and done: beyond this, the
# time is not work on it and would swamp the handle time (docs/staffing.md, "History").
HANDLE_CLIP_SECONDS = 2 * 3600
MAX_SHIFT = timedelta(hours=16)


class ImportRefused(ValueError):
    """A file stored nothing: the message names the line at fault."""


class ShiftRefused(ValueError):
    """A shift or absence that cannot be stored, with the reason in words."""


@dataclass(frozen=True)
class ImportResult:
    stored: int  # rows written (created or replaced)
    unchanged: int = 0  # lines already there (a file imported again)


# One statement: the hours' rows rolled up again from the queue; a queue row of the range
# that no item yields any more (an item's language corrected) removed; imported rows never
# touched (ON CONFLICT ... WHERE). The same statement twice gives the same rows. A live
# contact waits for an agent while the customer is there: calls that rang (not voicemails
# or callback requests filed under the call channel) and chats. The plan channel of each
# queue channel comes in as two arrays (staffing.models.PLAN_CHANNEL_OF).
_ROLL = """
WITH items AS (
    SELECT w.client_id, w.language, plan.channel,
           date_trunc('hour', w.waiting_since, 'UTC') AS hour,
           w.status = 'done' AND w.assigned_at IS NOT NULL AND w.closed_at IS NOT NULL
               AS handled,
           w.channel = 'chat' OR (w.channel = 'call' AND w.source_kind = 'call') AS live,
           extract(epoch FROM w.closed_at - w.assigned_at) AS handle,
           extract(epoch FROM coalesce(w.assigned_at, w.closed_at, %(until)s) - w.waiting_since)
               AS waited,
           w.status = 'cancelled' AND w.assigned_at IS NULL AS left_unanswered
    FROM routing_workitem AS w
    JOIN unnest(%(queue_channels)s::text[], %(plan_channels)s::text[]) AS plan(queue, channel)
      ON plan.queue = w.channel
    WHERE w.waiting_since >= %(start)s AND w.waiting_since < %(end)s
), rolled AS (
    SELECT client_id, language, channel, hour,
           count(*) AS contacts,
           count(*) FILTER (WHERE handled) AS handled,
           coalesce(sum(least(greatest(handle, 0), %(clip)s)) FILTER (WHERE handled), 0)::bigint
               AS handle_seconds,
           count(*) FILTER (WHERE live AND left_unanswered) AS abandoned,
           coalesce(sum(greatest(waited, 0)) FILTER (WHERE live), 0)::bigint AS wait_seconds
    FROM items
    GROUP BY client_id, language, channel, hour
), gone AS (
    DELETE FROM staffing_contacthour AS h
    WHERE h.source = 'queue' AND h.hour >= %(start)s AND h.hour < %(end)s
      AND NOT EXISTS (
          SELECT 1 FROM rolled AS r
          WHERE r.client_id = h.client_id AND r.language = h.language
            AND r.channel = h.channel AND r.hour = h.hour
      )
)
INSERT INTO staffing_contacthour
    (client_id, language, channel, hour, contacts, handled, handle_seconds, abandoned,
     wait_seconds, source)
SELECT client_id, language, channel, hour, contacts, handled, handle_seconds, abandoned,
       wait_seconds, 'queue'
FROM rolled
ON CONFLICT (client_id, language, channel, hour) DO UPDATE SET
    contacts = EXCLUDED.contacts, handled = EXCLUDED.handled,
    handle_seconds = EXCLUDED.handle_seconds, abandoned = EXCLUDED.abandoned,
    wait_seconds = EXCLUDED.wait_seconds
WHERE staffing_contacthour.source = 'queue'
"""


def contact_hours_roll(*, start: datetime, end: datetime, now: datetime | None = None) -> int:
    """The work queue's contacts that began to wait in the UTC hours of [start, end), per
    client, language and plan channel, written over the queue's rows of those hours (one
    statement; imported rows are left alone). Returns the rows written."""
    start, end = hour_floor(start), hour_floor(end - timedelta(microseconds=1)) + HOUR
    # A contact still waiting has waited until now, not until the end of the range.
    until = min(end, now or timezone.now())
    with connection.cursor() as cursor:
        cursor.execute(
            _ROLL,
            {
                "start": start,
                "end": end,
                "until": until,
                "clip": HANDLE_CLIP_SECONDS,
                "queue_channels": list(PLAN_CHANNEL_OF),
                "plan_channels": list(PLAN_CHANNEL_OF.values()),
            },
        )
        return int(cursor.rowcount)


# Plans whose horizon ended longer ago are deleted: a year of day-ahead forecasts stays to
# set against what came (the staffing page, docs/staffing.md "Where it shows").
PLANS_KEPT_DAYS = 400


def plans_prune(*, now: datetime) -> int:
    """Delete the finished or failed plans whose horizon ended more than PLANS_KEPT_DAYS
    ago, with their pools and hours; the plans deleted."""
    horizon_end = ExpressionWrapper(
        F("horizon_start") + F("horizon_hours") * HOUR, output_field=DateTimeField()
    )
    _total, by_model = (
        PlanRun.objects.exclude(status=PlanRun.Status.RUNNING)
        .annotate(horizon_end=horizon_end)
        .filter(horizon_end__lt=now - timedelta(days=PLANS_KEPT_DAYS))
        .delete()
    )
    return by_model.get(PlanRun._meta.label, 0)


def queue_history_start() -> datetime | None:
    """The hour the work queue's history begins (its first item): imported history must
    end before it (docs/staffing.md, "History")."""
    first = WorkItem.objects.aggregate(first=Min("waiting_since"))["first"]
    return None if first is None else hour_floor(first)


_CONTACT_HOUR_COLUMNS = (
    "client_id",
    "language",
    "channel",
    "hour",
    "contacts",
    "handled",
    "handle_seconds",
    "abandoned",
    "wait_seconds",
    "source",
)


@dataclass(frozen=True)
class HistoryRow:
    """One client's hour for the bulk path (the demo, the benchmark)."""

    client_id: int
    language: str
    channel: str
    hour: datetime
    contacts: int
    handled: int = 0
    handle_seconds: int = 0
    abandoned: int = 0
    wait_seconds: int = 0


def history_bulk_insert(*, rows: Iterable[HistoryRow]) -> int:
    """Imported history rows written with COPY (hundreds of thousands a second): the demo's
    and the benchmark's. No checks beyond the database's: the rows must be new."""
    written = 0
    with connection.cursor() as cursor:
        columns = ", ".join(_CONTACT_HOUR_COLUMNS)
        with cursor.copy(f"COPY staffing_contacthour ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(
                    (
                        row.client_id,
                        row.language,
                        row.channel,
                        row.hour,
                        row.contacts,
                        row.handled,
                        row.handle_seconds,
                        row.abandoned,
                        row.wait_seconds,
                        ContactHour.Source.IMPORT,
                    )
                )
                written += 1
    return written


def _contact_hour_of(line: HistoryLine, client_id: int) -> ContactHour:
    return ContactHour(
        client_id=client_id,
        language=line.language,
        channel=line.channel,
        hour=line.hour,
        contacts=line.contacts,
        handled=line.handled,
        handle_seconds=line.handle_seconds,
        abandoned=line.abandoned,
        wait_seconds=line.wait_seconds,
        source=ContactHour.Source.IMPORT,
    )


@transaction.atomic
def history_import(*, data: bytes) -> ImportResult:
    """A previous system's history (CSV, see staffing.csv_input): every line stored, or
    none and ImportRefused naming the line. Importing a file again replaces its hours."""
    try:
        lines = history_lines(data)
    except CsvRefused as error:
        raise ImportRefused(str(error)) from None
    clients = dict(
        Client.objects.filter(slug__in={line.client for line in lines}).values_list("slug", "pk")
    )
    queue_start = queue_history_start()
    for line in lines:
        if line.client not in clients:
            raise ImportRefused(f"Line {line.line}: no client {line.client!r}.")
        if queue_start is not None and line.hour >= queue_start:
            raise ImportRefused(
                f"Line {line.line}: the hour {line.hour:%Y-%m-%d %H}:00 UTC is in the work "
                f"queue's own history (from {queue_start:%Y-%m-%d %H}:00 UTC)."
            )
    rows = [_contact_hour_of(line, clients[line.client]) for line in lines]
    ContactHour.objects.bulk_create(
        rows,
        batch_size=5000,
        update_conflicts=True,
        unique_fields=["client", "language", "channel", "hour"],
        update_fields=["contacts", "handled", "handle_seconds", "abandoned", "wait_seconds"],
    )
    return ImportResult(stored=len(rows))


@transaction.atomic
def settings_update(*, by: User, **values: Any) -> StaffingSettings:
    """Change the staffing targets (StaffingSettings' fields by name), validated."""
    found = StaffingSettings.objects.select_for_update().get(pk=staffing_settings().pk)
    for name, value in values.items():
        if name in {"id", "updated_at", "updated_by"}:
            raise ValueError(f"{name} is not a setting")
        StaffingSettings._meta.get_field(name)
        setattr(found, name, value)
    found.updated_by = by
    found.full_clean()
    found.save()
    return found


def _agent_refusal(agent: User) -> str | None:
    if agent.is_client_user:
        return _("%(name)s is not one of the agency's agents.") % {"name": agent.username}
    if not agent.is_active:
        return _("%(name)s's account is not active.") % {"name": agent.username}
    return None


def _span_refusal(starts_at: datetime, ends_at: datetime, *, longest: timedelta | None) -> str:
    if starts_at.tzinfo is None or ends_at.tzinfo is None:
        raise ValueError("shift times must be aware datetimes")
    if ends_at <= starts_at:
        return _("The end must come after the start.")
    if longest is not None and ends_at - starts_at > longest:
        return _("A shift lasts at most %(hours)d hours.") % {"hours": longest // HOUR}
    return ""


def _overlap_refusal(agent: User, starts_at: datetime, ends_at: datetime) -> str:
    other = (
        Shift.objects.filter(agent=agent, starts_at__lt=ends_at, ends_at__gt=starts_at)
        .order_by("starts_at")
        .first()
    )
    if other is None:
        return ""
    zone = zoneinfo.ZoneInfo(agent.time_zone)
    return _("%(name)s is already on shift from %(start)s to %(end)s.") % {
        "name": agent.get_full_name() or agent.username,
        "start": timezone.localtime(other.starts_at, zone).strftime("%Y-%m-%d %H:%M"),
        "end": timezone.localtime(other.ends_at, zone).strftime("%Y-%m-%d %H:%M"),
    }


def _shift_audit(action: str, shift: Shift, by: User | None, **details: Any) -> None:
    audit_record(
        action=AuditEvent.Action(action),
        actor=by,
        object_type="shift",
        object_id=shift.pk,
        label=str(shift.agent.get_full_name() or shift.agent.username),
        details={"starts_at": shift.starts_at, "ends_at": shift.ends_at, **details},
    )


def shift_add(
    *,
    agent: User,
    starts_at: datetime,
    ends_at: datetime,
    source: str = Shift.Source.ENTERED,
    by: User | None,
    note: str = "",
) -> Shift:
    """A shift for an active agency agent, at most 16 hours, overlapping none of theirs
    (ShiftRefused with the reason); audited."""
    refusal = _agent_refusal(agent) or _span_refusal(starts_at, ends_at, longest=MAX_SHIFT)
    if refusal:
        raise ShiftRefused(refusal)
    with transaction.atomic():
        refusal = _overlap_refusal(agent, starts_at, ends_at)
        if refusal:
            raise ShiftRefused(refusal)
        try:
            # The exclusion constraint has the last word when two supervisors race.
            with transaction.atomic():
                shift = Shift.objects.create(
                    agent=agent,
                    starts_at=starts_at,
                    ends_at=ends_at,
                    source=source,
                    note=note[:200],
                    created_by=by,
                )
        except IntegrityError:
            raise ShiftRefused(_overlap_refusal(agent, starts_at, ends_at) or "overlap") from None
        _shift_audit(AuditEvent.Action.SHIFT_ADDED, shift, by, source=source)
    return shift


@transaction.atomic
def shift_remove(*, shift: Shift, by: User | None) -> None:
    """Remove a shift; audited."""
    _shift_audit(AuditEvent.Action.SHIFT_REMOVED, shift, by, source=shift.source)
    shift.delete()


@dataclass(frozen=True)
class ShiftWanted:
    """A shift to store: the agent and its times (aware)."""

    agent: User
    starts_at: datetime
    ends_at: datetime


def proposed_shifts_accept(*, shifts: Sequence[ShiftWanted], by: User | None) -> list[Shift]:
    """Store the proposed shifts a supervisor accepts, all or none: each through shift_add
    (source "proposed", audited), one stored exactly already counted as accepted; the first
    refusal (ShiftRefused) stores nothing."""
    with transaction.atomic():
        return [_shift_already_there(wanted) or _proposed_add(wanted, by=by) for wanted in shifts]


def _shift_already_there(wanted: ShiftWanted) -> Shift | None:
    # A second "Accept" (a double click, the back button) finds its shift stored: done.
    return Shift.objects.filter(
        agent=wanted.agent, starts_at=wanted.starts_at, ends_at=wanted.ends_at
    ).first()


def _proposed_add(wanted: ShiftWanted, *, by: User | None) -> Shift:
    return shift_add(
        agent=wanted.agent,
        starts_at=wanted.starts_at,
        ends_at=wanted.ends_at,
        source=Shift.Source.PROPOSED,
        by=by,
    )


def absence_add(
    *,
    agent: User,
    starts_at: datetime,
    ends_at: datetime,
    kind: str = Absence.Kind.LEAVE,
    by: User | None,
    note: str = "",
) -> Absence:
    """An agent away (their shifts in it do not count as coverage); audited. One that
    overlaps another of the agent's is refused (ShiftRefused naming it); the same one again
    is the one already there."""
    refusal = _agent_refusal(agent) or _span_refusal(starts_at, ends_at, longest=None)
    if refusal:
        raise ShiftRefused(refusal)
    if kind not in Absence.Kind.values:
        raise ShiftRefused(_("Unknown kind of absence."))
    with transaction.atomic():
        # The agent's row locked: two requests adding the same absence run one after the other.
        User.objects.select_for_update().filter(pk=agent.pk).first()
        other = (
            Absence.objects.filter(agent=agent, starts_at__lt=ends_at, ends_at__gt=starts_at)
            .order_by("starts_at")
            .first()
        )
        if other is not None and (other.starts_at, other.ends_at) == (starts_at, ends_at):
            return other  # sent twice: already there
        if other is not None:
            raise ShiftRefused(_absence_overlap(agent, other))
        absence = Absence.objects.create(
            agent=agent, starts_at=starts_at, ends_at=ends_at, kind=kind, note=note[:200]
        )
        audit_record(
            action=AuditEvent.Action.ABSENCE_ADDED,
            actor=by,
            object_type="absence",
            object_id=absence.pk,
            label=agent.get_full_name() or agent.username,
            details={"starts_at": starts_at, "ends_at": ends_at, "kind": kind},
        )
    return absence


def _absence_overlap(agent: User, other: Absence) -> str:
    zone = zoneinfo.ZoneInfo(agent.time_zone)
    return _("%(name)s is already away from %(start)s to %(end)s.") % {
        "name": agent.get_full_name() or agent.username,
        "start": timezone.localtime(other.starts_at, zone).strftime("%Y-%m-%d %H:%M"),
        "end": timezone.localtime(other.ends_at, zone).strftime("%Y-%m-%d %H:%M"),
    }


@transaction.atomic
def absence_remove(*, absence: Absence, by: User | None) -> None:
    """Remove an absence; audited."""
    audit_record(
        action=AuditEvent.Action.ABSENCE_REMOVED,
        actor=by,
        object_type="absence",
        object_id=absence.pk,
        label=absence.agent.get_full_name() or absence.agent.username,
        details={"starts_at": absence.starts_at, "ends_at": absence.ends_at, "kind": absence.kind},
    )
    absence.delete()


class NoSuchLocalTime(ValueError):
    """A local date and time the clocks skip (the spring change of time)."""


def local_moment(day: date, clock: time, zone: zoneinfo.ZoneInfo) -> datetime:
    """A local date and time as a UTC instant; NoSuchLocalTime when the clocks skip it."""
    local = datetime.combine(day, clock, tzinfo=zone)
    moment = local.astimezone(UTC)
    if moment.astimezone(zone).replace(tzinfo=None) != local.replace(tzinfo=None):
        raise NoSuchLocalTime(
            _("%(day)s %(time)s does not exist in %(zone)s (the clocks skip it).")
            % {"day": day.isoformat(), "time": clock.strftime("%H:%M"), "zone": zone.key}
        )
    return moment


def _agents_named(names: set[str]) -> dict[str, list[User]]:
    """The agency's accounts (active or not) each name may mean, case-insensitive: the
    one whose username it is; else those whose e-mail it is (several when accounts share
    an address). One query."""
    lowered = {name.lower() for name in names}
    found: dict[str, list[User]] = {name: [] for name in lowered}
    by_email: dict[str, list[User]] = {name: [] for name in lowered}
    for user in (
        User.objects.exclude(role=User.Role.CLIENT)
        .annotate(username_lower=Lower("username"), email_lower=Lower("email"))
        .filter(Q(username_lower__in=lowered) | Q(email_lower__in=lowered))
        .order_by("pk")
    ):
        if user.username.lower() in lowered:
            found[user.username.lower()] = [user]
        if user.email.lower() in lowered:
            by_email[user.email.lower()].append(user)
    return {name: found[name] or by_email[name] for name in lowered}


def _line_agent(line: ShiftLine, candidates: list[User]) -> User:
    if len(candidates) > 1:
        raise ImportRefused(
            _("Line %(line)d: %(name)s matches %(count)d accounts: use the username.")
            % {"line": line.line, "name": line.agent, "count": len(candidates)}
        )
    if not candidates:
        raise ImportRefused(
            _("Line %(line)d: no active agent %(name)s.") % {"line": line.line, "name": line.agent}
        )
    return candidates[0]


def _line_span(line: ShiftLine, zone: zoneinfo.ZoneInfo) -> tuple[datetime, datetime]:
    ends_day = line.day + timedelta(days=1) if line.end <= line.start else line.day
    try:
        return local_moment(line.day, line.start, zone), local_moment(ends_day, line.end, zone)
    except NoSuchLocalTime as error:
        raise ImportRefused(
            _("Line %(line)d: %(reason)s") % {"line": line.line, "reason": error}
        ) from None


@transaction.atomic
def shifts_import(*, data: bytes, by: User | None, zone: str) -> ImportResult:
    """A file of shifts (CSV: agent, date, start, end in ``zone``'s local time; an end
    before the start runs past midnight): every line stored, or none and ImportRefused
    naming the line. A shift already there exactly is left alone, so a file imported
    again does not double (even when its agent has left since)."""
    try:
        lines = shift_lines(data)
    except CsvRefused as error:
        raise ImportRefused(str(error)) from None
    local = zoneinfo.ZoneInfo(zone)
    agents = _agents_named({line.agent for line in lines})
    stored = unchanged = 0
    for line in lines:
        agent = _line_agent(line, agents[line.agent.lower()])
        starts_at, ends_at = _line_span(line, local)
        if Shift.objects.filter(agent=agent, starts_at=starts_at, ends_at=ends_at).exists():
            unchanged += 1
            continue
        if not agent.is_active:
            raise ImportRefused(
                _("Line %(line)d: no active agent %(name)s.")
                % {"line": line.line, "name": line.agent}
            )
        try:
            shift_add(
                agent=agent,
                starts_at=starts_at,
                ends_at=ends_at,
                source=Shift.Source.IMPORTED,
                by=by,
                note=line.note,
            )
        except ShiftRefused as error:
            raise ImportRefused(
                _("Line %(line)d: %(reason)s") % {"line": line.line, "reason": error}
            ) from None
        stored += 1
    return ImportResult(stored=stored, unchanged=unchanged)
