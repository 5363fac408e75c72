"""python manage.py import_bank_statement FILE [FILE...]: CAMT.053 or CSV; safe to run again."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from billing.bank_statements import MAX_BYTES, StatementRefused
from billing.money import money_text
from billing.services.payments import bank_statement_import


class Command(BaseCommand):
    help = "Import bank statements (CAMT.053 or CSV): each file once, each bank entry once."

    def add_arguments(self, parser) -> None:
        parser.add_argument("files", nargs="+", help="statement files")
        parser.add_argument(
            "--account",
            default="",
            help="the agency's account (IBAN) the files are of; required for a CSV "
            "without an account column",
        )

    def handle(self, *args, files: list[str], account: str = "", **options) -> None:
        refused = 0
        for name in files:
            path = Path(name)
            if not path.is_file():
                raise CommandError(f"{name}: no such file.")
            if path.stat().st_size > MAX_BYTES:
                self.stderr.write(f"{name}: refused: larger than {MAX_BYTES >> 20} MB")
                refused += 1
                continue
            try:
                result = bank_statement_import(
                    data=path.read_bytes(), filename=path.name, user=None, account=account
                )
            except StatementRefused as error:
                self.stderr.write(f"{name}: refused: {error}")
                refused += 1
                continue
            if result.already_imported:
                when = f"{result.statement.imported_at:%Y-%m-%d %H:%M} UTC"
                self.stdout.write(f"{name}: imported already on {when}: nothing imported")
                continue
            self.stdout.write(
                f"{name}: {len(result.new)} new payments, {len(result.matched)} matched, "
                f"{len(result.unmatched)} unmatched, {result.present} already imported, "
                f"{result.debits} debits not imported"
            )
            for reason in result.skipped:
                self.stdout.write(f"  skipped: {reason}")
            for payment in result.unmatched:
                amount = money_text(payment.amount, payment.currency)
                self.stdout.write(
                    f"  unmatched: {payment.received_on} {amount} {payment.payer_name} "
                    f"{payment.reference}".rstrip()
                )
        if refused:
            raise CommandError(
                f"{refused} of {len(files)} files refused: nothing of them imported."
            )
