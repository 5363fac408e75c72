"""A chat on the item page, kept up to date without a reload: the messages that came after
the last one the page shows, and whether the customer is typing (widget.typing)."""

from dataclasses import dataclass

from django.utils import timezone

from conversations.merge import thread_conversation_ids
from conversations.models import Conversation, Message
from desk.selectors.replies import messages_with_authors, messages_with_texts
from outbox.selectors import messages_with_deliveries
from tenants.current import schema_name_current
from tenants.models import Client
from widget.typing import customer_typing

# At most this many new messages in one answer (the page asks again for the rest).
NEWS_LIMIT = 50


@dataclass(frozen=True)
class ChatNews:
    conversation: Conversation
    messages: list[Message]
    customer_typing: bool


def chat_news_in_schema(
    *, client: Client, conversation_id: int, after: int, time_zone: str
) -> ChatNews | None:
    """The thread's messages with an id above ``after``, prepared as the thread shows them
    (authors, texts, deliveries), and the customer's typing (call inside the client's
    schema); None when the conversation is gone."""
    if schema_name_current() != client.schema_name:
        raise RuntimeError("chat_news_in_schema runs in the client's schema")
    conversation = Conversation.objects.select_related("customer").filter(pk=conversation_id)
    found = conversation.first()
    if found is None:
        return None
    messages = list(
        Message.objects.filter(
            conversation_id__in=thread_conversation_ids(conversation_id=found.pk), pk__gt=after
        )
        .defer("raw")
        .prefetch_related("attachments")
        .order_by("id")[:NEWS_LIMIT]
    )
    messages = messages_with_deliveries(client=client, messages=messages)
    messages_with_authors(conversation=found, messages=messages)
    messages_with_texts(messages=messages, time_zone=time_zone)
    return ChatNews(
        conversation=found,
        messages=messages,
        customer_typing=customer_typing(conversation_id=found.pk, now=timezone.now()),
    )
