"""Reads on a client's customers (current schema)."""

from django.db.models import Q, QuerySet

from customers.models import BlockedSender, Customer


def customer_search(*, query: str = "") -> QuerySet[Customer]:
    """The client's customers whose name (accents and case ignored: "zluto" finds
    "Žluťoučký"), e-mail or phone holds `query`; a customer merged into another is no
    longer one (its identities are the target's)."""
    customers = Customer.objects.filter(merged_into__isnull=True)
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


def customer_current(*, customer: Customer) -> Customer:
    """The customer itself, or the one it was merged into (one step: a merge re-points the
    tombstones merged into its source, so no chain forms)."""
    if customer.merged_into_id is None:
        return customer
    return Customer.objects.get(pk=customer.merged_into_id)


def identity_of(*, email: str = "", phone: str = "", path: str = "") -> Q:
    """A filter for rows whose customer (reached by ``path``, e.g. "conversation__customer";
    "" for customers themselves) has this e-mail (case ignored) or phone, as their own or as
    the identity of a customer merged into them."""
    prefix = f"{path}__" if path else ""
    field, value = ("email__iexact", email) if email else ("phone", phone)
    return Q(**{f"{prefix}{field}": value}) | Q(**{f"{prefix}merged_customers__{field}": value})
