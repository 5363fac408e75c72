"""Payments and statements in the agency's admin: read, never added, changed or deleted there."""

from datetime import date
from decimal import Decimal

import pytest

from billing.services.payments import bank_statement_import, payment_record
from tests.support.billing import billing_users
from tests.support.payments import camt_entry, camt_statement, invoice_of
from tests.support.portal import signed_in_at as signed_in

pytestmark = pytest.mark.django_db


def test_the_admin_lists_payments_and_statements_read_only(two_clients):
    users = billing_users(two_clients)
    invoice = invoice_of(two_clients.a, "100.00", date(2026, 10, 1), due_on=None, reference="55")
    payment, _ = payment_record(
        client=two_clients.a,
        amount=Decimal("100.00"),
        currency="CZK",
        received_on=date(2026, 11, 3),
        reference="55",
    )
    bank_statement_import(
        data=camt_statement([camt_entry(bank_id="A1", amount="5.00", currency="CZK")]),
        filename="admin.xml",
        user=None,
    )
    http = signed_in(users["admin"], "localhost")
    listing = http.get("/admin/billing/payment/")
    assert listing.status_code == 200 and "5.00" in listing.text
    page = http.get(f"/admin/billing/payment/{payment.pk}/change/")
    assert page.status_code == 200 and invoice.number in page.text
    assert http.get("/admin/billing/payment/add/").status_code == 403
    assert "admin.xml" in http.get("/admin/billing/bankstatement/").text
