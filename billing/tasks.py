"""Celery tasks of billing: thin, idempotent, calling billing.services."""

from datetime import UTC

from celery import shared_task
from django.utils import timezone

from billing.months import month_parse, month_previous
from billing.services import invoices_issue_for_month


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def invoices_issue_task(month: str = "") -> dict:
    """Issue every client's invoice for `month` ('2026-10'; default: last month). A re-run
    issues nothing twice."""
    period = month_parse(month) if month else month_previous(timezone.now(), zone=UTC)
    run = invoices_issue_for_month(month=period)
    return {"month": f"{period:%Y-%m}", "issued": len(run.issued), "present": len(run.present),
            "skipped": [(client.slug, reason) for client, reason in run.skipped],
            "failed": [(client.slug, reason) for client, reason in run.failed],
            "late": [(invoice.number, count) for invoice, count in run.late]}  # fmt: skip
