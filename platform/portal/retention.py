"""The portal's "How long we keep your customers' data" page: the client's retention rule as
the agency set it, read-only, with what the next daily run would remove (a dry run)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from retention.models import KIND_LABELS
from retention.selectors import retention_due


@login_required
@require_GET
def retention_page(request: HttpRequest) -> HttpResponse:
    client = request.tenant  # type: ignore[attr-defined]  # set by django-tenants
    due = retention_due(client=client, now=timezone.now())
    rows = [(KIND_LABELS[kind.kind], kind) for kind in due]
    return render(request, "portal/retention.html", {"client": client, "rows": rows})
