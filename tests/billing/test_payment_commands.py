"""import_bank_statement and record_payment from the command line."""

from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from billing.models import Payment
from billing.selectors.receivables import invoice_open_amount
from tests.support.payments import camt_entry, camt_statement, invoice_of

pytestmark = pytest.mark.django_db
OCT = date(2026, 10, 1)


def test_import_bank_statement_once_and_says_so_the_second_time(make_client, tmp_path):
    invoice = invoice_of(
        make_client(billing_country="CH"), "80.00", OCT, due_on=date(2026, 11, 16), reference="42"
    )
    path = tmp_path / "nov.xml"
    path.write_bytes(
        camt_statement(
            [
                camt_entry(bank_id="E1", amount="80.00", reference="42"),
                camt_entry(bank_id="E2", amount="3.00", payer="Nobody"),
            ]
        )
    )
    out = StringIO()
    call_command("import_bank_statement", str(path), stdout=out)
    assert "2 new payments, 1 matched, 1 unmatched" in out.getvalue()
    assert "unmatched: 2026-11-18 3.00 EUR Nobody" in out.getvalue()
    assert invoice_open_amount(invoice) == 0
    again = StringIO()
    call_command("import_bank_statement", str(path), stdout=again)
    assert "imported already" in again.getvalue() and Payment.objects.count() == 2


def test_import_bank_statement_refuses_a_bad_file_with_the_reason(tmp_path):
    path = tmp_path / "x.csv"
    path.write_bytes(b"date;amount;currency;id\n2026-11-02;1;EUR;A\n2026-11-02;x;EUR;B\n")
    err = StringIO()
    with pytest.raises(CommandError, match="1 of 1 files refused"):
        call_command("import_bank_statement", str(path), stderr=err)
    assert "Line 3: 'x' is not an amount" in err.getvalue()
    assert not Payment.objects.exists()


def test_record_payment(make_client):
    client = make_client(billing_country="CH")
    invoice = invoice_of(client, "80.00", OCT, due_on=date(2026, 11, 16), reference="43")
    out = StringIO()
    call_command(
        "record_payment",
        "--client",
        client.slug,
        "--amount",
        "50.00",
        "--currency",
        "EUR",
        "--date",
        "2026-11-20",
        "--reference",
        "43",
        stdout=out,
    )
    assert f"50.00 EUR to {invoice.number}" in out.getvalue()
    assert invoice_open_amount(invoice) == 30
    with pytest.raises(CommandError, match="Money received is more than zero"):
        call_command(
            "record_payment",
            "--client",
            client.slug,
            "--amount",
            "-1",
            "--currency",
            "EUR",
            "--date",
            "2026-11-20",
        )
    with pytest.raises(CommandError, match="No client"):
        call_command(
            "record_payment",
            "--client",
            "nobody",
            "--amount",
            "1",
            "--currency",
            "EUR",
            "--date",
            "2026-11-20",
        )


def test_import_bank_statement_of_a_csv_without_account_needs_the_option(tmp_path):
    path = tmp_path / "bank.csv"
    path.write_text("date;amount;currency;id\n2026-11-18;12,50;EUR;77\n")
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("import_bank_statement", str(path), stdout=StringIO(), stderr=err)
    assert "does not name its account" in err.getvalue() and not Payment.objects.exists()
    call_command("import_bank_statement", str(path), "--account", "CZ6508000000192000145399")
    assert list(Payment.objects.values_list("account", "bank_entry_id")) == [
        ("CZ6508000000192000145399", "77")
    ]
