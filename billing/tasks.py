"""Celery tasks of billing: thin, idempotent, calling billing.services."""

import logging
from datetime import UTC

from celery import shared_task
from django.conf import settings
from django.db import OperationalError
from django.utils import timezone

from billing.exchange_rates import ExchangeRatesUnavailable
from billing.services import exchange_rates_fetch, invoices_issue_for_month
from billing.services.mail import billing_mail_send, billing_mails_sweep
from billing.services.reminders import invoice_reminders_queue
from core.months import month_parse, month_previous

logger = logging.getLogger(__name__)


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def invoices_issue_task(month: str = "") -> dict:
    """Issue every client's invoice for `month` ('2026-10'; default: last month). A re-run
    issues nothing twice."""
    period = month_parse(month) if month else month_previous(timezone.now(), zone=UTC)
    run = invoices_issue_for_month(month=period)
    return {
        "month": f"{period:%Y-%m}",
        "issued": len(run.issued),
        "present": len(run.present),
        "skipped": [(client.slug, reason) for client, reason in run.skipped],
        "failed": [(client.slug, reason) for client, reason in run.failed],
        "late": [(invoice.number, count) for invoice, count in run.late],
    }


# A failed download is retried after about 5, 10, 20, 40, 60 and 60 minutes (with jitter):
# a few hours for the ECB's site to come back, the same evening. A refused file is not
# retried: the same file would be refused again; the error is in the worker's log.
@shared_task(
    acks_late=True,
    autoretry_for=(ExchangeRatesUnavailable, OperationalError),
    retry_backoff=300,
    retry_backoff_max=3600,
    retry_jitter=True,
    max_retries=6,
    ignore_result=True,
)
def exchange_rates_fetch_task() -> dict:
    """Beat, weekdays at 15:30 UTC: store the ECB's reference rates of the day (a re-run
    stores nothing twice)."""
    if not settings.EXCHANGE_RATES_URL:  # switched off (POLYDESK_EXCHANGE_RATES_URL empty)
        return {"skipped": "no POLYDESK_EXCHANGE_RATES_URL"}
    try:
        run = exchange_rates_fetch()
    except ExchangeRatesUnavailable as error:
        logger.warning("Exchange rates not fetched, will retry: %s", error)
        raise
    return {
        "days": [day.isoformat() for day in run.days],
        "stored": len(run.stored),
        "present": len(run.present),
        "missing": [f"{f}->{t}" for f, t, _ in run.missing],
    }


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def invoice_reminders_task() -> dict:
    """Beat, daily: queue the payment reminders overdue invoices are due (a re-run queues
    nothing twice)."""
    run = invoice_reminders_queue()
    return {
        "queued": [(mail.invoice_id, mail.level) for mail in run.queued],
        "no_email": [invoice.number for invoice in run.no_email],
    }


# Retries are the row's own (next_attempt_at, billing.services.mail): a task that fails to
# send reschedules the mail and ends; the sweep below sends it again when it is due.
@shared_task(acks_late=True, ignore_result=True)
def billing_mail_send_task(mail_id: int) -> None:
    """Send the queued billing e-mail if it is due (a second run finds it sent: nothing)."""
    billing_mail_send(mail_id=mail_id)


@shared_task(ignore_result=True)
def billing_mails_sweep_task() -> int:
    """Beat, every 2 minutes: send the queued billing e-mails that are due (lost tasks,
    retries whose time has come)."""
    return len(billing_mails_sweep())
