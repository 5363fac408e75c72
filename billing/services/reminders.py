"""Payment reminders of overdue invoices (docs/billing.md, "Reminders"): queued by a daily
task, once per invoice and level, sent by billing.services.mail's task."""

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Max, Q, QuerySet
from django.utils import timezone

from billing.models import BillingMail, Invoice
from billing.selectors.receivables import invoices_with_open_amounts
from billing.services.mail import billing_mail_queue

logger = logging.getLogger(__name__)


@dataclass
class ReminderRun:
    queued: list[BillingMail] = field(default_factory=list)
    # Due a reminder but the invoice names no billing e-mail: a person must call.
    no_email: list[Invoice] = field(default_factory=list)


def reminder_level(*, days_overdue: int, days: list[int]) -> int:
    """The reminder an invoice this many days past due has earned: 0 (none yet), 1, 2..."""
    return sum(1 for threshold in days if days_overdue >= threshold)


def _candidates(*, now: datetime, first: int) -> QuerySet[Any]:
    """Open invoices due `first` days ago or more in any time zone, with their last
    reminder level (one query)."""
    latest_due = (now + timedelta(days=1)).date() - timedelta(days=first)
    candidates: QuerySet[Any] = (
        invoices_with_open_amounts(Invoice.objects.filter(kind=Invoice.Kind.INVOICE))
        .filter(open_amount__gt=0, credited=False, due_date__lte=latest_due)
        .annotate(reminded=Max("mails__level", filter=Q(mails__kind=BillingMail.Kind.REMINDER)))
        .select_related("client")
        .order_by("pk")
    )
    return candidates


def invoice_reminders_queue(*, now: datetime | None = None) -> ReminderRun:
    """Queue the reminder each overdue invoice is due (its client's local date), once per
    level: a run twice queues nothing twice, a run missed queues the latest level only.
    A paid or credited invoice is never reminded: the check and the queueing happen under
    the invoice's lock, which a payment's allocation takes too."""
    now = now or timezone.now()
    days = settings.INVOICE_REMINDER_DAYS
    run = ReminderRun()
    if not days:
        return run
    for invoice in _candidates(now=now, first=days[0]):
        today = timezone.localtime(now, invoice.client.tz).date()
        level = reminder_level(days_overdue=(today - invoice.due_date).days, days=days)
        if level <= (invoice.reminded or 0):
            continue
        # A reminder goes to the client's billing e-mail as it is now (corrected since
        # the issue), else to the one the invoice was sent to.
        if not (invoice.client.billing_email or invoice.buyer_email):
            run.no_email.append(invoice)
            continue
        mail = _queue(invoice_id=invoice.pk, level=level)
        if mail is not None:
            run.queued.append(mail)
    for invoice in run.no_email:
        logger.warning("invoice %s is overdue but names no billing e-mail", invoice.number)
    return run


@transaction.atomic
def _queue(*, invoice_id: int, level: int) -> BillingMail | None:
    Invoice.objects.select_for_update(no_key=True).filter(pk=invoice_id).values_list("pk")[0]
    invoice = invoices_with_open_amounts(Invoice.objects.filter(pk=invoice_id)).get()
    if invoice.open_amount <= 0 or invoice.credited:  # paid or credited since the query
        return None
    return billing_mail_queue(invoice=invoice, kind=BillingMail.Kind.REMINDER, level=level)
