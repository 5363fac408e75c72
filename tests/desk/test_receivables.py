"""The agency's receivables page: aging, unmatched payments, the statement upload, a payment
entered by hand, allocating and taking back (agency admins only)."""

from datetime import date
from decimal import Decimal

import pytest
from babel.numbers import format_currency
from django.core.files.uploadedfile import SimpleUploadedFile

from billing.models import Payment, PaymentAllocation
from billing.selectors.receivables import AgingRow
from billing.services.payments import payment_record
from tests.support.billing import billing_users, utc
from tests.support.payments import camt_entry, camt_statement, invoice_of
from tests.support.portal import signed_in_at as signed_in
from tests.support.tenancy import host_of

pytestmark = pytest.mark.django_db
OCT = date(2026, 10, 1)


@pytest.fixture
def users(two_clients):
    return billing_users(two_clients)


@pytest.fixture
def admin_http(users):
    return signed_in(users["admin"], "localhost")


@pytest.fixture
def invoice_a(two_clients):
    return invoice_of(two_clients.a, "1500.00", OCT, due_on=date(2026, 11, 16), reference="7001")


def _upload(http, data: bytes, name: str = "statement.xml"):
    return http.post(
        "/billing/receivables/statements",
        {"statement": SimpleUploadedFile(name, data, content_type="application/xml")},
    )


def test_the_page_shows_aging_per_currency_and_client(admin_http, invoice_a):
    page = admin_http.get("/billing/receivables/")
    assert page.status_code == 200
    aging = page.text[page.text.index('id="aging"') :]
    assert "Client A Obuv" in aging and "Total CZK" in aging
    assert format_currency(invoice_a.amount_due, "CZK", locale="en") in aging  # with VAT
    assert 'href="/billing/receivables/"' in admin_http.get("/billing/?month=2026-10").text


def test_an_upload_shows_what_the_import_did_and_a_second_upload_imports_nothing(
    admin_http, invoice_a
):
    data = camt_statement(
        [
            camt_entry(
                bank_id="E1", amount=str(invoice_a.amount_due), currency="CZK", reference="7001"
            ),
            camt_entry(bank_id="E2", amount="99.00", currency="CZK", payer_iban="PL1"),
            camt_entry(bank_id="E3", amount="5.00", currency="CZK", credit=False),
        ],
        currency="CZK",
    )
    first = _upload(admin_http, data)
    assert first.status_code == 200
    result = first.text[first.text.index('id="import-result"') :]
    assert "New payments: <strong>2</strong>" in result
    assert "Matched to an invoice: <strong>1</strong>" in result
    assert "Debits (not imported): 1" in result
    unmatched = first.text[first.text.index('id="unmatched"') :]
    assert "99.00" in unmatched
    second = _upload(admin_http, data, "again.xml")
    assert "imported already" in second.text and Payment.objects.count() == 2
    # How each payment found its invoice, in words, not the stored code.
    latest = admin_http.get("/billing/receivables/").text
    assert "Payment reference" in latest[latest.index("Latest allocations") :]
    assert ">reference<" not in latest


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"<html></html>", "Not a CAMT.053 statement"),
        (b"date;amount;currency;id\n2026-11-02;12x;EUR;1\n", "Line 2: &#x27;12x&#x27; is not"),
        ("d\u00e1tum;x\n".encode("utf-16"), "refused"),
    ],
)
def test_a_bad_file_is_refused_with_the_reason_not_a_500(admin_http, data, reason):
    page = _upload(admin_http, data, "bad.csv")
    assert page.status_code == 400
    assert reason in page.text and not Payment.objects.exists()


def test_record_allocate_and_take_back_by_hand(admin_http, two_clients, invoice_a):
    page = admin_http.post(
        "/billing/receivables/payments",
        {
            "client": two_clients.a.pk,
            "amount": "600.00",
            "currency": "CZK",
            "received_on": "2026-11-20",
            "reference": "",
            "note": "cash",
        },
    )
    assert page.status_code == 302
    payment = Payment.objects.get()
    too_much = admin_http.post(
        f"/billing/payments/{payment.pk}/allocate", {"invoice": invoice_a.number, "amount": "700"}
    )
    assert too_much.status_code == 400 and "The payment has 600.00 CZK left" in too_much.text
    assert (
        admin_http.post(
            f"/billing/payments/{payment.pk}/allocate",
            {"invoice": invoice_a.number, "amount": "600.00"},
        ).status_code
        == 302
    )
    allocation = PaymentAllocation.objects.get()
    assert allocation.amount == Decimal("600.00")
    admin_http.post(f"/billing/allocations/{allocation.pk}/remove")
    assert not PaymentAllocation.objects.exists()


def test_bad_form_input_is_a_400_with_the_reason(admin_http, two_clients):
    page = admin_http.post(
        "/billing/receivables/payments",
        {"client": two_clients.a.pk, "amount": "abc", "currency": "CZK", "received_on": "x"},
    )
    assert page.status_code == 400 and "Enter a number" in page.text
    unknown = admin_http.post("/billing/payments/999999/allocate", {"invoice": "x", "amount": "1"})
    assert unknown.status_code == 404


def test_agents_and_client_users_are_refused(two_clients, users, invoice_a):
    payment, _ = payment_record(
        client=two_clients.a, amount=Decimal("1.00"), currency="CZK", received_on=date(2026, 11, 1)
    )
    agent = signed_in(users["agent"], "localhost")
    client_b = signed_in(users["b"], host_of(two_clients.b))
    for http, host in ((agent, "localhost"), (client_b, "localhost")):
        assert http.get("/billing/receivables/", HTTP_HOST=host).status_code == 403
        refused = http.post(
            f"/billing/payments/{payment.pk}/allocate",
            {"invoice": invoice_a.number, "amount": "1.00"},
            HTTP_HOST=host,
        )
        assert refused.status_code == 403
    assert not PaymentAllocation.objects.exists()


def test_a_file_over_the_limit_is_refused_before_it_is_read(admin_http, monkeypatch):
    monkeypatch.setattr("desk.views.receivables.MAX_BYTES", 1024 * 1024)
    page = _upload(admin_http, b"<" + b" " * (1024 * 1024 + 1), "huge.xml")
    assert page.status_code == 400 and "larger than 1 MB" in page.text
    assert not Payment.objects.exists()


def test_the_page_says_when_it_shows_only_the_oldest_payments(admin_http, monkeypatch):
    monkeypatch.setattr("desk.views.receivables.UNMATCHED_SHOWN", 2)
    _upload(
        admin_http, camt_statement([camt_entry(bank_id=f"M{n}", amount="1.00") for n in range(3)])
    )
    page = admin_http.get("/billing/receivables/")
    assert "The oldest 2 of 3 are shown." in page.text
    assert page.text.count("data-payment=") == 2


def test_the_page_ages_on_the_agencys_local_date(admin_http, invoice_a, settings, monkeypatch):

    settings.TIME_ZONE = "Europe/Prague"  # 23:30 UTC on the 16th is the 17th in Prague
    monkeypatch.setattr("django.utils.timezone.now", lambda: utc(2026, 11, 16, 23, 30))
    page = admin_http.get("/billing/receivables/")
    assert page.context["today"] == date(2026, 11, 17)
    (row,) = [r for r in page.context["aging"] if isinstance(r, AgingRow) and r.client]
    assert row.buckets["d0_30"] == invoice_a.amount_due and row.buckets["not_due"] == 0


def test_a_csv_without_account_needs_the_agencys_account(admin_http):
    data = b"date;amount;currency;id\n2026-11-18;12,50;EUR;77\n"
    refused = _upload(admin_http, data, "bank.csv")
    assert refused.status_code == 400 and "does not name its account" in refused.text
    assert not Payment.objects.exists()
    done = admin_http.post(
        "/billing/receivables/statements",
        {
            "statement": SimpleUploadedFile("bank.csv", data, content_type="text/csv"),
            "account": "CZ6508000000192000145399",
        },
    )
    assert done.status_code == 200
    assert Payment.objects.get().account == "CZ6508000000192000145399"
