from django.core.management.base import BaseCommand, CommandError
from django_tenants.utils import schema_context

from customers.management.commands._client import client_by_slug
from customers.models import Customer
from customers.services import customer_erase


class Command(BaseCommand):
    help = (
        "Erase one customer's personal data everywhere (GDPR art. 17): their messages, files, "
        "calls' personal fields, recordings at Twilio; the figures stay. Asks for "
        "confirmation unless --yes. Recorded in the client's audit log."
    )

    def add_arguments(self, parser):
        parser.add_argument("--client", required=True, help="the client's slug")
        parser.add_argument("--customer", required=True, type=int, help="the customer's id")
        parser.add_argument("--yes", action="store_true", help="do not ask for confirmation")

    def handle(self, *args, **options):
        client = client_by_slug(options["client"])
        number = options["customer"]
        with schema_context(client.schema_name):
            customer = Customer.objects.filter(pk=number).first()
            if customer is None:
                raise CommandError(f"{client.slug} has no customer {number}.")
            if customer.erased_at is not None:
                self.stdout.write(
                    f"{client.slug} customer {number} was already erased on "
                    f"{customer.erased_at:%Y-%m-%d %H:%M} UTC; nothing to do."
                )
                return
            if not options["yes"] and not self._confirmed(client.slug, customer):
                raise CommandError("Not confirmed: nothing was erased.")
            customer_erase(customer_id=number, via="command")
        self.stdout.write(f"{client.slug} customer {number}: erased.")

    def _confirmed(self, slug: str, customer: Customer) -> bool:
        self.stdout.write(
            f"Erase the personal data of {slug} customer {customer.pk} "
            f"({customer.email or customer.phone or 'no address'}) everywhere? "
            "This cannot be undone."
        )
        try:
            answer = input(f"Type the customer's id ({customer.pk}) to confirm: ")
        except EOFError:
            return False
        return answer.strip() == str(customer.pk)
