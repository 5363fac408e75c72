"""One conversation as the agent sees it, read in its client's schema (call inside
``schema_context``), and the colleagues an item may be transferred to (public)."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, cast

from django.db.models import Count, Subquery, Window
from django.utils import timezone

from accounts.models import User
from accounts.selectors import serves_client
from content.models import FaqArticle
from content.selectors import canned_replies_in_language, translation_for
from conversations.merge import thread_conversation_ids
from conversations.models import Conversation, Message
from hours.selectors import client_calendar
from order_updates.selectors import order_update_opening
from routing.models import AgentState
from tenants.current import schema_name_current
from tenants.models import Client

if TYPE_CHECKING:
    from content.selectors import Translated
    from routing.models import WorkItem


@dataclass(frozen=True)
class FaqView:
    slug: str
    question: "Translated | None"
    answer: "Translated"


def faq_in_language(language: str) -> list[FaqView]:
    """Published FAQ articles in ``language`` or its fallback (marked), current schema."""
    articles = []
    for article in FaqArticle.objects.filter(published=True):
        answer = translation_for(article, "answer", language)
        if answer is not None:
            question = translation_for(article, "question", language)
            articles.append(FaqView(article.slug, question, answer))
    return articles


@dataclass(frozen=True)
class ClientClock:
    local_time: datetime
    open_now: bool
    next_opening: datetime | None  # when closed: the next opening, local time


def client_clock(
    client: Client, *, country: str, language: str, now: datetime | None = None
) -> ClientClock:
    """The client's local time and whether it is open now for this country and language."""
    now = now or timezone.now()
    calendar = client_calendar(client, country=country, language=language)
    is_open = calendar.is_open(now)
    return ClientClock(
        local_time=timezone.localtime(now, client.tz),
        open_now=is_open,
        next_opening=None if is_open else calendar.next_opening(now),
    )


HISTORY_LIMIT = 20


@dataclass(frozen=True)
class ConversationView:
    conversation: "Conversation"
    messages: list["Message"]
    history: Sequence["Conversation"]  # the customer's conversations in this client, newest first
    more_history: int
    replies: list[Any]
    faq: list[FaqView]
    clock: ClientClock
    # Messages older than those in ``messages`` (``newest``: the thread shows its newest).
    older_messages: int = 0


def conversation_view_in_schema(
    *, client: Client, conversation_id: int, newest: int | None = None
) -> ConversationView | None:
    """Everything the agent needs about one conversation (call inside the client's schema);
    ``newest``: only that many of the newest messages, and how many older ones there are."""
    if schema_name_current() != client.schema_name:
        raise RuntimeError("conversation_view_in_schema runs in the client's schema")
    conversation = (
        Conversation.objects.select_related("customer").filter(pk=conversation_id).first()
    )
    if conversation is None:
        return None
    # The newest conversations with how many there are in all, in one statement (a window
    # over the grouped rows), so that a long history costs no second query.
    # A proactive one says which order update it was ("Order update: shipped, order 1001").
    opening = order_update_opening()
    earlier = (
        Conversation.objects.filter(customer_id=conversation.customer_id)
        .annotate(
            message_count=Count("messages"),
            in_all=Window(Count("id")),
            order_update_kind=Subquery(opening.values("kind")[:1]),
            order_update_number=Subquery(opening.values("order_number")[:1]),
        )
        .order_by("-created_at", "-id")
    )
    history = list(earlier[:HISTORY_LIMIT])
    more_history = history[0].in_all - len(history) if history else 0
    # Every message's files in one more query, however many messages carry them; the
    # originals (up to 25 MB each) stay in the database: the page links to them. With the
    # messages of the conversations merged into it (each marked with its conversation's
    # number on the page); the newest ``newest`` with how many there are in all (a window,
    # as for the history), shown in time order.
    thread = (
        Message.objects.filter(
            conversation_id__in=thread_conversation_ids(conversation_id=conversation.pk)
        )
        .defer("raw")
        .prefetch_related("attachments")
        .annotate(in_thread=Window(Count("id")))
        .order_by("-created_at", "-id")
    )
    shown = list(thread[:newest] if newest is not None else thread)
    older = shown[0].in_thread - len(shown) if shown else 0
    # Annotated rows are Messages: the window's count is read above, not by the page.
    messages = cast(list[Message], shown[::-1])
    return ConversationView(
        conversation=conversation,
        messages=messages,
        older_messages=older,
        history=history,
        more_history=more_history,
        replies=canned_replies_in_language(conversation.language),
        faq=faq_in_language(conversation.language),
        clock=client_clock(
            client, country=conversation.customer.country, language=conversation.language
        ),
    )


def transfer_candidates_public(item: "WorkItem") -> list[User]:
    """Agents who could take ``item`` from its holder: they serve its client, answer in
    its language (native or fluent) and are not offline; available ones first."""
    return list(
        User.objects.filter(
            serves_client(item.client_id),
            is_active=True,
            skills__language_id=item.language,
            skills__proficiency__in=["native", "fluent"],
            desk_state__presence__in=[p for p in AgentState.Presence.values if p != "offline"],
        )
        .exclude(pk=item.agent_id or 0)
        .select_related("desk_state")
        .order_by("desk_state__presence", "username")
        .distinct()
    )
