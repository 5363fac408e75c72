"""Demo: last month's report of every demo client, so that each portal login shows one."""

from collections.abc import Callable

from django.utils import timezone
from django_tenants.utils import schema_context

from core.months import month_previous
from demo.cast import DEMO_CLIENTS
from reporting.models import ReportSettings
from reporting.services import report_generate
from tenants.models import Client


def seed_reports(log: Callable[[str], None]) -> None:
    """Generate (again) last month's report of each demo client; the demo manager receives it."""

    now = timezone.now()
    for client in Client.objects.clients().filter(slug__in=[d.slug for d in DEMO_CLIENTS]):
        month = month_previous(now, zone=client.tz)
        with schema_context(client.schema_name):
            ReportSettings.objects.get_or_create(
                pk=1, defaults={"recipients": [f"manager@{client.slug}.example"]}
            )
            report = report_generate(client=client, month=month)
        log(f"report of {client.slug}: {month:%Y-%m}, {len(report.pdf) // 1024} KiB")
