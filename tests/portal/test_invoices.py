"""The portal's invoice pages: each client sees its own invoices only, as pages, PDFs and CSV."""

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from django.test import Client as HttpClient
from django.test import override_settings

from billing.services import credit_note_issue, invoice_issue
from reporting.services import recipients_set
from tenants.models import Client
from tenants.services import client_billing_identity_set
from tests.support.billing import billing_users, october_invoices_issue, plan_for, record, utc
from tests.support.pdf import text_of
from tests.support.portal import signed_in_at as signed_in
from tests.support.tenancy import host_of, in_schema

pytestmark = pytest.mark.django_db
OCT = date(2026, 10, 1)
NOW = utc(2026, 11, 2, 8)


@pytest.fixture
def invoices(two_clients):
    return october_invoices_issue(two_clients)


@pytest.fixture
def users(two_clients):
    return billing_users(two_clients)


def csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


def test_a_client_sees_its_invoices_lines_and_csv(two_clients, users, invoices):
    invoice = invoices["a"]
    http = signed_in(users["a"], host_of(two_clients.a))

    listing = http.get("/invoices/")
    detail = http.get(f"/invoices/{invoice.pk}/")
    lines = csv_rows(http.get(f"/invoices/{invoice.pk}/lines.csv"))
    usage = csv_rows(http.get("/invoices/usage.csv?month=2026-10"))

    assert listing.status_code == 200 and invoice.number in listing.text
    assert "Faktury" in listing.text and "Měsíční paušál" in detail.text  # the user's language
    assert invoices["b"].number not in listing.text
    assert detail.status_code == 200
    # 1500 + 2 x 35 + 10 % of the Slovak e-mail + 12.40 telephony + 1.24 margin
    assert invoice.total == Decimal("1587.14")
    assert [row[2] for row in lines[1:]] == [
        "base_fee",
        "emails",
        "language_surcharge",
        "telephony",
        "telephony_margin",
    ]
    assert sum(Decimal(row[11]) for row in lines[1:]) == invoice.total
    assert [row[2] for row in usage[1:]] == ["email_answered", "email_answered", "telephony_cost"]
    assert "agent" not in usage[0]


def test_another_clients_invoice_is_404_on_every_path(two_clients, users, invoices):
    theirs = invoices["a"]
    http = signed_in(users["b"], host_of(two_clients.b))

    for path in (
        f"/invoices/{theirs.pk}/",
        f"/invoices/{theirs.pk}/lines.csv",
        f"/invoices/{theirs.pk}/invoice.pdf",
    ):
        response = http.get(path)
        assert response.status_code == 404, path
        assert theirs.number not in response.content.decode()
    usage = csv_rows(http.get("/invoices/usage.csv?month=2026-10"))
    assert [row[5] for row in usage[1:]] == ["pl", "en", "pl"]  # B's own three rows


def test_a_session_on_another_clients_domain_never_shows_its_invoices(two_clients, users, invoices):
    http = signed_in(users["a"], host_of(two_clients.a))

    for path in (
        "/invoices/",
        f"/invoices/{invoices['a'].pk}/",
        f"/invoices/{invoices['b'].pk}/lines.csv",
        f"/invoices/{invoices['a'].pk}/invoice.pdf",
    ):
        response = http.get(path, HTTP_HOST=host_of(two_clients.b))
        assert response.status_code == 404, path


def pdf_text(response) -> str:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    return text_of(response.content)


def test_a_client_downloads_its_invoice_as_a_pdf_in_czech(two_clients, users, invoices):
    invoice = invoices["a"]
    http = signed_in(users["a"], host_of(two_clients.a))

    response = http.get(f"/invoices/{invoice.pk}/invoice.pdf")
    text = pdf_text(response)

    assert response["Content-Disposition"] == f'attachment; filename="{invoice.number}.pdf"'
    assert f"Faktura {invoice.number}" in text
    assert "Dodavatel" in text and "Polydesk demo agency" in text
    assert "Odběratel" in text and "Client A Obuv" in text
    assert "Fakturovaný měsíc" in text and "říjen 2026" in text and "CZK" in text
    # Every stored line: description, quantity, unit, unit price, amount.
    assert "Měsíční paušál 1 měsíc 1 500,00 Kč 21 % 1 500,00 Kč" in text
    assert "Zodpovězené e-mailové konverzace 2 konverzací 35,00 Kč 21 % 70,00 Kč" in text
    assert "Jazykový příplatek: slovenština 35,00 Kč 10 % 21 % 3,50 Kč" in text
    assert "12,40 Kč 100 % 21 % 12,40 Kč" in text and "12,40 Kč 10 % 21 % 1,24 Kč" in text
    # Czech VAT (the supplier's country): 21 % of the net total, rounded once.
    assert "Celkem bez DPH 1 587,14 Kč DPH 333,30 Kč Celkem k úhradě 1 920,44 Kč" in text
    assert "Základní sazba 21 % 1 587,14 Kč 333,30 Kč" in text
    assert "Ceny a částky jsou uvedeny bez DPH." not in text  # for invoices before VAT


def test_a_polish_client_gets_its_invoice_in_polish_whatever_the_readers_language(
    two_clients, users, invoices
):
    invoice = invoices["b"]
    http = signed_in(users["b"], host_of(two_clients.b))  # reads the portal in English

    text = pdf_text(http.get(f"/invoices/{invoice.pk}/invoice.pdf"))
    detail = http.get(f"/invoices/{invoice.pk}/")
    english = pdf_text(http.get(f"/invoices/{invoice.pk}/invoice.pdf?language=en"))

    assert f"Faktura {invoice.number}" in text and "Nabywca" in text
    assert "Client B Sklep" in text and "październik 2026" in text
    assert "Miesięczna opłata podstawowa" in text and "Koszt telefonii (refakturowany)" in text
    # 1500 + 2 x 35 + 12.40 telephony + 1.24 margin (no Slovak e-mail: no surcharge)
    assert invoice.total == Decimal("1583.64") and "1 583,64 zł" in text
    # Not registered for VAT: charged the supplier's (Czech) VAT, 21 %.
    assert "Do zapłaty 1 916,20 zł" in text
    assert "Ceny i kwoty nie zawierają podatku VAT." not in text
    # The detail page offers the client's language and the reader's own.
    pdf_url = f"/invoices/{invoice.pk}/invoice.pdf"
    assert f'href="{pdf_url}"' in detail.text and f'href="{pdf_url}?language=en"' in detail.text
    assert "Polski" in detail.text
    assert f"Invoice {invoice.number}" in english and "PLN1,583.64" in english


def test_the_pdf_is_written_in_the_language_chosen_for_the_clients_reports(
    two_clients, users, invoices
):
    with in_schema(two_clients.a):
        recipients_set(recipients=[], language="de")
    http = signed_in(users["a"], host_of(two_clients.a))  # reads the portal in Czech

    text = pdf_text(http.get(f"/invoices/{invoices['a'].pk}/invoice.pdf"))

    assert f"Rechnung {invoices['a'].number}" in text and "Monatliche Grundgebühr" in text
    assert "1.587,14 CZK" in text and "Oktober 2026" in text


def test_the_list_links_each_invoices_pdf(two_clients, users, invoices):
    http = signed_in(users["a"], host_of(two_clients.a))
    listing = http.get("/invoices/")
    assert f'href="/invoices/{invoices["a"].pk}/invoice.pdf"' in listing.text


def test_a_credit_note_pdf_names_the_invoice_it_cancels_and_why(two_clients, users, invoices):
    invoice = invoices["a"]
    credit = credit_note_issue(invoice=invoice, reason="Chybný tarif", now=utc(2026, 11, 3, 9))
    http = signed_in(users["a"], host_of(two_clients.a))

    text = pdf_text(http.get(f"/invoices/{credit.pk}/invoice.pdf"))

    assert f"Dobropis {credit.number}" in text
    assert f"Zrušená faktura {invoice.number} (2. listopadu 2026)" in text
    assert "Důvod Chybný tarif" in text
    assert "Měsíční paušál -1 měsíc 1 500,00 Kč 21 % -1 500,00 Kč" in text
    assert "-1 587,14 Kč" in text
    assert f"Tento dobropis ruší fakturu {invoice.number} v plné výši." in text


def test_the_pdf_shows_the_invoice_as_issued_not_the_ledger_as_it_is_now(
    two_clients, users, invoices
):
    invoice = invoices["a"]
    # A late e-mail of October: recorded after the invoice, so on no invoice until credited.
    record(two_clients.a, "email_answered", 1, utc(2026, 10, 20, 9), language="cs")
    http = signed_in(users["a"], host_of(two_clients.a))

    text = pdf_text(http.get(f"/invoices/{invoice.pk}/invoice.pdf"))

    assert "konverzací 35,00 Kč 21 % 70,00 Kč" in text and "1 587,14 Kč" in text
    assert "105,00 Kč" not in text and "1 622,14 Kč" not in text


@override_settings(
    INVOICE_ISSUER={
        "name": "Agentura Hvězda s.r.o.",
        "address": "Na Příkopě 1, 110 00 Praha 1",
        "registration_id": "27074358",
        "vat_id": "CZ27074358",
        "iban": "CZ65 0800 0000 1920 0014 5399",
        "bic": "GIBACZPX",
        "country": "CZ",
    },
    INVOICE_BANK_ACCOUNTS={},  # the one IBAN above, not the accounts per currency
)
def test_the_issuer_is_the_agency_from_the_settings_at_issue(two_clients, users):
    invoices = october_invoices_issue(two_clients)  # issued with the settings above
    http = signed_in(users["a"], host_of(two_clients.a))

    text = pdf_text(http.get(f"/invoices/{invoices['a'].pk}/invoice.pdf"))

    assert "Agentura Hvězda s.r.o." in text and "Polydesk demo agency" not in text
    assert "Adresa: Na Příkopě 1, 110 00 Praha 1" in text
    assert "IČO: 27074358" in text and "DIČ: CZ27074358" in text
    assert "IBAN: CZ65 0800 0000 1920 0014 5399" in text and "BIC: GIBACZPX" in text


def test_an_agent_or_a_stranger_gets_from_the_pdf_what_the_detail_page_gives(
    two_clients, users, invoices
):
    invoice, host = invoices["a"], host_of(two_clients.a)
    detail, pdf = f"/invoices/{invoice.pk}/", f"/invoices/{invoice.pk}/invoice.pdf"
    agent = HttpClient(HTTP_HOST=host)
    agent.force_login(users["agent"])  # an agent's sign-in is refused on a portal anyway
    admin = signed_in(users["admin"], host)
    stranger = HttpClient(HTTP_HOST=host)

    assert agent.get(detail).status_code == agent.get(pdf).status_code == 404
    first, second = stranger.get(detail), stranger.get(pdf)
    assert first.status_code == second.status_code == 302
    assert second["Location"].startswith("/accounts/login/")
    assert invoice.number not in second.content.decode()
    assert admin.get(detail).status_code == admin.get(pdf).status_code == 200


def test_a_bad_invoice_id_or_language_is_a_404(two_clients, users, invoices):
    http = signed_in(users["a"], host_of(two_clients.a))
    invoice = invoices["a"]

    assert http.get("/invoices/999999999/invoice.pdf").status_code == 404
    assert http.get(f"/invoices/{invoice.pk}/invoice.pdf?language=xx").status_code == 400
    assert http.get(f"/invoices/{invoice.pk}/invoice.pdf?language=de").status_code == 200


def test_a_bad_month_is_a_400_not_an_error(two_clients, users):
    http = signed_in(users["a"], host_of(two_clients.a))
    assert http.get("/invoices/usage.csv?month=October").status_code == 400


def test_a_ledger_cell_that_looks_like_a_formula_is_not_run_by_a_spreadsheet(two_clients, users):
    record(
        two_clients.a,
        "email_answered",
        1,
        utc(2026, 10, 12),
        key="formula",
        note='=HYPERLINK("http://evil.example","click")',
    )
    http = signed_in(users["a"], host_of(two_clients.a))
    usage = csv_rows(http.get("/invoices/usage.csv?month=2026-10"))
    notes = [row[11] for row in usage[1:]]
    assert notes == ['\'=HYPERLINK("http://evil.example","click")']


A_IDENTITY = {
    "legal_name": "Client A Obuv s.r.o.",
    "billing_address": "Dlouhá 1\n110 00 Praha 1",
    "billing_country": "CZ",
    "registration_id": "25123891",
    "vat_id": "CZ25123891",
    "billing_email": "ucetni@client-a.example",
}


@pytest.fixture
def identified(two_clients):
    """Client A with its billing identity, and its October invoice: its plan changed on the
    16th, so the base fee is two lines priced per day (1500 / 31 = 48.387097 a day)."""
    client = Client.objects.get(pk=two_clients.a.pk)  # the session's object stays as it is
    client_billing_identity_set(client=client, **A_IDENTITY)
    plan_for(client, date(2026, 1, 1), base_monthly_fee=Decimal("1500"))
    plan_for(client, date(2026, 10, 16), base_monthly_fee=Decimal("1500"))
    return invoice_issue(client=client, month=OCT, now=NOW).invoice


def page_text(response) -> str:
    assert response.status_code == 200
    return response.text.replace("\xa0", " ")


def test_the_invoice_page_and_pdf_name_the_buyer_as_it_was_when_issued(
    two_clients, users, identified
):
    # The client moves after the invoice was issued.
    moved = {**A_IDENTITY, "billing_address": "Nová 99\n602 00 Brno"}
    client_billing_identity_set(client=Client.objects.get(pk=two_clients.a.pk), **moved)
    http = signed_in(users["a"], host_of(two_clients.a))

    page = page_text(http.get(f"/invoices/{identified.pk}/"))
    text = pdf_text(http.get(f"/invoices/{identified.pk}/invoice.pdf"))

    buyer = page[page.index('id="invoice-buyer"') :]
    assert "Odběratel" in page and "Client A Obuv s.r.o." in buyer
    assert "Dlouhá 1<br>110 00 Praha 1" in buyer and "Česko" in buyer
    assert "25123891" in buyer and "CZ25123891" in buyer and "ucetni@client-a.example" in buyer
    assert "Brno" not in page
    assert "Odběratel Client A Obuv s.r.o." in text and "Adresa: Dlouhá 1 110 00 Praha 1" in text
    assert "Země: Česko" in text and "IČO: 25123891" in text and "DIČ: CZ25123891" in text
    assert "E-mail: ucetni@client-a.example" in text and "Brno" not in text


def test_the_invoice_page_shows_each_lines_last_day_and_every_decimal_of_its_price(
    two_clients, users, identified
):
    http = signed_in(users["a"], host_of(two_clients.a))

    page = page_text(http.get(f"/invoices/{identified.pk}/"))

    # The stored end is the first day after the line: the page shows the day before it.
    assert "2026-10-01 \u2013 2026-10-15" in page and "2026-10-16 \u2013 2026-10-31" in page
    assert "2026-11-01" not in page
    # 48.387097 a day as stored, in Czech, as the PDF prints it (not rounded to 48,387).
    assert page.count("48,387097 Kč") == 2
    assert "<td>15 dní</td>" in page and "<td>16 dní</td>" in page  # quantity and unit
    text = pdf_text(http.get(f"/invoices/{identified.pk}/invoice.pdf"))
    assert text.count("48,387097 Kč") == 2


def test_another_client_never_sees_the_buyer_of_an_invoice(two_clients, users, identified):
    http = signed_in(users["b"], host_of(two_clients.b))

    for path in (f"/invoices/{identified.pk}/", f"/invoices/{identified.pk}/invoice.pdf"):
        response = http.get(path)
        assert response.status_code == 404, path
        assert b"CZ25123891" not in response.content and b"Dlouh" not in response.content
    assert "Client A Obuv s.r.o." not in http.get("/invoices/").text


# --- VAT and payment terms ---------------------------------------------------------------


def test_the_invoice_page_shows_vat_per_rate_the_due_date_and_the_reference(
    two_clients, users, invoices
):
    invoice = invoices["a"]
    http = signed_in(users["a"], host_of(two_clients.a))

    page = page_text(http.get(f"/invoices/{invoice.pk}/"))
    listing = page_text(http.get("/invoices/"))

    # Czech VAT on 1 587,14 Kč: 333,30 Kč, 1 920,44 Kč to pay, due 14 days after 2 November.
    assert 'id="invoice-total">1 587,14 Kč<' in page
    assert 'id="invoice-vat">333,30 Kč<' in page
    assert 'id="invoice-total-with-vat">1 920,44 Kč<' in page
    assert "<td>Základní sazba</td><td>21 %</td><td>1 587,14 Kč</td><td>333,30 Kč</td>" in page
    assert f'id="invoice-reference">{invoice.payment_reference}<' in page
    assert 'id="invoice-due">16. listopadu 2026<' in page
    assert "1 920,44 Kč" in listing and "2026-11-16" in listing


def test_a_reverse_charged_invoice_says_so_in_the_readers_and_the_suppliers_language(
    two_clients, users
):
    client = Client.objects.get(pk=two_clients.b.pk)
    client_billing_identity_set(
        client=client, billing_country="PL", vat_id="PL6793014588", vat_registered=True
    )
    plan_for(client, date(2026, 1, 1), base_monthly_fee=Decimal("900"))
    invoice = invoice_issue(client=client, month=OCT, now=NOW).invoice
    http = signed_in(users["b"], host_of(two_clients.b))  # reads the portal in English

    page = page_text(http.get(f"/invoices/{invoice.pk}/"))
    text = " ".join(pdf_text(http.get(f"/invoices/{invoice.pk}/invoice.pdf")).split())

    assert invoice.vat_treatment == "reverse_charge" and invoice.vat_total == 0
    assert "Reverse charge — the customer accounts for the VAT, Article 196" in page
    assert "Přenesení daňové povinnosti – daň odvede zákazník, článek 196" in page
    # The PDF in the client's document language (Polish) and the supplier's (Czech).
    assert "Odwrotne obciążenie — podatek rozlicza nabywca, art. 196" in text
    assert "daň odvede zákazník" in text
    assert invoice.payment_reference.startswith("RF") and invoice.payment_reference in text


def test_the_lines_csv_carries_each_lines_vat_and_the_invoices_totals(two_clients, users, invoices):
    invoice = invoices["a"]
    http = signed_in(users["a"], host_of(two_clients.a))

    header, *lines = csv_rows(http.get(f"/invoices/{invoice.pk}/lines.csv"))
    rows = [dict(zip(header, line, strict=True)) for line in lines]

    assert {(row["vat_category"], Decimal(row["vat_rate"])) for row in rows} == {("S", 21)}
    assert {row["rate_vat_amount"] for row in rows} == {"333.30"}
    assert sum(Decimal(row["amount"]) for row in rows) == Decimal(rows[0]["total_without_vat"])
    assert {(row["vat_total"], row["total_with_vat"]) for row in rows} == {("333.30", "1920.44")}
    assert {row["due_on"] for row in rows} == {"2026-11-16"}
