"""Monthly reports: beat fans out one task per client, run in that client's schema."""

from celery import shared_task
from django.db import OperationalError
from django.utils import timezone

from core.months import month_parse, month_previous
from reporting.services import (
    kpis_for_month,
    report_generate,
    report_generate_and_send,
    report_send,
)
from tenants.current import schema_name_current
from tenants.models import Client


def _this_client() -> Client:
    return Client.objects.get(schema_name=schema_name_current())


@shared_task
def monthly_reports_task() -> int:
    """Beat, on the 1st: ask for last month's report of every serving client."""
    count = 0
    now = timezone.now()
    for client in Client.objects.serving().only("schema_name", "time_zone"):
        month = month_previous(now, zone=client.tz)
        monthly_report_task.apply_async(
            args=[f"{month:%Y-%m}"], headers={"_schema_name": client.schema_name}
        )
        count += 1
    return count


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def monthly_report_task(month: str) -> int:
    """Generate the month's report of the schema the task came from, then e-mail it."""
    return report_generate_and_send(client=_this_client(), month=month_parse(month)).pk


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def report_generate_task(month: str) -> int:
    """Generate (or regenerate) one month's report on demand, without e-mailing it."""
    return report_generate(client=_this_client(), month=month_parse(month)).pk


@shared_task(autoretry_for=(OperationalError, OSError), retry_backoff=True, max_retries=8)
def report_send_task(report_id: int) -> bool:
    """E-mail a stored report to the client's recipients (once)."""
    return report_send(client=_this_client(), report_id=report_id)


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3)
def kpis_so_far_refresh_task(month: str) -> None:
    """Compute and store the month so far of the schema the task came from (asked by a
    dashboard that was shown older stored figures); nothing when they are fresh again."""
    kpis_for_month(client=_this_client(), month=month_parse(month), now=timezone.now())
