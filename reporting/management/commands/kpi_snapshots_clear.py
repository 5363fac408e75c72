from django.core.management.base import BaseCommand, CommandError
from django_tenants.utils import schema_context

from core.months import month_parse
from reporting.services import kpi_snapshots_clear
from tenants.models import Client


class Command(BaseCommand):
    help = (
        "Drop a client's stored KPI figures of closed months (one month, or all), after a "
        "correction of its data; the next read recomputes them."
    )

    def add_arguments(self, parser):
        parser.add_argument("--client", required=True, help="the client's slug")
        parser.add_argument("--month", help="YYYY-MM, e.g. 2026-10 (default: every month)")

    def handle(self, *args, **options):
        client = Client.objects.clients().filter(slug=options["client"]).first()
        if client is None:
            known = ", ".join(Client.objects.clients().values_list("slug", flat=True))
            raise CommandError(f"No client {options['client']!r}; known: {known or 'none'}.")
        month = None
        if options["month"]:
            try:
                month = month_parse(options["month"])
            except ValueError as error:
                raise CommandError(str(error)) from None
        with schema_context(client.schema_name):
            dropped = kpi_snapshots_clear(month=month)
        which = f"{month:%Y-%m}" if month else "every month"
        self.stdout.write(f"{client.slug} {which}: {dropped} stored KPI figures dropped")
