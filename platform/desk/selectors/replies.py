"""The item page's thread and reply box: who wrote each message, the canned replies with
their placeholders filled for this agent, and the signature that will be added (call
inside the client's schema, except where a name ends in ``_public``)."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from accounts.models import User
from content.placeholders import placeholders_fill, placeholders_in
from conversations.models import Conversation, Message
from conversations.replies import reply_values, signature_text
from desk.templatetags.desk_replies import before_signature
from languages.cleaning import own_words
from languages.templatetags.polydesk_format import local_datetime
from orders.connectors import OrderQuery
from orders.models import ShopConnection
from orders.selectors import order_values, orders_cached
from tenants.models import Client


def author_names_public(user_ids: Iterable[int]) -> dict[int, str]:
    """The full name (else user name) of each of these users, in one query also when there
    are none (the item page's query count stays the same whatever its thread holds)."""
    ids = list(set(user_ids)) or [0]
    users = User.objects.filter(pk__in=ids).only("username", "first_name", "last_name")
    return {user.pk: user.get_full_name() or user.username for user in users}


def messages_with_authors(
    *, conversation: Conversation, messages: Sequence[Message]
) -> Sequence[Message]:
    """``messages`` with ``.author_label`` (who wrote it, as the thread says it) and
    ``.author_kind`` ("customer", "agent", "automatic") set; the agents' names in one query."""
    names = author_names_public(m.author_id for m in messages if m.author_id)
    customer = conversation.customer
    customer_label = customer.name or customer.email or customer.phone or _("Customer")
    for message in messages:
        kind, label = _author(message, names, customer_label)
        message.author_kind, message.author_label = kind, label  # type: ignore[attr-defined]
    return messages


def messages_with_texts(*, messages: Sequence[Message], time_zone: str) -> Sequence[Message]:
    """``messages`` with what the thread shows at first (``.shown``: the customer's own words,
    an agent's text or a forward above its signature or copy), whether the whole text is one
    click away (``.cut``) and when it was written in the agent's time zone (``.when``): once
    here, not as filters in the page's loop (a thread of 200 messages spent a fifth of its
    time calling them, benchmarks/desk_item.py). Needs ``.delivery`` (outbox.selectors)."""
    for message in messages:
        body = message.body_text
        delivery = getattr(message, "delivery", None)
        if message.direction == Message.Direction.INBOUND:
            shown = own_words(body)
        elif message.direction == Message.Direction.OUTBOUND or (delivery and delivery.recipient):
            shown = before_signature(body)
        else:
            shown = body
        message.shown, message.cut = shown, len(shown) < len(body)  # type: ignore[attr-defined]
        message.when = local_datetime(message.created_at, time_zone)  # type: ignore[attr-defined]
    return messages


def _author(message: Message, names: dict[int, str], customer: str) -> tuple[str, str]:
    if message.direction == Message.Direction.INBOUND:
        if message.automatic:
            return "automatic", _("Automatic reply or bounce")
        return "customer", customer
    if message.author_id is None:
        return "automatic", _("Automatic")
    return "agent", names.get(message.author_id, _("A former user"))


@dataclass(frozen=True)
class ReadyReply:
    """A canned reply as "Use" puts it in the box: filled, and what is still to fill."""

    key: str
    title: str
    text: str
    left: list[str]  # placeholders nobody knows: highlighted, and sending refused
    language: str
    fallback: bool


@dataclass(frozen=True)
class ReplyBox:
    replies: list[ReadyReply]
    order_numbers: list[str]  # several: the agent chooses (the box lists them)
    signature: str  # added to the reply when it is sent ("" for none)


def reply_box_in_schema(
    *,
    client: Client,
    conversation: Conversation,
    agent: User,
    replies: Sequence[Any],
    shop: ShopConnection | None = None,
) -> ReplyBox:
    """The canned replies (``content.selectors.CannedReplyView``) filled for ``agent``
    answering ``conversation``, and the signature their reply will carry."""
    known = reply_values(client=client, conversation=conversation, agent=agent)
    # The shop's answer, when the orders panel fetched it lately (never a call to the shop
    # here: the page must not wait for it; desk.js fills the boxes when the panel arrives).
    customer = conversation.customer
    query = OrderQuery(
        email=customer.email, phone=customer.phone, numbers=tuple(known.order_numbers[:3])
    )
    lookup = orders_cached(schema=client.schema_name, connection=shop, query=query)
    values = {**known.values, **order_values(lookup=lookup, numbers=known.order_numbers)}
    ready = []
    for reply in replies:
        if reply.body is None:
            continue
        text = placeholders_fill(reply.body.text, values)
        ready.append(
            ReadyReply(
                key=reply.key,
                title=reply.title.text if reply.title else reply.key,
                text=text,
                left=placeholders_in(text),
                language=reply.body.language,
                fallback=reply.body.fallback,
            )
        )
    signature = signature_text(
        client=client, channel=conversation.channel, language=conversation.language, agent=agent
    )
    return ReplyBox(ready, known.order_numbers, signature)
