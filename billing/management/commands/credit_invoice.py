"""python manage.py credit_invoice --number 2026-000123 --reason "wrong plan" """

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from billing.models import Invoice
from billing.money import money_text
from billing.services import credit_note_issue


class Command(BaseCommand):
    help = "Cancel an issued invoice in full with a credit note (once); re-run issue_invoices."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--number", required=True, help="the invoice's number")
        parser.add_argument("--reason", required=True, help="why, shown on the credit note")

    def handle(self, *args, number: str, reason: str, **options) -> None:
        invoice = Invoice.objects.filter(number=number.strip()).first()
        if invoice is None:
            raise CommandError(f"No invoice {number!r}.")
        try:
            credit = credit_note_issue(invoice=invoice, reason=reason)
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from None
        self.stdout.write(
            f"credit note {credit.number} for {invoice.number} "
            f"({invoice.client.slug}, {invoice.period:%Y-%m}): "
            f"{money_text(credit.total, credit.currency)}"
            + (
                f", VAT {money_text(credit.vat_total, credit.currency)}, total "
                f"{money_text(credit.amount_due, credit.currency)}"
                if credit.vat_treatment
                else ""
            )
        )
