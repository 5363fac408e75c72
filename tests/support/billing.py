"""Plans, ledger entries and clean-up for the billing tests."""

import itertools
from datetime import UTC, date, datetime
from decimal import Decimal

from django.db import connection

from accounts.models import User
from billing.services import invoice_issue, price_plan_create, usage_record
from tenants.models import Client
from tests.support.factories import UserFactory


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
    # Not billing_vatrate: its rows come with the migrations.
    "billing_paymentallocation",
    "billing_payment",
    "billing_bankstatement",
    "billing_billingmail",
    "billing_invoicevattotal",
    "billing_usageentry",
    "billing_invoiceline",
    "billing_invoice",
    "billing_invoicecounter",
    "billing_languagesurcharge",
    "billing_priceplan",
    "billing_exchangerate",
    "billing_vatcheck",
]


def billing_tables_truncate() -> None:
    """After a test that committed billing rows: rows refuse DELETE (row triggers, on
    purpose); TRUNCATE is the test's way out."""
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {', '.join(BILLING_TABLES)}")


OCTOBER = date(2026, 10, 1)
ISSUED_AT = datetime(2026, 11, 2, 8, tzinfo=UTC)


def october_invoices_issue(two_clients) -> dict:
    """An October invoice for each client, with usage in several languages (issued on NOW)."""
    found = {}
    for key, client in (("a", two_clients.a), ("b", two_clients.b)):
        plan_for(
            client,
            date(2026, 1, 1),
            base_monthly_fee=Decimal("1500"),
            price_per_email=Decimal("35"),
            telephony_margin_percent=Decimal("10"),
            surcharges=[("Slovak", ["sk"], Decimal("10"))],
        )
        language = client.languages[0]
        record(
            client, "email_answered", 1, utc(2026, 10, 5, 9), language=language, key=f"view-{key}-1"
        )
        record(
            client,
            "email_answered",
            1,
            utc(2026, 10, 6, 9),
            language=client.languages[1],
            key=f"view-{key}-2",
        )
        record(
            client,
            "telephony_cost",
            "12.40",
            utc(2026, 10, 6, 9),
            language=language,
            currency=client.currency,
            key=f"view-{key}-3",
        )
        found[key] = invoice_issue(client=client, month=OCTOBER, now=ISSUED_AT).invoice
    return found


def billing_users(two_clients) -> dict:
    """A client user of each client (A's in Czech), an agent and an agency admin."""
    return {
        "a": UserFactory(role=User.Role.CLIENT, client=two_clients.a, language="cs"),
        "b": UserFactory(role=User.Role.CLIENT, client=two_clients.b),
        "agent": UserFactory(role=User.Role.AGENT),
        "admin": UserFactory(role=User.Role.ADMIN, is_staff=True, is_superuser=True),
    }
