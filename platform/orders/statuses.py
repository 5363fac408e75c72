"""An order's status in the agent's words: the shops' own codes (Shopify's
``displayFinancialStatus`` and ``displayFulfillmentStatus``, WooCommerce's order statuses,
the signed lookup URL's free text) mapped to translated labels. A code not known here is
shown as the shop gave it, so a new status of a platform still shows, in English."""

import re
from collections.abc import Iterable, Mapping

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# Shopify Admin GraphQL API: OrderDisplayFinancialStatus.
SHOPIFY_FINANCIAL: Mapping[str, Promise] = {
    "AUTHORIZED": _("Payment authorised"),
    "EXPIRED": _("Payment authorisation expired"),
    "PAID": _("Paid"),
    "PARTIALLY_PAID": _("Partly paid"),
    "PARTIALLY_REFUNDED": _("Partly refunded"),
    "PENDING": _("Payment pending"),
    "REFUNDED": _("Refunded"),
    "VOIDED": _("Payment cancelled"),
}

# Shopify Admin GraphQL API: OrderDisplayFulfillmentStatus.
SHOPIFY_FULFILLMENT: Mapping[str, Promise] = {
    "FULFILLED": _("Shipped"),
    "FULFILLMENT_NOT_REQUIRED": _("Nothing to ship"),
    "IN_PROGRESS": _("Being prepared"),
    "ON_HOLD": _("On hold"),
    "OPEN": _("Not shipped yet"),
    "PARTIALLY_FULFILLED": _("Partly shipped"),
    "PENDING_FULFILLMENT": _("Being prepared"),
    "REQUEST_DECLINED": _("Shipping request declined"),
    "RESTOCKED": _("Returned to stock"),
    "SCHEDULED": _("Shipping scheduled"),
    "UNFULFILLED": _("Not shipped yet"),
}

# WooCommerce REST API v3: an order's ``status``.
WOOCOMMERCE: Mapping[str, Promise] = {
    "pending": _("Payment pending"),
    "processing": _("Paid, being prepared"),
    "on-hold": _("On hold"),
    "completed": _("Order completed"),
    "cancelled": _("Cancelled"),
    "refunded": _("Refunded"),
    "failed": _("Payment failed"),
    "checkout-draft": _("Checkout not finished"),
}

# The signed lookup URL's free text (docs/how-to.md): WooCommerce's words and a shop's
# usual ones, compared in lower case with spaces and underscores as hyphens.
SIGNED: Mapping[str, Promise] = {
    **WOOCOMMERCE,
    "paid": _("Paid"),
    "unpaid": _("Payment pending"),
    "shipped": _("Shipped"),
    "partially-shipped": _("Partly shipped"),
    "in-transit": _("In transit"),
    "out-for-delivery": _("Out for delivery"),
    "delivered": _("Delivered"),
    "delayed": _("Delayed"),
    "returned": _("Returned"),
    "canceled": _("Cancelled"),
    "partially-refunded": _("Partly refunded"),
}

_SEPARATORS = re.compile(r"[\s_]+")


def _signed_key(code: str) -> str:
    return _SEPARATORS.sub("-", code.strip().lower())


def order_status_label(*, platform: str, code: str) -> str:
    """One code in the reader's language (the active one); the code itself when unknown."""
    if platform == "shopify":
        label = SHOPIFY_FINANCIAL.get(code) or SHOPIFY_FULFILLMENT.get(code)
    elif platform == "woocommerce":
        label = WOOCOMMERCE.get(code.strip().lower())
    else:
        label = SIGNED.get(_signed_key(code))
    return str(label) if label is not None else code


def order_status_labels(*, platform: str, codes: Iterable[str]) -> list[str]:
    """Each code in the reader's language, a label said twice shown once ("Refunded")."""
    labels: list[str] = []
    for code in codes:
        label = order_status_label(platform=platform, code=code)
        if label not in labels:
            labels.append(label)
    return labels
