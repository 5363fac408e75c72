"""Reads on a client's customers (current schema)."""

from django.db.models import Q, QuerySet

from customers.models import BlockedSender, Customer


def customer_search(*, query: str = "") -> QuerySet[Customer]:
    """The client's customers whose name (accents and case ignored: "zluto" finds
    "Žluťoučký"), e-mail or phone holds `query`."""
    customers = Customer.objects.all()
    if query:
        customers = customers.filter(
            Q(name__unaccent__icontains=query)
            | Q(email__icontains=query)
            | Q(phone__icontains=query)
        )
    return customers


def sender_is_blocked(*, address: str) -> bool:
    """Messages from this address go straight to spam for this client (current schema)."""
    return bool(address) and BlockedSender.objects.filter(address=address).exists()
