from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from tenants.models import Client
from tenants.services import API_KEY_SCOPES, api_key_issue


class Command(BaseCommand):
    help = "Issue a JSON API key for a client; the key is printed once and never stored."

    def add_arguments(self, parser):
        parser.add_argument("--client", required=True, help="the client's slug")
        parser.add_argument("--name", required=True, help="what the key is for")
        parser.add_argument(
            "--scope",
            action="append",
            choices=API_KEY_SCOPES,
            help="what the key may do (repeat for more); all scopes when left out",
        )

    def handle(self, *args, **options):
        client = Client.objects.clients().filter(slug=options["client"]).first()
        if client is None:
            raise CommandError(f"no client with slug {options['client']!r}")
        try:
            key, raw = api_key_issue(
                client=client, name=options["name"], scopes=options["scope"] or API_KEY_SCOPES
            )
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from error
        self.stdout.write(
            f"API key for {client.slug} ({key.name}; {', '.join(key.scopes)}), shown only now:\n"
            f"{raw}"
        )
