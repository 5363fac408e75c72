"""The customer's orders for the desk (current client schema): asked of the client's shop
with its timeout, kept in Django's cache for a short while, so a slow or broken shop costs
the desk at most one timeout per customer and cache period, and never an error page."""

import hashlib
import logging
from dataclasses import dataclass, field

from django.core.cache import cache

from conversations.models import Conversation
from conversations.replies import order_numbers_found, reply_settings
from customers.models import Customer
from orders.connectors import (
    Order,
    OrderQuery,
    ShopError,
    shopify_orders,
    signed_lookup_orders,
    woocommerce_orders,
)
from orders.credentials import credentials_decrypt
from orders.models import ShopConnection

# How long an answer is kept: found orders change slowly; a failure is asked again sooner.
ORDERS_CACHE_SECONDS = 120
FAILURE_CACHE_SECONDS = 30

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class OrderLookup:
    """What the shop said: its orders, or why it did not answer (``error``)."""

    orders: list[Order] = field(default_factory=list)
    error: str = ""


def shop_connection() -> ShopConnection | None:
    """The client's enabled shop connection, if it has one."""
    return ShopConnection.objects.filter(enabled=True).order_by("pk").first()


def _cache_key(*, schema: str, connection: ShopConnection, query: OrderQuery) -> str:
    who = "\n".join([query.email.lower(), query.phone, str(query.by_phone), *query.numbers])
    digest = hashlib.sha256(who.encode()).hexdigest()[:32]
    version = connection.updated_at.timestamp() if connection.updated_at else 0
    return f"orders:v2:{schema}:{connection.pk}:{version}:{digest}"


def orders_ask(*, connection: ShopConnection, query: OrderQuery) -> list[Order]:
    """The shop's answer now (no cache); ShopError, or ValueError for credentials that
    cannot be read with the current key."""
    credentials = credentials_decrypt(connection.credentials_encrypted)
    timeout = float(connection.timeout_seconds)
    if connection.platform == ShopConnection.Platform.SHOPIFY:
        return shopify_orders(
            shop_url=connection.shop_url,
            api_version=connection.api_version,
            credentials=credentials,
            query=query,
            timeout=timeout,
        )
    if connection.platform == ShopConnection.Platform.WOOCOMMERCE:
        return woocommerce_orders(
            shop_url=connection.shop_url, credentials=credentials, query=query, timeout=timeout
        )
    return signed_lookup_orders(
        shop_url=connection.shop_url, credentials=credentials, query=query, timeout=timeout
    )


def orders_cached(
    *, schema: str, connection: ShopConnection | None, query: OrderQuery
) -> OrderLookup | None:
    """The answer already in the cache (no call to the shop); None when not asked lately or
    the client has no shop."""
    if connection is None or not query:
        return None
    cached = cache.get(_cache_key(schema=schema, connection=connection, query=query))
    return cached if isinstance(cached, OrderLookup) else None


def orders_lookup(*, schema: str, query: OrderQuery) -> OrderLookup | None:
    """The customer's orders from the client's shop (cached); None when the client has no
    shop or nothing is known to ask by. A failure is an ``OrderLookup`` with its reason."""
    connection = shop_connection()
    if connection is None or not query:
        return None
    key = _cache_key(schema=schema, connection=connection, query=query)
    cached = cache.get(key)
    if isinstance(cached, OrderLookup):
        return cached
    try:
        lookup = OrderLookup(orders=orders_ask(connection=connection, query=query))
    except (ShopError, ValueError) as error:
        logger.warning("shop %s did not answer: %s", connection.pk, error)
        lookup = OrderLookup(error=str(error))
    cache.set(key, lookup, FAILURE_CACHE_SECONDS if lookup.error else ORDERS_CACHE_SECONDS)
    return lookup


def order_query_for(*, conversation: Conversation) -> OrderQuery:
    """What the customer of ``conversation`` (its customer loaded) is known by: e-mail,
    phone and the order numbers the client's pattern finds in the conversation."""
    customer = conversation.customer
    numbers = order_numbers_found(
        conversation=conversation, pattern=reply_settings().order_number_pattern
    )
    return OrderQuery(
        email=customer.email or "", phone=customer.phone or "", numbers=tuple(numbers[:3])
    )


def order_query_for_caller(*, phone: str, customer: Customer | None) -> OrderQuery:
    """What a caller is known by: the number that calls (else the known customer's phone)
    and, when the caller is a known customer, their e-mail."""
    return OrderQuery(
        email=(customer.email or "") if customer else "",
        phone=phone or ((customer.phone or "") if customer else ""),
        by_phone=True,
    )


def _plain_number(number: str) -> str:
    return number.strip().lstrip("#").lower()


def order_values(*, lookup: OrderLookup | None, numbers: list[str]) -> dict[str, str]:
    """What ``{order_number}`` and ``{tracking_link}`` are filled with from the shop's
    answer: the order whose number the conversation names (one number found), else the
    customer's only order; {} when the shop found none or several without a named one."""
    if lookup is None or not lookup.orders:
        return {}
    if len(numbers) == 1:
        named = [o for o in lookup.orders if _plain_number(o.number) == _plain_number(numbers[0])]
        order = named[0] if named else None
    else:
        order = lookup.orders[0] if len(lookup.orders) == 1 and not numbers else None
    if order is None:
        return {}
    values = {"order_number": numbers[0] if numbers else order.number}
    if order.tracking_link:
        values["tracking_link"] = order.tracking_link
    return values
