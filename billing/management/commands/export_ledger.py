"""python manage.py export_ledger --month 2026-10 [--client <slug>] [--output usage.csv]"""

import csv
import sys

from django.core.management.base import BaseCommand, CommandError

from billing.selectors import ledger_rows_for_month
from core.months import month_parse
from tenants.models import Client

HEADER = [
    "client",
    "id",
    "occurred_at",
    "kind",
    "quantity",
    "currency",
    "language",
    "agent_id",
    "channel",
    "out_of_hours",
    "source_kind",
    "source_ref",
    "idempotency_key",
    "corrects",
    "note",
    "recorded_at",
]


class Command(BaseCommand):
    help = "Write the raw usage ledger of a month as CSV (streamed: any size)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--month", required=True, help="the month, e.g. 2026-10")
        parser.add_argument("--client", help="a client's slug (default: every client)")
        parser.add_argument("--output", help="a file (default: standard output)")

    def handle(self, *args, month: str, client: str | None, output: str | None, **options):
        try:
            period = month_parse(month)
        except ValueError as error:
            raise CommandError(str(error)) from None
        clients = Client.objects.clients().order_by("slug")
        if client:
            clients = clients.filter(slug=client)
            if not clients.exists():
                raise CommandError(f"No client {client!r}.")
        target = open(output, "w", newline="", encoding="utf-8") if output else sys.stdout  # noqa: SIM115
        try:
            writer = csv.writer(target)
            writer.writerow(HEADER)
            rows = 0
            for each in clients:  # each client's own month (its time zone)
                for entry in ledger_rows_for_month(client=each, month=period):
                    writer.writerow(
                        [
                            each.slug,
                            entry.pk,
                            entry.occurred_at.isoformat(),
                            entry.kind,
                            entry.quantity,
                            entry.currency,
                            entry.language,
                            entry.agent_id or "",
                            entry.channel,
                            int(entry.out_of_hours),
                            entry.source_kind,
                            entry.source_ref,
                            entry.idempotency_key,
                            entry.corrects_id or "",
                            entry.note,
                            entry.recorded_at.isoformat(),
                        ]
                    )
                    rows += 1
        finally:
            if output:
                target.close()
        self.stderr.write(f"{rows} ledger rows of {period:%Y-%m}")
