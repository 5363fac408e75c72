"""A customer's calls erased (their part of ``customers.services.customer_erase``): the calls
keep their statistics but lose the number, the recordings (deleted at Twilio too), the
agent's after-call note and the queue's summaries."""

from django.db.models import Q

from customers.models import Customer
from routing.services import work_summaries_erase
from telephony.voice.models import Call
from telephony.voice.services.erasure import calls_erase
from tenants.current import schema_name_current


def calls_erase_for_customer(*, customer: Customer) -> None:
    """Erase the customer's calls: those from their number, and those filed under them
    (registered eraser)."""
    calls = Call.objects.filter(customer=customer)
    if customer.phone:
        calls = Call.objects.filter(Q(customer=customer) | Q(from_number=customer.phone))
    call_ids = calls_erase(call_ids=list(calls.values_list("pk", flat=True)))
    work_summaries_erase(schema_name=schema_name_current(), source_kind="call", source_ids=call_ids)


def calls_move_to_customer(*, source: Customer, target: Customer) -> None:
    """A customer merge: the source's calls become the target's (registered mover)."""
    Call.objects.filter(customer=source).update(customer=target)
