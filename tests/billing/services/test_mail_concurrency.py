"""Billing e-mails queued and sent from many threads at once, on their own connections
against real PostgreSQL: one row, one message."""

from datetime import date
from decimal import Decimal

import pytest
from django.core import mail as outbox

from billing.models import BillingMail
from billing.services import invoice_issue, price_plan_create
from billing.services import mail as billing_mail
from billing.services.mail import billing_mail_queue, billing_mail_send
from tenants.models import Client
from tests.support.billing import billing_tables_truncate, utc
from tests.support.threads import parallel

pytestmark = pytest.mark.slow


def test_queued_and_sent_from_eight_threads_at_once_is_one_mail(
    django_db_setup, django_db_blocker, monkeypatch
):
    monkeypatch.setattr(billing_mail, "invoice_ubl", lambda document: b"<Invoice/>")
    # The task is not run on commit here: the threads send it themselves, all at once.
    monkeypatch.setattr(billing_mail, "_dispatch_on_commit", lambda mail: None)
    with django_db_blocker.unblock():
        client = Client.objects.create(
            schema_name="client_billing_mail_race",
            slug="billing-mail-race",
            name="Mail race",
            currency="EUR",
            countries=["CZ"],
            languages=["cs"],
            default_language="cs",
            billing_email="finance@race.example",
        )
        price_plan_create(client=client, valid_from=date(2026, 1, 1), base_monthly_fee=Decimal(100))
        invoice = invoice_issue(
            client=client, month=date(2026, 10, 1), now=utc(2026, 11, 2)
        ).invoice
        outbox.outbox = []
        try:
            queued = parallel(lambda: billing_mail_queue(invoice=invoice, kind="invoice").pk, 8)
            assert len(set(queued)) == 1, queued
            sent = parallel(lambda: billing_mail_send(mail_id=queued[0]), 8)
            assert not [answer for answer in sent if isinstance(answer, BaseException)]
            assert len([answer for answer in sent if answer is not None]) == 1
            assert len(outbox.outbox) == 1
            mail = BillingMail.objects.get()
            assert (mail.state, mail.attempts) == ("sent", 1)
        finally:
            billing_tables_truncate()
            client.delete()
