"""The demo's order updates: the demo shops' orders of a few customers of Bohemia Shoes and
Wisła Sport (those waiting on the desk first), shipped, delayed or out for delivery, told to
the customers through order_updates as a shop's webhook would, then set back to the days
they happened so that the portal's "Order updates" page has settled figures (contacts
prevented) to show. The same on every run: each event is received once."""

from collections.abc import Callable
from datetime import timedelta

from django.db.models import Exists, OuterRef
from django.utils import timezone
from django_tenants.utils import schema_context

from conversations.models import Conversation, Message
from customers.models import Customer
from demo.shop_orders import DEMO_SHOPS, demo_orders
from order_updates.models import OrderEvent
from order_updates.services import order_event_receive
from outbox.models import Delivery
from tenants.models import Client

CUSTOMERS = 8
LIVE_CUSTOMERS = 3
LIVE = (Conversation.Status.NEW, Conversation.Status.OPEN, Conversation.Status.PENDING)
# (kind, days ago) for the first and the second order of a customer.
STORIES = [
    [("shipped", 9), ("out_for_delivery", 7)],
    [("delayed", 6), ("shipped", 4)],
    [("shipped", 2)],
    [("refund_sent", 12)],
]


def seed_order_updates(log: Callable[[str], None]) -> None:
    now = timezone.now()
    for slug, platform, _credentials in DEMO_SHOPS:
        client = Client.objects.filter(slug=slug).first()
        if client is None:
            continue
        with schema_context(client.schema_name):
            # A few customers waiting on the desk (an agent who opens their item sees the
            # order updates in their history), then quiet ones (whose silence after the
            # update the portal counts as a contact prevented).
            live = Conversation.objects.filter(
                customer=OuterRef("pk"), proactive=False, status__in=LIVE
            )
            reachable = (
                Customer.objects.filter(erased_at__isnull=True, merged_into__isnull=True)
                .exclude(email="")
                .annotate(live=Exists(live))
                .order_by("pk")
            )
            customers = list(reachable.filter(live=True)[:LIVE_CUSTOMERS])
            customers += list(reachable.filter(live=False)[: CUSTOMERS - len(customers)])
        created = 0
        for index, customer in enumerate(customers):
            orders = demo_orders(email=customer.email)
            for order, (kind, days_ago) in zip(orders, STORIES[index % len(STORIES)], strict=False):
                at = now - timedelta(days=days_ago, hours=index)
                receipt = order_event_receive(
                    client=client,
                    source=platform,
                    event_id=f"demo-{order['number']}-{kind}",
                    kind=kind,
                    order_number=order["number"],
                    email=customer.email,
                    name=customer.name,
                    tracking_number=order["tracking"],
                    tracking_url=f"https://tracking.example/{order['carrier']}/{order['tracking']}",
                    carrier=order["carrier"],
                    occurred_at=at,
                )
                if receipt.created:
                    created += 1
                    _set_back(client, receipt.event_id, at)
        log(f"order updates of {slug}: {created} new")


def _set_back(client: Client, event_id: int, at) -> None:
    """The event, its conversation and message as if they had happened ``at``; the message
    sent then (the demo's mail sink never sees these)."""
    with schema_context(client.schema_name):
        event = OrderEvent.objects.get(pk=event_id)
        OrderEvent.objects.filter(pk=event_id).update(received_at=at)
        if event.conversation_id is None or event.message_id is None:
            return
        Conversation.objects.filter(pk=event.conversation_id).update(created_at=at, resolved_at=at)
        Message.objects.filter(pk=event.message_id).update(created_at=at, sent_at=at)
    Delivery.objects.filter(client=client, message_id=event.message_id).update(
        state=Delivery.State.SENT, queued_at=at, sent_at=at, effects_applied_at=at
    )
