"""The demo's fake shops answer the desk's connectors as Shopify and WooCommerce would:
orders for a demo customer's e-mail and under an order number, tracking for shipped ones,
401 for other credentials."""

import threading
from http.server import ThreadingHTTPServer

import pytest

from demo.shop_fake import ShopHandler
from demo.shops import DEMO_SHOPS, demo_orders
from orders.connectors import OrderQuery, ShopError, shopify_orders, woocommerce_orders

EMAIL = "customer1@bohemia-shoes.example"


@pytest.fixture
def shop_url():
    server = ThreadingHTTPServer(("127.0.0.1", 0), ShopHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_the_fake_shopify_holds_two_orders_per_customer_and_any_number(shop_url):
    credentials = DEMO_SHOPS[0][2]
    orders = shopify_orders(
        shop_url=shop_url,
        api_version="2025-01",
        credentials=credentials,
        query=OrderQuery(email=EMAIL, numbers=("2026-1042",)),
        timeout=2,
    )
    expected = {order["number"] for order in demo_orders(email=EMAIL)} | {"2026-1042"}
    assert {order.number for order in orders} == expected
    shipped = [order for order in orders if "UNFULFILLED" not in order.status]
    assert all(order.tracking_link.startswith("https://tracking.example/") for order in shipped)
    with pytest.raises(ShopError, match="refused the credentials"):
        shopify_orders(
            shop_url=shop_url,
            api_version="2025-01",
            credentials={"access_token": "x"},
            query=OrderQuery(email=EMAIL),
            timeout=2,
        )


def test_the_fake_woocommerce_searches_by_email_and_number(shop_url):
    credentials = DEMO_SHOPS[1][2]
    orders = woocommerce_orders(
        shop_url=shop_url,
        credentials=credentials,
        query=OrderQuery(email="customer2@wisla-sport.example", numbers=("2026-2001",)),
        timeout=2,
    )
    assert "2026-2001" in {order.number for order in orders} and len(orders) == 3
    assert all(order.status in ("completed", "processing") for order in orders)
