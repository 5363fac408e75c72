"""The desk's spam list: one client's spam conversations, read in its schema (call inside
``schema_context``), with who marked them (users from public, one query)."""

from dataclasses import dataclass
from datetime import datetime

from django.core.paginator import Page, Paginator

from accounts.models import User
from conversations.models import Conversation
from customers.models import BlockedSender

SPAM_PAGE_SIZE = 50


@dataclass(frozen=True)
class SpamRow:
    conversation: Conversation
    # None: filed as spam at intake (its sender was blocked), or a former user.
    marked_by: User | None
    marked_at: datetime | None
    blocked: bool  # its sender is blocked now


def spam_page_in_schema(*, page: int) -> tuple[Page[Conversation], list[SpamRow]]:
    """One page of the client's spam, newest first (the index ``conversation_spam``): the
    conversation, its customer, who marked it and whether its sender is still blocked."""
    spam = (
        Conversation.objects.filter(spam=True)
        .select_related("customer")
        .order_by("-spam_at", "-id")
    )
    shown = Paginator(spam, SPAM_PAGE_SIZE).get_page(page)
    conversations: list[Conversation] = list(shown.object_list)
    users = User.objects.in_bulk({c.spam_by_id for c in conversations if c.spam_by_id})
    addresses = {
        a.lower() for c in conversations for a in (c.customer.email, c.customer.phone) if a
    }
    blocked = set(
        BlockedSender.objects.filter(address__in=addresses).values_list("address", flat=True)
    )
    rows = [
        SpamRow(
            conversation=c,
            marked_by=users.get(c.spam_by_id or 0),
            marked_at=c.spam_at,
            blocked=bool({c.customer.email.lower(), c.customer.phone} & blocked),
        )
        for c in conversations
    ]
    return shown, rows
