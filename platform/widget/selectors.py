"""Reads for the widget (current client schema): the client's widget settings, the language a
visitor is served in, the client's hours as the widget says them, and a chat as the customer
sees it."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from babel.dates import format_skeleton, format_time
from django.db import models
from django.utils import timezone

from accounts.models import User
from conversations.models import Attachment, Conversation, Message
from core.locales import babel_locale
from hours.calendar import BusinessCalendar
from hours.selectors import client_calendar, sla_promise_for
from orders.connectors import Order, OrderQuery
from orders.selectors import orders_lookup
from orders.statuses import order_status_labels
from tenants.models import Client
from widget.models import ChatSession, WidgetSettings


def widget_settings() -> WidgetSettings:
    """The client's widget settings (an unsaved, switched-off default before the first save)."""
    return WidgetSettings.objects.order_by("pk").first() or WidgetSettings()


def language_choose(*, client: Client, page: str = "", accept: str = "") -> str:
    """The page's language if the client serves it, else the first of the browser's it serves
    (``accept``: codes separated by commas, ``;q=`` ignored), else the client's default.
    A regional code ("de-AT") is served by its language ("de")."""
    for raw in [page, *accept.split(",")]:
        code = raw.split(";")[0].strip().lower().replace("_", "-")
        if not code:
            continue
        for candidate in (code, code.split("-")[0]):
            if candidate in client.languages:
                return candidate
    return client.default_language


def moment_text(moment: datetime | None, *, client: Client, language: str) -> str:
    """A moment as the widget says it: weekday, day, month and time, in the client's time zone
    and ``language`` ("" for None)."""
    if moment is None:
        return ""
    local, locale = moment.astimezone(client.tz), babel_locale(language)
    day = format_skeleton("MMMMEEEEd", local, locale=locale)
    return f"{day} {format_time(local, 'short', locale=locale)}"


def iso(moment: datetime | None) -> str | None:
    return moment.astimezone(UTC).isoformat() if moment else None


@dataclass(frozen=True)
class Opening:
    """The client's hours now, as the widget shows them."""

    open: bool
    opens_at: datetime | None  # closed: the next opening (None: none within a year)
    closes_at: datetime | None  # open: when the current open period ends
    answer_by: datetime | None  # the honest answer time of a message written now
    calendar: BusinessCalendar


# How far ahead the current open period's end is looked for: one open this long (24/7 hours)
# has no closing time to say.
CLOSING_HORIZON = timedelta(days=8)


def _closing(calendar: BusinessCalendar, now: datetime) -> datetime | None:
    """When the open period around ``now`` ends: periods that touch (one ends where the next
    starts: midnight in overnight or 24/7 hours) are one; None when it lasts past
    CLOSING_HORIZON."""
    horizon = now + CLOSING_HORIZON
    periods = calendar.open_periods(now, horizon)
    if not periods:
        return None
    end = periods[0][1]
    for start, period_end in periods[1:]:
        if start > end:
            break
        end = max(end, period_end)
    return None if end >= horizon else end


def opening_now(*, client: Client, language: str, now: datetime | None = None) -> Opening:
    """Open or closed now, for the client's main country and ``language`` (the hours a chat in
    that language is counted in), and when an answer to a message written now is due: by the
    chat promise when open, by the e-mail promise when closed (the widget is then a message
    form answered by e-mail)."""
    now = now or timezone.now()
    calendar = client_calendar(client, language=language)
    is_open = calendar.is_open(now)
    closes_at = opens_at = None
    if is_open:
        closes_at = _closing(calendar, now)
    else:
        opens_at = calendar.next_opening(now)
    promise = sla_promise_for(client, "chat" if is_open else "email")
    try:
        answer_by: datetime | None = calendar.add_business_hours(now, promise.first_response_hours)
    except ValueError:  # never open within a year: no honest time to promise
        answer_by = None
    return Opening(is_open, opens_at, closes_at, answer_by, calendar)


def chat_session_find(*, conversation_id: int, key: str) -> ChatSession | None:
    """The chat a token names, if its key is still the session's (a new key withdraws it)."""
    session = (
        ChatSession.objects.select_related("conversation")
        .filter(conversation_id=conversation_id)
        .first()
    )
    if session is None or not key or session.key != key:
        return None
    return session


def chat_conversation(session: ChatSession) -> Conversation:
    """The conversation the chat lives in: its own, or the one an agent merged it into
    (conversations.merge: one step, merges re-point their sources), where the customer's
    next message is filed and the agent answers."""
    conversation = session.conversation
    if conversation.merged_into_id is None:
        return conversation
    return Conversation.objects.get(pk=conversation.merged_into_id)


def chat_thread(session: ChatSession) -> models.Q:
    """The messages of the chat as its customer sees it (a filter of Message): the chat's
    own, and after a merge those of the conversation it was merged into written since the
    merge, never what that conversation held before (the chat's customer gave an address
    no one checked: the other thread may be someone else's words). Internal notes are the
    caller's to leave out."""
    conversation = session.conversation
    own = models.Q(conversation_id=conversation.pk)
    if conversation.merged_into_id is None or conversation.merged_at is None:
        return own
    # A later merge of the target re-points this chat at the new target: what was written
    # meanwhile on the conversations merged into that target since this chat's own merge
    # (the first target among them) stays in the chat.
    since = models.Q(created_at__gte=conversation.merged_at)
    return own | (
        since
        & (
            models.Q(conversation_id=conversation.merged_into_id)
            | models.Q(conversation__merged_into_id=conversation.merged_into_id)
        )
    )


def chat_status(session: ChatSession) -> str:
    """What the widget shows: "email" (a message left outside hours, answered by e-mail),
    "ended" (the customer ended it, or it was resolved or closed), else "open"; of the
    conversation the chat lives in (chat_conversation)."""
    conversation = chat_conversation(session)
    if conversation.channel == Conversation.Channel.EMAIL:
        return "email"
    settled = (Conversation.Status.RESOLVED, Conversation.Status.CLOSED)
    if session.ended_at is not None or conversation.status in settled:
        return "ended"
    return "open"


def attachment_url(*, token: str, attachment: Attachment) -> str:
    return f"/widget/v1/chats/{token}/attachments/{attachment.pk}"


def message_json(message: Message, *, token: str, authors: dict[int, str]) -> dict[str, Any]:
    customer = message.direction == Message.Direction.INBOUND
    return {
        "id": message.pk,
        "from": "customer" if customer else "agent",
        "author": "" if customer else authors.get(message.author_id or 0, ""),
        "text": message.body_text,
        "at": iso(message.created_at),
        "attachments": [
            {
                "name": attachment.filename,
                "url": attachment_url(token=token, attachment=attachment),
                "content_type": attachment.content_type,
            }
            for attachment in message.attachments.all()
        ],
    }


# Messages written this recently come again with every read, even with an id below
# ``after``: a reply whose transaction took its id first but committed after the customer's
# next message would otherwise never be fetched (the widget keeps each message once).
LATE_COMMIT = timedelta(seconds=60)


def chat_messages(
    *, session: ChatSession, token: str, after: int = 0, now: datetime | None = None
) -> list[dict[str, Any]]:
    """The chat's messages to and from the customer after message id ``after`` and those of
    the last LATE_COMMIT (never an internal note), oldest first; an agent's with their first
    name. After a merge, those of the conversation it lives in since (chat_thread)."""
    recent = models.Q(created_at__gte=(now or timezone.now()) - LATE_COMMIT)
    messages = list(
        Message.objects.filter(chat_thread(session))
        .filter(models.Q(pk__gt=after) | recent)
        .exclude(direction=Message.Direction.NOTE)
        .defer("raw", "body_html")
        .prefetch_related("attachments")
        .order_by("created_at", "id")
    )
    author_ids = {m.author_id for m in messages if m.author_id}
    authors = {
        user.pk: user.first_name or user.get_full_name() or user.username
        for user in User.objects.filter(pk__in=author_ids)
    }
    return [message_json(m, token=token, authors=authors) for m in messages]


def agent_typing(session: ChatSession, *, now: datetime | None = None) -> bool:
    until = session.agent_typing_until
    return until is not None and until > (now or timezone.now())


class ShopUnavailable(Exception):
    """The client's shop did not answer (the reason is the connector's)."""


class NoShop(Exception):
    """The client has no shop connection in use: no order status to give."""


def _plain_order_number(number: str) -> str:
    return number.strip().lstrip("#").strip().lower()


def order_of_customer(*, schema: str, number: str, email: str) -> Order | None:
    """The order ``number`` if it is one of the orders the shop has for ``email``, else None
    (an unknown number and another customer's order alike: the answer never tells them apart).
    Asked by the e-mail address only, so that the shop itself ties the order to it; the
    connectors bring the customer's newest orders (orders.connectors.ORDERS_SHOWN). Raises
    NoShop when the client has no shop connection, ShopUnavailable when the shop does not
    answer."""
    lookup = orders_lookup(schema=schema, query=OrderQuery(email=email.strip()))
    if lookup is None:
        raise NoShop()
    if lookup.error:
        raise ShopUnavailable(lookup.error)
    wanted = _plain_order_number(number)
    return next((o for o in lookup.orders if _plain_order_number(o.number) == wanted), None)


def order_status_json(order: Order) -> dict[str, Any]:
    """The order as the widget shows it, its status in the active language."""
    tracking = next((t for t in order.tracking if t.url or t.number), None)
    return {
        "order_number": order.number,
        "status": order.status,
        "status_text": " · ".join(
            order_status_labels(platform=order.platform, codes=order.statuses)
        ),
        "tracking_url": order.tracking_link,
        "carrier": tracking.company if tracking else "",
        # The connectors give the order's creation time; the shops say nothing of the
        # status's own time.
        "updated_at": None,
        "created_at": order.created_at,
    }


def widget_chats_since(start: datetime) -> int:
    """How many chats (and messages left outside hours) were started from the widget since
    ``start``."""
    return ChatSession.objects.filter(created_at__gte=start).count()


def chat_session_of(*, conversation_id: int) -> ChatSession | None:
    """The widget session a conversation was started from, if it was (current client
    schema): the desk shows the shop page the customer wrote from."""
    return (
        ChatSession.objects.filter(conversation_id=conversation_id)
        .only("conversation_id", "origin", "page_url", "created_at", "ended_at")
        .first()
    )
