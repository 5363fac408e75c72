"""The shops' order webhooks on the client's domain: Shopify's fulfillment, refund and return
webhooks and WooCommerce's order.updated, signed as the platforms sign them (base64
HMAC-SHA256 of the raw body), become order events of order_updates once per change of the
order; a bad signature is 401, another shop 401, broken JSON 400, an unused topic 200 that
says so, a delivery sent twice (in parallel too) is received once; never a 500."""

import base64
import hashlib
import hmac
import json
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client as HttpClient

from order_updates.models import OrderEvent
from orders.credentials import credentials_encrypt
from orders.models import ShopConnection, ShopWebhookDelivery
from tenants.models import InboundAddress
from tests.support.fake_shops import CONSUMER, TOKEN, FakeShop, ShopOrder
from tests.support.tenancy import host_of, in_schema

pytestmark = pytest.mark.django_db
SECRET = "shpss_app_client_secret"
WOO_SECRET = "woo-webhook-secret"
SHOP_DOMAIN = "127.0.0.1"  # the fake shop's host, as X-Shopify-Shop-Domain names it

# Shaped like Shopify's documented fulfillments/update sample payload (fields trimmed).
FULFILLMENT = {
    "id": 123456,
    "order_id": 820982911946154508,
    "status": "success",
    "created_at": "2026-12-01T09:00:00-05:00",
    "service": "manual",
    "updated_at": "2026-12-01T10:00:00-05:00",
    "tracking_company": "UPS",
    "shipment_status": None,
    "location_id": None,
    "origin_address": None,
    "email": "vera@customer.example",
    "destination": {
        "first_name": "Věra",
        "last_name": "Malá",
        "name": "Věra Malá",
        "phone": "+420601000001",
        "city": "Brno",
        "country_code": "CZ",
    },
    "line_items": [{"id": 487817672276298554, "title": "Blue mug", "quantity": 2}],
    "tracking_number": "1z827wk74630",
    "tracking_numbers": ["1z827wk74630"],
    "tracking_url": "https://www.ups.com/WebTracking?trackNums=1z827wk74630",
    "tracking_urls": ["https://www.ups.com/WebTracking?trackNums=1z827wk74630"],
    "receipt": {},
    "name": "#1001.1",
    "admin_graphql_api_id": "gid://shopify/Fulfillment/123456",
}
# Shopify's refunds/create and returns/close samples name only the order's id.
REFUND = {
    "id": 890088186047892319,
    "order_id": 820982911946154508,
    "created_at": "2026-12-02T19:00:00-05:00",
    "note": "Things were damaged",
    "processed_at": "2026-12-02T19:00:00-05:00",
    "restock": False,
    "admin_graphql_api_id": "gid://shopify/Refund/890088186047892319",
    "refund_line_items": [],
    "transactions": [{"id": 245135271310201194, "kind": "refund", "amount": "75.00"}],
}
RETURN_CLOSED = {
    "id": 123134564567890,
    "admin_graphql_api_id": "gid://shopify/Return/123134564567890",
    "order_id": 820982911946154508,
    "status": "closed",
}
# Shaped like WooCommerce's REST API v3 order, as its order.updated webhook sends it.
WOO_ORDER = {
    "id": 727,
    "number": "727",
    "status": "completed",
    "currency": "EUR",
    "date_modified_gmt": "2026-12-01T10:00:00",
    "billing": {
        "first_name": "Věra",
        "last_name": "Malá",
        "email": "vera@customer.example",
        "phone": "+420601000001",
    },
    "line_items": [{"id": 315, "name": "Blue mug", "quantity": 2}],
    "meta_data": [
        {
            "id": 1,
            "key": "_wc_shipment_tracking_items",
            "value": [
                {
                    "tracking_provider": "PPL",
                    "tracking_number": "CZ123",
                    "custom_tracking_link": "https://track.example/CZ123",
                }
            ],
        },
        {"id": 2, "key": "wpml_language", "value": "de"},
    ],
}


def signed(body: bytes, secret: str) -> str:
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


@pytest.fixture
def fake_shop():
    order = ShopOrder("#1001", "vera@customer.example", shopify_id=820982911946154508)
    order.locale = "pl-PL"
    shop = FakeShop("shopify", [order]).start()
    yield shop
    shop.stop()


@pytest.fixture
def shop(two_clients, fake_shop):
    InboundAddress.objects.create(
        client=two_clients.a, address="podpora@obuv.example", country="CZ"
    )
    with in_schema(two_clients.a):
        ShopConnection.objects.create(
            platform="shopify",
            shop_url=fake_shop.url,
            credentials_encrypted=credentials_encrypt(
                {"access_token": TOKEN, "webhook_secret": SECRET}
            ),
            timeout_seconds=Decimal("1"),
        )
    return two_clients.a


def shopify(client, topic: str, payload, *, delivery: str = "d-1", secret: str = SECRET, **h):
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    headers = {
        "HTTP_X_SHOPIFY_TOPIC": topic,
        "HTTP_X_SHOPIFY_HMAC_SHA256": signed(body, secret),
        "HTTP_X_SHOPIFY_SHOP_DOMAIN": SHOP_DOMAIN,
        "HTTP_X_SHOPIFY_WEBHOOK_ID": delivery,
        "HTTP_X_SHOPIFY_API_VERSION": "2025-01",
        **h,
    }
    http = HttpClient(HTTP_HOST=host_of(client))
    return http.post("/order-events/shopify/", body, content_type="application/json", **headers)


def events(client) -> list[tuple[str, str, str, str]]:
    with in_schema(client):
        return [
            (e.source, e.event_id, e.kind, e.order_number)
            for e in OrderEvent.objects.order_by("pk")
        ]


def test_a_fulfillment_tells_the_customer_once_whatever_the_deliveries(shop):
    created = shopify(shop, "fulfillments/create", FULFILLMENT, delivery="d-1")
    assert created.status_code == 200, created.text
    assert created.text.startswith("shipped: order event ")
    # Shopify sends fulfillments/update with in_transit for the same news: one message.
    in_transit = {**FULFILLMENT, "shipment_status": "in_transit"}
    again = shopify(shop, "fulfillments/update", in_transit, delivery="d-2")
    assert again.status_code == 200 and "already received" in again.text
    delivered = shopify(
        shop, "fulfillments/update", {**FULFILLMENT, "shipment_status": "delivered"}, delivery="d-3"
    )
    assert delivered.status_code == 200
    assert events(shop) == [
        ("shopify", "fulfillment:123456:shipped", "shipped", "#1001"),
        ("shopify", "fulfillment:123456:delivered", "delivered", "#1001"),
    ]
    with in_schema(shop):
        event = OrderEvent.objects.order_by("pk").first()
        assert event.tracking_number == "1z827wk74630" and event.carrier == "UPS"
        assert event.customer.email == "vera@customer.example"
        assert ShopWebhookDelivery.objects.count() == 3


@pytest.mark.parametrize(
    ("status", "kind"),
    [
        ("out_for_delivery", "out_for_delivery"),
        ("failure", "delayed"),
        ("attempted_delivery", "delayed"),
        ("delayed", "delayed"),
    ],
)
def test_each_shipment_status_is_its_kind(shop, status, kind):
    answer = shopify(shop, "fulfillments/update", {**FULFILLMENT, "shipment_status": status})
    assert answer.status_code == 200 and answer.text.startswith(f"{kind}: ")


def test_a_status_that_tells_nothing_is_ignored_and_said(shop):
    label = shopify(
        shop, "fulfillments/update", {**FULFILLMENT, "shipment_status": "label_printed"}
    )
    assert label.status_code == 200
    assert label.text == "ignored: shipment_status label_printed tells the customer nothing\n"
    other = shopify(shop, "orders/create", {"id": 1}, delivery="d-9")
    assert other.status_code == 200 and other.text == "ignored: topic orders/create is not used\n"
    assert events(shop) == []


def test_refunds_and_returns_ask_the_shop_whose_order_it_is(shop, fake_shop):
    refund = shopify(shop, "refunds/create", REFUND, delivery="d-r")
    assert refund.status_code == 200, refund.text
    closed = shopify(shop, "returns/close", RETURN_CLOSED, delivery="d-c")
    assert closed.status_code == 200, closed.text
    assert events(shop) == [
        ("shopify", "refund:890088186047892319", "refund_sent", "#1001"),
        ("shopify", "return:123134564567890", "return_received", "#1001"),
    ]
    with in_schema(shop):
        event = OrderEvent.objects.order_by("pk").first()
        assert event.customer.email == "vera@customer.example"
        assert event.language == "pl"  # the shop's customerLocale
    assert sum("OrderContact" in r["body"] for r in fake_shop.requests) == 2


def test_a_shop_that_cannot_say_whose_order_gets_asked_again(shop, fake_shop):
    fake_shop.stop()
    answer = shopify(shop, "refunds/create", REFUND, delivery="d-r")
    assert answer.status_code == 503
    assert "cannot reach the shop" in answer.text
    with in_schema(shop):  # nothing kept: the shop's next try is received as new
        assert not ShopWebhookDelivery.objects.exists()


def test_bad_signatures_other_shops_and_broken_json_are_refused(shop):
    assert shopify(shop, "fulfillments/create", FULFILLMENT, secret="wrong").status_code == 401
    answer = shopify(shop, "fulfillments/create", FULFILLMENT, HTTP_X_SHOPIFY_HMAC_SHA256="")
    assert answer.status_code == 401
    other = shopify(
        shop, "fulfillments/create", FULFILLMENT, HTTP_X_SHOPIFY_SHOP_DOMAIN="evil.myshopify.com"
    )
    assert other.status_code == 401 and "evil.myshopify.com" in other.text
    broken = shopify(shop, "fulfillments/create", b'{"id": 1,')
    assert broken.status_code == 400 and broken.text == "the body is not JSON\n"
    assert shopify(shop, "fulfillments/create", b"\xff\xfe").status_code == 400
    # Nested past the parser, signed all the same: a 400, not a 500.
    assert shopify(shop, "fulfillments/create", b"[" * 100_000).status_code == 400
    assert shopify(shop, "fulfillments/create", ["not", "an", "object"]).status_code == 400
    no_id = shopify(shop, "fulfillments/create", {**FULFILLMENT, "id": "x"})
    assert no_id.status_code == 400 and "no id" in no_id.text
    with in_schema(shop):
        assert not ShopWebhookDelivery.objects.exists()


def test_nul_characters_and_bad_fields_never_make_a_500(shop):
    nul = {**FULFILLMENT, "email": "vera\u0000@customer.example", "name": "#10\u000001.1"}
    answer = shopify(shop, "fulfillments/create", nul, delivery="d-nul")
    assert answer.status_code == 200, answer.text
    bad = {**FULFILLMENT, "id": 99, "email": "not an address"}
    refused = shopify(shop, "fulfillments/create", bad, delivery="d-bad")
    assert refused.status_code == 200 and refused.text.startswith("not used: email")


def test_without_a_webhook_secret_nothing_is_received(shop):
    with in_schema(shop):
        ShopConnection.objects.update(
            credentials_encrypted=credentials_encrypt({"access_token": TOKEN})
        )
    assert shopify(shop, "fulfillments/create", FULFILLMENT, secret="").status_code == 401


def test_another_clients_domain_has_no_shop(shop, two_clients):
    answer = shopify(two_clients.b, "fulfillments/create", FULFILLMENT)
    assert answer.status_code == 404


# --- WooCommerce -----------------------------------------------------------------------------


@pytest.fixture
def woo(two_clients):
    InboundAddress.objects.create(
        client=two_clients.a, address="podpora@obuv.example", country="CZ"
    )
    with in_schema(two_clients.a):
        ShopConnection.objects.create(
            platform="woocommerce",
            shop_url="https://shop.example",
            credentials_encrypted=credentials_encrypt(
                {
                    "consumer_key": CONSUMER[0],
                    "consumer_secret": CONSUMER[1],
                    "webhook_secret": WOO_SECRET,
                }
            ),
        )
    return two_clients.a


def woocommerce(client, payload, *, delivery: str = "1", secret: str = WOO_SECRET, **h):
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    headers = {
        "HTTP_X_WC_WEBHOOK_SOURCE": "https://shop.example/",
        "HTTP_X_WC_WEBHOOK_TOPIC": "order.updated",
        "HTTP_X_WC_WEBHOOK_RESOURCE": "order",
        "HTTP_X_WC_WEBHOOK_EVENT": "updated",
        "HTTP_X_WC_WEBHOOK_SIGNATURE": signed(body, secret),
        "HTTP_X_WC_WEBHOOK_ID": "12",
        "HTTP_X_WC_WEBHOOK_DELIVERY_ID": delivery,
        **h,
    }
    http = HttpClient(HTTP_HOST=host_of(client))
    return http.post("/order-events/woocommerce/", body, content_type="application/json", **headers)


def test_woocommerce_completed_and_refunded_tell_the_customer(woo):
    completed = woocommerce(woo, WOO_ORDER, delivery="1")
    assert completed.status_code == 200 and completed.text.startswith("shipped: "), completed.text
    # WooCommerce sends order.updated on every save: the same status again is no news.
    assert "already received" in woocommerce(woo, WOO_ORDER, delivery="2").text
    refunded = woocommerce(woo, {**WOO_ORDER, "status": "refunded"}, delivery="3")
    assert refunded.text.startswith("refund_sent: ")
    processing = woocommerce(woo, {**WOO_ORDER, "status": "processing"}, delivery="4")
    assert processing.text == "ignored: order status processing tells the customer nothing\n"
    assert woocommerce(woo, WOO_ORDER, delivery="1").text.startswith("duplicate delivery 1")
    assert events(woo) == [
        ("woocommerce", "order:727:completed", "shipped", "727"),
        ("woocommerce", "order:727:refunded", "refund_sent", "727"),
    ]
    with in_schema(woo):
        event = OrderEvent.objects.order_by("pk").first()
        assert (event.tracking_url, event.carrier) == ("https://track.example/CZ123", "PPL")
        assert event.language == "de"


def test_woocommerce_ping_bad_signature_and_other_shops(woo):
    http = HttpClient(HTTP_HOST=host_of(woo))
    ping = http.post(
        "/order-events/woocommerce/",
        "webhook_id=12",
        content_type="application/x-www-form-urlencoded",
    )
    assert ping.status_code == 200
    assert woocommerce(woo, WOO_ORDER, secret="wrong").status_code == 401
    other = woocommerce(woo, WOO_ORDER, HTTP_X_WC_WEBHOOK_SOURCE="https://evil.example/")
    assert other.status_code == 401
    assert woocommerce(woo, b"{broken").status_code == 400
    assert woocommerce(woo, WOO_ORDER, HTTP_X_WC_WEBHOOK_TOPIC="order.deleted").text == (
        "ignored: topic order.deleted is not used\n"
    )
    assert events(woo) == []


# --- Hostile input and the connection in use (issue #20) -------------------------------------


def test_a_signature_header_that_is_not_ascii_is_refused_not_a_500(shop):
    # Django reads headers as latin-1: "ÿ" reaches the check as a non-ASCII str.
    answer = shopify(shop, "fulfillments/create", FULFILLMENT, HTTP_X_SHOPIFY_HMAC_SHA256="ÿ")
    assert answer.status_code == 401
    right = signed(json.dumps(FULFILLMENT).encode(), SECRET)
    accented = shopify(
        shop, "fulfillments/create", FULFILLMENT, HTTP_X_SHOPIFY_HMAC_SHA256=right + "é"
    )
    assert accented.status_code == 401


def test_lone_surrogates_in_the_payload_are_dropped_not_a_500(shop):
    # json.dumps writes "\ud800" as the escape a shop's JSON may hold; json.loads reads it
    # back as a lone surrogate, which PostgreSQL cannot store.
    payload = {
        **FULFILLMENT,
        "id": 777,
        "destination": {**FULFILLMENT["destination"], "name": "V\ud800ěra\u0000"},
        "tracking_number": "\udfff1z8",
    }
    answer = shopify(shop, "fulfillments/create", payload, delivery="d-surrogate")
    assert answer.status_code == 200, answer.text
    assert answer.text.startswith("shipped: "), answer.text
    with in_schema(shop):
        event = OrderEvent.objects.get(event_id="fulfillment:777:shipped")
        assert event.tracking_number == "1z8"


def test_a_disabled_connection_ignores_its_webhooks(shop):
    with in_schema(shop):
        ShopConnection.objects.update(enabled=False)
    answer = shopify(shop, "fulfillments/create", FULFILLMENT, delivery="d-off")
    assert (answer.status_code, answer.text) == (200, "ignored: connection disabled\n")
    # Still only for the shop that signs.
    assert shopify(shop, "fulfillments/create", FULFILLMENT, secret="wrong").status_code == 401
    assert events(shop) == []
    with in_schema(shop):
        assert not ShopWebhookDelivery.objects.exists()


def test_the_enabled_connection_is_used_not_the_first(shop, fake_shop):
    # An older, disabled connection of the same platform with another secret: the desk uses
    # the enabled one, and so do its webhooks.
    with in_schema(shop):
        used = ShopConnection.objects.get()
        ShopConnection.objects.create(
            platform="shopify",
            shop_url="https://old.example",
            credentials_encrypted=credentials_encrypt(
                {"access_token": "x", "webhook_secret": "old"}
            ),
            enabled=False,
        )
        ShopConnection.objects.filter(pk=used.pk).update(id=10_000)
    answer = shopify(shop, "fulfillments/create", FULFILLMENT, delivery="d-new")
    assert answer.status_code == 200 and answer.text.startswith("shipped: "), answer.text
    old = shopify(shop, "fulfillments/create", FULFILLMENT, delivery="d-old", secret="old")
    assert old.status_code == 401


def test_a_refusal_that_is_not_a_duplicate_asks_the_shop_to_send_again(shop):
    # An order event the database refuses (here a constraint added for the test): no
    # delivery row exists afterwards, so it is not "already received".
    with in_schema(shop), connection.cursor() as cursor:
        cursor.execute(
            "ALTER TABLE order_updates_orderevent ADD CONSTRAINT test_refused "
            "CHECK (order_number <> '#6666')"
        )
    refused = shopify(
        shop, "fulfillments/create", {**FULFILLMENT, "id": 6666, "name": "#6666.1"}, delivery="d6"
    )
    assert refused.status_code == 503, refused.text
    with in_schema(shop):
        assert not ShopWebhookDelivery.objects.filter(delivery_id="d6").exists()


@pytest.mark.parametrize("meta", [5, True, "text", {"key": "wpml_language"}, [1, None, "x"]])
def test_meta_data_of_the_wrong_type_is_read_as_none(woo, meta):
    answer = woocommerce(woo, {**WOO_ORDER, "meta_data": meta}, delivery="meta")
    assert answer.status_code == 200 and answer.text.startswith("shipped: "), answer.text
