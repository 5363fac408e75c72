"""python manage.py check_vat_ids [--client slug]: ask VIES about clients' VAT ids."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from billing.services.vies import vat_ids_check
from tenants.models import Client


class Command(BaseCommand):
    help = "Ask the EU's VIES about every client's EU VAT id (or one client's); keep the answers."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--client", default="", help="the client's slug (default: all)")

    def handle(self, *args, client: str, **options) -> None:
        if not settings.VIES_URL:
            raise CommandError("POLYDESK_VIES_URL is not set: VIES is switched off.")
        clients = Client.objects.clients().exclude(vat_id="").order_by("slug")
        if client:
            clients = clients.filter(slug=client)
            if not clients.exists():
                raise CommandError(f"No client {client!r} with a VAT id.")
        for check in vat_ids_check(clients=clients, now=timezone.now()):
            verdict = {True: "valid", False: "not valid", None: "no answer"}[check.valid]
            detail = check.request_identifier or check.error
            self.stdout.write(f"{check.client.slug} {check.vat_id}: {verdict} {detail}".rstrip())
