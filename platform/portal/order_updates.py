"""The portal's "Order updates" page: the month's proactive messages per kind, the contacts
they prevented (order_updates.selectors, docs/kpis.md), and the latest events with what was
done about each."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone, translation
from django.views.decorators.http import require_GET

from core.formats import Formats
from core.months import month_of, month_query, month_span, month_start, months_back
from order_updates.labels import kind_label
from order_updates.selectors import order_events_latest, order_update_figures

MONTHS_SHOWN = 12


@login_required
@require_GET
def order_updates_page(request: HttpRequest) -> HttpResponse:
    client = request.tenant  # type: ignore[attr-defined]  # set by django-tenants
    now = timezone.now()
    this_month = month_of(now, zone=client.tz)
    try:
        month = month_query(request.GET.get("month"), default=this_month, latest=this_month)
    except ValueError as error:
        raise BadRequest(str(error)) from None
    start, end = month_span(month, zone=client.tz)
    figures = order_update_figures(start=start, end=min(end, now), now=now)
    fmt = Formats(translation.get_language() or "en", client.time_zone, client.currency)
    months = [months_back(this_month, back) for back in range(MONTHS_SHOWN)]
    context = {
        "client": client,
        "month": month,
        "month_label": fmt.month(start),
        "months": [(m, fmt.month(month_start(m, zone=client.tz))) for m in months],
        "figures": figures,
        "kinds": [(kind_label(kind), count) for kind, count in figures.sent_by_kind.items()],
        "events": order_events_latest(limit=50),
    }
    return render(request, "portal/order_updates.html", context)
