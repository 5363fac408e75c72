"""Payment reminders: at the configured days after the due date, once per level, never for
a paid or credited invoice, reported when the client has no billing e-mail."""

from datetime import date
from decimal import Decimal

import pytest

from billing.models import BillingMail
from billing.services import credit_note_issue
from billing.services import mail as billing_mail
from billing.services.payments import payment_record
from billing.services.reminders import invoice_reminders_queue, reminder_level
from billing.tasks import invoice_reminders_task
from tests.support.billing import utc
from tests.support.payments import invoice_of

pytestmark = pytest.mark.django_db
OCT = date(2026, 10, 1)
DUE = date(2026, 11, 16)


@pytest.fixture(autouse=True)
def reminder_days(settings):
    settings.INVOICE_REMINDER_DAYS = [7, 21, 35]


@pytest.fixture
def overdue(make_client):
    client = make_client(currency="EUR", billing_country="CH")
    client.billing_email = "accounts@shop.example"
    client.save(update_fields=["billing_email"])
    return invoice_of(client, "100.00", OCT, due_on=DUE, reference="31")


def _levels(invoice) -> list[int]:
    return sorted(invoice.mails.filter(kind="reminder").values_list("level", flat=True))


@pytest.mark.parametrize(("days", "level"), [(0, 0), (6, 0), (7, 1), (20, 1), (21, 2), (99, 3)])
def test_reminder_level(days, level):
    assert reminder_level(days_overdue=days, days=[7, 21, 35]) == level


def test_reminders_go_once_per_level_at_the_configured_days(overdue):
    assert invoice_reminders_queue(now=utc(2026, 11, 22, 22)).queued == []  # 6 days, Prague
    (mail,) = invoice_reminders_queue(now=utc(2026, 11, 22, 23, 30)).queued  # 23rd in Prague
    assert (mail.invoice, mail.kind, mail.level, mail.to) == (
        overdue,
        BillingMail.Kind.REMINDER,
        1,
        "accounts@shop.example",
    )
    assert invoice_reminders_queue(now=utc(2026, 11, 25, 8)).queued == []  # run twice: nothing
    invoice_reminders_queue(now=utc(2026, 12, 7, 8))
    assert _levels(overdue) == [1, 2]


def test_a_missed_run_queues_the_latest_level_only(overdue):
    invoice_reminders_queue(now=utc(2026, 12, 30, 8))
    assert _levels(overdue) == [3]


def test_a_paid_invoice_is_never_reminded_a_partly_paid_one_is(overdue):
    payment_record(
        client=overdue.client,
        amount=Decimal("40.00"),
        currency="EUR",
        received_on=date(2026, 11, 20),
        reference="31",
    )
    invoice_reminders_queue(now=utc(2026, 11, 24, 8))
    assert _levels(overdue) == [1]
    payment_record(
        client=overdue.client,
        amount=Decimal("60.00"),
        currency="EUR",
        received_on=date(2026, 11, 25),
        reference="31",
    )
    invoice_reminders_queue(now=utc(2026, 12, 30, 8))
    assert _levels(overdue) == [1]


def test_a_credited_invoice_is_never_reminded(overdue):
    credit_note_issue(invoice=overdue, reason="cancelled", now=utc(2026, 11, 20))
    assert invoice_reminders_queue(now=utc(2026, 12, 30, 8)).queued == []


def test_no_billing_email_is_reported_not_queued(make_client):
    invoice = invoice_of(
        make_client(currency="EUR", billing_country="CH"), "100.00", OCT, due_on=DUE
    )
    run = invoice_reminders_queue(now=utc(2026, 12, 1, 8))
    assert (run.queued, run.no_email) == ([], [invoice])
    assert not BillingMail.objects.filter(
        kind=BillingMail.Kind.REMINDER
    ).exists()  # the issue queued the invoice mail


def test_the_task_reports_what_it_queued(overdue, monkeypatch):
    monkeypatch.setattr("django.utils.timezone.now", lambda: utc(2026, 11, 24, 8))
    assert invoice_reminders_task() == {"queued": [(overdue.pk, 1)], "no_email": []}
    assert invoice_reminders_task() == {"queued": [], "no_email": []}


def test_the_reminder_mail_states_what_is_still_open(overdue):
    payment_record(
        client=overdue.client,
        amount=Decimal("40.00"),
        currency="EUR",
        received_on=date(2026, 11, 20),
        reference="31",
    )
    assert billing_mail.invoice_open_amount(overdue) == Decimal("60.00")


def test_a_reminder_goes_to_the_clients_billing_email_as_it_is_now(overdue):
    client = overdue.client
    client.billing_email = "finance@shop.example"  # corrected after the invoice was sent
    client.save(update_fields=["billing_email"])
    (mail,) = invoice_reminders_queue(now=utc(2026, 11, 24, 8)).queued
    assert mail.to == "finance@shop.example"
    assert overdue.buyer_email in ("", "accounts@shop.example")  # the issue's, unchanged


def test_a_client_given_a_billing_email_after_the_issue_is_reminded(make_client):
    client = make_client(currency="EUR", billing_country="CH")
    invoice = invoice_of(client, "100.00", OCT, due_on=DUE)
    assert not invoice.buyer_email
    client.billing_email = "late@shop.example"
    client.save(update_fields=["billing_email"])
    run = invoice_reminders_queue(now=utc(2026, 11, 24, 8))
    assert [m.to for m in run.queued] == ["late@shop.example"] and run.no_email == []


def test_an_invoice_mail_keeps_the_invoices_address_a_reminder_takes_the_clients(overdue):
    client = overdue.client
    client.billing_email = "finance@shop.example"
    client.save(update_fields=["billing_email"])
    invoice_mail = billing_mail.billing_mail_queue(invoice=overdue, kind=BillingMail.Kind.INVOICE)
    reminder = billing_mail.billing_mail_queue(
        invoice=overdue, kind=BillingMail.Kind.REMINDER, level=1
    )
    assert invoice_mail.to == overdue.buyer_email != "finance@shop.example"
    assert reminder.to == "finance@shop.example"
