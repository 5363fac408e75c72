"""Invoices: issued once per client and month, numbered without gaps, never changed."""

from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from billing.models import Invoice, InvoiceCounter, PricePlan, UsageEntry
from billing.selectors import invoice_in_force, rating_for_client_month
from billing.services import (
    credit_note_issue,
    invoice_issue,
    invoices_issue_for_month,
    usage_correct,
)
from billing.tasks import invoices_issue_task
from tests.support.billing import plan_for, record, utc

OCT = date(2026, 10, 1)
NOW = utc(2026, 11, 2, 8)

pytestmark = pytest.mark.django_db


def busy_client(make_client, currency="CZK"):
    client = make_client(currency=currency)
    plan_for(
        client,
        base_monthly_fee=Decimal("1000"),
        price_per_email=Decimal("12.345"),
        price_per_chat=Decimal("7.5"),
        price_per_call_minute=Decimal("9.99"),
        out_of_hours_surcharge_percent=Decimal("15"),
        telephony_margin_percent=Decimal("12.5"),
        surcharges=[("Central", ["hu", "ro"], Decimal("7.5"))],
    )
    for day in range(1, 29):
        record(client, "email_answered", 1, utc(2026, 10, day, 9), language="cs")
        record(client, "chat_handled", 1, utc(2026, 10, day, 21), language="hu", out_of_hours=True)
        record(client, "call_minutes", 37 * day, utc(2026, 10, day, 11), language="ro")
        record(
            client,
            "telephony_cost",
            f"0.{day:02d}33",
            utc(2026, 10, day, 11),
            language="ro",
            currency=currency,
        )
    return client


@pytest.mark.parametrize("currency", ["EUR", "CZK", "HUF"])
def test_the_total_is_exactly_the_sum_of_the_lines(make_client, currency):
    client = busy_client(make_client, currency)

    invoice = invoice_issue(client=client, month=OCT, now=NOW).invoice

    lines = list(invoice.lines.all())
    assert len(lines) == 8  # fee, minutes, e-mails, chats, language, night, telephony, margin
    assert invoice.total == sum(line.amount for line in lines)
    assert invoice.currency == currency
    for line in lines:
        assert line.amount == line.amount.quantize(
            Decimal(1) if currency == "HUF" else Decimal("0.01")
        )


def test_issuing_again_returns_the_same_invoice(make_client):
    client = busy_client(make_client)

    first = invoice_issue(client=client, month=OCT, now=NOW)
    again = invoice_issue(client=client, month=OCT, now=NOW)

    assert (first.created, again.created, again.invoice.pk) == (True, False, first.invoice.pk)
    assert Invoice.objects.filter(client=client).count() == 1


def test_a_month_that_has_not_ended_is_not_invoiced(make_client):
    client = busy_client(make_client)

    result = invoice_issue(client=client, month=OCT, now=utc(2026, 10, 31, 12))

    assert result.invoice is None and "not ended" in result.reason


def test_a_month_without_usage_is_invoiced_its_base_fee_and_without_plan_not_at_all(
    make_client,
):
    with_plan, without = make_client(currency="RON"), make_client(currency="RON")
    plan_for(with_plan, base_monthly_fee=Decimal("450"))

    run = invoices_issue_for_month(month=OCT, clients=[with_plan, without], now=NOW)

    (invoice,) = run.issued
    assert [(line.kind, line.amount) for line in invoice.lines.all()] == [
        ("base_fee", Decimal("450.00"))
    ]
    assert run.skipped == [(without, "no price plan and no usage in the month")]


def ledger_reads(queries) -> int:
    """Statements that read the ledger (rating's, through its function; the late-row count
    of a re-run's)."""
    return sum(
        "billing_usageentry" in q["sql"] or "billing_usage_groups(" in q["sql"]
        for q in queries.captured_queries
    )


def test_issuing_the_month_rates_every_client_once_in_one_read_of_the_ledger(make_client):
    clients = [busy_client(make_client, currency) for currency in ("EUR", "CZK", "HUF")]
    expected = {
        client.pk: rating_for_client_month(client=client, month=OCT).total for client in clients
    }

    with CaptureQueriesContext(connection) as queries:
        run = invoices_issue_for_month(month=OCT, clients=clients, now=NOW)

    assert ledger_reads(queries) == 1
    assert {invoice.client_id: invoice.total for invoice in run.issued} == expected
    with CaptureQueriesContext(connection) as queries:
        again = invoices_issue_for_month(month=OCT, clients=clients, now=NOW)
    # Nothing left to rate: each client's invoice in force is only checked for late rows.
    assert [invoice.pk for invoice in again.present] == [invoice.pk for invoice in run.issued]
    assert ledger_reads(queries) == len(clients)
    assert not any("GROUP BY" in q["sql"] for q in queries.captured_queries)


def test_numbers_follow_each_other_per_year_without_gaps(make_client):
    clients = [busy_client(make_client) for _ in range(3)]
    broken = make_client()
    record(broken, "email_answered", 1, utc(2026, 10, 3, 9))  # usage without a plan
    before = InvoiceCounter.objects.filter(year=2026).values_list("last", flat=True).first() or 0

    run = invoices_issue_for_month(month=OCT, clients=[clients[0], broken, *clients[1:]], now=NOW)
    credit = credit_note_issue(invoice=run.issued[0], reason="wrong address", now=NOW)

    numbers = [invoice.sequence for invoice in [*run.issued, credit]]
    assert numbers == [before + 1, before + 2, before + 3, before + 4]
    assert run.issued[0].number == f"2026-{before + 1:06d}"
    assert [client.slug for client, _ in run.failed] == [broken.slug]
    next_year = invoice_issue(
        client=clients[0], month=date(2026, 12, 1), now=utc(2027, 1, 1, 3)
    ).invoice
    assert (next_year.year, next_year.sequence) == (2027, 1)


def test_an_issued_invoice_never_changes(make_client):
    invoice = invoice_issue(client=busy_client(make_client), month=OCT, now=NOW).invoice
    line = invoice.lines.first()

    with pytest.raises(TypeError):
        Invoice.objects.filter(pk=invoice.pk).update(total=0)
    with pytest.raises(TypeError):
        line.save()
    for table, row in (("billing_invoice", invoice.pk), ("billing_invoiceline", line.pk)):
        with (
            pytest.raises(IntegrityError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(f"DELETE FROM {table} WHERE id = %s", [row])  # noqa: S608


def test_a_rerun_reports_ledger_rows_recorded_after_the_invoice(make_client):
    client = busy_client(make_client)
    invoice = invoice_issue(client=client, month=OCT).invoice  # issued now, after the rows
    record(client, "email_answered", 1, utc(2026, 10, 30, 9))  # late: recorded after it
    record(client, "email_answered", 1, utc(2026, 11, 1, 9))  # November: not late
    err = StringIO()

    run = invoices_issue_for_month(month=OCT, clients=[client])
    call_command(
        "issue_invoices",
        "--month",
        "2026-10",
        "--client",
        client.slug,
        stdout=StringIO(),
        stderr=err,
    )

    assert run.late == [(invoice, 1)] and run.issued == []
    assert f"LATE    {invoice.number}" in err.getvalue()


def test_a_credit_note_cancels_the_invoice_and_the_month_is_invoiced_again(make_client):
    client = busy_client(make_client)
    first = invoice_issue(client=client, month=OCT, now=NOW).invoice
    # A call was recorded twice: corrected in the ledger, then the invoice credited.
    call = UsageEntry.objects.filter(client=client, kind="call_minutes").last()
    usage_correct(entry=call, quantity=-call.quantity, reason="duplicate", idempotency_key="d1")

    with pytest.raises(ValidationError):
        credit_note_issue(invoice=first, reason=" ", now=NOW)
    credit = credit_note_issue(invoice=first, reason="duplicate call", now=NOW)
    assert invoice_in_force(client=client, month=OCT) is None  # credited, not re-issued yet
    second = invoice_issue(client=client, month=OCT, now=NOW)

    assert (credit.kind, credit.corrects_id, credit.total) == (
        "credit_note",
        first.pk,
        -first.total,
    )
    assert [line.amount for line in credit.lines.all()] == [
        -line.amount for line in first.lines.all()
    ]
    assert credit_note_issue(invoice=first, reason="again", now=NOW).pk == credit.pk
    assert invoice_in_force(client=client, month=OCT) == second.invoice
    assert second.created and second.invoice.revision == 2
    # The call of the 28th (1,036 s): minutes 2501.16 -> 2328.67 and the 7.5 % surcharge on
    # Romanian work 187.59 -> 174.65.
    assert first.total - second.invoice.total == Decimal("185.43")
    assert Invoice.objects.get(pk=first.pk).total == first.total  # unchanged


def test_plans_of_one_client_never_overlap(make_client):
    client = make_client()
    plan = plan_for(client, date(2026, 1, 1))
    plan_for(client, date(2026, 6, 1))  # ends the first version on 31 May

    plan.refresh_from_db()
    assert plan.valid_to == date(2026, 6, 1)
    with pytest.raises(ValidationError, match="already starts"):
        plan_for(client, date(2026, 3, 1))
    with pytest.raises(IntegrityError), transaction.atomic():
        PricePlan.objects.create(
            client=client, currency="EUR", valid_from=date(2026, 5, 1), valid_to=date(2026, 7, 1)
        )
    with pytest.raises(ValidationError, match="invoiced in"):
        plan_for(client, date(2026, 9, 1), currency="HUF")


def test_the_command_and_the_task_issue_once(make_client):
    client = busy_client(make_client)
    out = StringIO()

    call_command("issue_invoices", "--month", "2026-10", "--client", client.slug, stdout=out)
    call_command("issue_invoices", "--month", "2026-10", "--client", client.slug, stdout=out)
    result = invoices_issue_task.apply(kwargs={"month": "2026-10"}).get()

    assert Invoice.objects.filter(client=client).count() == 1
    assert "issued  " in out.getvalue() and "present " in out.getvalue()
    assert result["month"] == "2026-10" and result["issued"] == 0  # the command issued it
    with pytest.raises(CommandError, match="2026-10"):
        call_command("issue_invoices", "--month", "10/2026")
    with pytest.raises(CommandError, match="No client"):
        call_command("issue_invoices", "--month", "2026-10", "--client", "nobody")


def test_the_credit_invoice_command_credits_once_and_refuses_what_it_cannot(make_client):
    client = busy_client(make_client)
    invoice = invoice_issue(client=client, month=OCT, now=NOW).invoice
    out = StringIO()

    call_command("credit_invoice", "--number", invoice.number, "--reason", "wrong plan", stdout=out)
    call_command("credit_invoice", "--number", invoice.number, "--reason", "again", stdout=out)

    (credit,) = Invoice.objects.filter(corrects=invoice)
    assert out.getvalue().count(f"credit note {credit.number} for {invoice.number}") == 2
    # Its VAT reverses the invoice's: printed with it.
    assert f"VAT {-invoice.vat_total} CZK, total {-invoice.total_with_vat} CZK" in out.getvalue()
    with pytest.raises(CommandError, match="No invoice"):
        call_command("credit_invoice", "--number", "1999-000001", "--reason", "x")
    with pytest.raises(CommandError, match="Only an invoice"):
        call_command("credit_invoice", "--number", credit.number, "--reason", "x")
