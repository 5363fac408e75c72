"""Writes on a client's customers. Callers are already in the client's schema."""

from django.db import transaction
from django.utils import timezone

from customers.models import Customer
from customers.registry import ERASERS


@transaction.atomic
def customer_erase(*, customer_id: int) -> Customer:
    """Erase a customer's personal data (GDPR art. 17); the row stays for statistics.

    Everywhere: every room that keeps the customer's data registered an eraser
    (``customers.registry``). Idempotent: erasing an erased customer changes nothing.
    """
    customer = Customer.objects.select_for_update().get(pk=customer_id)
    if customer.erased_at is None:
        # Conversations, the outbox's rows, the queue's summaries and the calls.
        for eraser in ERASERS:
            eraser(customer=customer)
        customer.name = ""
        customer.email = ""
        customer.phone = ""
        customer.shop_reference = ""
        customer.erased_at = timezone.now()
        customer.save()
    return customer
