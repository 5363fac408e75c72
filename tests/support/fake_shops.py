"""Small local stand-ins for the shops the desk asks for orders, answering with the
platforms' documented shapes: Shopify's Admin GraphQL ``orders`` query, WooCommerce's REST
API v3 ``GET /wp-json/wc/v3/orders`` and the signed lookup URL of docs/how-to.md.

``FakeShop(platform)`` serves on a free port of 127.0.0.1; ``delay`` makes it slow (a
timeout), a wrong token or key answers 401 as the platform does, ``requests`` records what
was asked.
"""

import base64
import contextlib
import hashlib
import hmac
import json
import re
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

TOKEN = "shpat_test_token"
CONSUMER = ("ck_test_key", "cs_test_secret")
SECRET = "lookup-secret"


@dataclass
class ShopOrder:
    number: str  # "#1001" for Shopify, "1001" for WooCommerce
    email: str
    phone: str = ""
    created_at: str = "2026-11-30T10:00:00Z"
    paid: str = "PAID"
    fulfilled: str = "FULFILLED"
    woo_status: str = "completed"
    items: list[tuple[str, int]] = field(default_factory=lambda: [("Blue mug", 2)])
    city: str = "Brno"
    country: str = "Czechia"
    country_code: str = "CZ"
    tracking: tuple[str, str, str] | None = ("CZ123", "https://track.example/CZ123", "PPL")
    shopify_id: int = 0  # the order's id in Shopify (its webhooks name it)
    locale: str = ""  # Shopify's customerLocale


def shopify_node(order: ShopOrder) -> dict:
    """An Order as the Admin GraphQL API answers the fields the connector asks for."""
    tracking = (
        [{"number": order.tracking[0], "url": order.tracking[1], "company": order.tracking[2]}]
        if order.tracking
        else []
    )
    return {
        "name": order.number,
        "createdAt": order.created_at,
        "displayFinancialStatus": order.paid,
        "displayFulfillmentStatus": order.fulfilled,
        "lineItems": {"nodes": [{"title": t, "quantity": q} for t, q in order.items]},
        "fulfillments": [{"trackingInfo": tracking}] if tracking else [],
        "shippingAddress": {"city": order.city, "country": order.country},
    }


def woo_order(order: ShopOrder, order_id: int) -> dict:
    """An order as WooCommerce's REST API v3 lists it (the fields the connector reads and
    a few around them)."""
    meta = []
    if order.tracking:
        meta.append(
            {
                "id": 1,
                "key": "_wc_shipment_tracking_items",
                "value": [
                    {
                        "tracking_provider": order.tracking[2],
                        "tracking_number": order.tracking[0],
                        "custom_tracking_link": order.tracking[1],
                        "date_shipped": "1764500000",
                    }
                ],
            }
        )
    return {
        "id": order_id,
        "number": order.number,
        "status": order.woo_status,
        "currency": "CZK",
        "date_created": order.created_at.rstrip("Z"),
        "date_created_gmt": order.created_at.rstrip("Z"),
        "billing": {"email": order.email, "phone": order.phone},
        "shipping": {"first_name": "", "city": order.city, "country": order.country_code},
        "line_items": [
            {"id": i, "name": name, "quantity": quantity}
            for i, (name, quantity) in enumerate(order.items, 1)
        ],
        "meta_data": meta,
    }


def signed_order(order: ShopOrder) -> dict:
    """An order in the signed lookup URL's documented answer."""
    return {
        "number": order.number,
        "status": order.woo_status,
        "created_at": order.created_at,
        "items": [{"name": n, "quantity": q} for n, q in order.items],
        "shipping": {"city": order.city, "country": order.country_code},
        "tracking": (
            [{"number": order.tracking[0], "url": order.tracking[1], "company": order.tracking[2]}]
            if order.tracking
            else []
        ),
    }


_SHOPIFY_TERM = re.compile(r'(email|name|phone):"([^"]*)"')


class FakeShop:
    def __init__(self, platform: str, orders: list[ShopOrder] | None = None) -> None:
        self.platform = platform
        self.orders = list(orders or [])
        self.delay = 0.0
        # Set: every POST is answered 200 with this body, whatever was asked (a broken shop).
        self.answer: object | None = None
        self.requests: list[dict] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def _send(self, status: int, body: object) -> None:
                payload = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                # The client may have given up waiting (a timeout test).
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self.wfile.write(payload)

            def do_GET(self) -> None:
                fake._record(self, b"")
                time.sleep(fake.delay)
                status, body = fake._get(self)
                self._send(status, body)

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                fake._record(self, body)
                time.sleep(fake.delay)
                status, answer = fake._post(self, body)
                self._send(status, answer)

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        base = f"http://127.0.0.1:{self.server.server_address[1]}"
        return f"{base}/lookup" if self.platform == "signed" else base

    def start(self) -> "FakeShop":
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def _record(self, handler: BaseHTTPRequestHandler, body: bytes) -> None:
        self.requests.append(
            {"path": handler.path, "headers": dict(handler.headers), "body": body.decode()}
        )

    def _post(self, handler: BaseHTTPRequestHandler, body: bytes) -> tuple[int, object]:
        if self.answer is not None:
            return 200, self.answer
        if not re.fullmatch(r"/admin/api/\d{4}-\d{2}/graphql\.json", handler.path):
            return 404, {"errors": "Not Found"}
        if handler.headers.get("X-Shopify-Access-Token") != TOKEN:
            return 401, {
                "errors": "[API] Invalid API key or access token (unrecognized login or wrong "
                "password)"
            }
        request = json.loads(body)
        if "query OrderContact" in request["query"]:
            return 200, self._order_contact(request["variables"]["id"])
        terms = _SHOPIFY_TERM.findall(request["variables"]["query"])
        found = [
            order
            for order in self.orders
            if any(
                (kind == "email" and value.lower() == order.email.lower())
                or (kind == "name" and value.lstrip("#") == order.number.lstrip("#"))
                or (kind == "phone" and value == order.phone)
                for kind, value in terms
            )
        ]
        found.sort(key=lambda order: order.created_at, reverse=True)
        nodes = [shopify_node(order) for order in found[: request["variables"]["first"]]]
        return 200, {"data": {"orders": {"nodes": nodes}}, "extensions": {"cost": {}}}

    def _order_contact(self, gid: str) -> dict:
        """Admin GraphQL ``order(id:)``: null data for an id the shop does not know."""
        found = [o for o in self.orders if f"gid://shopify/Order/{o.shopify_id}" == gid]
        if not found:
            return {"data": {"order": None}}
        order = found[0]
        return {
            "data": {
                "order": {
                    "name": order.number,
                    "email": order.email,
                    "phone": order.phone or None,
                    "customerLocale": order.locale or None,
                    "shippingAddress": {"name": "Věra Nová", "phone": order.phone or None},
                }
            }
        }

    def _get(self, handler: BaseHTTPRequestHandler) -> tuple[int, object]:
        parts = urlsplit(handler.path)
        params = {key: values[0] for key, values in parse_qs(parts.query).items()}
        if self.platform == "woocommerce" and parts.path == "/wp-json/wc/v3/orders":
            return self._woo(handler, params)
        if self.platform == "signed" and parts.path == "/lookup":
            expected = hmac.new(SECRET.encode(), parts.query.encode(), hashlib.sha256).hexdigest()
            if handler.headers.get("X-Polydesk-Signature") != f"sha256={expected}":
                return 401, {"error": "bad signature"}
            numbers = [n for n in params.get("order_number", "").split(",") if n]
            found = [
                order
                for order in self.orders
                if (params.get("email") and params["email"] == order.email)
                or (params.get("phone") and params["phone"] == order.phone)
                or order.number in numbers
            ]
            return 200, {"orders": [signed_order(order) for order in found]}
        return 404, {"code": "rest_no_route", "message": "No route was found.", "data": {}}

    def _woo(self, handler: BaseHTTPRequestHandler, params: dict) -> tuple[int, object]:
        expected = "Basic " + base64.b64encode(":".join(CONSUMER).encode()).decode()
        if handler.headers.get("Authorization") != expected:
            return 401, {
                "code": "woocommerce_rest_cannot_view",
                "message": "Sorry, you cannot list resources.",
                "data": {"status": 401},
            }
        term = params.get("search", "").lower()
        found = [
            woo_order(order, i)
            for i, order in enumerate(self.orders, 100)
            if term and term in (order.email.lower(), order.phone, order.number)
        ]
        return 200, found[: int(params.get("per_page", 10))]
