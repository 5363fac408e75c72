"""Reads on webhooks, in the current client's schema (and the outbox's rows of its
deliveries, public)."""

from dataclasses import dataclass

from django.db.models import Prefetch

from outbox.models import Delivery
from tenants.models import Client
from webhooks.models import Attempt, Endpoint, WebhookDelivery


@dataclass(frozen=True)
class DeliveryRow:
    """A delivery with its attempts (newest first) and its outbox state."""

    delivery: WebhookDelivery
    attempts: list[Attempt]
    state: str  # the outbox's: queued, sending, sent, failed ("" when it has no row)


def endpoints_of_client() -> list[Endpoint]:
    return list(Endpoint.objects.order_by("-created_at", "-pk"))


def deliveries_recent(*, client: Client, limit: int = 50) -> list[DeliveryRow]:
    """The latest deliveries to any endpoint of the client, with their attempts (three
    queries whatever the count)."""
    deliveries = list(
        WebhookDelivery.objects.select_related("endpoint")
        .prefetch_related(Prefetch("attempts", queryset=Attempt.objects.order_by("-at", "-pk")))
        .order_by("-created_at", "-pk")[:limit]
    )
    states = dict(
        Delivery.objects.filter(
            client=client, webhook_delivery_id__in=[d.pk for d in deliveries] or [0]
        ).values_list("webhook_delivery_id", "state")
    )
    return [DeliveryRow(d, list(d.attempts.all()), states.get(d.pk, "")) for d in deliveries]
