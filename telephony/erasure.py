"""A customer's calls erased (their part of ``customers.services.customer_erase``): the calls
keep their statistics but lose the number and the recordings, and the queue's summaries."""

from customers.models import Customer
from routing.services import work_summaries_erase
from telephony.voice.models import Call
from telephony.voice.services.erasure import calls_erase_for_number
from tenants.current import schema_name_current


def calls_erase_for_customer(*, customer: Customer) -> None:
    """Erase the calls from the customer's number (registered eraser)."""
    if not customer.phone:
        return
    call_ids = list(Call.objects.filter(from_number=customer.phone).values_list("pk", flat=True))
    calls_erase_for_number(phone=customer.phone)
    work_summaries_erase(schema_name=schema_name_current(), source_kind="call", source_ids=call_ids)


def calls_move_to_customer(*, source: Customer, target: Customer) -> None:
    """A customer merge: the source's calls become the target's (registered mover)."""
    Call.objects.filter(customer=source).update(customer=target)
