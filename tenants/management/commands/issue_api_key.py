from django.core.management.base import BaseCommand, CommandError

from tenants.models import Client
from tenants.services import api_key_issue


class Command(BaseCommand):
    help = "Issue a JSON API key for a client; the key is printed once and never stored."

    def add_arguments(self, parser):
        parser.add_argument("--client", required=True, help="the client's slug")
        parser.add_argument("--name", required=True, help="what the key is for")

    def handle(self, *args, **options):
        client = Client.objects.clients().filter(slug=options["client"]).first()
        if client is None:
            raise CommandError(f"no client with slug {options['client']!r}")
        key, raw = api_key_issue(client=client, name=options["name"])
        self.stdout.write(f"API key for {client.slug} ({key.name}), shown only now:\n{raw}")
