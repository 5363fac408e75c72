"""Reads for VAT at issue: the rate valid on a day, the supplier's local date, the decision
for a client (billing/vat.py decides, from what is recorded here)."""

import zoneinfo
from datetime import date, datetime, timedelta
from decimal import Decimal

from babel.core import get_global
from django.conf import settings
from django.db.models import Q

from billing.models import VatRate
from billing.vat import VatDecision, vat_decide
from core.months import month_bounds
from tenants.models import Client


def vat_rate_on(*, country: str, day: date, kind: str = "standard") -> Decimal | None:
    """The country's VAT rate of this kind valid on `day`, None if none is recorded."""
    row = (
        VatRate.objects.filter(country=country, kind=kind, valid_from__lte=day)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=day))
        .order_by("-valid_from")
        .first()
    )
    return row.rate if row is not None else None


def country_time_zone(country: str) -> zoneinfo.ZoneInfo:
    """The country's (main) time zone from CLDR: its first European zone (Spain's
    Europe/Madrid, not Africa/Ceuta); UTC for a code CLDR does not know."""
    zones = get_global("territory_zones").get(country, [])
    european = [zone for zone in zones if zone.startswith("Europe/")]
    return zoneinfo.ZoneInfo((european or zones or ["UTC"])[0])


def supplier_country() -> str:
    return str(settings.INVOICE_ISSUER.get("country", "")).strip().upper()


def supplier_local_date(now: datetime) -> date:
    """A moment's date as the supplier counts it (its country's time zone)."""
    return now.astimezone(country_time_zone(supplier_country())).date()


def supply_date(period: date) -> date:
    """When a month's services count as supplied: the last day of the billed month (a
    continuous supply with monthly statements is completed when each period expires,
    Art. 64(1) of Directive 2006/112/EC; Czech ZDPH §21(8)). Its rate applies (Art. 63, 93)."""
    return month_bounds(period)[1] - timedelta(days=1)


def vat_decision_for_client(*, client: Client, period: date) -> VatDecision:
    """The client's VAT treatment for the billed month `period`, at the rate in force on its
    supply date (not the later issue date); VatUndecidable says why not."""
    country = supplier_country()
    return vat_decide(
        supplier_country=country,
        supplier_rate=vat_rate_on(country=country, day=supply_date(period)),
        buyer_country=client.billing_country,
        vat_registered=client.vat_registered,
        vat_id=client.vat_id,
    )
