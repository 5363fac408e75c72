"""The order panel's labels (orders.statuses) for templates."""

from django import template

from orders.connectors import Order
from orders.statuses import order_status_labels

register = template.Library()


@register.filter
def order_status(order: Order) -> str:
    """The order's status in the reader's language: "Paid · Shipped"."""
    return " · ".join(order_status_labels(platform=order.platform, codes=order.statuses))
