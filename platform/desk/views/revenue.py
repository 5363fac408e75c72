"""The agency's revenue and cost page (``/billing/`` on the agency's site, agency admins). The
client's invoice pages are in the portal (``portal.invoices``); billing holds no HTTP code."""

from collections import defaultdict
from datetime import UTC, date
from decimal import Decimal
from typing import Any

from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from accounts.access import AgencyRole, agency_page
from billing.models import Invoice
from billing.selectors import ratings_for_month
from billing.selectors.mails import billing_mails_failed_count
from core.months import month_of, month_previous, month_query
from tenants.models import Client


def _month_from(request: HttpRequest, *, default: date, latest: date) -> date:
    try:
        return month_query(request.GET.get("month"), default=default, latest=latest)
    except ValueError as error:
        raise BadRequest(str(error)) from None


# Every client's revenue: agency admins only (supervisors run queues, not finance).
@agency_page(AgencyRole.ADMIN)
def agency_revenue(request: HttpRequest) -> HttpResponse:
    """Revenue and cost per client and per language for a month (agency admins)."""
    now = timezone.now()
    month = _month_from(
        request, default=month_previous(now, zone=UTC), latest=month_of(now, zone=UTC)
    )
    clients = list(Client.objects.clients().order_by("name"))
    results = ratings_for_month(month=month, clients=clients)
    invoiced: dict[int, Decimal] = defaultdict(Decimal)
    for invoice in Invoice.objects.filter(period=month):  # credit notes count negative
        invoiced[invoice.client_id] += invoice.total
    rows: list[dict[str, Any]] = []
    by_language: defaultdict[tuple[str, str], list[Decimal]] = defaultdict(
        lambda: [Decimal(0), Decimal(0)]
    )
    for result in results:
        rating = result.rating
        rows.append(
            {
                "client": result.client,
                "rated": rating.total if rating else None,
                "cost": rating.cost if rating else None,
                "error": result.error,
                "invoiced": invoiced.get(result.client.pk),
            }
        )
        if rating is None:
            continue
        for language, amount in rating.revenue_by_language.items():
            by_language[(language, result.client.currency)][0] += amount
        for language, amount in rating.cost_by_language.items():
            by_language[(language, result.client.currency)][1] += amount
    languages = [
        {"language": language or "—", "currency": currency, "revenue": revenue, "cost": cost}
        for (language, currency), (revenue, cost) in sorted(by_language.items())
    ]
    context = {
        "month": month,
        "rows": rows,
        "languages": languages,
        "failed_mails": billing_mails_failed_count(),
    }
    return render(request, "billing/agency_revenue.html", context)
