"""The agency's revenue and cost page (public URLconf, ``billing.urls_agency``). The client's
invoice pages are in the portal (``portal.invoices``)."""

from collections import defaultdict
from datetime import UTC, date
from decimal import Decimal

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from billing.models import Invoice
from billing.selectors import ratings_for_month
from core.months import month_parse, month_previous
from tenants.models import Client


def _month_from(request, default: date) -> date:
    try:
        return month_parse(request.GET["month"]) if request.GET.get("month") else default
    except ValueError:
        raise Http404("not a month") from None


def _agency_staff(user) -> bool:
    """Every client's revenue: agency admins only (supervisors run queues, not finance)."""
    return user.is_authenticated and user.is_agency_admin


@login_required
def agency_revenue(request):
    """Revenue and cost per client and per language for a month (agency admins)."""
    if not _agency_staff(request.user):
        raise PermissionDenied
    month = _month_from(request, month_previous(timezone.now(), zone=UTC))
    clients = list(Client.objects.clients().order_by("name"))
    results = ratings_for_month(month=month, clients=clients)
    invoiced: dict[int, Decimal] = defaultdict(Decimal)
    for invoice in Invoice.objects.filter(period=month):  # credit notes count negative
        invoiced[invoice.client_id] += invoice.total
    rows, by_language = [], defaultdict(lambda: [Decimal(0), Decimal(0)])
    for result in results:
        rating = result.rating
        rows.append({"client": result.client, "rated": rating.total if rating else None,
                     "cost": rating.cost if rating else None, "error": result.error,
                     "invoiced": invoiced.get(result.client.pk)})  # fmt: skip
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
    context = {"month": month, "rows": rows, "languages": languages}
    return render(request, "billing/agency_revenue.html", context)
