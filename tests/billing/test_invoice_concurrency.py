"""Two invoicing runs at the same moment, on two connections, against real PostgreSQL."""

import threading
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection

from billing.models import Invoice, InvoiceLine
from billing.services import invoice_issue, price_plan_create, usage_record
from tenants.models import Client
from tests.support.billing import billing_tables_truncate, utc

pytestmark = pytest.mark.slow
OCT = date(2026, 10, 1)
NOW = utc(2026, 11, 2, 8)


def test_two_concurrent_runs_issue_one_invoice(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        client = Client.objects.create(
            schema_name="client_billing_race",
            slug="billing-race",
            name="Race",
            currency="EUR",
            billing_country="CZ",
            countries=["CZ"],
            languages=["cs"],
            default_language="cs",
        )
        price_plan_create(
            client=client,
            valid_from=date(2026, 1, 1),
            base_monthly_fee=Decimal(100),
            price_per_email=Decimal(2),
        )
        for day in range(1, 31):
            usage_record(
                client=client,
                kind="email_answered",
                quantity=1,
                occurred_at=utc(2026, 10, day, 9),
                idempotency_key=f"race:{day}",
                source_kind="test",
                source_ref=str(day),
            )
        barrier = threading.Barrier(2)
        results, errors = [], []

        def run() -> None:
            try:
                barrier.wait(timeout=10)
                results.append(invoice_issue(client=client, month=OCT, now=NOW))
            except BaseException as error:  # reported below, in the main thread
                errors.append(error)
            finally:
                connection.close()

        threads = [threading.Thread(target=run) for _ in range(2)]
        try:
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=60)

            assert errors == []
            assert sorted(result.created for result in results) == [False, True]
            assert results[0].invoice.pk == results[1].invoice.pk
            (invoice,) = Invoice.objects.filter(client=client)
            assert invoice.total == Decimal("160.00")
            assert InvoiceLine.objects.filter(invoice=invoice).count() == 2
        finally:
            billing_tables_truncate()
            client.delete()
