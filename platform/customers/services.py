"""Writes on a client's customers. Callers are already in the client's schema."""

from django.db import transaction
from django.utils import timezone

from customers.models import Customer


@transaction.atomic
def customer_erase(*, customer_id: int) -> Customer:
    """Erase a customer's personal data (GDPR art. 17); the row stays for statistics.

    Idempotent: erasing an erased customer changes nothing.
    """
    customer = Customer.objects.select_for_update().get(pk=customer_id)
    if customer.erased_at is None:
        from telephony.voice.services import calls_erase_for_number

        # Their calls keep their statistics but lose the number and the recordings.
        calls_erase_for_number(phone=customer.phone)
        customer.name = ""
        customer.email = ""
        customer.phone = ""
        customer.shop_reference = ""
        customer.erased_at = timezone.now()
        customer.save()
    return customer
