"""Two imports of one statement, or two allocations to one invoice, at the same moment, on
two connections, against real PostgreSQL: imported once, never settled twice."""

import threading
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from billing.models import BankStatement, Payment, PaymentAllocation
from billing.selectors.receivables import invoice_open_amount
from billing.services.payments import bank_statement_import, payment_allocate, payment_record
from tenants.models import Client
from tests.support.billing import billing_tables_truncate, plan_for
from tests.support.payments import camt_entry, camt_statement, issue_with_terms

pytestmark = pytest.mark.slow


def _race(work):
    barrier = threading.Barrier(2)
    results, errors = [], []

    def run(data: bytes) -> None:
        try:
            barrier.wait(timeout=10)
            results.append(work(data))
        except BaseException as error:  # reported in the main thread
            errors.append(error)
        finally:
            connection.close()

    return results, errors, run


@pytest.mark.parametrize("same_file", [True, False], ids=["same file", "overlapping files"])
def test_two_concurrent_imports_import_each_entry_once(
    django_db_setup, django_db_blocker, same_file
):
    with django_db_blocker.unblock():
        client = Client.objects.create(
            schema_name="client_payments_race",
            slug="payments-race",
            name="Race",
            currency="EUR",
            countries=["CZ"],
            languages=["cs"],
            default_language="cs",
            billing_country="CH",  # outside the scope of EU VAT: the fee is what is due
        )
        try:
            plan_for(client, date(2026, 1, 1), base_monthly_fee=Decimal("100.00"))
            invoice = issue_with_terms(
                client, date(2026, 10, 1), due_on=date(2026, 11, 16), reference="4242"
            )
            entries = [camt_entry(bank_id=f"E{n}", amount="10.00") for n in range(50)]
            entries.append(camt_entry(bank_id="PAY", amount="100.00", reference="4242"))
            first = camt_statement(entries)
            files = [first, first if same_file else camt_statement(entries[1:], statement_id="2")]
            results, errors, run = _race(
                lambda data: bank_statement_import(data=data, filename="race.xml", user=None)
            )
            threads = [threading.Thread(target=run, args=(data,)) for data in files]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=60)

            assert errors == []
            assert Payment.objects.count() == 51
            assert sum(len(r.new) for r in results) == 51  # whichever came first
            assert sorted(r.present for r in results) == ([0, 0] if same_file else [0, 50])
            assert [r.already_imported for r in results].count(True) == (1 if same_file else 0)
            assert BankStatement.objects.count() == (1 if same_file else 2)
            (allocation,) = PaymentAllocation.objects.all()
            assert (allocation.invoice_id, allocation.amount) == (invoice.pk, Decimal("100.00"))
        finally:
            billing_tables_truncate()
            client.delete()


def test_two_allocations_at_once_never_settle_more_than_is_open(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        client = Client.objects.create(
            schema_name="client_payments_race2",
            slug="payments-race2",
            name="Race 2",
            currency="EUR",
            countries=["CZ"],
            languages=["cs"],
            default_language="cs",
            billing_country="CH",  # outside the scope of EU VAT: the fee is what is due
        )
        try:
            plan_for(client, date(2026, 1, 1), base_monthly_fee=Decimal("100.00"))
            invoice = issue_with_terms(client, date(2026, 10, 1), due_on=date(2026, 11, 16))
            payments = [
                payment_record(
                    client=client,
                    amount=Decimal("80.00"),
                    currency="EUR",
                    received_on=date(2026, 11, 3),
                    note=str(n),
                )[0]
                for n in range(2)
            ]
            results, errors, run = _race(
                lambda payment: payment_allocate(
                    payment=payment, invoice=invoice, amount=Decimal("80.00")
                )
            )
            threads = [threading.Thread(target=run, args=(p,)) for p in payments]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=60)

            assert len(results) == 1
            (error,) = errors
            assert isinstance(error, ValidationError) and "20.00 EUR open" in str(error)
            assert invoice_open_amount(invoice) == Decimal("20.00")
        finally:
            billing_tables_truncate()
            client.delete()
