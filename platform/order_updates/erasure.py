"""A customer's order events erased or moved (their part of
``customers.services.customer_erase`` and ``customer_merge``): the order's details go, the
event's kind, state and times stay for the client's figures (messages sent, contacts
prevented). The proactive conversations themselves are erased with the customer's others
(conversations.erasure)."""

from datetime import datetime

from django.utils import timezone

from customers.models import Customer
from idempotency.models import IdempotentRequest
from order_updates.models import OrderEvent
from outbox.services import deliveries_withdraw
from tenants.current import schema_name_current
from tenants.models import Client


def order_events_erase_for_customer(*, customer: Customer) -> None:
    """Empty the customer's order events (registered eraser) and forget the API's keys that
    made them; an SMS still waiting for the quiet hours to end is withdrawn, never sent."""
    events = OrderEvent.objects.filter(customer=customer)
    client = Client.objects.get(schema_name=schema_name_current())
    for conversation_id in events.exclude(conversation=None).values_list(
        "conversation_id", flat=True
    ):
        deliveries_withdraw(
            client=client, conversation_id=conversation_id, reason="The customer was erased."
        )
    # The API's idempotency keys of the events (public): the hash is of a request that
    # carried the customer's e-mail and phone.
    IdempotentRequest.objects.filter(
        client=client,
        made=IdempotentRequest.Made.ORDER_EVENT,
        object_id__in=list(events.values_list("pk", flat=True)),
    ).delete()
    events.update(
        order_number="",
        tracking_number="",
        tracking_url="",
        carrier="",
        reason="",
        erased_at=timezone.now(),
    )


def order_events_move_to_customer(*, source: Customer, target: Customer) -> None:
    """A customer merge: the source's order events become the target's (registered mover)."""
    OrderEvent.objects.filter(customer=source).update(customer=target)


def order_events_expire(*, before: datetime) -> int:
    """The client's retention (its "messages" period, retention.services): the order's
    details of events received before ``before`` go, as the texts of their conversations
    do; kind, state and times stay for the figures. How many events were emptied."""
    return (
        OrderEvent.objects.filter(received_at__lt=before, erased_at__isnull=True)
        .exclude(order_number="", tracking_number="", tracking_url="", carrier="", reason="")
        .update(order_number="", tracking_number="", tracking_url="", carrier="", reason="")
    )
