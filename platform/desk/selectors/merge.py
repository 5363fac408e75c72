"""What the desk offers to merge: a conversation's merge targets and a customer's, read in
the client's schema (call inside ``schema_context``)."""

from django.db.models import Count, QuerySet

from conversations.merge import SETTLED
from conversations.models import Conversation
from customers.models import Customer
from customers.selectors import customer_search

CANDIDATES_LIMIT = 20


def merge_targets_in_schema(*, conversation: Conversation) -> list[Conversation]:
    """The same customer's other conversations that ``conversation`` could be merged into,
    newest first: not merged away, not a call's, and (while it waits for an answer) not
    settled. A conversation of another customer is named by its number instead."""
    targets = (
        Conversation.objects.filter(customer_id=conversation.customer_id, merged_into__isnull=True)
        .exclude(pk=conversation.pk)
        .exclude(channel=Conversation.Channel.CALL)
        .annotate(message_count=Count("messages"))
        .order_by("-created_at", "-id")
    )
    if conversation.status not in SETTLED:
        targets = targets.exclude(status__in=SETTLED)
    return list(targets[:CANDIDATES_LIMIT])


def conversation_by_number_in_schema(*, number: int) -> Conversation | None:
    """The client's conversation #``number`` (with its customer), if there is one."""
    return Conversation.objects.select_related("customer").filter(pk=number).first()


def customer_merge_targets_in_schema(*, customer: Customer, query: str) -> list[Customer]:
    """The client's other customers whose name, e-mail or phone holds ``query`` (accents and
    case ignored), not merged away nor erased; none for an empty query."""
    if not query.strip():
        return []
    found: QuerySet[Customer] = (
        customer_search(query=query.strip())
        .filter(merged_into__isnull=True, erased_at__isnull=True)
        .exclude(pk=customer.pk)
        .annotate(conversation_count=Count("conversations"))
        .order_by("name", "id")
    )
    return list(found[:CANDIDATES_LIMIT])


def customer_page_in_schema(*, customer_id: int) -> Customer | None:
    """The customer with the customers merged into them (their other identities)."""
    return Customer.objects.filter(pk=customer_id).prefetch_related("merged_customers").first()


def customer_conversations_in_schema(*, customer: Customer) -> list[Conversation]:
    """The customer's conversations, newest first, with their message counts."""
    return list(
        Conversation.objects.filter(customer=customer)
        .annotate(message_count=Count("messages"))
        .order_by("-created_at", "-id")[:100]
    )
