"""Reads for the client portal (the request's client schema)."""

from django.db.models import Exists, OuterRef, Q, QuerySet

from content.selectors import category_codes_named
from conversations.merge import thread_conversation_ids
from conversations.models import Attachment, Conversation, Message
from telephony.voice.models import Call


def conversation_search(*, query: str = "", channel: str = "") -> QuerySet[Conversation]:
    """The client's conversations, newest first, matching words in the subject, category
    (its code or its name in any language), customer or the messages the customer and the
    agents wrote (internal notes excluded). Accents and case are ignored (PostgreSQL's
    unaccent): "sedacky" finds "sedačky"."""
    conversations = Conversation.objects.select_related("customer").order_by("-created_at", "-id")
    if channel:
        conversations = conversations.filter(channel=channel)
    for word in query.split()[:6]:
        in_messages = Message.objects.filter(
            conversation=OuterRef("pk"), body_text__unaccent__icontains=word
        ).exclude(direction=Message.Direction.NOTE)
        conversations = conversations.filter(
            Q(subject__unaccent__icontains=word)
            | Q(category__unaccent__icontains=word)
            | Q(category__in=category_codes_named(word=word))
            | Q(customer__name__unaccent__icontains=word)
            | Q(customer__email__icontains=word)
            | Q(customer__phone__icontains=word)
            | Exists(in_messages)
        )
    return conversations


def conversation_messages_for_client(*, conversation: Conversation) -> QuerySet[Message]:
    """What the client may read of a conversation: the customer's and the agents' messages,
    not the agency's internal notes; their files read in one more query."""
    return (
        # With the messages of the conversations merged into it, as on the desk.
        Message.objects.filter(
            conversation_id__in=thread_conversation_ids(conversation_id=conversation.pk)
        )
        .exclude(direction=Message.Direction.NOTE)
        .order_by("created_at", "id")
        .prefetch_related("attachments")
    )


def attachment_for_client(*, conversation_id: int, attachment_id: int) -> Attachment | None:
    """A file of a message the client may read (never of an internal note)."""
    return (
        Attachment.objects.filter(
            pk=attachment_id,
            message__conversation_id__in=thread_conversation_ids(conversation_id=conversation_id),
        )
        .exclude(message__direction=Message.Direction.NOTE)
        .first()
    )


def call_search(*, number: str = "", outcome: str = "") -> QuerySet[Call]:
    """The client's calls, newest first: a part of the caller's number (spaces, dashes and
    brackets ignored) and words with letters matching the caller's name or the call's
    topic (its code or its name in any language; accents and case ignored); and an outcome
    narrow them."""
    calls = Call.objects.select_related("customer").order_by("-ringing_at", "-id")
    if outcome:
        calls = calls.filter(outcome=outcome)
    words = [word for word in number.split() if any(ch.isalpha() for ch in word)][:6]
    for word in words:
        calls = calls.filter(
            Q(customer__name__unaccent__icontains=word)
            | Q(topic__unaccent__icontains=word)
            | Q(topic__in=category_codes_named(word=word))
        )
    # The rest is a number ("+420 777 Novák": the number and the name both narrow).
    rest = " ".join(word for word in number.split() if not any(ch.isalpha() for ch in word))
    digits = "".join(ch for ch in rest if ch.isdigit() or ch == "+")
    if digits:
        calls = calls.filter(from_number__contains=digits)
    return calls
