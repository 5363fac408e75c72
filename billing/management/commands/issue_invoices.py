"""python manage.py issue_invoices --month 2026-10 [--client <slug>] [--dry-run]"""

from datetime import date
from decimal import Decimal

from django.core.management.base import BaseCommand, CommandError

from billing.models import Invoice
from billing.money import money_text
from billing.selectors import client_existed_in_month, invoices_preview_for_month
from billing.services import invoices_issue_for_month
from core.months import month_parse
from tenants.models import Client


class Command(BaseCommand):
    help = "Issue the month's invoices (all clients, or one); safe to run again."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--month", required=True, help="the month, e.g. 2026-10")
        parser.add_argument("--client", help="a client's slug (default: every client)")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="print what would be issued (lines, total) and write nothing",
        )

    def handle(self, *args, month: str, client: str | None, dry_run: bool, **options) -> None:
        try:
            period = month_parse(month)
        except ValueError as error:
            raise CommandError(str(error)) from None
        clients = list(Client.objects.clients().order_by("pk"))
        if client:
            clients = [c for c in clients if c.slug == client]
            if not clients:
                raise CommandError(f"No client {client!r}.")
        existed = [c for c in clients if client_existed_in_month(client=c, month=period)]
        if client and not existed:
            raise CommandError(
                f"{client} was created on {clients[0].created_at:%Y-%m-%d}, after "
                f"{period:%Y-%m} ended: nothing issued."
            )
        if clients and not existed:
            raise CommandError(f"No client existed in {period:%Y-%m}: nothing issued.")
        for newer in clients:
            if newer not in existed:
                self.stdout.write(
                    f"skipped {newer.slug}: created {newer.created_at:%Y-%m-%d}, after the month"
                )
        if dry_run:
            self._dry_run(period, existed)
        else:
            self._issue(period, existed)

    def _dry_run(self, period: date, clients: list[Client]) -> None:
        counts = {"issue": 0, "present": 0, "skipped": 0, "failed": 0}
        for preview in invoices_preview_for_month(month=period, clients=clients):
            slug = preview.client.slug
            if preview.rating is not None:
                counts["issue"] += 1
                rating, vat = preview.rating, preview.vat
                assert vat is not None  # a preview to issue always carries its VAT
                self.stdout.write(
                    f"would issue  {slug}  {len(rating.lines)} lines  "
                    + _figures(vat.treatment, rating.total, vat.vat_total, rating.currency)
                )
            elif preview.invoice is not None:
                counts["present"] += 1
                self.stdout.write(self._line("present", preview.invoice))
            elif preview.failed:
                counts["failed"] += 1
                self.stderr.write(f"FAILED  {slug}: {preview.reason}")
            else:
                counts["skipped"] += 1
                self.stdout.write(f"skipped {slug}: {preview.reason}")
        self.stdout.write(
            f"{period:%Y-%m} (dry run, nothing written): {counts['issue']} would be issued, "
            f"{counts['present']} already issued, {counts['skipped']} without invoice, "
            f"{counts['failed']} failed"
        )
        if counts["failed"]:
            raise CommandError(
                "Some clients cannot be invoiced (see above: usage or VAT): fix and re-run."
            )

    def _issue(self, period: date, clients: list[Client]) -> None:
        run = invoices_issue_for_month(month=period, clients=clients)
        for invoice in run.issued:
            self.stdout.write(self._line("issued ", invoice))
        for invoice in run.present:
            self.stdout.write(self._line("present", invoice))
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
            raise CommandError(
                "Some clients cannot be invoiced (see above: usage or VAT): fix and re-run."
            )

    @staticmethod
    def _line(status: str, invoice: Invoice) -> str:
        slug = invoice.client.slug
        if not invoice.vat_treatment:  # issued before VAT: its net total is what is due
            total = money_text(invoice.total, invoice.currency)
            return f"{status} {invoice.number}  {slug}  {total}"
        figures = _figures(
            invoice.vat_treatment, invoice.total, invoice.vat_total, invoice.currency
        )
        return f"{status} {invoice.number}  {slug}  {figures}"


def _figures(treatment: str, net: Decimal, vat: Decimal, currency: str) -> str:
    """`domestic  net 1000.00 CZK  VAT 210.00 CZK  total 1210.00 CZK`."""
    return (
        f"{treatment}  net {money_text(net, currency)}  VAT {money_text(vat, currency)}  "
        f"total {money_text(net + vat, currency)}"
    )
