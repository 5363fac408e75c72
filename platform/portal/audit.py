"""The client's part of the audit log on its portal (``/audit/``), for its managers (and
agency admins): who signed in, viewed, exported, erased or changed what of this client.
Viewers get the 403 page; users of other clients never get this far (404, the isolation
middleware)."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from accounts.models import User
from accounts.selectors import audit_actors_public
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


def manager_page(view: Callable[..., Any]) -> Callable[..., Any]:
    """Sign in first; then the client's managers and agency admins only (403 otherwise)."""

    @wraps(view)
    def checked(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        tenant = request.tenant  # type: ignore[attr-defined]  # set by django-tenants
        if not request.user.may_manage_portal_of(tenant):  # type: ignore[union-attr]
            raise PermissionDenied(_("This page is for your company's portal managers."))
        return view(request, *args, **kwargs)

    return login_required(checked)


def _agency_people(client: Any) -> set[int]:
    """The agency's people who act on this client (its agents, the agency admins): their
    addresses are not shown to the client."""
    return set(
        User.objects.exclude(role=User.Role.CLIENT, client=client).values_list("pk", flat=True)
    )


def _form(request: HttpRequest) -> AuditFilterForm:
    actors = audit_actors_public(client_id=request.tenant.pk)  # type: ignore[attr-defined]
    return AuditFilterForm(request.GET, actors=actors, clients=None)


@manager_page
@require_GET
def audit_log(request: HttpRequest) -> HttpResponse:
    """This client's events, newest first, 50 a page, in the client's time zone."""
    client = request.tenant  # type: ignore[attr-defined]
    form = _form(request)
    filters, number = audit_filters_parse(form, zone=client.tz)
    page = audit_page_public(client_id=client.pk, filters=filters, page=number)
    hidden = _agency_people(client)
    params = request.GET.copy()
    params.pop("page", None)
    context = {
        "client": client,
        "form": form,
        "page": page,
        "rows": [event_row(event, ip_hidden_for=hidden) for event in page],
        "zone": client.time_zone,
        "params": params.urlencode(),
        "show_client": False,
        "export_url": "audit_export",
    }
    return render(request, "audit/log.html", context)


@manager_page
@require_GET
def audit_export(request: HttpRequest) -> StreamingHttpResponse:
    """This client's filtered events as CSV; the download is itself recorded."""
    client = request.tenant  # type: ignore[attr-defined]
    filters, _page = audit_filters_parse(_form(request), zone=client.tz)
    audit_record(
        action=AuditEvent.Action.EXPORTED,
        request=request,
        object_type="export",
        object_id="audit.csv",
        label="audit.csv",
    )
    events = audit_events_public(client_id=client.pk, filters=filters)
    rows = audit_csv_rows(events, zone=client.tz, ip_hidden_for=_agency_people(client))
    return csv_response("audit.csv", audit_csv_header(), rows)
