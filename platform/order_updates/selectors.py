"""Reads of a client's order updates (current client schema): a month's figures for the
portal and the report, and the latest events.

Contacts prevented (docs/kpis.md, "Order updates"): of the customers who were sent an order
update in the month, those who did not write (a message of their own, in a new
conversation or an earlier one, on any channel; not an auto-reply, not spam) within three
days after any of them was sent. A customer whose three days have not all passed yet (or
whose message is still on its way) and who has not written is counted as waiting, neither
prevented nor not. A message the outbox could not deliver (failed, bounced, withdrawn) told
nobody: it is counted apart, as undelivered.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import (
    DateTimeField,
    Exists,
    ExpressionWrapper,
    OuterRef,
    QuerySet,
    Subquery,
)

from conversations.models import Message
from order_updates.models import OrderEvent
from outbox.models import Delivery
from tenants.models import Client

# How long after an order update a customer's silence counts as a contact prevented.
PREVENTED_AFTER = timedelta(days=3)
SENT_STATES = (OrderEvent.State.SENT, OrderEvent.State.QUEUED)
# What the outbox could not deliver: the customer was not told.
UNDELIVERED = (Delivery.State.FAILED, Delivery.State.BOUNCED, Delivery.State.WITHDRAWN)


@dataclass(frozen=True)
class OrderUpdateFigures:
    sent_by_kind: dict[str, int]  # kind -> messages written in the period, in Kind's order
    not_sent_by_state: dict[str, int]  # no_contact, disabled, held -> events
    undelivered: int  # messages written that the outbox failed to deliver (not in sent)
    customers: int  # customers sent at least one
    prevented: int  # ... who did not write within PREVENTED_AFTER after any of them
    wrote: int  # ... who did
    waiting: int  # ... who have not written and whose three days are not over

    @property
    def sent(self) -> int:
        return sum(self.sent_by_kind.values())


def _customer_wrote(after: str) -> Exists:
    """The event's customer wrote within PREVENTED_AFTER after the event's ``after``."""
    window_end = ExpressionWrapper(OuterRef(after) + PREVENTED_AFTER, output_field=DateTimeField())
    return Exists(
        Message.objects.filter(
            conversation__customer_id=OuterRef("customer_id"),
            direction=Message.Direction.INBOUND,
            automatic=False,
            conversation__spam=False,
            created_at__gt=OuterRef(after),
            created_at__lte=window_end,
        )
    )


def order_update_figures(
    *, client: Client, start: datetime, end: datetime, now: datetime
) -> OrderUpdateFigures:
    """The order updates of ``client``'s events received in [start, end), as of ``now`` (in
    the client's schema). Each message's three days start when the outbox sent it."""
    delivery = Delivery.objects.filter(client_id=client.pk, message_id=OuterRef("message_id"))
    events = OrderEvent.objects.filter(received_at__gte=start, received_at__lt=end).annotate(
        delivery_state=Subquery(delivery.values("state")[:1]),
        delivered_at=Subquery(delivery.values("sent_at")[:1]),
    )
    sent_by_kind = dict.fromkeys(OrderEvent.Kind.values, 0)
    not_sent = {state: 0 for state in OrderEvent.State.values if state not in SENT_STATES}
    undelivered = 0
    per_customer: dict[int, tuple[bool, bool]] = {}  # customer -> (wrote, all settled)
    rows = events.annotate(wrote=_customer_wrote("delivered_at")).values_list(
        "kind", "state", "customer_id", "delivery_state", "delivered_at", "wrote"
    )
    for kind, state, customer_id, delivery_state, delivered_at, wrote in rows:
        if state not in SENT_STATES:
            not_sent[state] += 1
            continue
        if delivery_state in UNDELIVERED:
            undelivered += 1
            continue
        sent_by_kind[kind] += 1
        if customer_id is None:
            continue
        # Still on its way (an SMS waiting for the quiet hours' end): its days have not begun.
        settled = delivered_at is not None and delivered_at + PREVENTED_AFTER <= now
        wrote = bool(wrote) and delivered_at is not None
        before = per_customer.get(customer_id, (False, True))
        per_customer[customer_id] = (before[0] or wrote, before[1] and settled)
    wrote_count = sum(wrote for wrote, _ in per_customer.values())
    prevented = sum(not wrote and settled for wrote, settled in per_customer.values())
    return OrderUpdateFigures(
        sent_by_kind=sent_by_kind,
        not_sent_by_state=not_sent,
        undelivered=undelivered,
        customers=len(per_customer),
        prevented=prevented,
        wrote=wrote_count,
        waiting=len(per_customer) - prevented - wrote_count,
    )


def order_events_latest(*, limit: int = 50) -> QuerySet[OrderEvent]:
    """The newest events with their customers, newest first."""
    return OrderEvent.objects.select_related("customer").order_by("-received_at", "-id")[:limit]


def order_update_opening(conversation: str = "pk") -> QuerySet[OrderEvent]:
    """The order event that opened the outer conversation (a subquery on ``conversation``)."""
    return OrderEvent.objects.filter(conversation_id=OuterRef(conversation))
