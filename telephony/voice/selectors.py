"""Reads of calls (the client's schema)."""

from dataclasses import dataclass

from conversations.models import Conversation
from customers.models import Customer
from customers.selectors import customer_current
from telephony.voice.models import Call


@dataclass(frozen=True)
class CallerHistory:
    """What an agent sees when a call rings ("screen pop")."""

    call: Call
    customer: Customer | None
    earlier_calls: list[Call]
    conversations: list[Conversation]


def caller_history(*, call_id: int, limit: int = 10) -> CallerHistory | None:
    """A ringing call's caller: the customer (by number), their earlier calls and recent
    conversations on every channel, newest first. Runs in the call's client schema."""
    call = Call.objects.select_related("customer").filter(pk=call_id).first()
    if call is None:
        return None
    customer, earlier = call.customer, []
    if call.from_number:  # a withheld or erased number recognises nobody
        known = Customer.objects.filter(phone=call.from_number, erased_at__isnull=True).first()
        # A merged customer's number is the target's other identity.
        customer = customer or (known and customer_current(customer=known))
        earlier = list(
            Call.objects.filter(
                from_number=call.from_number, ringing_at__lt=call.ringing_at
            ).order_by("-ringing_at")[:limit]
        )
    conversations = (
        list(Conversation.objects.filter(customer=customer).order_by("-created_at")[:limit])
        if customer
        else []
    )
    return CallerHistory(call, customer, earlier, conversations)
