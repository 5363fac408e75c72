"""The demo's fake shops on 127.0.0.1: a Shopify Admin GraphQL endpoint
(``POST /admin/api/<version>/graphql.json``) and a WooCommerce REST API v3 orders list
(``GET /wp-json/wc/v3/orders?search=…``) on one port, answering in the platforms' documented
shapes with ``demo.shops.demo_orders``, checking the demo's credentials. One line is logged
per request. Nothing leaves the machine.

It also serves each demo client's sample shop page with the chat widget
(``/shop/<client slug>/``, ``demo.shop_pages``): a shop's site on another origin than the
client's portal, as in life.

Run by ``make demo`` as the Procfile's ``shops`` process: ``python -m demo.shop_fake``.
"""

import base64
import contextlib
import json
import logging
import re
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from config import env
from demo.shop_orders import DEMO_SHOPS, demo_orders
from demo.shop_pages import SHOP_CSS, SHOP_PAGES, shop_page_html

log = logging.getLogger("polydesk.shop_fake")
_TERM = re.compile(r'(email|name):"([^"]*)"')
_SHOPIFY_PATH = re.compile(r"/admin/api/\d{4}-\d{2}/graphql\.json")
_SHOP_PAGE_PATH = re.compile(r"/shop/([a-z0-9-]+)/(?:([a-z]{2})/)?")


def portal_origin(slug: str) -> str:
    """The client's portal, as config.settings and desk.selectors.portal_url make it (this
    process has no Django settings: the same variables, read through config.env)."""
    scheme = env.text("POLYDESK_URL_SCHEME", "http")
    suffix = env.text(
        "POLYDESK_CLIENT_DOMAIN_SUFFIX", env.text("POLYDESK_AGENCY_DOMAIN", "localhost")
    )
    port = env.text("POLYDESK_URL_PORT", "8000")
    return f"{scheme}://{slug}.{suffix}" + ("" if port in ("", "80", "443") else f":{port}")


def shop_page(path: str) -> str | None:
    """The sample shop page at ``path`` (its first language without one), or None."""
    match = _SHOP_PAGE_PATH.fullmatch(path)
    if match is None or match[1] not in SHOP_PAGES:
        return None
    languages = SHOP_PAGES[match[1]]
    language = match[2] or next(iter(languages))
    if language not in languages:
        return None
    return shop_page_html(
        slug=match[1],
        language=language,
        portal_origin=portal_origin(match[1]),
        stylesheet="/shop/shop.css",
    )


def _credentials(platform: str) -> dict[str, str]:
    return next(values for _, name, values in DEMO_SHOPS if name == platform)


def shopify_answer(token: str, request: dict) -> tuple[int, dict]:
    """The Admin GraphQL answer to the desk's ``orders`` query."""
    if token != _credentials("shopify")["access_token"]:
        return 401, {"errors": "[API] Invalid API key or access token"}
    orders = []
    for kind, value in _TERM.findall(request.get("variables", {}).get("query", "")):
        orders += demo_orders(email=value) if kind == "email" else demo_orders(number=value)
    nodes = [
        {
            "name": order["number"],
            "createdAt": order["created_at"],
            "displayFinancialStatus": "PAID",
            "displayFulfillmentStatus": "FULFILLED" if order["shipped"] else "UNFULFILLED",
            "lineItems": {"nodes": [{"title": t, "quantity": q} for t, q in order["items"]]},
            "fulfillments": ([{"trackingInfo": [_tracking(order)]}] if order["shipped"] else []),
            "shippingAddress": {"city": order["city"], "country": order["country"]},
        }
        for order in orders
    ]
    return 200, {"data": {"orders": {"nodes": nodes}}}


def _tracking(order: dict) -> dict:
    return {
        "number": order["tracking"],
        "url": f"https://tracking.example/{order['tracking']}",
        "company": order["carrier"],
    }


def woocommerce_answer(authorization: str, params: dict) -> tuple[int, object]:
    """WooCommerce's list of orders matching ``search`` (an e-mail or an order number)."""
    keys = _credentials("woocommerce")
    expected = (
        "Basic "
        + base64.b64encode(f"{keys['consumer_key']}:{keys['consumer_secret']}".encode()).decode()
    )
    if authorization != expected:
        return 401, {
            "code": "woocommerce_rest_cannot_view",
            "message": "Sorry, you cannot list resources.",
            "data": {"status": 401},
        }
    term = params.get("search", "")
    orders = demo_orders(email=term) if "@" in term else demo_orders(number=term)
    return 200, [
        {
            "id": 100 + n,
            "number": order["number"],
            "status": "completed" if order["shipped"] else "processing",
            "date_created": order["created_at"].rstrip("Z"),
            "billing": {"email": order["email"]},
            "shipping": {"city": order["city"], "country": order["country"]},
            "line_items": [{"name": t, "quantity": q} for t, q in order["items"]],
            "meta_data": (
                [
                    {
                        "key": "_wc_shipment_tracking_items",
                        "value": [
                            {
                                "tracking_provider": order["carrier"],
                                "tracking_number": order["tracking"],
                                "custom_tracking_link": _tracking(order)["url"],
                            }
                        ],
                    }
                ]
                if order["shipped"]
                else []
            ),
        }
        for n, order in enumerate(orders)
    ]


class ShopHandler(BaseHTTPRequestHandler):
    def _send(self, status: int, body: object) -> None:
        payload = json.dumps(body).encode()
        log.info("%s %s -> %s", self.command, self.path.split("?")[0], status)
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if not _SHOPIFY_PATH.fullmatch(self.path):
            self._send(404, {"errors": "Not Found"})
            return
        try:
            request = json.loads(body)
        except ValueError:
            self._send(400, {"errors": "Bad JSON"})
            return
        self._send(*shopify_answer(self.headers.get("X-Shopify-Access-Token", ""), request))

    def _send_text(self, status: int, content_type: str, text: str) -> None:
        payload = text.encode()
        log.info("%s %s -> %s", self.command, self.path.split("?")[0], status)
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self.send_response(status)
            self.send_header("Content-Type", f"{content_type}; charset=utf-8")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        if parts.path == "/shop/shop.css":
            self._send_text(200, "text/css", SHOP_CSS)
            return
        if parts.path.startswith("/shop/"):
            page = shop_page(parts.path)
            self._send_text(200 if page else 404, "text/html", page or "Not found")
            return
        if parts.path != "/wp-json/wc/v3/orders":
            self._send(404, {"code": "rest_no_route", "message": "No route was found."})
            return
        params = {key: values[0] for key, values in parse_qs(parts.query).items()}
        self._send(*woocommerce_answer(self.headers.get("Authorization", ""), params))

    def log_message(self, *args) -> None:
        pass


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    server = ThreadingHTTPServer(("127.0.0.1", env.demo_shop_port()), ShopHandler)
    log.info("fake shops on http://127.0.0.1:%s", server.server_address[1])
    server.serve_forever()


if __name__ == "__main__":
    main()
