"""An order's status in the agent's words: Shopify's display statuses, WooCommerce's order
statuses and the signed lookup URL's free text become translated labels; a code not known
is shown as the shop gave it."""

import pytest
from django.utils import translation

from orders.connectors import Order
from orders.credentials import credentials_encrypt
from orders.models import ShopConnection
from orders.statuses import (
    SHOPIFY_FINANCIAL,
    SHOPIFY_FULFILLMENT,
    WOOCOMMERCE,
    order_status_label,
    order_status_labels,
)
from orders.templatetags.order_labels import order_status
from tests.support.desk import agent_with, held_by, inbound, signed_in
from tests.support.fake_shops import CONSUMER, FakeShop, ShopOrder
from tests.support.tenancy import in_schema

# Every status each platform documents (Shopify Admin GraphQL OrderDisplayFinancialStatus and
# OrderDisplayFulfillmentStatus; WooCommerce REST API v3 order statuses).
SHOPIFY_DOCUMENTED = {
    "AUTHORIZED",
    "EXPIRED",
    "PAID",
    "PARTIALLY_PAID",
    "PARTIALLY_REFUNDED",
    "PENDING",
    "REFUNDED",
    "VOIDED",
    "FULFILLED",
    "FULFILLMENT_NOT_REQUIRED",
    "IN_PROGRESS",
    "ON_HOLD",
    "OPEN",
    "PARTIALLY_FULFILLED",
    "PENDING_FULFILLMENT",
    "REQUEST_DECLINED",
    "RESTOCKED",
    "SCHEDULED",
    "UNFULFILLED",
}
WOO_DOCUMENTED = {
    "pending",
    "processing",
    "on-hold",
    "completed",
    "cancelled",
    "refunded",
    "failed",
    "checkout-draft",
}


def test_every_documented_code_has_a_label():
    assert set(SHOPIFY_FINANCIAL) | set(SHOPIFY_FULFILLMENT) == SHOPIFY_DOCUMENTED
    assert set(WOOCOMMERCE) == WOO_DOCUMENTED


@pytest.mark.parametrize(
    ("platform", "code", "english", "czech"),
    [
        ("shopify", "PAID", "Paid", "Zaplaceno"),
        ("shopify", "UNFULFILLED", "Not shipped yet", "Zatím neodesláno"),
        ("shopify", "PARTIALLY_REFUNDED", "Partly refunded", "Peníze částečně vráceny"),
        ("woocommerce", "processing", "Paid, being prepared", "Zaplaceno, připravuje se"),
        ("woocommerce", "on-hold", "On hold", "Pozastaveno"),
        ("woocommerce", "checkout-draft", "Checkout not finished", "Nedokončená objednávka"),
        ("signed", "Out for delivery", "Out for delivery", "Doručuje se"),
        ("signed", "IN_TRANSIT", "In transit", "Na cestě"),
        ("signed", " shipped ", "Shipped", "Odesláno"),
        ("signed", "completed", "Order completed", "Objednávka vyřízena"),
    ],
)
def test_a_code_becomes_the_readers_label(platform, code, english, czech):
    with translation.override("en"):
        assert order_status_label(platform=platform, code=code) == english
    with translation.override("cs"):
        assert order_status_label(platform=platform, code=code) == czech


def test_an_unknown_code_is_shown_as_given():
    with translation.override("de"):
        assert order_status_label(platform="shopify", code="NEW_STATUS") == "NEW_STATUS"
        assert order_status_label(platform="woocommerce", code="wc-custom") == "wc-custom"
        assert order_status_label(platform="signed", code="Bei Abholstation") == (
            "Bei Abholstation"
        )
        # The same words on another platform are that platform's code only.
        assert order_status_label(platform="shopify", code="processing") == "processing"


def test_an_orders_codes_read_as_one_line_each_label_once():
    order = Order(
        number="#1", statuses=("REFUNDED", "RESTOCKED"), created_at="", platform="shopify"
    )
    with translation.override("fr"):
        assert order_status(order) == "Remboursée · Remise en stock"
    assert order_status_labels(platform="signed", codes=["refunded", "Refunded"]) == ["Refunded"]


@pytest.mark.django_db
def test_the_panel_shows_the_labels_in_the_agents_language(two_clients):
    shop = FakeShop("woocommerce", [ShopOrder("1001", "vera@example.cz", woo_status="on-hold")])
    shop.start()
    try:
        with in_schema(two_clients.a):
            ShopConnection.objects.create(
                platform="woocommerce",
                shop_url=shop.url,
                credentials_encrypted=credentials_encrypt(
                    {"consumer_key": CONSUMER[0], "consumer_secret": CONSUMER[1]}
                ),
            )
        agent = agent_with([two_clients.a], {"cs": "native"}, language="pl")
        _, item = inbound(two_clients.a, "Dobrý den", "vera@example.cz")
        held_by(item, agent)
        fragment = signed_in(agent).get(f"/desk/items/{item.pk}/orders").text
        assert '<span class="order-status" title="on-hold">Wstrzymane</span>' in fragment
    finally:
        shop.stop()
