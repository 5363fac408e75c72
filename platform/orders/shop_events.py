"""The shops' order webhooks read as order events (plain functions, no database): which
topics and statuses tell the customer something, the event's id (one per change of the
order, whatever the deliveries), and the signature check.

- Shopify: ``fulfillments/create`` (shipped), ``fulfillments/update`` by ``shipment_status``
  (in_transit: shipped, out_for_delivery, delivered, failure / attempted_delivery / delayed:
  delayed), ``refunds/create`` (refund sent), ``returns/close`` (return received); the last
  two name only the order's id (the caller asks the shop for the order). Signed with
  ``X-Shopify-Hmac-Sha256``: base64 HMAC-SHA256 of the raw body with the app's client secret.
- WooCommerce: ``order.updated`` with status completed (shipped) or refunded (refund sent).
  Signed with ``X-WC-Webhook-Signature``: base64 HMAC-SHA256 of the raw body with the
  webhook's secret.
"""

import base64
import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from orders.connectors import WOO_TRACKING_META, woo_tracking


class Ignored(Exception):
    """Nothing to tell the customer; the message says why (answered 200)."""


class Malformed(Exception):
    """The payload lacks what its topic documents (answered 400)."""


@dataclass(frozen=True)
class ShopEvent:
    event_id: str  # the order's change: the same for two deliveries of one change
    kind: str  # order_updates' OrderEvent.Kind
    order_number: str = ""  # "" when only ``order_id`` is known (ask the shop)
    order_id: int = 0
    email: str = ""
    phone: str = ""
    name: str = ""
    language: str = ""
    tracking_number: str = ""
    tracking_url: str = ""
    carrier: str = ""
    occurred_at: datetime | None = None


def signature_valid(*, secret: str, body: bytes, signature: str) -> bool:
    """``signature`` is the base64 HMAC-SHA256 of ``body`` with ``secret`` (constant time);
    a header that is not ASCII never matches (compared as bytes)."""
    if not secret or not signature or not signature.isascii():
        return False
    digest = hmac.new(secret.encode(), body, hashlib.sha256).digest()
    return hmac.compare_digest(base64.b64encode(digest), signature.strip().encode("ascii"))


def _text(value: object, limit: int = 500) -> str:
    """A payload's value as text: None as "", NUL characters and lone surrogates (JSON's
    "\\ud800", not UTF-8) dropped, as PostgreSQL refuses both, cut at ``limit``."""
    if value is None or isinstance(value, (dict, list)):
        return ""
    text = str(value).replace("\x00", "")
    text = text.encode("utf-8", "ignore").decode("utf-8") if not text.isascii() else text
    return text.strip()[:limit]


def _when(value: object) -> datetime | None:
    text = _text(value)
    if not text:
        return None
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else None


def _language(value: object) -> str:
    """A shop's locale ("de-AT", "pt_BR") as our language code ("de", "pt")."""
    return _text(value).replace("_", "-").split("-")[0].lower()[:8]


def _object(payload: dict[str, Any], key: str) -> dict[str, Any]:
    value = payload.get(key)
    return value if isinstance(value, dict) else {}


def _id_of(payload: dict[str, Any], key: str = "id") -> int:
    value = payload.get(key)
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise Malformed(f"the payload has no {key}")
    return value


# --- Shopify ---------------------------------------------------------------------------------

SHIPMENT_KINDS = {
    "in_transit": "shipped",
    "out_for_delivery": "out_for_delivery",
    "delivered": "delivered",
    "failure": "delayed",
    "attempted_delivery": "delayed",
    "delayed": "delayed",
}
SHOPIFY_TOPICS = ("fulfillments/create", "fulfillments/update", "refunds/create", "returns/close")


def _fulfillment(topic: str, payload: dict[str, Any]) -> ShopEvent:
    fulfillment_id = _id_of(payload)
    status = _text(payload.get("shipment_status"))
    if status:
        kind = SHIPMENT_KINDS.get(status)
        if kind is None:
            raise Ignored(f"shipment_status {status} tells the customer nothing")
    elif topic == "fulfillments/create" and payload.get("status") == "success":
        kind = "shipped"
    else:
        raise Ignored(f"fulfillment status {_text(payload.get('status')) or 'none'}, no shipment")
    destination = _object(payload, "destination")
    # A fulfillment's name is the order's and its number: "#1001.1".
    name = _text(payload.get("name"), 100)
    return ShopEvent(
        # One message per fulfillment and kind: "in_transit" after the creation's "shipped"
        # (or failure after attempted_delivery) is the same news, told once.
        event_id=f"fulfillment:{fulfillment_id}:{kind}",
        kind=kind,
        order_number=name.rsplit(".", 1)[0] if "." in name else "",
        order_id=_id_of(payload, "order_id"),
        email=_text(payload.get("email"), 254),
        phone=_text(destination.get("phone"), 40),
        name=_text(destination.get("name"), 200),
        tracking_number=_text(payload.get("tracking_number"), 100),
        tracking_url=_text(payload.get("tracking_url"), 500),
        carrier=_text(payload.get("tracking_company"), 100),
        occurred_at=_when(payload.get("updated_at")),
    )


def shopify_event(*, topic: str, payload: Any) -> ShopEvent:
    """The order event of one Shopify webhook; Ignored or Malformed otherwise."""
    if topic not in SHOPIFY_TOPICS:
        raise Ignored(f"topic {topic or 'none'} is not used")
    if not isinstance(payload, dict):
        raise Malformed("the payload is not a JSON object")
    if topic.startswith("fulfillments/"):
        return _fulfillment(topic, payload)
    if topic == "refunds/create":
        return ShopEvent(
            event_id=f"refund:{_id_of(payload)}",
            kind="refund_sent",
            order_id=_id_of(payload, "order_id"),
            occurred_at=_when(payload.get("processed_at") or payload.get("created_at")),
        )
    order = _object(payload, "order")
    return ShopEvent(
        event_id=f"return:{_id_of(payload)}",
        kind="return_received",
        order_id=_id_of(payload, "order_id") if "order_id" in payload else _id_of(order),
    )


# --- WooCommerce -----------------------------------------------------------------------------

WOO_KINDS = {"completed": "shipped", "refunded": "refund_sent"}
# Where the order's language is, when a multilingual plugin keeps it (WPML).
WOO_LANGUAGE_META = ("wpml_language",)


def woocommerce_event(*, topic: str, payload: Any) -> ShopEvent:
    """The order event of one WooCommerce webhook; Ignored or Malformed otherwise."""
    if topic != "order.updated":
        raise Ignored(f"topic {topic or 'none'} is not used")
    if not isinstance(payload, dict):
        raise Malformed("the payload is not a JSON object")
    order_id = _id_of(payload)
    status = _text(payload.get("status"))
    kind = WOO_KINDS.get(status)
    if kind is None:
        raise Ignored(f"order status {status or 'none'} tells the customer nothing")
    billing = _object(payload, "billing")
    listed = payload.get("meta_data")
    meta = [m for m in listed if isinstance(m, dict)] if isinstance(listed, list) else []
    tracking = (
        next(iter(woo_tracking(meta)), None)
        if any(m.get("key") == WOO_TRACKING_META for m in meta)
        else None
    )
    language = next((m.get("value") for m in meta if m.get("key") in WOO_LANGUAGE_META), "")
    modified = _text(payload.get("date_modified_gmt"))
    return ShopEvent(
        event_id=f"order:{order_id}:{status}",
        kind=kind,
        order_number=_text(payload.get("number"), 100) or str(order_id),
        order_id=order_id,
        email=_text(billing.get("email"), 254),
        phone=_text(billing.get("phone"), 40),
        name=" ".join(
            part
            for part in (_text(billing.get("first_name")), _text(billing.get("last_name")))
            if part
        )[:200],
        language=_language(language),
        tracking_number=_text(tracking.number, 100) if tracking else "",
        tracking_url=_text(tracking.url, 500) if tracking else "",
        carrier=_text(tracking.company, 100) if tracking else "",
        occurred_at=_when(f"{modified}+00:00") if modified else None,
    )
