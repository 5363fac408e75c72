"""The agency's audit log (``/desk/audit``): an agency admin reads every client's events
and the agency's own, a supervisor those of the clients they serve; filtered by who,
client, action and dates; paginated; CSV."""

from zoneinfo import ZoneInfo

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts.access import AgencyRole, agency_page
from accounts.selectors import audit_actors_public, clients_served
from audit.forms import AuditFilterForm, audit_filters_parse
from audit.labels import event_row
from audit.models import AuditEvent
from audit.selectors import (
    audit_csv_header,
    audit_csv_rows,
    audit_events_public,
    audit_page_public,
)
from audit.services import audit_record
from core.csv_export import csv_response
from desk.access import agent_of
from tenants.models import Client


def _scope(request: HttpRequest) -> list[int] | None:
    """The clients whose events the reader sees: every one for an agency admin (and the
    agency's own events), else those they serve, as on the wall and in search."""
    agent = agent_of(request)
    if agent.is_agency_admin:
        return None
    # An agent of every client sees every client's events, not the agency's own (None).
    return list(clients_served(agent).values_list("pk", flat=True))


def _form(request: HttpRequest, scope: list[int] | None) -> AuditFilterForm:
    clients = Client.objects.clients().order_by("name")
    if scope is not None:
        clients = clients.filter(pk__in=scope)
    return AuditFilterForm(
        request.GET,
        actors=audit_actors_public(client_id=None, client_ids=scope),
        clients=[(c.pk, c.name) for c in clients],
    )


@agency_page(AgencyRole.SUPERVISOR)
@require_GET
def audit_log(request: HttpRequest) -> HttpResponse:
    """Every event, newest first, 50 a page, times in the reader's zone."""
    zone = ZoneInfo(agent_of(request).time_zone)
    scope = _scope(request)
    form = _form(request, scope)
    filters, number = audit_filters_parse(form, zone=zone)
    page = audit_page_public(client_id=None, filters=filters, page=number, client_ids=scope)
    params = request.GET.copy()
    params.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "rows": [event_row(event) for event in page],
        "zone": zone.key,
        "params": params.urlencode(),
        "show_client": True,
        "export_url": "desk-audit-export",
    }
    return render(request, "audit/log.html", context)


@agency_page(AgencyRole.SUPERVISOR)
@require_GET
def audit_export(request: HttpRequest) -> StreamingHttpResponse:
    """The filtered events as CSV (no page: all of them); the download is itself recorded."""
    zone = ZoneInfo(agent_of(request).time_zone)
    scope = _scope(request)
    filters, _page = audit_filters_parse(_form(request, scope), zone=zone)
    audit_record(
        action=AuditEvent.Action.EXPORTED,
        request=request,
        object_type="export",
        object_id="audit.csv",
        label="audit.csv",
    )
    events = audit_events_public(client_id=None, filters=filters, client_ids=scope)
    return csv_response("audit.csv", audit_csv_header(), audit_csv_rows(events, zone=zone))
