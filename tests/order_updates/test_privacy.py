"""Order events are personal data: erased with the customer (an SMS still waiting for the
quiet hours is withdrawn), moved by a merge, and emptied by the client's retention."""

from datetime import UTC, datetime, timedelta

import pytest

from customers.models import Customer
from customers.services import customer_erase, customer_merge
from idempotency.models import IdempotentRequest
from order_updates.models import OrderEvent, OrderUpdateSettings
from order_updates.selectors import order_update_figures
from order_updates.services import order_event_receive
from outbox.models import Delivery
from retention.models import RetentionRule
from retention.services import retention_apply
from telephony.models import PhoneNumber
from tests.support.tenancy import in_schema

pytestmark = pytest.mark.django_db
EVENING = datetime(2026, 12, 7, 20, 0, tzinfo=UTC)  # 21:00 in Prague: quiet hours


def receive(client, **fields):
    values = {
        "client": client,
        "source": "api",
        "event_id": "p-1",
        "kind": "shipped",
        "order_number": "5005",
        "email": "erase@example.cz",
        "tracking_number": "ZX9",
        "tracking_url": "https://track.example/ZX9",
        "carrier": "PPL",
    }
    return order_event_receive(**(values | fields))


def test_erasing_the_customer_empties_their_events_and_withdraws_a_waiting_sms(two_clients, frozen):
    client = two_clients.a
    PhoneNumber.objects.create(
        number="+420221234567", client=client, country="CZ", default_language="cs", sms=True
    )
    with in_schema(client):
        OrderUpdateSettings.objects.create(channel=OrderUpdateSettings.Channel.SMS_FIRST)
    frozen(EVENING)
    receipt = receive(client, phone="+420601234567")
    assert receipt.state == "queued"
    # As POST /api/v1/order-events would have kept its Idempotency-Key.
    IdempotentRequest.objects.create(
        client=client,
        key="order-5005",
        request_sha256="0" * 64,
        status=201,
        made=IdempotentRequest.Made.ORDER_EVENT,
        object_id=receipt.event_id,
        created_at=EVENING,
    )
    with in_schema(client):
        event = OrderEvent.objects.get(pk=receipt.event_id)
        customer_erase(customer_id=event.customer_id)
        event.refresh_from_db()
        message = event.message
    assert (event.order_number, event.tracking_url, event.carrier) == ("", "", "")
    assert event.erased_at is not None and event.kind == "shipped" and event.state == "queued"
    assert message.body_text == ""
    delivery = Delivery.objects.get(client=client, message_id=message.pk)
    assert delivery.state == Delivery.State.WITHDRAWN
    with in_schema(client):  # never sent: counted as not delivered in its month
        figures = order_update_figures(
            client=client,
            start=EVENING - timedelta(days=1),
            end=EVENING + timedelta(days=1),
            now=EVENING,
        )
    assert (figures.sent, figures.undelivered) == (0, 1)
    assert not IdempotentRequest.objects.filter(client=client).exists()


def test_a_merge_moves_the_events_to_the_target(two_clients):
    client = two_clients.a
    receipt = receive(client)
    with in_schema(client):
        target = Customer.objects.create(email="main@example.cz")
        source = OrderEvent.objects.get(pk=receipt.event_id).customer
        customer_merge(source_id=source.pk, target_id=target.pk)
        assert OrderEvent.objects.get(pk=receipt.event_id).customer_id == target.pk


def test_retention_empties_old_events_with_the_messages(two_clients, frozen):
    client = two_clients.a
    frozen(datetime(2026, 1, 5, 10, 0, tzinfo=UTC))
    old = receive(client)
    frozen(datetime(2026, 12, 1, 10, 0, tzinfo=UTC))
    recent = receive(client, event_id="p-2")
    RetentionRule.objects.create(client=client, messages_days=90)
    with in_schema(client):
        retention_apply(client=client, now=datetime(2026, 12, 2, tzinfo=UTC))
        old_event = OrderEvent.objects.select_related("message").get(pk=old.event_id)
        recent_event = OrderEvent.objects.select_related("message").get(pk=recent.event_id)
    assert (old_event.order_number, old_event.tracking_url) == ("", "")
    assert "5005" not in old_event.message.body_text
    assert recent_event.order_number == "5005" and "5005" in recent_event.message.body_text
