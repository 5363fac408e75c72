"""What the customer commands share: the client by its slug, the customer in its schema."""

from django.core.management.base import CommandError

from tenants.models import Client


def client_by_slug(slug: str) -> Client:
    """The client, or a CommandError naming the known ones."""
    client = Client.objects.clients().filter(slug=slug).first()
    if client is None:
        known = ", ".join(Client.objects.clients().values_list("slug", flat=True))
        raise CommandError(f"No client {slug!r}; known: {known or 'none'}.")
    return client
