"""``manage.py search_backfill [--client <slug>]``: build the desk's search index from the
clients' conversations (after the index was added; the triggers keep it current since)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from search.services import search_index_rebuild
from tenants.models import Client


class Command(BaseCommand):
    help = "Build the desk's search index of every client (or one) from its conversations."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--client", help="one client's slug")

    def handle(self, *args: Any, client: str | None = None, **options: Any) -> None:
        clients = Client.objects.clients().order_by("slug")
        if client:
            clients = clients.filter(slug=client)
            if not clients.exists():
                raise CommandError(f"No client {client!r}.")
        for each in clients:
            count = search_index_rebuild(client=each)
            self.stdout.write(f"{each.slug}\t{count}")
