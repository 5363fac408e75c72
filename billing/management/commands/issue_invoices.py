"""python manage.py issue_invoices --month 2026-10 [--client <slug>]"""

from django.core.management.base import BaseCommand, CommandError

from billing.services import invoices_issue_for_month
from core.months import month_parse
from tenants.models import Client


class Command(BaseCommand):
    help = "Issue the month's invoices (all clients, or one); safe to run again."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--month", required=True, help="the month, e.g. 2026-10")
        parser.add_argument("--client", help="a client's slug (default: every client)")

    def handle(self, *args, month: str, client: str | None, **options) -> None:
        try:
            period = month_parse(month)
        except ValueError as error:
            raise CommandError(str(error)) from None
        clients = Client.objects.clients().order_by("pk")
        if client:
            clients = clients.filter(slug=client)
            if not clients.exists():
                raise CommandError(f"No client {client!r}.")
        run = invoices_issue_for_month(month=period, clients=clients)
        for invoice in run.issued:
            self.stdout.write(
                f"issued  {invoice.number}  {invoice.client.slug}  "
                f"{invoice.total} {invoice.currency}"
            )
        for invoice in run.present:
            self.stdout.write(
                f"present {invoice.number}  {invoice.client.slug}  "
                f"{invoice.total} {invoice.currency}"
            )
        for skipped, reason in run.skipped:
            self.stdout.write(f"skipped {skipped.slug}: {reason}")
        for invoice, count in run.late:
            self.stderr.write(
                f"LATE    {invoice.number}  {invoice.client.slug}: {count} ledger rows of the "
                f"month recorded after it; credit it and re-run"
            )
        for failed, reason in run.failed:
            self.stderr.write(f"FAILED  {failed.slug}: {reason}")
        self.stdout.write(
            f"{period:%Y-%m}: {len(run.issued)} issued, {len(run.present)} "
            f"already issued, {len(run.skipped)} without invoice, "
            f"{len(run.failed)} failed"
        )
        if run.failed:
            raise CommandError("Some clients' usage cannot be rated (see above): fix and re-run.")
