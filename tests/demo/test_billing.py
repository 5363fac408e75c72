"""The demo's billing: a plan per client in its currency, the ledger from the seeded
history, last month's invoices; seeding twice changes nothing."""

from datetime import UTC
from io import StringIO

import pytest
from babel.numbers import format_currency
from django.core.management import CommandError, call_command
from django.utils import timezone

from billing.document import invoice_pdf
from billing.models import Invoice, PricePlan, UsageEntry
from billing.selectors import invoice_document, ledger_rows_after_invoice
from core.months import month_of, month_previous, months_back
from demo.cast import DEMO_CLIENTS
from demo.seed import DEMO_BILLING_IDENTITIES, HISTORY_CONVERSATIONS_PER_CLIENT
from tenants.models import Client
from tests.support.pdf import text_of

pytestmark = pytest.mark.django_db


def test_the_demo_bills_its_clients_once(demo_seeded):
    # Seeded twice: billed once.

    last_month = month_previous(timezone.now(), zone=UTC)
    for demo in DEMO_CLIENTS:
        client = Client.objects.get(slug=demo.slug)
        plans = PricePlan.objects.filter(client=client)
        assert {plan.currency for plan in plans} == {demo.currency}
        assert plans.count() == (2 if demo.slug == "bohemia-shoes" else 1)
        history = UsageEntry.objects.filter(client=client, source_kind="conversation")
        assert history.count() == HISTORY_CONVERSATIONS_PER_CLIENT  # every one answered
        assert history.filter(out_of_hours=True).exists()
        (invoice,) = Invoice.objects.filter(client=client, period=last_month)
        assert invoice.total == sum(line.amount for line in invoice.lines.all())
        assert invoice.lines.filter(kind="base_fee").exists()
        # Its PDF, in the client's language (bohemia-shoes: a plan changed mid-month).
        language = client.default_language
        text = text_of(invoice_pdf(invoice_document(invoice=invoice, language=language)))
        total = format_currency(invoice.total, invoice.currency, locale=language)
        assert invoice.number in text and total.replace("\xa0", " ") in text
        # Its buyer: the client's billing identity, set before the invoice was issued.
        identity = DEMO_BILLING_IDENTITIES[demo.slug]
        assert client.vat_id == invoice.buyer_vat_id == identity["vat_id"]
        assert identity["legal_name"] in text and identity["vat_id"] in text
        # The seeded calls are billed too: minutes and the provider's cost passed through.
        calls = UsageEntry.objects.filter(client=client, source_kind="call")
        assert calls.filter(kind="call_minutes").exists()
        assert set(calls.filter(kind="telephony_cost").values_list("currency", flat=True)) == {
            "USD"
        }
    assert "price plan of bohemia-shoes: 12000.00 CZK a month" in demo_seeded.output


def test_the_demos_invoices_come_after_their_months_ledger(demo_seeded):
    last_month = month_previous(timezone.now(), zone=UTC)
    for demo in DEMO_CLIENTS:
        client = Client.objects.get(slug=demo.slug)
        (invoice,) = Invoice.objects.filter(client=client, period=last_month)
        assert not ledger_rows_after_invoice(invoice=invoice).exists()
        out, err = StringIO(), StringIO()
        month = f"{last_month:%Y-%m}"
        call_command(
            "issue_invoices", "--month", month, "--client", demo.slug, stdout=out, stderr=err
        )
        assert f"present {invoice.number}" in out.getvalue() and err.getvalue() == ""
        call_command(
            "issue_invoices", "--month", month, "--client", demo.slug, "--dry-run", stdout=out
        )
        assert "0 would be issued, 1 already issued" in out.getvalue()
        # A client since its history's first month: the month before it is refused.
        before = months_back(month_of(client.created_at, zone=UTC), 1)
        with pytest.raises(CommandError, match="was created on"):
            call_command("issue_invoices", "--month", f"{before:%Y-%m}", "--client", demo.slug)
    assert "LATE" not in demo_seeded.output
