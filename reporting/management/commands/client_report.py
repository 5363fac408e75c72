import os
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django_tenants.utils import schema_context

from core.months import month_parse
from reporting.services import kpi_snapshots_clear, report_generate
from tenants.models import Client


class Command(BaseCommand):
    help = "Generate and store a client's monthly PDF report, and write it to a file."

    def add_arguments(self, parser):
        parser.add_argument("--client", required=True, help="the client's slug")
        parser.add_argument("--month", required=True, help="YYYY-MM, e.g. 2026-10")
        parser.add_argument("--out", required=True, type=Path, help="where to write the PDF")

    def handle(self, *args, **options):
        client = Client.objects.clients().filter(slug=options["client"]).first()
        if client is None:
            known = ", ".join(Client.objects.clients().values_list("slug", flat=True))
            raise CommandError(f"No client {options['client']!r}; known: {known or 'none'}.")
        try:
            month = month_parse(options["month"])
        except ValueError as error:
            raise CommandError(str(error)) from None
        out: Path = options["out"]
        # Before the report is generated: a stored report is replaced only when it can be written.
        _output_check(out)
        try:
            with schema_context(client.schema_name), transaction.atomic():
                # Regenerating recomputes: the month's stored figures may predate a correction.
                kpi_snapshots_clear(month=month)
                report = report_generate(client=client, month=month)
                pdf = bytes(report.pdf)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        try:
            out.write_bytes(pdf)
        except OSError as error:
            raise CommandError(f"Cannot write {out}: {error.strerror}.") from None
        self.stdout.write(f"{client.slug} {month:%Y-%m}: {len(pdf)} bytes -> {out}")


def _output_check(out: Path) -> None:
    """CommandError unless a file can be written at `out` (its folder exists and is writable)."""
    folder = out.parent
    if not folder.is_dir():
        raise CommandError(f"Cannot write {out}: no folder {folder}.")
    if out.is_dir():
        raise CommandError(f"Cannot write {out}: it is a folder.")
    if not os.access(folder, os.W_OK) or (out.exists() and not os.access(out, os.W_OK)):
        raise CommandError(f"Cannot write {out}: permission denied.")
