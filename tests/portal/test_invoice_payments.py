"""The client's invoice list shows each invoice's status and what is still open, with a
summary per currency; an invoice's page shows its payments (users["b"] of client B never
sees A's)."""

from datetime import date
from decimal import Decimal

import pytest
from babel.numbers import format_currency
from django.utils import translation

from billing.services.payments import payment_record
from tests.support.billing import billing_users, plan_for, utc
from tests.support.payments import issue_with_terms
from tests.support.portal import signed_in_at as signed_in
from tests.support.tenancy import host_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def users(two_clients):
    return billing_users(two_clients)


@pytest.fixture
def invoices(two_clients):
    client = two_clients.a
    plan_for(client, date(2026, 1, 1), base_monthly_fee=Decimal("1000.00"))
    made = {
        name: issue_with_terms(
            client, date(2026, month, 1), due_on=due, reference=ref, now=utc(2026, month + 1, 2)
        )
        for name, month, due, ref in (
            ("paid", 8, date(2026, 9, 16), "801"),
            ("overdue", 9, date(2026, 10, 16), "901"),
            ("partly", 10, date(2099, 11, 16), "1001"),
        )
    }
    # The whole amount due (with VAT) of one, part of another.
    for ref, amount in (("801", made["paid"].amount_due), ("1001", Decimal("250.50"))):
        payment_record(
            client=client,
            amount=amount,
            currency="CZK",
            received_on=date(2026, 11, 3),
            reference=ref,
        )
    return made


def czk(amount: Decimal) -> str:
    """As the Czech reader's portal prints it (babel: non-breaking spaces)."""
    return format_currency(amount, "CZK", locale="cs")


def _row(text: str, number: str) -> str:
    start = text.index(f'data-number="{number}"')
    return text[start : text.index("</tr>", start)]


def test_the_list_shows_status_due_date_and_open_amount_and_a_summary(two_clients, users, invoices):
    http = signed_in(users["a"], host_of(two_clients.a))
    with translation.override("en"):
        text = http.get("/invoices/", HTTP_ACCEPT_LANGUAGE="en").text
    summary = text[text.index('id="open-summary"') : text.index('id="invoice-list"')]
    overdue_due, partly_left = (
        invoices["overdue"].amount_due,
        invoices["partly"].amount_due - Decimal("250.50"),
    )
    assert czk(overdue_due + partly_left) in summary and czk(overdue_due) in summary
    assert "invoice-status paid" in _row(text, invoices["paid"].number)
    overdue = _row(text, invoices["overdue"].number)
    assert "invoice-status overdue" in overdue and "2026-10-16" in overdue
    partly = _row(text, invoices["partly"].number)
    assert "invoice-status partly_paid" in partly and czk(partly_left) in partly


def test_the_invoice_page_lists_its_payments(two_clients, users, invoices):
    http = signed_in(users["a"], host_of(two_clients.a))
    text = http.get(f"/invoices/{invoices['partly'].pk}/").text
    payments = text[text.index('id="invoice-payments"') :]
    assert "2026-11-03" in payments and "1001" in payments and "250,50" in payments
    left = invoices["partly"].amount_due - Decimal("250.50")
    assert czk(left) in payments[payments.index('id="invoice-open"') :]


def test_another_clients_user_never_sees_the_payments(two_clients, users, invoices):
    http = signed_in(users["b"], host_of(two_clients.b))
    assert http.get(f"/invoices/{invoices['partly'].pk}/").status_code == 404
    assert 'id="open-summary"' not in http.get("/invoices/").text


def test_an_over_payment_shows_as_the_clients_credit(two_clients, users, invoices):
    http = signed_in(users["a"], host_of(two_clients.a))
    assert 'id="client-credit"' not in http.get("/invoices/").text
    payment_record(
        client=two_clients.a,
        amount=invoices["overdue"].amount_due + 100,
        currency="CZK",
        received_on=date(2026, 11, 20),
        reference="901",
    )  # 100 more than is due on the overdue one
    text = http.get("/invoices/").text
    credit = text[text.index('id="client-credit"') :]
    assert "Přeplatek ve váš prospěch" in credit and "100,00" in credit
    assert "invoice-status paid" in _row(text, invoices["overdue"].number)
