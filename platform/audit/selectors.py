"""Reading the audit log: one client's part (the portal) or everything (the agency)."""

import json
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Page, Paginator
from django.db.models import Model, QuerySet
from django.utils import timezone
from django.utils.text import get_text_list
from django.utils.translation import gettext as _

from audit.forms import AuditFilters
from audit.labels import event_row
from audit.models import AuditEvent

PAGE_SIZE = 50


def audit_events_public(
    *,
    client_id: int | None,
    filters: AuditFilters,
    client_ids: Collection[int] | None = None,
) -> QuerySet[AuditEvent]:
    """The events, newest first: of one client when ``client_id`` is given (whatever the
    filters say); else of the clients ``client_ids`` (a supervisor's: the clients they
    serve), or with None of every client and the agency's own."""
    events = AuditEvent.objects.select_related("client").order_by("-at", "-pk")
    if client_ids is not None:
        events = events.filter(client_id__in=client_ids)
    if client_id is not None:
        events = events.filter(client_id=client_id)
    elif filters.client_id is not None:
        events = events.filter(client_id=filters.client_id)
    if filters.actor_id is not None:
        events = events.filter(actor_id=filters.actor_id)
    if filters.action:
        events = events.filter(action=filters.action)
    if filters.since is not None:
        events = events.filter(at__gte=filters.since)
    if filters.until is not None:
        events = events.filter(at__lt=filters.until)
    return events


def audit_page_public(
    *,
    client_id: int | None,
    filters: AuditFilters,
    page: int,
    client_ids: Collection[int] | None = None,
) -> Page[AuditEvent]:
    """One page of events; a page past the last shows the last (new events push rows on)."""
    events = audit_events_public(client_id=client_id, filters=filters, client_ids=client_ids)
    paginator = Paginator(events, PAGE_SIZE)
    return paginator.get_page(page)


def _local(moment: datetime, zone: ZoneInfo) -> str:
    return timezone.localtime(moment, zone).strftime("%Y-%m-%d %H:%M:%S")


def audit_csv_rows(
    events: QuerySet[AuditEvent], *, zone: ZoneInfo, ip_hidden_for: Collection[int] = ()
) -> Iterator[list[str]]:
    """Each event as a CSV row (times in ``zone``, the columns of ``audit_csv_header``),
    read in chunks; the details as JSON, for a machine to read too."""
    for event in events.iterator(chunk_size=2000):
        row = event_row(event, ip_hidden_for=ip_hidden_for)
        yield [
            _local(event.at, zone),
            row.who,
            row.site,
            row.client,
            event.action,
            row.action,
            row.object,
            json.dumps(event.details, ensure_ascii=False, sort_keys=True, default=str)
            if event.details
            else "",
            row.ip,
        ]


def audit_csv_header() -> list[str]:
    return [
        str(_("Time")),
        str(_("Who")),
        str(_("Site")),
        str(_("Client")),
        str(_("Action code")),
        str(_("Action")),
        str(_("Object")),
        str(_("Details")),
        str(_("IP address")),
    ]


@dataclass(frozen=True)
class HistoryUser:
    """Who made a change, as Django's object history template reads a user."""

    username: str
    full_name: str

    def get_username(self) -> str:
        return self.username

    def get_full_name(self) -> str:
        return self.full_name


@dataclass(frozen=True)
class HistoryEntry:
    """One line of an object's History page in the admin (the template's ``action``)."""

    action_time: datetime
    user: HistoryUser
    change_message: str

    def get_change_message(self) -> str:
        return self.change_message


def _change_message(event: AuditEvent) -> str:
    """As Django's admin log words a change (its own texts, in every language it has)."""
    change = event.details.get("change", "")
    fields = [_(str(name)) for name in event.details.get("fields") or []]
    if change == "changed":
        if fields:
            return _("Changed {fields}.").format(fields=get_text_list(fields, _("and")))
        if "fields" in event.details:  # saved as it was
            return _("No fields changed.")
        return _("Changed.")  # recorded before the fields were
    if change == "added":
        return _("Added.")
    if change == "deleted":
        return _("Deleted “%(object)s.”") % {"object": event.object_label}
    return event.get_action_display()


def object_history(
    *, client_id: int, model: type[Model], object_type: str, object_id: str
) -> list[HistoryEntry]:
    """Every change of one object in a client's admin, oldest first: the client's audit
    log (where its admin records edits) and Django's admin log in the client's schema (the
    rows written before), by users deleted since too. A client's admin log refers to users
    by id without a key (customers migration 0004), so the users are read apart, and one
    who is gone reads as "deleted user #id" (an audit event keeps the name as it was)."""
    events = list(
        AuditEvent.objects.filter(
            client_id=client_id, object_type=object_type, object_id=object_id
        ).order_by("at", "pk")
    )
    logged = list(
        LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(model, for_concrete_model=False),
            object_id=object_id,
        ).order_by("action_time", "pk")
    )
    wanted = {entry.user_id for entry in logged} | {
        event.actor_id for event in events if event.actor_id is not None
    }
    users = get_user_model()._default_manager.in_bulk(wanted) if wanted else {}

    def someone(user_id: int | None, name: str) -> HistoryUser:
        if user_id is None:  # done by no one signed in (a task, a system)
            return HistoryUser(name or "—", "")
        user = users.get(user_id)
        if user is not None:
            return HistoryUser(user.get_username(), user.get_full_name())
        if name:
            return HistoryUser(name, _("deleted user"))
        return HistoryUser(_("deleted user #%(id)s") % {"id": user_id}, "")

    entries = [
        HistoryEntry(event.at, someone(event.actor_id, event.actor_name), _change_message(event))
        for event in events
    ] + [
        HistoryEntry(entry.action_time, someone(entry.user_id, ""), entry.get_change_message())
        for entry in logged
    ]
    return sorted(entries, key=lambda entry: entry.action_time)


# What a client's admin records (audit.admin.ClientAdminAudited).
CLIENT_ADMIN_ACTIONS = (
    AuditEvent.Action.CONTENT_CHANGED,
    AuditEvent.Action.CLIENT_SETTINGS_CHANGED,
)


def client_admin_recent(*, client_id: int, actor_id: int, limit: int = 10) -> list[AuditEvent]:
    """A user's latest changes in one client's admin, newest first (its "Recent actions")."""
    return list(
        AuditEvent.objects.filter(
            client_id=client_id, actor_id=actor_id, action__in=CLIENT_ADMIN_ACTIONS
        )
        .exclude(object_type="")
        .order_by("-at", "-pk")[:limit]
    )
