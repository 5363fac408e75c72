"""The demo's bank statements: invoices paid by their number, one in part, one payment for a
person to allocate; seeded twice, nothing twice."""

import pytest

from billing.models import Invoice, Payment
from billing.selectors.receivables import invoice_open_amount, payments_unmatched
from demo.cast import DEMO_CLIENTS
from tenants.models import Client

pytestmark = pytest.mark.django_db


def test_the_demo_pays_its_invoices_but_the_latest(demo_seeded):
    assert "bank statement demo-" in demo_seeded.output
    first = Client.objects.filter(slug__in=[d.slug for d in DEMO_CLIENTS]).order_by("pk").first()
    invoices = list(Invoice.objects.filter(client=first, kind="invoice").order_by("issued_at"))
    assert invoices
    *older, latest = invoices
    assert all(invoice_open_amount(i) == 0 for i in older)
    assert 0 < invoice_open_amount(latest) < latest.amount_due
    assert Payment.objects.filter(bank_entry_id="DEMO-UNNAMED").count() == 1
    assert payments_unmatched().filter(bank_entry_id="DEMO-UNNAMED").exists()
    numbers = Payment.objects.values_list("bank_entry_id", flat=True)
    assert len(numbers) == len(set(numbers))


def test_no_demo_payment_is_received_in_the_future(demo_seeded):
    from django.utils import timezone

    assert Payment.objects.exists()
    assert not Payment.objects.filter(received_on__gt=timezone.localdate()).exists()
