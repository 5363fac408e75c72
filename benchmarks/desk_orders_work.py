"""The orders benchmark's work (``benchmarks/desk_orders.py`` runs it). Imported once
``django_setup()`` has pointed the settings at the bench database: the models need it."""

import argparse
import contextlib
import json
import logging
import statistics
import threading
import time
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from _report import Report
from desk_item_work import percentile, setup, thread_fill
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client as HttpClient
from django_tenants.utils import schema_context

from content.models import ReplySettings
from orders.credentials import credentials_encrypt
from orders.models import ShopConnection

TOKEN = "shpat_bench"  # noqa: S105 - the fake shop accepts any token
NODE = {
    "name": "#1042",
    "createdAt": "2026-11-30T10:00:00Z",
    "displayFinancialStatus": "PAID",
    "displayFulfillmentStatus": "FULFILLED",
    "lineItems": {"nodes": [{"title": "Blue mug", "quantity": 2}]},
    "fulfillments": [
        {"trackingInfo": [{"number": "CZ1", "url": "https://track.example/CZ1", "company": "PPL"}]}
    ],
    "shippingAddress": {"city": "Brno", "country": "Czechia"},
}


ASKED = [0]  # requests the fake shops received


def fake_shopify(delay: float) -> ThreadingHTTPServer:
    """A Shopify Admin GraphQL endpoint answering one order after ``delay`` seconds."""

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            ASKED[0] += 1
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            time.sleep(delay)
            body = json.dumps({"data": {"orders": {"nodes": [NODE]}}}).encode()
            # The desk may have stopped waiting: the slow shop's case.
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def timings(http, url: str, *, requests: int, cold: bool = False) -> list[float]:
    """``requests`` loads of ``url`` (ms each); ``cold``: the cache emptied before each."""
    for _ in range(2):
        answered = http.get(url)
        assert answered.status_code == 200, (answered.status_code, answered.content[:2000])
    measured = []
    for _ in range(requests):
        if cold:
            cache.clear()
        started = time.perf_counter()
        assert http.get(url).status_code == 200
        measured.append((time.perf_counter() - started) * 1000)
    return measured


def connect(client, url: str, timeout: float) -> None:
    with schema_context(client.schema_name):
        ShopConnection.objects.all().delete()
        if url:
            ShopConnection.objects.create(
                platform="shopify",
                shop_url=url,
                credentials_encrypted=credentials_encrypt({"access_token": TOKEN}),
                timeout_seconds=Decimal(str(timeout)),
            )


def run(args: argparse.Namespace, report: Report) -> None:
    report.server_describe()
    # Every cold request to the slow shop logs its warning: not this run's output.
    logging.getLogger("orders.selectors").setLevel(logging.ERROR)
    call_command("migrate_platform", verbosity=0)
    client, agent = setup()
    with schema_context(client.schema_name):
        ReplySettings.objects.create(order_number_pattern=r"#?(10\d\d)")
    item, _ = thread_fill(client, agent, size=20, history=3)
    http = HttpClient(HTTP_HOST="localhost")
    http.force_login(agent)
    page, panel = f"/desk/items/{item.pk}", f"/desk/items/{item.pk}/orders"
    fast = fake_shopify(args.shop_ms / 1000)
    slow = fake_shopify(args.timeout + 2)
    shops = {
        f"shop answering in {args.shop_ms:g} ms": fast,
        f"shop timing out ({args.timeout:g} s)": slow,
    }
    connect(client, "", args.timeout)
    floor = timings(http, page, requests=args.requests)
    floor_p50, floor_p99 = statistics.median(floor), percentile(floor, 0.99)
    print(f"item page without a shop: p50 {floor_p50:.1f} ms, p99 {floor_p99:.1f} ms")
    page_asked = 0
    for label, server in shops.items():
        connect(client, f"http://127.0.0.1:{server.server_address[1]}", args.timeout)
        asked_before = ASKED[0]
        item_page = timings(http, page, requests=args.requests, cold=True)
        page_asked += ASKED[0] - asked_before
        slow_shop = server is slow
        cold = timings(
            http, panel, requests=args.slow_requests if slow_shop else args.requests, cold=True
        )
        warm = timings(http, panel, requests=args.requests)
        figures = {
            "item page": item_page,
            "orders panel, shop asked": cold,
            "orders panel, cached": warm,
        }
        for name, values in figures.items():
            p50, p99 = statistics.median(values), percentile(values, 0.99)
            print(f"{label}: {name}: p50 {p50:.1f} ms, p99 {p99:.1f} ms over {len(values)}")
            report.figure(
                f"{label}: {name}: p99",
                p99,
                "ms",
                floor=floor_p99 if name == "item page" else None,
            )
    report.figure("item page without a shop: p99", floor_p99, "ms")
    # The page must never wait for a shop: any request it made to one is a failure.
    report.check("requests to the shop made by the item page", page_asked)
    for server in (fast, slow):
        server.shutdown()
