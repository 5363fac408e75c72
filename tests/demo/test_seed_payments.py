"""The demo's bank statements: invoices paid by their number, one in part, one payment for a
person to allocate; seeded twice, nothing twice."""

import pytest
from django.utils import timezone

from billing.models import BillingMail, Invoice, Payment
from billing.selectors.receivables import invoice_open_amount, invoice_status, payments_unmatched
from demo.billing import DEMO_LATE_PAYER
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

    assert Payment.objects.exists()
    assert not Payment.objects.filter(received_on__gt=timezone.localdate()).exists()


def test_the_late_payer_has_an_overdue_invoice_and_its_reminder(demo_seeded):

    late = Client.objects.get(slug=DEMO_LATE_PAYER)
    *_older, before_latest, _latest = Invoice.objects.filter(client=late, kind="invoice").order_by(
        "issued_at"
    )
    today = timezone.localtime(timezone.now(), late.tz).date()
    assert invoice_open_amount(before_latest) == before_latest.amount_due
    assert invoice_status(before_latest, today=today) == "overdue"
    # Reminded once, at the level its days overdue earned; seeded twice, queued once.
    (reminder,) = BillingMail.objects.filter(invoice=before_latest, kind="reminder")
    assert reminder.level >= 1 and reminder.to == late.billing_email
    assert "payment reminder" in demo_seeded.output
