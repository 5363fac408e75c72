"""The demo's fake shops answer the desk's connectors as Shopify and WooCommerce would:
orders for a demo customer's e-mail and under an order number, tracking for shipped ones,
401 for other credentials."""

import os
import socket
import subprocess
import sys
import threading
import time
from http.server import ThreadingHTTPServer

import pytest

from demo.shop_fake import ShopHandler
from demo.shop_orders import DEMO_SHOPS, demo_orders
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


def test_the_procfile_process_starts_without_django_and_answers():
    """`make demo` runs it as its own process (Procfile `shops`), where no app is ready."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(
        [sys.executable, "-m", "demo.shop_fake"],
        env={**os.environ, "POLYDESK_DEMO_SHOP_PORT": str(port)},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert process.poll() is None, "the fake shops' process ended"
                time.sleep(0.1)
        else:
            pytest.fail("the fake shops did not listen")
    finally:
        process.terminate()
        output = process.communicate(timeout=10)[0]
    assert f"fake shops on http://127.0.0.1:{port}" in output, output
