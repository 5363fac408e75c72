"""Invoice status, open amounts and receivables by age: the SQL held to a plain-Python
statement of the rule on random invoices and payments."""

import random
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from billing.selectors.receivables import (
    AGE_BUCKETS,
    InvoiceStatus,
    age_bucket,
    invoice_rows_of_client,
    open_totals,
    receivables_by_age,
)
from billing.services.payments import payment_allocate, payment_record
from billing.services.reminders import invoice_reminders_queue
from tests.support.billing import plan_for, utc
from tests.support.payments import issue_with_terms

pytestmark = pytest.mark.django_db
TODAY = date(2026, 12, 7)


@pytest.mark.parametrize(
    ("days", "bucket"),
    [
        (-3, "not_due"),
        (0, "not_due"),
        (1, "d0_30"),
        (30, "d0_30"),
        (31, "d31_60"),
        (60, "d31_60"),
        (61, "d61_90"),
        (90, "d61_90"),
        (91, "d90_plus"),
    ],
)
def test_age_bucket_edges(days, bucket):
    assert age_bucket(due=TODAY - timedelta(days=days), today=TODAY) == bucket


def test_invoice_list_rows_statuses_and_totals_in_one_query(make_client):
    client = make_client(currency="CZK", billing_country="CH")
    plan_for(client, date(2026, 1, 1), base_monthly_fee=Decimal("1000.00"))
    months = [date(2026, m, 1) for m in (7, 8, 9, 10)]
    dues = [date(2026, 8, 15), date(2026, 9, 15), date(2026, 12, 20), date(2026, 12, 21)]
    invoices = [
        issue_with_terms(client, month, due_on=due, now=utc(2026, month.month + 1, 2))
        for month, due in zip(months, dues, strict=True)
    ]
    payment_record(
        client=client, amount=Decimal("1000.00"), currency="CZK", received_on=date(2026, 8, 20)
    )  # no reference, no known payer: unallocated until a person allocates it
    payment, _ = payment_record(
        client=client, amount=Decimal("1300.00"), currency="CZK", received_on=date(2026, 9, 1)
    )
    payment_allocate(payment=payment, invoice=invoices[0], amount=Decimal("1000.00"))
    payment_allocate(payment=payment, invoice=invoices[2], amount=Decimal("300.00"))
    with CaptureQueriesContext(connection) as queries:
        rows = invoice_rows_of_client(client=client, today=TODAY)
    assert len(queries) == 1
    by_number = {row.invoice.number: row for row in rows}
    got = [(by_number[i.number].status, by_number[i.number].open_amount) for i in invoices]
    assert got == [
        (InvoiceStatus.PAID, Decimal("0.00")),
        (InvoiceStatus.OVERDUE, Decimal("1000.00")),
        (InvoiceStatus.PARTLY_PAID, Decimal("700.00")),
        (InvoiceStatus.OPEN, Decimal("1000.00")),
    ]
    (total,) = open_totals(rows)
    assert (total.currency, total.open, total.overdue) == ("CZK", Decimal("2700.00"), 1000)


def test_receivables_by_age_agree_with_a_plain_statement_of_the_rule(make_client):
    rng = random.Random(22)
    clients = [make_client(currency=c) for c in ("EUR", "EUR", "CZK")]
    expected: dict[tuple[str, int], dict[str, Decimal]] = defaultdict(
        lambda: dict.fromkeys(AGE_BUCKETS, Decimal(0))
    )
    for client in clients:
        plan_for(client, date(2026, 1, 1), base_monthly_fee=Decimal(rng.randint(100, 900)))
        for month in range(1, 12):
            due = TODAY + timedelta(days=rng.randint(-150, 20))
            reference = f"{client.pk}{month:02d}"
            invoice = issue_with_terms(
                client,
                date(2026, month, 1),
                due_on=due,
                reference=reference,
                now=utc(2026, month + 1, 2),
            )
            paid = rng.choice([Decimal(0), Decimal(0), Decimal("50.00"), invoice.amount_due])
            if paid:  # matched by its reference
                payment_record(
                    client=client,
                    amount=paid,
                    currency=client.currency,
                    received_on=TODAY,
                    reference=reference,
                )
            if invoice.amount_due - paid > 0:
                bucket = age_bucket(due=due, today=TODAY)
                expected[(client.currency, client.pk)][bucket] += invoice.amount_due - paid
    rows = receivables_by_age(today=TODAY)
    got = {(r.currency, r.client.pk): r.buckets for r in rows if r.client is not None}
    assert got == dict(expected)
    totals = {r.currency: r for r in rows if r.client is None}
    for currency, total in totals.items():
        members = [b for (c, _), b in expected.items() if c == currency]
        assert total.total == sum(sum(b.values()) for b in members)
        assert total.overdue == total.total - sum(b["not_due"] for b in members)


def test_an_invoice_issued_before_payment_terms_is_not_followed_up(make_client, settings):
    settings.INVOICE_REMINDER_DAYS = [7]
    client = make_client(currency="EUR", billing_country="CH")
    plan_for(client, date(2026, 1, 1), base_monthly_fee=Decimal("100.00"))
    old = issue_with_terms(client, date(2026, 2, 1), due_on=None, now=utc(2026, 3, 2))
    tracked = issue_with_terms(
        client, date(2026, 3, 1), due_on=date(2026, 4, 16), now=utc(2026, 4, 2)
    )
    rows = {row.invoice: row for row in invoice_rows_of_client(client=client, today=TODAY)}
    assert (rows[old].status, rows[old].open_amount) == ("", Decimal("100.00"))
    assert rows[tracked].status == InvoiceStatus.OVERDUE
    (total,) = open_totals(list(rows.values()))
    assert (total.open, total.overdue) == (Decimal("100.00"), Decimal("100.00"))
    (row, _total) = receivables_by_age(today=TODAY)
    assert row.total == Decimal("100.00")
    assert [m.invoice for m in invoice_reminders_queue(now=utc(2026, 12, 7, 8)).queued] == []
    assert [i for i in invoice_reminders_queue(now=utc(2026, 12, 7, 8)).no_email] == [tracked]
    payment, _ = payment_record(
        client=client, amount=Decimal("100.00"), currency="EUR", received_on=TODAY
    )
    payment_allocate(payment=payment, invoice=old, amount=Decimal("100.00"))
    rows = {row.invoice: row for row in invoice_rows_of_client(client=client, today=TODAY)}
    assert rows[old].status == InvoiceStatus.PAID
