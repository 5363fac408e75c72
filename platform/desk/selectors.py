"""Reads for the agent desk. All public schema: no per-client query."""

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.utils import timezone

from tenants.models import Client


@dataclass(frozen=True)
class ClientCard:
    client: Client
    local_time: datetime
    portal_url: str


def portal_url(domain: str) -> str:
    port = settings.SITE_URL_PORT
    suffix = "" if port in ("", "80", "443") else f":{port}"
    return f"{settings.SITE_URL_SCHEME}://{domain}{suffix}/"


def client_cards_public() -> list[ClientCard]:
    """Every live client with its local time and portal address (one query)."""
    now = timezone.now()
    cards = []
    for client in Client.objects.serving().prefetch_related("domains"):
        primary = next((d for d in client.domains.all() if d.is_primary), None)
        cards.append(
            ClientCard(
                client=client,
                local_time=timezone.localtime(now, client.tz),
                portal_url=portal_url(primary.domain) if primary else "",
            )
        )
    return cards
