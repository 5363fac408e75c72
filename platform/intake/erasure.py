"""A customer's mail as intake received it (their part of ``customers.services.customer_erase``):
a receipt keeps the raw mail until it is filed, and for a refused one until the purge; both
may be the customer's. Their bytes and reasons go; the receipt's size, hash and times stay."""

from django.db.models import Q
from django.db.models.expressions import RawSQL

from customers.models import Customer
from intake.models import InboundReceipt
from tenants.current import schema_name_current


def receipts_erase_for_customer(*, customer: Customer) -> int:
    """Drop the raw mail of the customer's receipts: those filed into their conversations,
    and those still holding a mail that names their address (refused, or not filed yet).
    Returns how many receipts changed (registered eraser)."""
    receipts = InboundReceipt.objects.filter(client__schema_name=schema_name_current())
    mine = Q(conversation_id__in=list(customer.conversations.values_list("pk", flat=True)))
    addresses = {address for address in (customer.email, customer.email.lower()) if address}
    for address in addresses:
        # The raw bytes hold the address as the sender wrote it (in From:); position() on
        # bytea is PostgreSQL's byte search.
        hit = RawSQL("position(%s::bytea in raw)", (address.encode(),))
        ids = receipts.filter(raw__isnull=False).annotate(hit=hit).filter(hit__gt=0)
        mine |= Q(pk__in=ids.values("pk"))
    return receipts.filter(mine).exclude(raw__isnull=True, reason="").update(raw=None, reason="")
