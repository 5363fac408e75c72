"""``manage.py issue_invoices``: the dry run, the refusal of a month before the client
existed, and one money format for every invoice it prints."""

import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from billing.models import Invoice, InvoiceCounter
from billing.services import invoice_issue
from tests.billing.test_invoices import NOW, OCT, busy_client
from tests.support.billing import utc

pytestmark = pytest.mark.django_db


def counters() -> list[tuple[int, int]]:
    return list(InvoiceCounter.objects.order_by("year").values_list("year", "last"))


def test_a_dry_run_prints_each_invoice_it_would_issue_and_writes_nothing(make_client):
    huf = busy_client(make_client, "HUF")
    eur = busy_client(make_client, "EUR")
    present = invoice_issue(client=eur, month=OCT, now=NOW).invoice
    invoices, numbers = Invoice.objects.count(), counters()
    out = StringIO()

    call_command("issue_invoices", "--month", "2026-10", "--dry-run", stdout=out)

    text = out.getvalue()
    assert re.search(
        rf"would issue  {huf.slug}  8 lines  domestic  net [0-9]+ HUF  VAT [0-9]+ HUF  "
        r"total [0-9]+ HUF\n",
        text,
    )
    assert (
        f"present {present.number}  {eur.slug}  domestic  net {present.total} EUR  "
        f"VAT {present.vat_total} EUR  total {present.total_with_vat} EUR"
    ) in text
    assert "dry run, nothing written" in text
    assert Invoice.objects.count() == invoices and counters() == numbers
    assert not Invoice.objects.filter(client=huf).exists()


def test_the_dry_runs_total_is_the_invoices(make_client):
    client = busy_client(make_client, "CZK")
    out = StringIO()

    call_command(
        "issue_invoices", "--month", "2026-10", "--client", client.slug, "--dry-run", stdout=out
    )
    call_command("issue_invoices", "--month", "2026-10", "--client", client.slug, stdout=out)

    invoice = Invoice.objects.get(client=client)
    # Net, VAT and total with VAT: the dry run's figures are the invoice's, to the haler.
    assert (
        f"would issue  {client.slug}  {invoice.lines.count()} lines  domestic  "
        f"net {invoice.total} CZK  VAT {invoice.vat_total} CZK  total {invoice.total_with_vat} CZK"
    ) in out.getvalue()
    assert invoice.vat_total > 0


def test_a_month_that_ended_before_the_client_was_created_is_refused(make_client):
    client = busy_client(make_client)
    client.__class__.objects.filter(pk=client.pk).update(created_at=utc(2026, 11, 5, 9))
    numbers = counters()

    for extra in ([], ["--dry-run"]):
        with pytest.raises(CommandError) as refused:
            call_command("issue_invoices", "--month", "2026-10", "--client", client.slug, *extra)
        assert str(refused.value) == (
            f"{client.slug} was created on 2026-11-05, after 2026-10 ended: nothing issued."
        )
    assert not Invoice.objects.filter(client=client).exists() and counters() == numbers
    call_command("issue_invoices", "--month", "2026-11", "--client", client.slug, stdout=StringIO())


def test_every_client_run_skips_the_clients_created_after_the_month(make_client):
    old = busy_client(make_client)
    new = make_client(created_at=utc(2026, 11, 5, 9))
    out = StringIO()

    call_command("issue_invoices", "--month", "2026-10", stdout=out)

    assert f"skipped {new.slug}: created 2026-11-05, after the month" in out.getvalue()
    assert Invoice.objects.filter(client=old).exists()
    assert not Invoice.objects.filter(client=new).exists()


def test_an_invoice_prints_the_same_total_when_issued_and_when_present(make_client):
    client = busy_client(make_client, "HUF")
    out = StringIO()

    call_command("issue_invoices", "--month", "2026-10", "--client", client.slug, stdout=out)
    call_command("issue_invoices", "--month", "2026-10", "--client", client.slug, stdout=out)

    issued, present = re.findall(
        rf"{client.slug}  (domestic  net \S+ HUF  VAT \S+ HUF  total \S+ HUF)\n", out.getvalue()
    )
    assert issued == present and "." not in issued
