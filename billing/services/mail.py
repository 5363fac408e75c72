"""E-mails about invoices to the client's billing address: the invoice (PDF and XML
attached) and payment reminders. Queued in the caller's transaction, sent by a task.

A ``BillingMail`` row is the mail's whole story: written once per invoice, kind and level in
the caller's transaction, sent after the commit by ``billing_mail_send_task``, retried with
growing delays (``next_attempt_at``, 6 attempts), re-sent by a beat sweep when the task was
lost (a broker down at commit, a killed worker), and ``failed`` with its reason when it
cannot go out, where agency admins see it and send it again (docs/billing.md, "Invoice
e-mails").
"""

import logging
import smtplib
from collections.abc import Callable
from datetime import date, datetime, timedelta
from decimal import Decimal

from babel.dates import format_date
from babel.numbers import format_currency
from django.conf import settings
from django.core.mail import EmailMessage, make_msgid
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from billing.document import InvoiceDocument, amount_to_pay, iban_printed, invoice_pdf
from billing.models import BillingMail, Invoice
from billing.payment_qr import variable_symbol
from billing.selectors import invoice_document
from billing.selectors.receivables import invoice_open_amount
from billing.ubl import UblNotAvailable, invoice_ubl, ubl_filename
from core.locales import babel_locale
from core.tasks import task_enqueue_on_commit, task_send
from tenants.models import Client

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 6
# The wait after the n-th failed attempt: a mail server back within the day gets the mail.
RETRY_DELAYS = [
    timedelta(minutes=2),
    timedelta(minutes=10),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=6),
]
# A mail being sent is not due again before this: a sweep meanwhile leaves it alone, and
# a worker killed while sending leaves it to the sweep after this long.
SENDING_LEASE = timedelta(minutes=15)


class PermanentFailure(Exception):
    """The mail cannot go out as it is (no address, an address refused): not retried."""


class TemporaryFailure(Exception):
    """The mail did not go out this time (server down, 4xx): retried later."""


# The language of the client's documents (its monthly report's and invoices' PDFs), filled
# by reporting at start-up (reporting.registrations), which knows the report settings.
_document_language: list[Callable[[Client], str]] = []


def document_language_register(resolver: Callable[[Client], str]) -> None:
    """Say how a client's document language is found (idempotent)."""
    _document_language[:] = [resolver]


def document_language(*, client: Client) -> str:
    """The language of the client's invoices: the PDF's (its report language, else its
    default language)."""
    if _document_language:
        return _document_language[0](client)
    return client.default_language


def billing_mail_queue(*, invoice: Invoice, kind: str, level: int = 0) -> BillingMail:
    """Queue the e-mail about the invoice, once per invoice, kind and level."""
    now = timezone.now()
    to = invoice.buyer_email
    if kind == BillingMail.Kind.REMINDER:
        # A reminder goes to the client's billing e-mail now (the invoice's may be stale).
        to = invoice.client.billing_email or to
    mail, created = BillingMail.objects.get_or_create(
        invoice=invoice,
        kind=kind,
        level=level,
        defaults={
            "to": to,
            "language": document_language(client=invoice.client),
            "next_attempt_at": now,
        },
    )
    if not created:
        return mail
    if not mail.to:
        _fail(mail, reason="the client has no billing e-mail: set it, then send again")
    else:
        _dispatch_on_commit(mail)
    return mail


def _dispatch_on_commit(mail: BillingMail) -> None:
    # Here, not at the top: an import cycle, billing.tasks imports this module (its tasks
    # call these services).
    from billing.tasks import billing_mail_send_task

    task_enqueue_on_commit(billing_mail_send_task, args=[mail.pk])


def billing_mail_send(*, mail_id: int, now: datetime | None = None) -> BillingMail | None:
    """Send a queued mail that is due (a task, a sweep); None when there is nothing to do:
    sent, failed, not due, or being sent by another worker."""
    now = now or timezone.now()
    with transaction.atomic():
        mail = (
            BillingMail.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("invoice__client", "invoice__corrects")
            .filter(pk=mail_id, state=BillingMail.State.QUEUED)
            .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
            .first()
        )
        if mail is None:
            return None
        if mail.attempts >= MAX_ATTEMPTS:  # each try ended without a word (a killed worker)
            _fail(mail, reason=f"{mail.last_error or 'not sent'} (after {mail.attempts} attempts)")
            return mail
        mail.attempts += 1
        mail.next_attempt_at = now + SENDING_LEASE
        mail.save(update_fields=["attempts", "next_attempt_at"])
    try:
        email = billing_mail_message(mail=mail)
        _send(email)
    except PermanentFailure as error:
        _fail(mail, reason=str(error))
    except TemporaryFailure as error:
        _later(mail, reason=str(error), now=now)
    except Exception as error:  # a bug or a backend's own error: retried, then failed, shown
        logger.exception("Billing mail %s could not be sent", mail.pk)
        _later(mail, reason=f"{type(error).__name__}: {error}", now=now)
    else:
        mail.state, mail.sent_at = BillingMail.State.SENT, timezone.now()
        mail.message_id, mail.last_error, mail.next_attempt_at = (
            email.extra_headers["Message-ID"],
            "",
            None,
        )
        mail.save(
            update_fields=[
                "state",
                "sent_at",
                "message_id",
                "last_error",
                "next_attempt_at",
                "language",
            ]
        )
    return mail


def _fail(mail: BillingMail, *, reason: str) -> None:
    logger.warning("Billing mail %s failed: %s", mail.pk, reason)
    mail.state, mail.last_error, mail.next_attempt_at = BillingMail.State.FAILED, reason[:255], None
    mail.save(update_fields=["state", "last_error", "next_attempt_at"])


def _later(mail: BillingMail, *, reason: str, now: datetime) -> None:
    if mail.attempts >= MAX_ATTEMPTS:
        _fail(mail, reason=f"{reason} (after {mail.attempts} attempts)")
        return
    delay = RETRY_DELAYS[min(mail.attempts, len(RETRY_DELAYS)) - 1]
    mail.last_error, mail.next_attempt_at = reason[:255], now + delay
    mail.save(update_fields=["last_error", "next_attempt_at"])


def billing_mails_sweep(*, now: datetime | None = None) -> list[int]:
    """Beat: send again every queued mail that is due (a lost task, a retry's time come,
    a worker killed while sending); the ids sent to the workers."""
    now = now or timezone.now()
    # Here, not at the top: an import cycle, billing.tasks imports this module (its tasks
    # call these services).
    from billing.tasks import billing_mail_send_task

    due = list(
        BillingMail.objects.filter(state=BillingMail.State.QUEUED)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .order_by("next_attempt_at", "id")
        .values_list("pk", flat=True)[:500]
    )
    return [pk for pk in due if task_send(billing_mail_send_task, schema_name="public", args=[pk])]


def billing_mail_send_again(*, mail: BillingMail) -> bool:
    """An agency admin's "send again" of a failed mail: queued anew with fresh attempts, to
    the client's billing e-mail as it is now (else the address it was sent to)."""
    with transaction.atomic():
        mail = (
            BillingMail.objects.select_for_update()
            .select_related("invoice__client")
            .get(pk=mail.pk)
        )
        if mail.state != BillingMail.State.FAILED:
            return False
        # The client's billing address now: what the agency corrected after a refusal.
        mail.to = mail.invoice.client.billing_email or mail.to
        mail.state, mail.attempts, mail.next_attempt_at = (
            BillingMail.State.QUEUED,
            0,
            timezone.now(),
        )
        mail.last_error = ""
        mail.save(update_fields=["to", "state", "attempts", "next_attempt_at", "last_error"])
        if not mail.to:
            _fail(mail, reason="the client has no billing e-mail: set it, then send again")
            return False
        _dispatch_on_commit(mail)
    return True


def _send(email: EmailMessage) -> None:
    """Send through the project's mailer; SMTP 5xx and unusable addresses are permanent,
    4xx, refused connections and timeouts temporary (as conversations.email_out)."""
    try:
        email.send()
    except smtplib.SMTPRecipientsRefused as error:
        codes = [code for code, _answer in error.recipients.values()]
        reason = "; ".join(f"{code} {_text(answer)}" for code, answer in error.recipients.values())
        failure = PermanentFailure if codes and min(codes) >= 500 else TemporaryFailure
        raise failure(f"recipient refused: {reason}") from error
    except smtplib.SMTPResponseException as error:
        failure = PermanentFailure if error.smtp_code >= 500 else TemporaryFailure
        raise failure(f"{error.smtp_code} {_text(error.smtp_error)}") from error
    except (smtplib.SMTPException, OSError) as error:
        raise TemporaryFailure(f"mail server: {error!r}") from error
    except ValueError as error:  # an address Django cannot put in a header
        raise PermanentFailure(f"unusable address: {error}") from error


def _text(answer: bytes | str) -> str:
    return answer.decode(errors="replace") if isinstance(answer, bytes) else str(answer)


def billing_mail_message(*, mail: BillingMail) -> EmailMessage:
    """The mail as it goes out: in its language, the PDF (and, for an invoice, its UBL XML)
    attached. A document that cannot be made is a temporary failure (retried, then shown)."""
    invoice = mail.invoice
    if not mail.language:  # a row written by hand (the admin, a script)
        mail.language = document_language(client=invoice.client)
    try:
        document = invoice_document(invoice=invoice, language=mail.language)
        pdf = invoice_pdf(document)
        xml = _ubl_or_none(document) if mail.kind == BillingMail.Kind.INVOICE else None
    except Exception as error:  # the mail waits for its attachments, never goes without
        logger.exception("Attachments of billing mail %s not made", mail.pk)
        raise TemporaryFailure(f"attachments not made: {error!r}") from error
    with translation.override(mail.language):
        if mail.kind == BillingMail.Kind.REMINDER:
            subject, body = _reminder_text(mail=mail, document=document)
        else:
            subject, body = _invoice_text(mail=mail, document=document, with_xml=xml is not None)
    domain = settings.BILLING_FROM_EMAIL.rsplit("@", 1)[-1].strip("> ") or "localhost"
    email = EmailMessage(
        subject=subject,
        body=body,
        from_email=settings.BILLING_FROM_EMAIL,
        to=[mail.to],
        headers={"Message-ID": make_msgid(domain=domain), "Auto-Submitted": "auto-generated"},
    )
    email.attach(f"{invoice.number}.pdf", pdf, "application/pdf")
    if xml is not None:
        email.attach(ubl_filename(kind=invoice.kind, number=invoice.number), xml, "application/xml")
    return email


def _ubl_or_none(document: InvoiceDocument) -> bytes | None:
    """The e-invoice, or None for a document EN 16931 cannot state (issued before VAT, a
    detail missing): the PDF goes alone and says so, since no retry would make the XML."""
    try:
        return invoice_ubl(document)
    except UblNotAvailable as reason:
        logger.warning("Invoice %s e-mailed without its e-invoice: %s", document.number, reason)
        return None


def invoice_portal_url(*, invoice: Invoice) -> str:
    """The invoice's page on the client's portal (its own domain)."""
    domain = invoice.client.get_primary_domain()
    host = domain.domain if domain is not None else settings.AGENCY_DOMAIN
    port = settings.SITE_URL_PORT
    suffix = "" if port in ("", "80", "443") else f":{port}"
    path = reverse("billing-invoice", urlconf="config.urls_tenant", args=[invoice.pk])
    return f"{settings.SITE_URL_SCHEME}://{host}{suffix}{path}"


def _payment_lines(*, document: InvoiceDocument, amount_label: str, amount: Decimal) -> list[str]:
    locale = babel_locale(document.language)
    reference = document.payment_reference
    lines = [
        _("%(label)s: %(value)s")
        % {"label": amount_label, "value": _money(amount, document.currency, locale)}
    ]
    if reference:
        label = _("Variable symbol") if variable_symbol(reference) else _("Payment reference")
        lines.append(_("%(label)s: %(value)s") % {"label": label, "value": reference})
    if document.issuer.iban:
        lines.append(
            _("%(label)s: %(value)s")
            % {"label": "IBAN", "value": iban_printed(document.issuer.iban)}
        )
    if document.issuer.bic:
        lines.append(_("%(label)s: %(value)s") % {"label": "BIC", "value": document.issuer.bic})
    return lines


def _money(amount: Decimal, currency: str, locale: str) -> str:
    return format_currency(amount, currency, locale=locale)


def _day(day: date, language: str) -> str:
    return format_date(day, "long", locale=babel_locale(language))


def _invoice_text(
    *, mail: BillingMail, document: InvoiceDocument, with_xml: bool
) -> tuple[str, str]:
    agency = document.issuer.name
    number = document.number
    subject = _("Invoice %(number)s from %(agency)s") % {"number": number, "agency": agency}
    if document.kind == Invoice.Kind.CREDIT_NOTE:
        subject = _("Credit note %(number)s from %(agency)s") % {"number": number, "agency": agency}
    paragraphs = [_("Hello,")]
    if document.kind == Invoice.Kind.CREDIT_NOTE:
        paragraphs.append(
            _("Please find attached credit note %(number)s, which cancels invoice %(invoice)s.")
            % {"number": number, "invoice": document.corrects_number}
        )
    else:
        paragraphs.append(_("Please find attached invoice %(number)s.") % {"number": number})
        amount = amount_to_pay(document)
        if amount > 0:
            lines = _payment_lines(
                document=document, amount_label=_("Amount to pay"), amount=amount
            )
            if document.due_on:
                lines.insert(
                    1,
                    _("%(label)s: %(value)s")
                    % {"label": _("Due date"), "value": _day(document.due_on, mail.language)},
                )
            paragraphs.append("\n".join(lines))
    attached = (
        _(
            "It is attached as a PDF and as an electronic document (UBL XML). You can "
            "also find it in your portal: %(link)s"
        )
        if with_xml
        else _("It is attached as a PDF. You can also find it in your portal: %(link)s")
    )
    paragraphs.append(attached % {"link": invoice_portal_url(invoice=mail.invoice)})
    paragraphs += [_("Kind regards,") + "\n" + agency]
    return subject, "\n\n".join(paragraphs) + "\n"


def _reminder_text(*, mail: BillingMail, document: InvoiceDocument) -> tuple[str, str]:
    number = document.number
    due_on = document.due_on or mail.invoice.issued_at.astimezone(mail.invoice.client.tz).date()
    values = {"number": number, "date": _day(due_on, mail.language)}
    if mail.level <= 1:
        subject = _("Reminder: invoice %(number)s is overdue") % values
        opening = _(
            "Our records show that invoice %(number)s, due on %(date)s, has not been paid "
            "in full yet. Perhaps your payment has crossed with this message; if so, please "
            "disregard it."
        )
    elif mail.level == 2:
        subject = _("Second reminder: invoice %(number)s is overdue") % values
        opening = _(
            "Invoice %(number)s was due on %(date)s and has still not been paid in full. "
            "Please pay the amount still open within the next few days."
        )
    else:
        subject = _("Final reminder: invoice %(number)s is overdue") % values
        opening = _(
            "Invoice %(number)s was due on %(date)s and remains unpaid despite our earlier "
            "reminders. Please pay the amount still open without further delay, or contact "
            "us if anything about the invoice is unclear."
        )
    open_amount = invoice_open_amount(mail.invoice)
    lines = _payment_lines(
        document=document, amount_label=_("Amount still open"), amount=open_amount
    )
    lines.insert(
        1,
        _("%(label)s: %(value)s")
        % {"label": _("Overdue since"), "value": _day(due_on + timedelta(days=1), mail.language)},
    )
    paragraphs = [
        _("Hello,"),
        opening % values,
        "\n".join(lines),
        _("The invoice is attached again. You can also find it in your portal: %(link)s")
        % {"link": invoice_portal_url(invoice=mail.invoice)},
        _("Kind regards,") + "\n" + document.issuer.name,
    ]
    return subject, "\n\n".join(paragraphs) + "\n"
