"""One Shopify delivery sent many times at once (Shopify retrying while the first try still
runs): one delivery row, one order event, every sender answered 200."""

import base64
import hashlib
import hmac
import json

import pytest
from django.test import Client as HttpClient

from conversations.models import Conversation, Message
from customers.models import Customer
from order_updates.models import OrderEvent
from orders.credentials import credentials_encrypt
from orders.models import ShopConnection, ShopWebhookDelivery
from outbox.models import Delivery
from tests.support.tenancy import host_of, in_schema
from tests.support.threads import parallel

pytestmark = pytest.mark.slow
SECRET = "race-secret"
BODY = json.dumps(
    {
        "id": 5550001,
        "order_id": 5550000,
        "status": "success",
        "shipment_status": None,
        "email": "race-webhook@customer.example",
        "destination": {"name": "Race", "phone": "+48601000222"},
        "tracking_number": "RACE1",
        "tracking_url": "https://track.example/RACE1",
        "tracking_company": "DPD",
        "name": "#5001.1",
        "updated_at": "2026-12-01T10:00:00+01:00",
    }
).encode()


def test_parallel_deliveries_make_one_event(two_clients, django_db_blocker):
    client = two_clients.b
    signature = base64.b64encode(hmac.new(SECRET.encode(), BODY, hashlib.sha256).digest())

    def send():
        return (
            HttpClient(HTTP_HOST=host_of(client))
            .post(
                "/order-events/shopify/",
                BODY,
                content_type="application/json",
                HTTP_X_SHOPIFY_TOPIC="fulfillments/create",
                HTTP_X_SHOPIFY_HMAC_SHA256=signature.decode(),
                HTTP_X_SHOPIFY_SHOP_DOMAIN="race.myshopify.com",
                HTTP_X_SHOPIFY_WEBHOOK_ID="race-delivery",
            )
            .status_code
        )

    with django_db_blocker.unblock():
        with in_schema(client):
            connection = ShopConnection.objects.create(
                platform="shopify",
                shop_url="https://race.myshopify.com",
                credentials_encrypted=credentials_encrypt(
                    {"access_token": "t", "webhook_secret": SECRET}
                ),
            )
        try:
            statuses = parallel(send, threads=10)
            with in_schema(client):
                deliveries = ShopWebhookDelivery.objects.filter(delivery_id="race-delivery")
                events = OrderEvent.objects.filter(event_id="fulfillment:5550001:shipped")
                counts = (deliveries.count(), events.count())
        finally:
            email = "race-webhook@customer.example"
            with in_schema(client):
                ShopWebhookDelivery.objects.filter(delivery_id="race-delivery").delete()
                connection.delete()
                conversations = Conversation.objects.filter(customer__email=email)
                ids = list(conversations.values_list("pk", flat=True))
                OrderEvent.objects.filter(event_id="fulfillment:5550001:shipped").delete()
                Message.objects.filter(conversation__in=ids).delete()
                conversations.delete()
                Customer.objects.filter(email=email).delete()
            Delivery.objects.filter(client=client, conversation_id__in=ids).delete()
    assert statuses == [200] * 10
    assert counts == (1, 1)
