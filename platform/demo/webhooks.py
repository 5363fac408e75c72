"""The demo's webhook endpoint: Bohemia Shoes hears every event at the demo's receiver
(``demo.webhook_receiver``, the Procfile's ``hooks`` process), which verifies each delivery
with the endpoint's secret, handed to it in a file under var/ (never in the repository)."""

import os
from collections.abc import Callable

from django.conf import settings
from django_tenants.utils import schema_context

from core.events import EVENT_TYPES
from demo.webhook_receiver import secret_path
from tenants.models import Client
from webhooks.models import Endpoint
from webhooks.services import endpoint_create

CLIENT = "bohemia-shoes"


def seed_webhooks(log: Callable[[str], None]) -> None:
    """Bohemia Shoes' endpoint at the receiver (one edited on the portal stays), and its
    secret (the current one and any still valid during a rotation) for the receiver."""
    client = Client.objects.filter(slug=CLIENT).first()
    if client is None:
        return
    url = f"http://127.0.0.1:{settings.DEMO_HOOKS_PORT}/hooks"
    with schema_context(client.schema_name):
        endpoint = Endpoint.objects.filter(url=url).first()
        created = endpoint is None
        if endpoint is None:
            endpoint = endpoint_create(
                url=url, events=list(EVENT_TYPES), description="Demo receiver (make demo)"
            )
    secrets_write([endpoint.secret])
    log(f"webhook endpoint of {CLIENT}: {url} {'registered' if created else 'present'}")


def secrets_write(secrets: list[str]) -> None:
    """The receiver's file of secrets, readable by this user only."""
    path = secret_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as file:
        file.write("".join(f"{secret}\n" for secret in secrets))
