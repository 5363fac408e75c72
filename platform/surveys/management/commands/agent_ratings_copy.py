"""``manage.py agent_ratings_copy``: the customers' ratings given before they were copied to
the public schema on rating, copied now for the agents' figures (once, after deploying)."""

from django.core.management.base import BaseCommand
from django_tenants.utils import schema_context

from surveys.services import agent_ratings_copy
from tenants.models import Client


class Command(BaseCommand):
    help = "Copy every client's survey ratings to the agents' figures (idempotent)."

    def handle(self, *args, **options):
        # A one-off chore, not a request: one client schema after the other is fine here.
        for client in Client.objects.clients().order_by("slug"):
            with schema_context(client.schema_name):
                copied = agent_ratings_copy(client=client)
            self.stdout.write(f"{client.slug}: {copied} ratings")
