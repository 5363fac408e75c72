"""Asking a shop for a customer's orders: one connector per shop platform, each turning the
platform's documented answer into the same plain ``Order``.

- Shopify: the Admin GraphQL API's ``orders`` query (``POST /admin/api/<version>/graphql.json``,
  ``X-Shopify-Access-Token``), filtered with Shopify's search syntax (``email:…``, ``name:…``).
- WooCommerce: REST API v3 ``GET /wp-json/wc/v3/orders?search=…`` with the consumer key and
  secret as HTTP basic auth (over HTTPS).
- A signed lookup URL the shop implements itself (docs/how-to.md, "Connect a shop"): ``GET``
  with ``email``, ``phone``, ``order_number`` and ``timestamp``, signed with HMAC-SHA256 of the
  query string in ``X-Polydesk-Signature``.

Every failure (timeout, refused connection, 401, an answer of the wrong shape) becomes a
``ShopError`` with a short reason; nothing here raises anything else.
"""

import hashlib
import hmac
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode, urlsplit

import requests
from django.conf import settings

from webhooks.services import private_host

# Orders shown at most (newest first).
ORDERS_SHOWN = 5
SIGNATURE_HEADER = "X-Polydesk-Signature"


class ShopError(Exception):
    """The shop did not answer usefully; the message is the reason shown to the agent,
    ``kind`` what to fix: "credentials" (refused), "timeout" (no answer in time),
    "unreachable" (no connection), "answer" (an answer the desk cannot read), "address" (the
    shop's address is in a private or local network: not asked)."""

    def __init__(self, message: str, *, kind: str = "answer") -> None:
        super().__init__(message)
        self.kind = kind


@dataclass(frozen=True)
class Tracking:
    number: str
    url: str
    company: str


@dataclass(frozen=True)
class Order:
    number: str  # as the customer knows it ("#1001", "2024-0042")
    # The shop's own codes, e.g. ("PAID", "FULFILLED"), ("processing",), ("shipped",); the
    # desk shows them in the agent's words (orders.statuses).
    statuses: tuple[str, ...]
    created_at: str  # ISO 8601 as the shop gave it
    items: list[tuple[str, int]] = field(default_factory=list)  # (name, quantity)
    city: str = ""
    country: str = ""
    tracking: list[Tracking] = field(default_factory=list)
    platform: str = ""  # ShopConnection.Platform: whose codes ``statuses`` are

    @property
    def status(self) -> str:
        """The shop's codes as it gave them ("PAID · FULFILLED")."""
        return " · ".join(self.statuses)

    @property
    def tracking_link(self) -> str:
        """The first tracking URL ("" for none)."""
        return next((t.url for t in self.tracking if t.url), "")


@dataclass(frozen=True)
class OrderQuery:
    """What the customer is known by."""

    email: str = ""
    phone: str = ""
    numbers: tuple[str, ...] = ()
    # Ask by the phone too when an e-mail is known (a caller: the number is what calls).
    by_phone: bool = False

    def __bool__(self) -> bool:
        return bool(self.email or self.phone or self.numbers)


def _json(response: requests.Response) -> Any:
    if response.status_code in (401, 403):
        raise ShopError(
            f"the shop refused the credentials (HTTP {response.status_code})", kind="credentials"
        )
    if response.status_code != 200:
        raise ShopError(f"the shop answered HTTP {response.status_code}")
    try:
        return response.json()
    except ValueError:
        raise ShopError("the shop's answer is not JSON") from None


def _send(method: str, url: str, *, timeout: float, **kwargs: Any) -> Any:
    # Checked at each request (the name is resolved now: it may point elsewhere since the
    # address was saved), so a shop's address never makes the desk call into our network.
    if private_host(urlsplit(url).hostname or "", allowed=settings.ORDERS_ALLOW_PRIVATE_ADDRESSES):
        raise ShopError(
            "the shop's address is not allowed (a private or local network)", kind="address"
        )
    try:
        response = requests.request(method, url, timeout=timeout, allow_redirects=False, **kwargs)
    except requests.Timeout:
        raise ShopError(f"no answer within {timeout:g} s", kind="timeout") from None
    except requests.RequestException as error:
        raise ShopError(
            f"cannot reach the shop ({type(error).__name__})", kind="unreachable"
        ) from None
    return _json(response)


# --- Shopify ---------------------------------------------------------------------------------

SHOPIFY_QUERY = """
query CustomerOrders($query: String!, $first: Int!) {
  orders(first: $first, query: $query, sortKey: CREATED_AT, reverse: true) {
    nodes {
      name
      createdAt
      displayFinancialStatus
      displayFulfillmentStatus
      lineItems(first: 10) { nodes { title quantity } }
      fulfillments(first: 5) { trackingInfo(first: 3) { number url company } }
      shippingAddress { city country }
    }
  }
}
"""


def _shopify_search(query: OrderQuery) -> str:
    """Shopify's search syntax: terms joined by OR, values quoted."""
    terms = [f'email:"{query.email}"'] if query.email else []
    terms += [f'name:"{number}"' for number in query.numbers]
    # A caller is known by their phone first; a conversation by e-mail and order numbers,
    # its phone (often typed differently in the shop) asked only when nothing else is known.
    if query.phone and (query.by_phone or not terms):
        terms.append(f'phone:"{query.phone}"')
    return " OR ".join(terms)


def _shopify_order(node: dict[str, Any]) -> Order:
    statuses = [node.get("displayFinancialStatus"), node.get("displayFulfillmentStatus")]
    address = node.get("shippingAddress") or {}
    tracking = [
        Tracking(info.get("number") or "", info.get("url") or "", info.get("company") or "")
        for fulfillment in node.get("fulfillments") or []
        for info in fulfillment.get("trackingInfo") or []
    ]
    return Order(
        number=node["name"],
        statuses=tuple(str(status) for status in statuses if status),
        created_at=node.get("createdAt") or "",
        items=[
            (line["title"], int(line.get("quantity") or 0))
            for line in (node.get("lineItems") or {}).get("nodes", [])
        ],
        city=address.get("city") or "",
        country=address.get("country") or "",
        tracking=tracking,
        platform="shopify",
    )


def shopify_orders(
    *,
    shop_url: str,
    api_version: str,
    credentials: dict[str, str],
    query: OrderQuery,
    timeout: float,
) -> list[Order]:
    """The customer's orders from Shopify's Admin GraphQL API, newest first."""
    url = f"{shop_url.rstrip('/')}/admin/api/{api_version or '2025-01'}/graphql.json"
    answer = _send(
        "POST",
        url,
        timeout=timeout,
        json={
            "query": SHOPIFY_QUERY,
            "variables": {"query": _shopify_search(query), "first": ORDERS_SHOWN},
        },
        headers={"X-Shopify-Access-Token": credentials.get("access_token", "")},
    )
    if isinstance(answer, dict) and answer.get("errors"):
        errors = answer["errors"]
        first = errors[0] if isinstance(errors, list) and errors else errors
        reason = first.get("message") if isinstance(first, dict) else str(first)
        raise ShopError(f"Shopify refused the query: {reason}")
    try:
        return [_shopify_order(node) for node in answer["data"]["orders"]["nodes"]]
    except (AttributeError, KeyError, TypeError, ValueError):
        raise ShopError("Shopify's answer has an unexpected shape") from None


# --- WooCommerce -----------------------------------------------------------------------------

# The WooCommerce Shipment Tracking extension's order meta (a list of tracking items).
WOO_TRACKING_META = "_wc_shipment_tracking_items"


def woo_tracking(meta: list[dict[str, Any]]) -> list[Tracking]:
    found = []
    for entry in meta:
        if entry.get("key") != WOO_TRACKING_META or not isinstance(entry.get("value"), list):
            continue
        for item in entry["value"]:
            if not isinstance(item, dict):  # the shop's data, whatever a plugin wrote there
                continue
            found.append(
                Tracking(
                    str(item.get("tracking_number") or ""),
                    str(item.get("custom_tracking_link") or item.get("tracking_link") or ""),
                    str(
                        item.get("tracking_provider") or item.get("custom_tracking_provider") or ""
                    ),
                )
            )
    return found


def _woo_order(order: dict[str, Any]) -> Order:
    shipping = order.get("shipping") or {}
    return Order(
        number=str(order.get("number") or order["id"]),
        statuses=(str(order["status"]),) if order.get("status") else (),
        created_at=str(order.get("date_created") or ""),
        items=[
            (str(line.get("name") or ""), int(line.get("quantity") or 0))
            for line in order.get("line_items") or []
        ],
        city=str(shipping.get("city") or ""),
        country=str(shipping.get("country") or ""),
        tracking=woo_tracking(order.get("meta_data") or []),
        platform="woocommerce",
    )


def woocommerce_orders(
    *, shop_url: str, credentials: dict[str, str], query: OrderQuery, timeout: float
) -> list[Order]:
    """The customer's orders from WooCommerce's REST API v3 (``search`` by each order number
    found, then by e-mail or phone), newest first, each once."""
    url = f"{shop_url.rstrip('/')}/wp-json/wc/v3/orders"
    auth = (credentials.get("consumer_key", ""), credentials.get("consumer_secret", ""))
    searches = [*query.numbers, query.email or query.phone]
    if query.by_phone and query.email:
        searches.insert(0, query.phone)
    searches = searches[:3]
    found: dict[str, Order] = {}
    for term in filter(None, searches):
        answer = _send(
            "GET",
            url,
            timeout=timeout,
            params={"search": term, "per_page": ORDERS_SHOWN},
            auth=auth,
        )
        if not isinstance(answer, list):
            raise ShopError("WooCommerce's answer has an unexpected shape")
        try:
            for raw in answer:
                order = _woo_order(raw)
                found.setdefault(order.number, order)
        except (KeyError, TypeError, ValueError, AttributeError):
            raise ShopError("WooCommerce's answer has an unexpected shape") from None
    return sorted(found.values(), key=lambda order: order.created_at, reverse=True)[:ORDERS_SHOWN]


# --- The signed lookup URL -------------------------------------------------------------------


def lookup_signature(*, secret: str, query_string: str) -> str:
    """The value of X-Polydesk-Signature: ``sha256=`` and the hex HMAC-SHA256 of the query
    string exactly as sent (without the ``?``)."""
    digest = hmac.new(secret.encode(), query_string.encode(), hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def _signed_order(raw: dict[str, Any]) -> Order:
    shipping = raw.get("shipping") or {}
    return Order(
        number=str(raw["number"]),
        statuses=(str(raw["status"]),) if raw.get("status") else (),
        created_at=str(raw.get("created_at") or ""),
        items=[
            (str(item.get("name") or ""), int(item.get("quantity") or 0))
            for item in raw.get("items") or []
        ],
        city=str(shipping.get("city") or ""),
        country=str(shipping.get("country") or ""),
        tracking=[
            Tracking(
                str(t.get("number") or ""), str(t.get("url") or ""), str(t.get("company") or "")
            )
            for t in raw.get("tracking") or []
        ],
        platform="signed",
    )


def signed_lookup_orders(
    *, shop_url: str, credentials: dict[str, str], query: OrderQuery, timeout: float
) -> list[Order]:
    """The customer's orders from the shop's own signed lookup URL."""
    query_string = urlencode(
        {
            "email": query.email,
            "phone": query.phone,
            "order_number": ",".join(query.numbers),
            "timestamp": str(int(time.time())),
        }
    )
    base, _, own_query = shop_url.partition("?")
    if own_query:  # the shop's own parameters stay first and are signed too
        query_string = f"{own_query}&{query_string}"
    signature = lookup_signature(secret=credentials.get("secret", ""), query_string=query_string)
    answer = _send(
        "GET",
        f"{base}?{query_string}",
        timeout=timeout,
        headers={SIGNATURE_HEADER: signature, "Accept": "application/json"},
    )
    try:
        return [_signed_order(raw) for raw in answer["orders"]][:ORDERS_SHOWN]
    except (KeyError, TypeError, ValueError, AttributeError):
        raise ShopError("the lookup URL's answer has an unexpected shape") from None


# --- An order's customer, for the shop's webhooks that name only the order ------------------

SHOPIFY_CONTACT_QUERY = """
query OrderContact($id: ID!) {
  order(id: $id) { name email phone customerLocale shippingAddress { name phone } }
}
"""


@dataclass(frozen=True)
class OrderContact:
    number: str
    email: str = ""
    phone: str = ""
    name: str = ""
    language: str = ""  # the customer's locale in the shop ("cs", "de-AT"); "" unknown


def shopify_order_contact(
    *,
    shop_url: str,
    api_version: str,
    credentials: dict[str, str],
    order_id: int,
    timeout: float,
) -> OrderContact:
    """The name and customer of Shopify's order ``order_id`` (Admin GraphQL ``order``)."""
    url = f"{shop_url.rstrip('/')}/admin/api/{api_version or '2025-01'}/graphql.json"
    answer = _send(
        "POST",
        url,
        timeout=timeout,
        json={
            "query": SHOPIFY_CONTACT_QUERY,
            "variables": {"id": f"gid://shopify/Order/{order_id}"},
        },
        headers={"X-Shopify-Access-Token": credentials.get("access_token", "")},
    )
    try:
        order = answer["data"]["order"]
        if order is None:
            raise ShopError(f"Shopify knows no order {order_id}")
        address = order.get("shippingAddress") or {}
        return OrderContact(
            number=str(order["name"]),
            email=str(order.get("email") or ""),
            phone=str(order.get("phone") or address.get("phone") or ""),
            name=str(address.get("name") or ""),
            language=str(order.get("customerLocale") or ""),
        )
    except (KeyError, TypeError, AttributeError):
        raise ShopError("Shopify's answer has an unexpected shape") from None
