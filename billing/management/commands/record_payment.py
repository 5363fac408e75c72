"""python manage.py record_payment --client SLUG --amount 1210.00 --currency EUR
--date 2026-11-18 [--reference 2026000123] [--note ...]"""

from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from billing.money import money_text
from billing.services.payments import payment_record
from tenants.models import Client


class Command(BaseCommand):
    help = "Record a payment received by hand and match it to the invoice it names."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--client", required=True, help="the client's slug")
        parser.add_argument("--amount", required=True, help="e.g. 1210.00")
        parser.add_argument("--currency", required=True, help="e.g. EUR")
        parser.add_argument("--date", required=True, help="the day received, e.g. 2026-11-18")
        parser.add_argument("--reference", default="", help="variable symbol, RF or text")
        parser.add_argument("--note", default="")

    def handle(self, *args, **options) -> None:
        client = Client.objects.clients().filter(slug=options["client"]).first()
        if client is None:
            raise CommandError(f"No client {options['client']!r}.")
        try:
            amount = Decimal(options["amount"])
            received_on = date.fromisoformat(options["date"])
        except (InvalidOperation, ValueError):
            raise CommandError(
                "--amount is a number (1210.00), --date a day (2026-11-18)."
            ) from None
        try:
            payment, _run = payment_record(
                client=client,
                amount=amount,
                currency=options["currency"],
                received_on=received_on,
                reference=options["reference"],
                note=options["note"],
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        text = money_text(payment.amount, payment.currency)
        allocations = list(payment.allocations.select_related("invoice"))
        if not allocations:
            self.stdout.write(f"payment {payment.pk}: {text} recorded, not matched to an invoice")
        for allocation in allocations:
            self.stdout.write(
                f"payment {payment.pk}: {text} recorded, "
                f"{money_text(allocation.amount, payment.currency)} to {allocation.invoice.number}"
            )
