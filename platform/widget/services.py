"""Writes of the widget (current client schema): a chat started from the shop's site, the
customer's messages, typing, rating, transcript and end; the agent's side reaches the widget
through the outbox's ON_SENT hook and the events registry (widget.registrations).

Every change the customer's widget must fetch calls ``widget.signals.chat_signal`` in the
transaction that makes it, so the live process hears of it when it commits."""

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import models, transaction
from django.http import HttpRequest
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import User
from audit.models import AuditEvent
from audit.services import audit_record
from conversations.acknowledgements import conversation_acknowledge
from conversations.attachments import IncomingFile
from conversations.email_out import outbound_email_queue
from conversations.models import Conversation, Message
from conversations.services import conversation_customer_message, conversation_open_inbound
from customers.models import Customer
from helpcenter.models import SelfServiceAnswer
from helpcenter.services import self_service_chat_started, self_service_record
from outbox.models import Delivery
from outbox.services import delivery_withdraw
from retention.selectors import conversations_expired
from surveys.models import Survey
from surveys.services import survey_comment, survey_rate
from tenants.models import Client
from widget.models import ChatSession, WidgetSettings
from widget.selectors import Opening, chat_conversation, chat_thread, moment_text, opening_now
from widget.signals import chat_signal
from widget.tokens import session_key_new

MAX_TEXT = 5000
MAX_NAME = 200
MAX_ORDER_NUMBER = 64
# How long the customer's "typing" lasts without a new one.
TYPING = timedelta(seconds=6)
# An agent's chat reply the customer's widget has not fetched this long after it was sent
# goes to them by e-mail as well, when they gave an address: closing the shop's page loses
# them no answer.
UNREAD_COPY_AFTER = timedelta(minutes=3)
# Transcripts of one chat, to whatever addresses: the token's holder cannot make us send
# mail to any number of strangers.
MAX_TRANSCRIPTS = 2


@dataclass(frozen=True)
class ChatStarted:
    session: ChatSession
    opening: Opening


def _text_checked(text: str, *, files: bool = False) -> str:
    text = text.replace("\x00", "").strip()
    if not text and not files:
        raise ValidationError({"text": _("Write a message first.")})
    if len(text) > MAX_TEXT:
        raise ValidationError(
            {"text": _("A message is at most %(count)s characters.") % {"count": MAX_TEXT}}
        )
    return text


def _email_checked(email: str, *, required: bool) -> str:
    email = email.strip()
    if not email:
        if required:
            raise ValidationError(
                {"email": _("We are closed now: give your e-mail address, so that we can answer.")}
            )
        return ""
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError({"email": _("This is not an e-mail address.")}) from None
    return email


@transaction.atomic
def chat_start(
    *,
    client: Client,
    text: str,
    name: str,
    email: str,
    language: str,
    visitor: str,
    origin: str,
    page_url: str,
    order_number: str = "",
    now: datetime | None = None,
) -> ChatStarted:
    """A customer writes from the widget. In business hours: a chat conversation in the
    router's live work. Outside them: an e-mail conversation (the e-mail address required)
    answered by e-mail, its after-hours acknowledgement with the honest answer time sent at
    once. Either way a chat session (the customer's token) and the visitor's self-service
    answers of the last half hour marked as not having settled it. ``order_number`` (the
    customer's "this did not help" after an order's status) is the conversation's subject,
    where the desk's order panel finds it. ``language`` is one the client serves."""
    now = now or timezone.now()
    text = _text_checked(text)
    opening = opening_now(client=client, language=language, now=now)
    email = _email_checked(email, required=not opening.open)
    order_number = order_number.replace("\x00", "").strip()[:MAX_ORDER_NUMBER]
    subject = ""
    if order_number:
        with translation.override(language):
            subject = _("Order %(number)s") % {"number": order_number}
    inbound = conversation_open_inbound(
        client=client,
        channel=Conversation.Channel.CHAT if opening.open else Conversation.Channel.EMAIL,
        text=text,
        subject=subject,
        customer_email=email,
        customer_name=name.replace("\x00", "").strip()[:MAX_NAME],
        language=language,
        now=now,
        calendar=opening.calendar,
    )
    if not opening.open:  # the e-mail's promise: when the answer comes
        conversation_acknowledge(
            client=client, conversation=inbound.conversation, calendar=inbound.calendar
        )
    session = ChatSession.objects.create(
        conversation=inbound.conversation,
        key=session_key_new(),
        visitor=visitor[:64],
        origin=origin[:200],
        page_url=page_url[:500],
        created_at=now,
    )
    self_service_chat_started(visitor=visitor, now=now)
    return ChatStarted(session, opening)


@transaction.atomic
def chat_message_add(
    *, client: Client, session: ChatSession, text: str, files: Sequence[IncomingFile] = ()
) -> Message:
    """The customer's next message (with at most one file); a chat they ended, or one that
    was resolved, opens again (conversations.services)."""
    text = _text_checked(text, files=bool(files))
    inbound = conversation_customer_message(
        client=client, conversation_id=session.conversation_id, text=text, files=files
    )
    ChatSession.objects.filter(pk=session.pk).update(ended_at=None, customer_typing_until=None)
    chat_signal(conversation_id=session.conversation_id)
    return inbound.message


def chat_typing(*, session: ChatSession, now: datetime | None = None) -> None:
    """The customer is typing: shown to the agent for TYPING (no signal: the desk asks)."""
    now = now or timezone.now()
    ChatSession.objects.filter(pk=session.pk).update(customer_typing_until=now + TYPING)


@transaction.atomic
def chat_end(*, session: ChatSession, now: datetime | None = None) -> ChatSession:
    """The customer ended the chat: a note for the agent, and the widget told. Ending an
    ended chat changes nothing."""
    now = now or timezone.now()
    session = ChatSession.objects.select_for_update().get(pk=session.pk)
    if session.ended_at is not None:
        return session
    session.ended_at = now
    session.save(update_fields=["ended_at"])
    Message.objects.create(
        conversation_id=session.conversation_id,
        direction=Message.Direction.NOTE,
        channel=Conversation.Channel.CHAT,
        body_text="The customer ended the chat in the widget.",
        created_at=now,
    )
    chat_signal(conversation_id=session.conversation_id)
    return session


def article_opened_record(
    *, visitor: str, article_id: int, language: str, now: datetime | None = None
) -> bool:
    """The widget's customer opened a suggested article: a self-service answer, once per
    visitor, article and day, whichever came first, this or the help center's read of the
    page it opened (``?v=``, the same visitor). True when recorded."""
    now = now or timezone.now()
    day_start = now.replace(hour=0, minute=0, second=0, microsecond=0)
    seen = SelfServiceAnswer.objects.filter(
        visitor=visitor[:64],
        article_id=article_id,
        created_at__gte=day_start,
        created_at__lt=day_start + timedelta(days=1),
    ).exists()
    if seen:
        return False
    self_service_record(
        kind=SelfServiceAnswer.Kind.ARTICLE,
        source=SelfServiceAnswer.Source.WIDGET,
        visitor=visitor,
        language=language,
        article_id=article_id,
        now=now,
    )
    return True


class AlreadyRated(Exception):
    """The chat was rated before: a rating is given once per chat."""


class RatingRefused(Exception):
    """The chat cannot be rated (yet): the reason, in the active language."""


def rating_refusal(*, session: ChatSession, conversation: Conversation) -> str:
    """Why the customer may not rate this chat now ("" when they may), in the active
    language: only a chat (not a message answered by e-mail), once it ended (the customer
    ended it, or an agent resolved it), and only when an agent answered in it. A rating of
    nothing, or of a chat still going, would count in CSAT and the agent's figures."""
    if conversation.channel != Conversation.Channel.CHAT:
        return _("Only a chat can be rated here: the answer to this message comes by e-mail.")
    settled = (Conversation.Status.RESOLVED, Conversation.Status.CLOSED)
    ended = ChatSession.objects.filter(pk=session.pk, ended_at__isnull=False).exists()
    if not ended and conversation.status not in settled:
        return _("A chat can be rated once it has ended.")
    answered = Message.objects.filter(
        conversation=conversation,
        direction=Message.Direction.OUTBOUND,
        channel=Conversation.Channel.CHAT,
        author__isnull=False,
    ).exists()
    if not answered:
        return _("There is nothing to rate: no one from our team answered in this chat.")
    return ""


@transaction.atomic
def chat_rate(
    *, session: ChatSession, score: int, comment: str = "", now: datetime | None = None
) -> Survey:
    """The customer's 1-5 and comment from the widget, where the chat survey's answers land
    (surveys.Survey: counted in CSAT and the agent's ratings): the chat's survey, made now as
    sent and answered when none was decided yet. Once per chat (AlreadyRated), and only a
    chat that ended with an agent's answer in it (RatingRefused, ``rating_refusal``)."""
    now = now or timezone.now()
    if isinstance(score, bool) or score not in (1, 2, 3, 4, 5):
        raise ValidationError({"score": _("A rating is a whole number from 1 to 5.")})
    conversation = Conversation.objects.select_for_update().get(pk=chat_conversation(session).pk)
    if refusal := rating_refusal(session=session, conversation=conversation):
        raise RatingRefused(refusal)
    survey = Survey.objects.select_for_update().filter(conversation=conversation).first()
    if survey is None:
        survey = Survey.objects.create(
            conversation=conversation,
            channel=conversation.channel,
            language=conversation.language,
            state=Survey.State.SENT,
            created_at=now,
        )
    elif survey.rating is not None:
        raise AlreadyRated()
    elif survey.state != Survey.State.SENT:
        # Not asked (the customer had opted out, ...) but answered all the same: kept.
        survey.state, survey.skipped_reason = Survey.State.SENT, ""
        survey.save(update_fields=["state", "skipped_reason"])
    survey = survey_rate(survey_id=survey.pk, rating=score, via=Survey.Via.REPLY, now=now)
    if comment.strip():
        survey = survey_comment(survey_id=survey.pk, comment=comment, now=now)
    return survey


def transcript_text(*, client: Client, session: ChatSession, language: str) -> tuple[str, str]:
    """The chat as the customer saw it, in ``language`` (subject, body): every message to and
    from the customer, oldest first, each under its time (client's time zone) and author."""
    messages = (
        Message.objects.filter(chat_thread(session))
        .exclude(direction=Message.Direction.NOTE)
        .defer("raw", "body_html")
        .order_by("created_at", "id")
    )
    with translation.override(language):
        subject = _("Your chat with %(client)s") % {"client": client.name}
        you, support = _("You"), client.name
        parts = [subject]
        for message in messages:
            who = you if message.direction == Message.Direction.INBOUND else support
            when = moment_text(message.created_at, client=client, language=language)
            parts.append(f"{when}, {who}:\n{message.body_text.strip()}")
    return subject, "\n\n".join(parts)


class TranscriptsUsedUp(Exception):
    """The chat's MAX_TRANSCRIPTS transcripts were sent: no more."""


@transaction.atomic
def chat_transcript_send(*, client: Client, session: ChatSession, email: str) -> Message:
    """The chat's transcript to ``email``, through the outbox from the client's identity, in
    the chat's language; kept in the thread as an internal note with its delivery state. At
    most MAX_TRANSCRIPTS per chat (TranscriptsUsedUp after)."""
    email = _email_checked(email, required=True)
    locked = ChatSession.objects.select_for_update().get(pk=session.pk)
    if locked.transcripts_sent >= MAX_TRANSCRIPTS:
        raise TranscriptsUsedUp()
    ChatSession.objects.filter(pk=session.pk).update(
        transcripts_sent=models.F("transcripts_sent") + 1
    )
    conversation = session.conversation
    subject, body = transcript_text(client=client, session=session, language=conversation.language)
    return outbound_email_queue(
        client=client,
        conversation=conversation,
        body=body,
        subject=subject,
        automatic=True,
        forward_to=email,
    )


# --- the client's settings (the portal's "Chat widget" page) --------------------------------

_ORIGIN = re.compile(r"(https?)://([a-z0-9.-]+)(?::(\d{1,5}))?")
_LOCAL_HOSTS = ("localhost", "127.0.0.1")
_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")


def origins_parse(text: str) -> list[str]:
    """The shop origins a manager typed, one a line (or separated by spaces or commas), each a
    scheme, host and optional port without a path; https unless the host is localhost or
    127.0.0.1 (a shop tried out locally). Lower case, each once; ValidationError names the
    first that is not one."""
    origins: list[str] = []
    for raw in re.split(r"[\s,]+", text.strip()):
        if not raw:
            continue
        origin = raw.rstrip("/").lower()
        match = _ORIGIN.fullmatch(origin)
        host = match.group(2) if match else ""
        if match is None or not host.strip(".") or ".." in host:
            raise ValidationError(
                _(
                    "%(origin)s is not an origin: write the scheme and host only, as "
                    "https://shop.example."
                )
                % {"origin": raw}
            )
        if match.group(1) != "https" and host not in _LOCAL_HOSTS:
            raise ValidationError(_("%(origin)s: a shop's site must use https.") % {"origin": raw})
        if match.group(3) and not 0 < int(match.group(3)) < 65536:
            raise ValidationError(_("%(origin)s: the port is not valid.") % {"origin": raw})
        if origin not in origins:
            origins.append(origin)
    return origins


@transaction.atomic
def widget_settings_save(
    *,
    enabled: bool,
    allowed_origins: list[str],
    colour: str,
    suggest_articles: bool,
    order_status: bool,
    request: HttpRequest | None = None,
) -> WidgetSettings:
    """Change the client's widget (current schema), recorded in its audit log."""
    if not _COLOUR.fullmatch(colour):
        raise ValidationError({"colour": _("A colour is written #rrggbb.")})
    settings = WidgetSettings.objects.select_for_update().order_by("pk").first()
    settings = settings or WidgetSettings()
    settings.enabled, settings.allowed_origins = enabled, allowed_origins
    settings.colour, settings.suggest_articles = colour.lower(), suggest_articles
    settings.order_status = order_status
    settings.save()
    audit_record(
        action=AuditEvent.Action.CLIENT_SETTINGS_CHANGED,
        request=request,
        object_type="widget_settings",
        object_id=settings.pk,
        label="Chat widget",
        details={
            "enabled": enabled,
            "allowed_origins": allowed_origins,
            "colour": settings.colour,
            "suggest_articles": suggest_articles,
            "order_status": order_status,
        },
    )
    return settings


# --- registered with the rooms below (widget.registrations) ---------------------------------


def chat_reply_sent(*, client: Client, delivery: Delivery, at: datetime) -> None:
    """The outbox's ON_SENT hook: a message to a chat customer (an agent's reply, a survey's
    question) is there to fetch: the widget is told; an agent's reply also gets its e-mail
    copy queued, sent only if the widget has not fetched it by then."""
    if not delivery.conversation_id:
        return
    # Any channel: a chat merged into an e-mail conversation shows its replies too.
    chat_signal(conversation_id=delivery.conversation_id)
    if delivery.channel == Conversation.Channel.CHAT and delivery.kind == Delivery.Kind.REPLY:
        session = (
            ChatSession.objects.select_related("conversation__customer")
            .filter(conversation_id=delivery.conversation_id)
            .first()
        )
        if session is not None:
            chat_reply_copy_queue(client=client, session=session, at=at)


def _copy_text(
    *, client: Client, session: ChatSession, replies: Sequence[Message]
) -> tuple[str, str]:
    """The e-mail copy of ``replies`` (subject, body) in the chat's language."""
    language = session.conversation.language
    authors = {
        user.pk: user.first_name or user.get_full_name() or user.username
        for user in User.objects.filter(pk__in={reply.author_id for reply in replies})
    }
    with translation.override(language):
        subject = _("%(client)s answered your chat") % {"client": client.name}
        parts = [_("You left the chat before this answer reached you:")]
        for reply in replies:
            when = moment_text(reply.created_at, client=client, language=language)
            who = authors.get(reply.author_id or 0) or client.name
            parts.append(f"{when}, {who}:\n{reply.body_text.strip()}")
        # Only a page of the shop's own site (the origin the chat came from) is linked.
        page = session.page_url
        if session.origin and (page == session.origin or page.startswith(session.origin + "/")):
            go_on = _("You can go on with the chat on the page you wrote from: %(url)s")
            parts.append(go_on % {"url": page})
    return subject, "\n\n".join(parts)


def chat_reply_copy_queue(*, client: Client, session: ChatSession, at: datetime) -> Message | None:
    """Queue the e-mail copy of the chat's agent replies the widget has not fetched, due
    UNREAD_COPY_AFTER after ``at``, to the customer's address (none without one). A copy
    still waiting is withdrawn: the new one carries its replies too. Replies a copy already
    went out with are not sent again. In the caller's transaction."""
    email = session.conversation.customer.email
    if not email:
        return None
    # The session's row locked and read again: two replies committing at once queue one copy
    # after the other, the second withdrawing the first.
    locked = (
        ChatSession.objects.select_for_update()
        .only("seen_message_id", "copy_delivery_id", "copy_through_message_id")
        .get(pk=session.pk)
    )
    session.seen_message_id = locked.seen_message_id
    session.copy_delivery_id = locked.copy_delivery_id
    session.copy_through_message_id = locked.copy_through_message_id
    since = session.seen_message_id or 0
    if session.copy_delivery_id is not None and not delivery_withdraw(
        delivery_id=session.copy_delivery_id,
        reason="A newer e-mail copy carries these replies.",
        now=at,
    ):
        # That copy is going or went out (or was withdrawn as read): its replies are done.
        since = max(since, session.copy_through_message_id or 0)
    replies = list(
        Message.objects.filter(
            conversation_id=session.conversation_id,
            direction=Message.Direction.OUTBOUND,
            channel=Conversation.Channel.CHAT,
            author__isnull=False,
            pk__gt=since,
        )
        .defer("raw", "body_html")
        .order_by("created_at", "id")
    )
    if not replies:
        return None
    subject, body = _copy_text(client=client, session=session, replies=replies)
    message = outbound_email_queue(
        client=client,
        conversation=session.conversation,
        body=body,
        subject=subject,
        automatic=True,
        forward_to=email,
        not_before=at + UNREAD_COPY_AFTER,
    )
    delivery_id = Delivery.objects.values_list("pk", flat=True).get(message_id=message.pk)
    ChatSession.objects.filter(pk=session.pk).update(
        copy_delivery_id=delivery_id, copy_through_message_id=replies[-1].pk
    )
    session.copy_delivery_id, session.copy_through_message_id = delivery_id, replies[-1].pk
    return message


def chat_reply_copy_needed(*, client: Client, delivery: Delivery) -> str:
    """The outbox's WITHDRAWS hook: the e-mail copy of replies the widget fetched meanwhile
    is not sent (the reason); "" for any other delivery."""
    if delivery.channel != Conversation.Channel.EMAIL or delivery.kind != Delivery.Kind.FORWARD:
        return ""  # a copy is an e-mail to the customer's address (see chat_reply_copy_queue)
    session = (
        ChatSession.objects.filter(copy_delivery_id=delivery.pk)
        .only("seen_message_id", "copy_through_message_id")
        .first()
    )
    if session is None or session.copy_through_message_id is None:
        return ""
    if (session.seen_message_id or 0) >= session.copy_through_message_id:
        return "The customer read these replies in the chat before the e-mail copy was due."
    return ""


def chat_seen(*, session: ChatSession, message_id: int) -> None:
    """The widget fetched the chat up to ``message_id`` (one statement; never backwards)."""
    ChatSession.objects.filter(pk=session.pk).filter(
        models.Q(seen_message_id__isnull=True) | models.Q(seen_message_id__lt=message_id)
    ).update(seen_message_id=message_id)


def chat_event_heard(*, client: Any, event_type: str, data: dict[str, Any]) -> None:
    """The events registry's sink: a chat resolved by an agent ends the customer's chat."""
    # Any channel: the chats merged into a resolved conversation end with it.
    if event_type == "conversation.resolved":
        conversation_id = data.get("conversation_id")
        if isinstance(conversation_id, int):
            chat_signal(conversation_id=conversation_id)


def chat_sessions_erase_for_customer(*, customer: Customer) -> None:
    """A customer erased: every token of their chats stops working (a new key), and the page
    they wrote from and their visitor id go (registered eraser)."""
    conversation_ids = list(customer.conversations.values_list("pk", flat=True))
    for session in ChatSession.objects.filter(conversation_id__in=conversation_ids):
        session.key, session.page_url, session.visitor = session_key_new(), "", ""
        session.save(update_fields=["key", "page_url", "visitor"])


def chat_pages_expire(*, before: datetime) -> int:
    """The retention sweep's expirer: the page a customer wrote from goes with the messages of
    their expired conversations (registered with retention.registry)."""
    expired = conversations_expired(before=before).values("pk")
    return (
        ChatSession.objects.filter(conversation__in=expired)
        .exclude(page_url="")
        .update(page_url="")
    )
