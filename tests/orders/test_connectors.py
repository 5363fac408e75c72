"""The connectors against local fakes answering with the platforms' documented shapes:
Shopify's Admin GraphQL ``orders``, WooCommerce's REST v3 orders, the signed lookup URL;
a slow shop, wrong credentials and a shop that is down become a reason, never an error."""

import json
import time
from dataclasses import replace

import pytest
from django.core.exceptions import ValidationError

from orders.connectors import (
    WOO_TRACKING_META,
    OrderQuery,
    ShopError,
    lookup_signature,
    shopify_orders,
    signed_lookup_orders,
    woo_tracking,
    woocommerce_orders,
)
from orders.models import validate_shop_url
from tests.support.fake_shops import CONSUMER, SECRET, TOKEN, FakeShop, ShopOrder

ORDERS = [
    ShopOrder("#1001", "vera@example.cz", phone="+420601000001"),
    ShopOrder(
        "#1002",
        "vera@example.cz",
        created_at="2026-12-01T08:00:00Z",
        fulfilled="UNFULFILLED",
        woo_status="processing",
        tracking=None,
    ),
    ShopOrder("#2001", "other@example.cz"),
]
WOO_ORDERS = [replace(order, number=order.number.lstrip("#")) for order in ORDERS]


@pytest.fixture
def shopify():
    shop = FakeShop("shopify", ORDERS).start()
    yield shop
    shop.stop()


@pytest.fixture
def woo():
    shop = FakeShop("woocommerce", WOO_ORDERS).start()
    yield shop
    shop.stop()


@pytest.fixture
def signed():
    shop = FakeShop("signed", WOO_ORDERS).start()
    yield shop
    shop.stop()


def _shopify(shop, query, token=TOKEN, timeout=3.0):
    return shopify_orders(
        shop_url=shop.url,
        api_version="2025-01",
        credentials={"access_token": token},
        query=query,
        timeout=timeout,
    )


def test_shopify_finds_the_customers_orders_by_email_newest_first(shopify):
    orders = _shopify(shopify, OrderQuery(email="vera@example.cz"))
    assert [o.number for o in orders] == ["#1002", "#1001"]
    first = orders[1]
    assert first.status == "PAID · FULFILLED"
    assert first.items == [("Blue mug", 2)]
    assert (first.city, first.country) == ("Brno", "Czechia")
    assert first.tracking_link == "https://track.example/CZ123"
    asked = shopify.requests[0]
    assert asked["path"] == "/admin/api/2025-01/graphql.json"
    assert asked["headers"]["X-Shopify-Access-Token"] == TOKEN
    assert json.loads(asked["body"])["variables"]["query"] == 'email:"vera@example.cz"'


def test_shopify_finds_an_order_by_its_name(shopify):
    orders = _shopify(shopify, OrderQuery(numbers=("2001",)))
    assert [o.number for o in orders] == ["#2001"]


def test_shopify_wrong_token_is_a_reason(shopify):
    with pytest.raises(ShopError, match="refused the credentials"):
        _shopify(shopify, OrderQuery(email="vera@example.cz"), token="wrong")


@pytest.mark.parametrize(
    "answer",
    [[], {"errors": []}, {"data": {"orders": {"nodes": ["#1001"]}}}, {"data": ["orders"]}],
)
def test_a_shopify_answer_of_another_shape_is_a_reason_not_an_error(shopify, answer):
    shopify.answer = answer
    with pytest.raises(ShopError, match="unexpected shape"):
        _shopify(shopify, OrderQuery(email="vera@example.cz"))


def test_woocommerce_tracking_items_of_another_type_are_skipped():
    meta = [{"key": WOO_TRACKING_META, "value": ["CZ1", 5, {"tracking_number": "CZ2"}]}]
    assert [t.number for t in woo_tracking(meta)] == ["CZ2"]


def test_a_slow_shop_times_out(shopify):
    shopify.delay = 1.5
    started = time.monotonic()
    with pytest.raises(ShopError, match=r"no answer within 0\.3 s"):
        _shopify(shopify, OrderQuery(email="vera@example.cz"), timeout=0.3)
    assert time.monotonic() - started < 1.2


def test_a_shop_that_is_down_is_a_reason(shopify):
    shopify.stop()
    with pytest.raises(ShopError, match="cannot reach the shop"):
        _shopify(shopify, OrderQuery(email="vera@example.cz"))


def test_woocommerce_searches_by_number_and_email_with_basic_auth(woo):
    query = OrderQuery(email="vera@example.cz", numbers=("2001",))
    orders = woocommerce_orders(
        shop_url=woo.url,
        credentials=dict(zip(("consumer_key", "consumer_secret"), CONSUMER, strict=True)),
        query=query,
        timeout=3.0,
    )
    assert sorted(o.number for o in orders) == ["1001", "1002", "2001"]
    by_number = {o.number: o for o in orders}
    assert by_number["1002"].status == "processing"
    assert by_number["1001"].tracking_link == "https://track.example/CZ123"
    assert by_number["1001"].country == "CZ"
    assert [r["path"].split("?")[0] for r in woo.requests] == ["/wp-json/wc/v3/orders"] * 2


def test_woocommerce_wrong_keys_are_a_reason(woo):
    with pytest.raises(ShopError, match="HTTP 401"):
        woocommerce_orders(
            shop_url=woo.url,
            credentials={"consumer_key": "ck_x", "consumer_secret": "cs_x"},
            query=OrderQuery(email="vera@example.cz"),
            timeout=3.0,
        )


def test_the_signed_lookup_is_signed_over_its_query(signed):
    orders = signed_lookup_orders(
        shop_url=signed.url,
        credentials={"secret": SECRET},
        query=OrderQuery(email="other@example.cz"),
        timeout=3.0,
    )
    assert [o.number for o in orders] == ["2001"]
    path = signed.requests[0]["path"]
    assert "email=other%40example.cz" in path and "timestamp=" in path
    query_string = path.split("?", 1)[1]
    assert signed.requests[0]["headers"]["X-Polydesk-Signature"] == lookup_signature(
        secret=SECRET, query_string=query_string
    )


def test_the_signed_lookup_with_a_wrong_secret_is_refused(signed):
    with pytest.raises(ShopError, match="HTTP 401"):
        signed_lookup_orders(
            shop_url=signed.url,
            credentials={"secret": "nope"},
            query=OrderQuery(email="other@example.cz"),
            timeout=3.0,
        )


def test_a_private_address_is_refused_at_each_request_unless_allowed(settings):
    # The model's validator, without the form's DNS check: plain HTTP to this machine only
    # where private addresses are allowed (development).
    settings.ORDERS_ALLOW_PRIVATE_ADDRESSES = False
    with pytest.raises(ValidationError):
        validate_shop_url("http://localhost:8000")
    shop = FakeShop("shopify", [ShopOrder("#1", "a@example.cz")]).start()
    try:
        for url in (shop.url, shop.url.replace("127.0.0.1", "localhost")):
            with pytest.raises(ShopError) as refused:
                shopify_orders(
                    shop_url=url,
                    api_version="2025-01",
                    credentials={"access_token": TOKEN},
                    query=OrderQuery(email="a@example.cz"),
                    timeout=1,
                )
            assert refused.value.kind == "address"
            assert str(refused.value).startswith("the shop's address is not allowed")
        assert shop.requests == []
        settings.ORDERS_ALLOW_PRIVATE_ADDRESSES = True
        validate_shop_url("http://localhost:8000")
        found = shopify_orders(
            shop_url=shop.url,
            api_version="2025-01",
            credentials={"access_token": TOKEN},
            query=OrderQuery(email="a@example.cz"),
            timeout=1,
        )
        assert [order.number for order in found] == ["#1"]
    finally:
        shop.stop()
