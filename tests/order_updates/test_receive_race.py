"""One order event delivered by many senders at once (a shop retrying its webhook while the
first try is still running): one event, one customer, one message, one delivery."""

import pytest

from conversations.models import Conversation, Message
from customers.models import Customer
from order_updates.models import OrderEvent
from order_updates.services import OrderEventReceipt, order_event_receive
from outbox.models import Delivery
from tests.support.tenancy import in_schema
from tests.support.threads import parallel

pytestmark = pytest.mark.slow


def test_parallel_duplicates_make_one_event_and_one_message(two_clients, django_db_blocker):
    client = two_clients.b
    with django_db_blocker.unblock():
        try:
            receipts = parallel(
                lambda: order_event_receive(
                    client=client,
                    source="shopify",
                    event_id="race-1",
                    kind="shipped",
                    order_number="2001",
                    email="race@customer.example",
                    phone="+48601000111",
                )
            )
            with in_schema(client):
                events = list(OrderEvent.objects.filter(event_id="race-1"))
                messages = Message.objects.filter(
                    conversation__customer__email="race@customer.example"
                )
                message_ids = list(messages.values_list("pk", flat=True))
                customers = Customer.objects.filter(email="race@customer.example").count()
            deliveries = Delivery.objects.filter(client=client, message_id__in=message_ids).count()
        finally:
            with in_schema(client):
                conversations = Conversation.objects.filter(customer__email="race@customer.example")
                ids = list(conversations.values_list("pk", flat=True))
                OrderEvent.objects.filter(event_id="race-1").delete()
                Message.objects.filter(conversation__in=ids).delete()
                conversations.delete()
                Customer.objects.filter(email="race@customer.example").delete()
            Delivery.objects.filter(client=client, conversation_id__in=ids).delete()

    assert all(isinstance(r, OrderEventReceipt) for r in receipts), receipts
    assert sorted(r.created for r in receipts) == [False] * 19 + [True]
    assert len({r.event_id for r in receipts}) == 1
    assert (len(events), customers, len(message_ids), deliveries) == (1, 1, 1, 1)
