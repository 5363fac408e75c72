"""Reading the audit log: one client's part (the portal) or everything (the agency)."""

import json
from collections.abc import Collection, Iterator
from datetime import datetime
from zoneinfo import ZoneInfo

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.utils import timezone
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
