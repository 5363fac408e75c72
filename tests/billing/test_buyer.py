"""The buyer on an invoice is the client's billing identity when it was issued: recorded on
the invoice, never read again from the client."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction

from billing.document import Party, invoice_pdf
from billing.models import Invoice
from billing.selectors import invoice_buyer, invoice_document
from billing.services import credit_note_issue, invoice_issue
from tenants.services import client_billing_identity_set
from tests.support.billing import plan_for, utc
from tests.support.pdf import text_of

pytestmark = pytest.mark.django_db
OCT = date(2026, 10, 1)
NOW = utc(2026, 11, 2, 8)

IDENTITY = {
    "legal_name": "Kočka Shop s.r.o.",
    "billing_address": "Dlouhá 1\n110 00 Praha 1",
    "billing_country": "CZ",
    "registration_id": "25123891",
    "vat_id": "CZ25123891",
    "billing_email": "ucetni@kocka.example",
}


@pytest.fixture
def client(make_client):
    client = make_client(currency="CZK")
    plan_for(client, base_monthly_fee=Decimal("1500"))
    return client_billing_identity_set(client=client, **IDENTITY)


def test_the_invoice_records_the_buyer_as_the_client_is_when_it_is_issued(client):
    invoice = invoice_issue(client=client, month=OCT, now=NOW).invoice

    assert invoice_buyer(invoice=Invoice.objects.get(pk=invoice.pk)) == Party(
        name="Kočka Shop s.r.o.",
        address="Dlouhá 1\n110 00 Praha 1",
        country="CZ",
        registration_id="25123891",
        vat_id="CZ25123891",
        email="ucetni@kocka.example",
    )


def test_a_later_change_of_the_client_never_reaches_an_issued_invoice(client):
    invoice = invoice_issue(client=client, month=OCT, now=NOW).invoice
    client_billing_identity_set(
        client=client,
        **{**IDENTITY, "legal_name": "Kočka Group a.s.", "billing_address": "Nová 99\n602 00 Brno"},
    )

    stored = Invoice.objects.get(pk=invoice.pk)
    text = text_of(invoice_pdf(invoice_document(invoice=stored, language="cs")))

    assert "Kočka Shop s.r.o." in text and "Adresa: Dlouhá 1 110 00 Praha 1" in text
    assert "Kočka Group" not in text and "Brno" not in text
    # A credit note corrects its invoice: it names that invoice's buyer (the same parties,
    # Art. 219), while the month's next invoice names the buyer as it is now; the credited
    # invoice still shows what it was issued with.
    credit = credit_note_issue(invoice=stored, reason="new address", now=utc(2026, 11, 3, 9))
    again = invoice_issue(client=client, month=OCT, now=utc(2026, 11, 3, 10)).invoice
    assert invoice_buyer(invoice=credit).address == "Dlouhá 1\n110 00 Praha 1"
    assert invoice_buyer(invoice=credit).vat_id == stored.buyer_vat_id
    assert invoice_buyer(invoice=again).name == "Kočka Group a.s." and again.revision == 2
    assert invoice_buyer(invoice=Invoice.objects.get(pk=invoice.pk)).name == "Kočka Shop s.r.o."


def test_without_a_legal_name_the_buyer_is_the_clients_name(make_client):
    client = make_client()
    plan_for(client, base_monthly_fee=Decimal("490"))

    invoice = invoice_issue(client=client, month=OCT, now=NOW).invoice

    assert invoice.buyer_name == client.name
    assert invoice_buyer(invoice=invoice) == Party(name=client.name, country="CZ")


def test_an_invoice_issued_before_buyers_were_recorded_names_the_client_by_name_alone(client):
    # As every invoice issued before the identity was recorded on it: no buyer name. The
    # client's identity, set since, must not reach it.
    old = Invoice.objects.create(
        client=client,
        period=date(2026, 9, 1),
        number="2026-009999",
        year=2026,
        sequence=9999,
        currency="CZK",
        total=Decimal("1500.00"),
        issued_at=utc(2026, 10, 2),
    )
    assert client.vat_id == "CZ25123891"  # the identity is set

    assert invoice_buyer(invoice=old) == Party(name=client.name)


def test_the_recorded_buyer_cannot_be_changed_even_in_sql(client):
    invoice = invoice_issue(client=client, month=OCT, now=NOW).invoice

    with pytest.raises(TypeError):
        Invoice.objects.filter(pk=invoice.pk).update(buyer_address="Nová 99")
    with (
        pytest.raises(IntegrityError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(
            "UPDATE billing_invoice SET buyer_address = 'Nová 99' WHERE id = %s", [invoice.pk]
        )


def test_the_supplier_is_recorded_at_issue_and_a_later_change_never_reaches_it(client, settings):
    settings.INVOICE_ISSUER = {
        **settings.INVOICE_ISSUER,
        "name": "Agentura Hvězda s.r.o.",
        "address": "Na Příkopě 1, 110 00 Praha 1",
        "registration_id": "24681351",
        "vat_id": "CZ24681351",
    }
    settings.INVOICE_BANK_ACCOUNTS = {"CZK": ("CZ6508000000192000145399", "GIBACZPX")}
    invoice = invoice_issue(client=client, month=OCT, now=NOW).invoice
    # The agency moves, renames itself and changes banks after the invoice was issued.
    settings.INVOICE_ISSUER = {
        **settings.INVOICE_ISSUER,
        "name": "Hvězda Group a.s.",
        "address": "Nová 99, 602 00 Brno",
    }
    settings.INVOICE_BANK_ACCOUNTS = {"CZK": ("CZ1108000000192000145401", "GIBACZPX")}

    issuer = invoice_document(invoice=Invoice.objects.get(pk=invoice.pk), language="cs").issuer

    assert (issuer.name, issuer.address) == (
        "Agentura Hvězda s.r.o.",
        "Na Příkopě 1, 110 00 Praha 1",
    )
    assert (issuer.registration_id, issuer.vat_id) == ("24681351", "CZ24681351")
    assert (issuer.iban, issuer.bic) == ("CZ6508000000192000145399", "GIBACZPX")
