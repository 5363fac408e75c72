"""The shops' order webhooks, on the client's domain (django-tenants found the client by
the host): thin receivers that check the signature and the shop, then hand the event to
orders.services. Plain-text answers saying what was done; never a 5xx for what a sender
sends (a 503 only when the shop itself cannot say whose order it is: it sends again)."""

import hashlib
import json
from urllib.parse import urlsplit

from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from orders.credentials import credentials_decrypt
from orders.models import ShopConnection
from orders.selectors import shop_connection
from orders.services import shop_webhook_receive
from orders.shop_events import signature_valid


def _answer(status: int, text: str) -> HttpResponse:
    return HttpResponse(text + "\n", status=status, content_type="text/plain; charset=utf-8")


def _connection(platform: str) -> tuple[ShopConnection | None, bool]:
    """The connection the desk uses (``shop_connection``: the first enabled one) when it is
    of this platform, else the first of this platform (whose webhooks are then ignored);
    and whether it is the one in use."""
    used = shop_connection()
    if used is not None and used.platform == platform:
        return used, True
    return ShopConnection.objects.filter(platform=platform).order_by("pk").first(), False


def _secret(connection: ShopConnection) -> str:
    try:
        return credentials_decrypt(connection.credentials_encrypted).get("webhook_secret", "")
    except ValueError:  # stored with another key: entered again on the portal
        return ""


def _host(address: str) -> str:
    return (urlsplit(address if "://" in address else f"https://{address}").hostname or "").lower()


def _received(
    request: HttpRequest,
    connection: ShopConnection,
    *,
    in_use: bool,
    delivery_id: str,
    topic: str,
) -> HttpResponse:
    # Signed by the connected shop, but not what the desk uses: answered 200 (the shop must
    # not keep sending nor pause its webhook) and nothing is kept.
    if not connection.enabled:
        return _answer(200, "ignored: connection disabled")
    if not in_use:
        return _answer(200, "ignored: another shop connection is in use")
    try:
        text = request.body.decode("utf-8")
        payload = json.loads(text)
    except (UnicodeDecodeError, ValueError, RecursionError):  # nested past the parser too
        return _answer(400, "the body is not JSON")
    # Without the platform's delivery id, the body itself tells a resent delivery.
    delivery_id = delivery_id[:200] or "body:" + hashlib.sha256(request.body).hexdigest()
    answer = shop_webhook_receive(
        client=request.tenant,  # type: ignore[attr-defined]
        connection=connection,
        delivery_id=delivery_id,
        topic=topic,
        payload=payload,
    )
    return _answer(answer.status, answer.text)


@csrf_exempt
@require_POST
def shopify_webhook(request: HttpRequest) -> HttpResponse:
    """Shopify's order webhooks (fulfillments/create, fulfillments/update, refunds/create,
    returns/close), signed with the app's client secret."""
    connection, in_use = _connection(ShopConnection.Platform.SHOPIFY)
    if connection is None:
        return _answer(404, "no Shopify shop is connected here")
    signature = request.headers.get("X-Shopify-Hmac-Sha256", "")
    if not signature_valid(secret=_secret(connection), body=request.body, signature=signature):
        return _answer(401, "the signature does not match the webhook secret")
    shop = request.headers.get("X-Shopify-Shop-Domain", "").strip().lower()
    if shop != _host(connection.shop_url):
        return _answer(401, f"the shop {shop or '(none)'} is not the connected shop")
    return _received(
        request,
        connection,
        in_use=in_use,
        delivery_id=request.headers.get("X-Shopify-Webhook-Id", "").strip(),
        topic=request.headers.get("X-Shopify-Topic", "").strip(),
    )


@csrf_exempt
@require_POST
def woocommerce_webhook(request: HttpRequest) -> HttpResponse:
    """WooCommerce's order.updated webhook, signed with the webhook's secret; the ping a
    new webhook sends (``webhook_id=<id>``) is answered 200."""
    connection, in_use = _connection(ShopConnection.Platform.WOOCOMMERCE)
    if connection is None:
        return _answer(404, "no WooCommerce shop is connected here")
    signature = request.headers.get("X-WC-Webhook-Signature", "")
    if not signature and request.body.startswith(b"webhook_id="):
        return _answer(200, "ping received: the webhook is set up")
    if not signature_valid(secret=_secret(connection), body=request.body, signature=signature):
        return _answer(401, "the signature does not match the webhook secret")
    source = request.headers.get("X-WC-Webhook-Source", "")
    if source and _host(source) != _host(connection.shop_url):
        return _answer(401, f"the shop {_host(source)} is not the connected shop")
    return _received(
        request,
        connection,
        in_use=in_use,
        delivery_id=request.headers.get("X-WC-Webhook-Delivery-ID", "").strip(),
        topic=request.headers.get("X-WC-Webhook-Topic", "").strip(),
    )
