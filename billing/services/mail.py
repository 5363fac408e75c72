"""E-mails about invoices to the client's billing address: the invoice (PDF and XML
attached) and payment reminders. Queued in the caller's transaction, sent by a task."""

from billing.models import BillingMail, Invoice


def billing_mail_queue(*, invoice: Invoice, kind: str, level: int = 0) -> BillingMail:
    """Queue the e-mail about the invoice, once per invoice, kind and level."""
    mail, _created = BillingMail.objects.get_or_create(
        invoice=invoice, kind=kind, level=level, defaults={"to": invoice.buyer_email}
    )
    return mail
