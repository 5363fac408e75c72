"""Plans, ledger entries and clean-up for the billing tests."""

import itertools
from datetime import UTC, date, datetime
from decimal import Decimal

from billing.services import price_plan_create, usage_record
from tenants.models import Client


def plan_for(client: Client, valid_from: date = date(2026, 1, 1), **terms):
    defaults = {"base_monthly_fee": Decimal("0")}
    return price_plan_create(client=client, valid_from=valid_from, **{**defaults, **terms})


_events = itertools.count(1)


def record(client: Client, kind: str, quantity, at: datetime, **extra):
    """A ledger entry with a fresh idempotency key."""
    return usage_record(
        client=client,
        kind=kind,
        quantity=Decimal(str(quantity)),
        occurred_at=at,
        idempotency_key=extra.pop("key", f"test:{next(_events)}"),
        source_kind="test",
        source_ref="t",
        **extra,
    )[0]


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


BILLING_TABLES = [
    "billing_usageentry",
    "billing_invoiceline",
    "billing_invoice",
    "billing_invoicecounter",
    "billing_languagesurcharge",
    "billing_priceplan",
    "billing_exchangerate",
]


def billing_tables_truncate() -> None:
    """After a test that committed billing rows: rows refuse DELETE (row triggers, on
    purpose); TRUNCATE is the test's way out."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {', '.join(BILLING_TABLES)}")
