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


@dataclass(frozen=True)
class QueueLine:
    client_name: str
    language: str
    waiting: int
    oldest: datetime


def agent_queue_public(agent, *, now: datetime | None = None) -> list[QueueLine]:
    """What this agent may take now, counted per client and language (one query)."""
    from django.db.models import Count, Min

    from routing.models import Channel
    from routing.selectors import agent_reach_cached, eligible_items

    now = now or timezone.now()
    reach = agent_reach_cached(agent)
    rows = (
        eligible_items(reach, list(Channel.values), now)
        .values("client__name", "language")
        .annotate(waiting=Count("id"), oldest=Min("waiting_since"))
        .order_by("oldest")
    )
    return [QueueLine(r["client__name"], r["language"], r["waiting"], r["oldest"]) for r in rows]


def agent_items_public(agent):
    """The items offered or assigned to this agent, most urgent first."""
    from routing.models import WorkItem
    from routing.selectors import ACTIVE
    from routing.services import URGENT_FIRST

    return (
        WorkItem.objects.filter(agent=agent, status__in=ACTIVE)
        .select_related("client")
        .order_by(*URGENT_FIRST)
    )
