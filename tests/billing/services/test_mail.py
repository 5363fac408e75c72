"""Invoice e-mails and reminders: queued once, sent after the commit with the PDF and the
XML attached, in the client's document language; retried with growing delays, swept when
the task was lost, failed visibly (and sent again) when they cannot go out."""

from datetime import timedelta
from decimal import Decimal
from email import message_from_bytes
from email.policy import default

import pytest
from django.core import mail as outbox
from django.utils import timezone, translation

from billing.models import BillingMail
from billing.services import invoice_issue
from billing.services import mail as billing_mail
from billing.services.mail import (
    MAX_ATTEMPTS,
    billing_mail_queue,
    billing_mail_send,
    billing_mail_send_again,
    billing_mails_sweep,
)
from billing.tasks import billing_mail_send_task, billing_mails_sweep_task
from tests.support.billing import plan_for, utc
from tests.support.einvoice import invoice_before_vat
from tests.support.smtp_sink import Sink, mailers_for, sink_start

OCT = utc(2026, 10, 1).date()
NOW = utc(2026, 11, 1, 6)


@pytest.fixture(autouse=True)
def _supplier(settings):
    # A supplier with a VAT id: the real e-invoice is attached (UBL needs the id).
    settings.INVOICE_ISSUER = {**settings.INVOICE_ISSUER, "vat_id": "CZ24681351"}
    settings.BILLING_FROM_EMAIL = "Agentura <billing@agency.example>"
    settings.INVOICE_BANK_ACCOUNTS = {"CZK": ("CZ6508000000192000145399", "GIBACZPX")}


@pytest.fixture
def invoice(make_client):
    client = make_client(currency="CZK", languages=("cs", "en"))
    client.billing_email, client.legal_name = "ucetni@obchod.example", "Obchod s.r.o."
    client.save()
    plan_for(client, base_monthly_fee=Decimal("10000"))  # 12,100.00 CZK with 21 % VAT
    invoice = invoice_issue(client=client, month=OCT, now=NOW).invoice
    # Issuing queued its mail already (tests/billing/test_vat.py): these tests queue it.
    BillingMail.objects.filter(invoice=invoice).delete()
    return invoice


def test_the_invoice_mail_goes_out_after_the_commit_with_its_pdf_and_xml(
    invoice, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        mail = billing_mail_queue(invoice=invoice, kind=BillingMail.Kind.INVOICE)
        assert outbox.outbox == []  # nothing before the commit
    mail.refresh_from_db()
    assert (mail.state, mail.attempts, mail.language) == ("sent", 1, "cs")
    [sent] = outbox.outbox
    assert sent.to == ["ucetni@obchod.example"]
    assert sent.from_email == "Agentura <billing@agency.example>"
    assert sent.subject.startswith(f"Faktura {invoice.number} od ")
    assert "K úhradě: 12\xa0100,00\xa0Kč" in sent.body
    assert "IBAN: CZ65 0800 0000 1920 0014 5399\nBIC: GIBACZPX" in sent.body
    assert f"/invoices/{invoice.pk}/" in sent.body
    names = [(name, kind) for name, _content, kind in sent.attachments]
    assert names == [
        (f"{invoice.number}.pdf", "application/pdf"),
        (f"invoice-{invoice.number}.xml", "application/xml"),
    ]
    assert sent.attachments[0][1].startswith(b"%PDF")
    assert b"<cbc:ID>" + invoice.number.encode() + b"</cbc:ID>" in sent.attachments[1][1]
    assert mail.message_id == sent.extra_headers["Message-ID"]


def test_queued_twice_is_one_mail_and_a_second_run_sends_nothing(
    invoice, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = billing_mail_queue(invoice=invoice, kind=BillingMail.Kind.INVOICE)
        again = billing_mail_queue(invoice=invoice, kind=BillingMail.Kind.INVOICE)
    assert first.pk == again.pk and len(outbox.outbox) == 1
    assert billing_mail_send(mail_id=first.pk) is None
    assert len(outbox.outbox) == 1


def test_no_billing_address_fails_at_once_and_send_again_uses_the_address_set_since(
    make_client, django_capture_on_commit_callbacks
):
    client = make_client(currency="CZK")
    plan_for(client, base_monthly_fee=Decimal("100"))
    invoice = invoice_issue(client=client, month=OCT, now=NOW).invoice
    mail = billing_mail_queue(invoice=invoice, kind=BillingMail.Kind.INVOICE)
    assert mail.state == "failed" and "no billing e-mail" in mail.last_error
    client.billing_email = "finance@shop.example"
    client.save()
    with django_capture_on_commit_callbacks(execute=True):
        assert billing_mail_send_again(mail=mail)
    mail.refresh_from_db()
    assert mail.state == "sent" and outbox.outbox[0].to == ["finance@shop.example"]


@pytest.fixture
def smtp(settings):
    sink = Sink()
    controller = sink_start(sink)
    settings.MAILERS = mailers_for(controller.port)
    yield sink
    controller.stop()


def test_a_temporary_refusal_is_retried_later_and_fails_after_six_attempts(invoice, smtp):
    smtp.reply = "451 4.3.0 try again later"
    mail = BillingMail.objects.create(
        invoice=invoice, kind="invoice", to="a@shop.example", language="en"
    )
    now = NOW
    waits = []
    for attempt in range(1, MAX_ATTEMPTS + 1):
        billing_mail_send(mail_id=mail.pk, now=now)
        mail.refresh_from_db()
        assert mail.attempts == attempt and "451" in mail.last_error
        if attempt < MAX_ATTEMPTS:
            assert mail.state == "queued"
            waits.append(mail.next_attempt_at - now)
            # Not due before its time: nothing is sent.
            assert (
                billing_mail_send(mail_id=mail.pk, now=mail.next_attempt_at - timedelta(seconds=1))
                is None
            )
            now = mail.next_attempt_at
    assert waits == sorted(waits) and waits[0] >= timedelta(minutes=2)
    assert mail.state == "failed" and "after 6 attempts" in mail.last_error
    smtp.reply = "250 OK"
    assert billing_mail_send_again(mail=mail)
    mail.refresh_from_db()
    assert mail.attempts == 0 and mail.state == "queued"


def test_a_refused_address_fails_at_once_with_the_servers_reason(invoice, smtp):
    smtp.reply = "550 5.1.1 no such mailbox"
    mail = BillingMail.objects.create(
        invoice=invoice, kind="invoice", to="gone@shop.example", language="en"
    )
    billing_mail_send(mail_id=mail.pk, now=NOW)
    mail.refresh_from_db()
    assert mail.state == "failed" and mail.attempts == 1
    assert "550" in mail.last_error and "no such mailbox" in mail.last_error
    # The agency corrects the client's address and sends it again: to the new one.
    invoice.client.billing_email = "accounts@shop.example"
    invoice.client.save()
    smtp.reply = "250 OK"
    assert billing_mail_send_again(mail=mail)
    billing_mail_send(mail_id=mail.pk)
    mail.refresh_from_db()
    assert (mail.state, mail.to) == ("sent", "accounts@shop.example")
    assert smtp.received[-1][0] == ["accounts@shop.example"]


def test_the_real_smtp_message_carries_both_attachments(invoice, smtp):
    mail = BillingMail.objects.create(
        invoice=invoice, kind="invoice", to="a@shop.example", language="de"
    )
    billing_mail_send(mail_id=mail.pk, now=NOW)
    [(recipients, message)] = smtp.received
    assert recipients == ["a@shop.example"]
    assert message["Subject"].startswith(f"Rechnung {invoice.number}")
    files = {part.get_filename(): part.get_content_type() for part in message.iter_attachments()}
    assert files == {
        f"{invoice.number}.pdf": "application/pdf",
        f"invoice-{invoice.number}.xml": "application/xml",
    }
    assert (
        message_from_bytes(message.as_bytes(), policy=default)["Message-ID"]
        == BillingMail.objects.get().message_id
    )


def test_the_sweep_sends_what_a_lost_task_left_and_leaves_a_mail_being_sent(invoice):
    # Queued in a transaction whose task never reached the broker: the row waits.
    lost = billing_mail_queue(invoice=invoice, kind=BillingMail.Kind.INVOICE)
    reminder = billing_mail_queue(invoice=invoice, kind=BillingMail.Kind.REMINDER, level=1)
    BillingMail.objects.filter(pk=reminder.pk).update(
        next_attempt_at=timezone.now() + timedelta(hours=1)
    )
    assert outbox.outbox == []
    swept = billing_mails_sweep(now=timezone.now())
    assert swept == [lost.pk]
    lost.refresh_from_db()
    assert lost.state == "sent" and len(outbox.outbox) == 1
    assert billing_mails_sweep(now=timezone.now()) == []


def test_the_attachments_not_made_is_a_retry_not_a_mail_without_them(invoice, monkeypatch):
    def broken(document):
        raise NotImplementedError("UBL is being built")

    monkeypatch.setattr(billing_mail, "invoice_ubl", broken)
    mail = BillingMail.objects.create(
        invoice=invoice, kind="invoice", to="a@shop.example", language="en"
    )
    billing_mail_send(mail_id=mail.pk, now=NOW)
    mail.refresh_from_db()
    assert mail.state == "queued" and "UBL is being built" in mail.last_error
    assert outbox.outbox == []


@pytest.mark.parametrize(
    ("level", "words"),
    [(1, "Reminder:"), (2, "Second reminder:"), (3, "Final reminder:"), (4, "Final reminder:")],
)
def test_reminders_say_what_is_open_since_when_and_escalate(invoice, level, words):
    mail = BillingMail.objects.create(
        invoice=invoice, kind="reminder", level=level, to="a@shop.example", language="en"
    )
    billing_mail_send(mail_id=mail.pk, now=NOW)
    [sent] = outbox.outbox
    assert sent.subject == f"{words} invoice {invoice.number} is overdue"
    assert "Amount still open: CZK12,100.00\n" in sent.body  # babel's English for CZK
    assert "Overdue since:" in sent.body
    assert [name for name, _c, _k in sent.attachments] == [f"{invoice.number}.pdf"]


def test_every_language_has_its_own_subject(invoice):
    subjects = set()
    for language in (
        "bg",
        "cs",
        "de",
        "el",
        "en",
        "es",
        "fr",
        "hr",
        "hu",
        "it",
        "nl",
        "pl",
        "pt",
        "ro",
        "sk",
        "sl",
    ):
        mail = BillingMail(
            invoice=invoice, kind="reminder", level=2, to="a@shop.example", language=language
        )
        subjects.add(billing_mail.billing_mail_message(mail=mail).subject)
    assert len(subjects) == 16
    assert translation.get_language() == "en-us" or translation.get_language()


def test_the_beat_task_sweeps_and_a_second_sweep_finds_nothing(invoice):

    mail = billing_mail_queue(invoice=invoice, kind=BillingMail.Kind.INVOICE)
    assert billing_mails_sweep_task() == 1
    assert billing_mails_sweep_task() == 0
    billing_mail_send_task(mail.pk)  # a late duplicate of the task: nothing more
    assert len(outbox.outbox) == 1


def test_portuguese_reads_portugals_money_and_dates(invoice):
    mail = BillingMail(
        invoice=invoice, kind="reminder", level=1, to="a@shop.example", language="pt"
    )
    body = billing_mail.billing_mail_message(mail=mail).body
    assert "12\xa0100,00\xa0CZK" in body  # Portugal's; babel's bare "pt" (Brazil) puts CZK first
    assert "15 de novembro de 2026" in body  # due 14 days after the issue


def test_an_invoice_without_an_e_invoice_goes_with_its_pdf_alone_and_says_so(invoice, monkeypatch):
    # This invoice was issued before VAT, which EN 16931 cannot state: no e-invoice.
    before_vat = invoice_before_vat(invoice.client, sequence=900001, issued_at=NOW)
    mail = BillingMail.objects.create(
        invoice=before_vat, kind="invoice", to="a@shop.example", language="en"
    )
    billing_mail_send(mail_id=mail.pk, now=NOW)
    mail.refresh_from_db()
    assert mail.state == "sent"
    [sent] = outbox.outbox
    assert [name for name, _c, _k in sent.attachments] == [f"{before_vat.number}.pdf"]
    assert "It is attached as a PDF. You can also find it in your portal:" in sent.body


def test_an_unexpected_error_is_retried_then_failed_never_left_queued(invoice, monkeypatch):
    # A backend raising its own error (or a bug in a text) is not a lost mail: it is
    # retried like a temporary refusal, then failed with its reason for an admin to see.
    def broken(email):
        raise RuntimeError("backend exploded")

    monkeypatch.setattr(billing_mail, "_send", broken)
    mail = BillingMail.objects.create(
        invoice=invoice, kind="invoice", to="a@shop.example", language="en"
    )
    now = NOW
    for _attempt in range(MAX_ATTEMPTS):
        billing_mail_send(mail_id=mail.pk, now=now)
        mail.refresh_from_db()
        now = mail.next_attempt_at or now
    assert mail.state == "failed" and "RuntimeError: backend exploded" in mail.last_error


def test_a_mail_whose_tries_all_died_with_their_worker_is_failed(invoice):
    # Each try took the lease and its worker was killed before a word: at the limit, failed.
    mail = BillingMail.objects.create(
        invoice=invoice, kind="invoice", to="a@shop.example", language="en", attempts=MAX_ATTEMPTS
    )
    billing_mail_send(mail_id=mail.pk, now=NOW)
    mail.refresh_from_db()
    assert mail.state == "failed" and f"after {MAX_ATTEMPTS} attempts" in mail.last_error
