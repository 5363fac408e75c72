"""Demo: last month's report of every demo client, so that each portal login shows one."""

from collections.abc import Callable

from django_tenants.utils import schema_context


def seed_reports(log: Callable[[str], None]) -> None:
    """Generate (again) last month's report of each demo client; the demo manager receives it."""
    from demo.seed import DEMO_CLIENTS
    from reporting.models import ReportSettings
    from reporting.services import last_complete_month, report_generate
    from tenants.models import Client

    for client in Client.objects.clients().filter(slug__in=[d.slug for d in DEMO_CLIENTS]):
        month = last_complete_month(client=client)
        with schema_context(client.schema_name):
            ReportSettings.objects.get_or_create(
                pk=1, defaults={"recipients": [f"manager@{client.slug}.example"]}
            )
            report = report_generate(client=client, month=month)
        log(f"report of {client.slug}: {month:%Y-%m}, {len(report.pdf) // 1024} KiB")
