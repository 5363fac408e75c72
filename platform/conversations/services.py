"""Writes on conversations. Callers are in the client's schema; the work queue row they
write lives in the public schema, in the same transaction."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import cast

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from conversations.answers import answer_recognised
from conversations.attachments import IncomingFile, attachment_store
from conversations.email_out import outbound_email_queue
from conversations.models import Conversation, LanguageDecidedBy, Message
from conversations.replies import placeholders_refuse, signature_text, signed
from core.events import webhook_event_emit
from customers.models import Customer
from customers.selectors import customer_current, identity_of, sender_is_blocked
from customers.services import sender_address
from hours.calendar import BusinessCalendar
from hours.selectors import client_calendar, sla_promise_for, sla_promises_for
from hours.services import (
    resolution_clock_pause,
    resolution_clock_resume,
    resolution_clock_start,
    resolution_clock_stop,
)
from languages.catalog import CATALOG
from languages.detection import detect_language_for_client
from languages.priors import Priors, address_country
from outbox.services import delivery_handed_over, delivery_queue
from routing.models import WorkItem
from routing.services import (
    item_close,
    item_release,
    work_cancel_for_source,
    work_enqueue,
    work_item_promise_renew,
    work_language_set,
    work_priority_set,
)
from tenants.current import schema_name_current
from tenants.models import Client
from webhooks.payloads import conversation_data, message_data


@dataclass(frozen=True)
class Inbound:
    conversation: Conversation
    message: Message
    created: bool  # False when the same delivery (channel + external id) came before
    # The client's hours the new contact was counted in (for its acknowledgement); None when
    # no conversation was opened.
    calendar: BusinessCalendar | None = None


def inbound_lock(*names: str) -> None:
    """Hold PostgreSQL advisory locks on these names until the transaction ends, taken in
    the order given; names are scoped to the current client schema.

    Two deliveries of one message (a retried webhook, parallel API calls with one
    ``external_id``) or two first contacts of one customer wait for each other here, so
    the second finds what the first committed instead of making a twin. Callers take the
    delivery's lock first, then the customer's, then row locks: always in that order.
    """
    if not connection.in_atomic_block:
        raise RuntimeError("inbound_lock holds its locks until the transaction ends")
    with connection.cursor() as cursor:
        for name in names:
            # A 64-bit hash: two names colliding only make two contacts wait for each other.
            cursor.execute(
                "SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))",
                [f"{schema_name_current()}:{name}"],
            )


def _delivery_lock(channel: str, external_id: str) -> None:
    if external_id:
        inbound_lock(f"delivery:{channel}:{external_id}")


def _customer_lock(*, email: str, phone: str) -> None:
    names = sorted(
        [f"customer-email:{email.lower()}"] * bool(email)
        + [f"customer-phone:{phone}"] * bool(phone)
    )
    inbound_lock(*names)


def customer_for_contact(*, email: str, phone: str, name: str, country: str) -> Customer:
    """The customer with this e-mail (else this phone), made once: concurrent first
    contacts of one customer wait for each other (``_customer_lock``)."""
    _customer_lock(email=email, phone=phone)
    found = None
    if email:
        found = Customer.objects.filter(email__iexact=email, erased_at__isnull=True).first()
    if found is None and phone:
        found = Customer.objects.filter(phone=phone, erased_at__isnull=True).first()
    if found is None:
        found = Customer.objects.create(name=name, email=email, phone=phone, country=country)
    # A merged customer's address or number is the target's other identity.
    return customer_current(customer=found)


@dataclass(frozen=True)
class Deadlines:
    """The client's promises for one contact, as times (counted in business hours)."""

    answer_due: datetime
    answer_warn: datetime
    resolution_due: datetime | None
    resolution_warn: datetime | None
    calendar: BusinessCalendar  # the hours they were counted in


def _deadlines(
    client: Client,
    *,
    channel: str,
    country: str,
    language: str,
    now: datetime,
    calendar: BusinessCalendar | None = None,
) -> Deadlines:
    """When the answer and the resolution are due and when agents are warned: the
    client's promise for the channel, counted in its business hours for that country and
    language (``calendar`` when the caller has them already). Agents are warned the same
    number of business hours before either."""
    if calendar is None:
        calendar = client_calendar(client, country=country, language=language)
    promise = sla_promise_for(client, channel)

    def due_and_warning(hours: Decimal) -> tuple[datetime, datetime]:
        warn_hours = cast(Decimal | int, max(hours - promise.warn_before_hours, 0))
        return calendar.add_business_hours(now, hours), calendar.add_business_hours(now, warn_hours)

    answer_due, answer_warn = due_and_warning(promise.first_response_hours)
    resolution_due = resolution_warn = None
    if promise.resolution_hours is not None:
        resolution_due, resolution_warn = due_and_warning(promise.resolution_hours)
    return Deadlines(answer_due, answer_warn, resolution_due, resolution_warn, calendar)


def deadlines_for(client: Client, conversation: Conversation, now: datetime) -> Deadlines:
    return _deadlines(
        client,
        channel=conversation.channel,
        country=conversation.customer.country,
        language=conversation.language,
        now=now,
    )


def resolution_clock_started(
    client: Client, conversation: Conversation, deadlines: Deadlines, now: datetime
) -> None:
    if deadlines.resolution_due is None:
        return
    assert deadlines.resolution_warn is not None  # counted with the due time
    resolution_clock_start(
        client=client,
        conversation_id=conversation.pk,
        channel=conversation.channel,
        started_at=now,
        due_at=deadlines.resolution_due,
        warn_at=deadlines.resolution_warn,
    )


def _delivered_before(channel: str, external_id: str) -> Inbound | None:
    """The first delivery of a message the channel sends again (same channel and id), as
    the replay's answer (``created`` False); None for a new one or one without an id.

    Holds the delivery's lock (``inbound_lock``) until the caller's transaction ends: a
    concurrent delivery of the same id waits, then finds this one's message."""
    if not external_id:
        return None
    _delivery_lock(channel, external_id)
    earlier = (
        Message.objects.select_related("conversation")
        .filter(channel=channel, external_id=external_id)
        .first()
    )
    return Inbound(earlier.conversation, earlier, created=False) if earlier else None


def _summary(subject: str, text: str, files: Sequence[IncomingFile]) -> str:
    """The queue's one line: the subject, else the text, else the files' names."""
    return (
        subject
        or " ".join(text.split())[:200]
        or ", ".join(f.filename or "attachment" for f in files)[:200]
    )


def _files_store(message: Message, files: Sequence[IncomingFile]) -> None:
    for file in files:
        attachment_store(message=message, file=file)


@transaction.atomic
def conversation_open_inbound(
    *,
    client: Client,
    channel: str,
    text: str,
    subject: str = "",
    customer_email: str = "",
    customer_phone: str = "",
    customer_name: str = "",
    country: str = "",
    external_id: str = "",
    now: datetime | None = None,
    language: str = "",
    files: Sequence[IncomingFile] = (),
    calendar: BusinessCalendar | None = None,
) -> Inbound:
    """A new contact: customer, conversation, first message (with its files), and a place
    in the queue, in one transaction.

    The language is detected among the client's languages; a short or unclear text is
    weighed against what is known (the customer's earlier conversations and language, their
    country, the client's countries), and the conversation keeps which source decided.
    When detection is still unsure, the customer's known language (from an earlier contact
    or an agent's correction) is used, else the client's default, marked uncertain.
    Replays (same channel and external id) return the first delivery's conversation, also
    when they arrive at the same time. A ``language`` already known (chosen in the phone
    menu) is taken as it is, without detection. The text may be empty only when files came
    (a photo sent alone). A caller that built the client's ``calendar`` for ``country`` and
    ``language`` (the phone line's open-or-closed decision) passes it, so that it is not
    built twice.
    """
    if schema_name_current() != client.schema_name:
        raise RuntimeError("conversation_open_inbound runs in the client's schema")
    asked = (country, language)  # the scope a caller's calendar was built for
    if not text.strip() and not files:
        raise ValidationError({"text": "The message is empty."})
    now = now or timezone.now()
    if earlier := _delivered_before(channel, external_id):
        return earlier

    customer = customer_for_contact(
        email=customer_email.strip(),
        phone=customer_phone.strip(),
        name=customer_name.strip(),
        country=country.upper(),
    )
    if language:
        detected, uncertain, decided_by = "", False, ""
    else:
        detection = detect_language_for_client(
            f"{subject}\n{text}",
            languages=client.languages,
            default=client.default_language,
            priors=_language_priors(client, customer),
        )
        language, uncertain = detection.language, not detection.certain
        detected, decided_by = detection.detected, detection.decided_by
    if uncertain and customer.language in CATALOG:
        # Known from an earlier contact or an agent's correction, even if the client does
        # not list it: the correction is kept.
        language, uncertain = customer.language, False
        decided_by = LanguageDecidedBy.CUSTOMER
    if not uncertain and not customer.language:
        customer.language = language
        customer.save(update_fields=["language"])

    if sender_is_blocked(
        address=sender_address(
            email="" if channel == "sms" else customer.email, phone=customer.phone
        )
    ):
        return _spam_file(
            channel=channel,
            customer=customer,
            text=text,
            subject=subject,
            language=language,
            uncertain=uncertain,
            detected=detected,
            decided_by=decided_by,
            external_id=external_id,
            files=files,
            now=now,
        )
    if (customer.country, language) != asked:  # a known customer's country, a detection
        calendar = None
    deadlines = _deadlines(
        client,
        channel=channel,
        country=customer.country,
        language=language,
        now=now,
        calendar=calendar,
    )
    conversation = Conversation.objects.create(
        customer=customer,
        channel=channel,
        subject=subject[:300],
        language=language,
        language_uncertain=uncertain,
        language_detected=detected,
        language_decided_by=decided_by,
        created_at=now,
        first_response_due_at=deadlines.answer_due,
        resolution_due_at=deadlines.resolution_due,
    )
    message = Message.objects.create(
        conversation=conversation,
        direction=Message.Direction.INBOUND,
        channel=channel,
        body_text=text,
        external_id=external_id,
        created_at=now,
    )
    _files_store(message, files)
    work_enqueue(
        client=client,
        channel=channel,
        language=language,
        language_uncertain=uncertain,
        source_kind="conversation",
        source_id=conversation.pk,
        summary=_summary(subject, text, files),
        due_at=deadlines.answer_due,
        warn_at=deadlines.answer_warn,
        waiting_since=now,
    )
    resolution_clock_started(client, conversation, deadlines, now)
    webhook_event_emit(client, "conversation.created", conversation_data(conversation))
    webhook_event_emit(client, "message.created", message_data(message))
    return Inbound(conversation, message, created=True, calendar=deadlines.calendar)


def _language_priors(client: Client, customer: Customer) -> Priors:
    """What is known of a new contact's language before its text is read: the languages
    of the customer's earlier conversations (newest first; those an agent or a clear text
    settled), the customer's language, the client's countries and the customer's own."""
    history = Conversation.objects.filter(customer=customer, language_uncertain=False).order_by(
        "-created_at"
    )
    return Priors(
        history=list(history.values_list("language", flat=True)[:5]),
        customer=customer.language,
        client_countries=client.countries,
        address_country=address_country(
            country=customer.country, phone=customer.phone, email=customer.email
        ),
    )


def _spam_file(
    *,
    channel: str,
    customer: Customer,
    text: str,
    subject: str,
    language: str,
    uncertain: bool,
    detected: str,
    decided_by: str,
    external_id: str,
    files: Sequence[IncomingFile],
    now: datetime,
) -> Inbound:
    """A blocked sender's new contact: stored as received (nothing is lost), filed straight
    as spam: closed, no promise, no work item, no resolution clock; its callers send no
    acknowledgement for a spam conversation (``conversation_acknowledge``)."""
    conversation = Conversation.objects.create(
        customer=customer,
        channel=channel,
        subject=subject[:300],
        language=language,
        language_uncertain=uncertain,
        language_detected=detected,
        language_decided_by=decided_by,
        created_at=now,
        status=Conversation.Status.CLOSED,
        spam=True,
        spam_at=now,
    )
    message = Message.objects.create(
        conversation=conversation,
        direction=Message.Direction.INBOUND,
        channel=channel,
        body_text=text,
        external_id=external_id,
        created_at=now,
    )
    _files_store(message, files)
    return Inbound(conversation, message, created=True)


@transaction.atomic
def conversation_language_correct(
    *, client: Client, conversation_id: int, language: str, agent: User
) -> Conversation:
    """An agent sets the conversation's language (one click); the customer keeps it for
    their next contacts, and the queue routes the open item to that language."""
    if language not in CATALOG:
        raise ValidationError({"language": f"Unknown language {language!r}."})
    conversation = Conversation.objects.select_for_update().get(pk=conversation_id)
    conversation.language = language
    conversation.language_uncertain = False
    conversation.language_corrected_by = agent
    conversation.language_decided_by = LanguageDecidedBy.AGENT
    conversation.save(
        update_fields=[
            "language",
            "language_uncertain",
            "language_corrected_by",
            "language_decided_by",
        ]
    )
    Customer.objects.filter(pk=conversation.customer_id).update(language=language)
    work_language_set(
        client=client, source_kind="conversation", source_id=conversation.pk, language=language
    )
    return conversation


@transaction.atomic
def conversation_reply(
    *, client: Client, conversation_id: int, agent: User, text: str, now: datetime | None = None
) -> Message:
    """An agent answers: the message goes out on the conversation's channel through the
    outbox, and the conversation waits for the customer. Refused while a placeholder is
    left in ``text``; signed with the client's signature. The first response is when the
    channel accepted the answer (conversations.outbound.message_sent): at once for chat
    and API replies, which are handed over as they are written; when the mail server or
    Twilio took it for e-mail and SMS."""
    text = text.replace("\x00", "")  # PostgreSQL text cannot hold NUL (a paste from a PDF)
    if not text.strip():
        raise ValidationError({"text": "The reply is empty."})
    placeholders_refuse(text)
    conversation = Conversation.objects.select_for_update().get(pk=conversation_id)
    if conversation.merged_into_id is not None:
        raise ValidationError(
            _("This conversation was merged into #%(target)s: answer the customer there.")
            % {"target": conversation.merged_into_id}
        )
    now = now or timezone.now()
    # What the customer receives, and what the thread and the portal show: with the
    # client's signature in the conversation's language.
    text = signed(
        text,
        signature_text(
            client=client,
            channel=conversation.channel,
            language=conversation.language,
            agent=agent,
        ),
    )
    if conversation.channel == Conversation.Channel.EMAIL:
        message = outbound_email_queue(
            client=client, conversation=conversation, body=text, author=agent
        )
    else:
        message = Message.objects.create(
            conversation=conversation,
            direction=Message.Direction.OUTBOUND,
            channel=conversation.channel,
            author=agent,
            body_text=text,
            created_at=now,
        )
        if conversation.channel == Conversation.Channel.SMS:  # through Twilio, by the outbox
            delivery_queue(client=client, message=message, now=now)
        else:  # chat and API replies are read by the client's own systems (the JSON API)
            delivery_handed_over(client=client, message=message, at=now)
    # Now the customer's turn: the resolution clock stands still while they are silent.
    Conversation.objects.filter(pk=conversation.pk).update(
        status=Conversation.Status.PENDING, assignee=agent, pending_since=now
    )
    resolution_clock_pause(client=client, conversation_id=conversation.pk, now=now)
    webhook_event_emit(client, "message.created", message_data(message))
    return message


_EXTERNAL_ID_LENGTH = cast(int, Message._meta.get_field("external_id").max_length)
# An SMS from a customer with an open SMS conversation (not resolved or closed) joins it.
_OPEN_STATUSES = [Conversation.Status.NEW, Conversation.Status.OPEN, Conversation.Status.PENDING]


@transaction.atomic
def conversation_sms_receive(
    *,
    client: Client,
    sender: str,
    text: str,
    message_sid: str,
    country: str = "",
    files: Sequence[IncomingFile] = (),
    media_missing: Sequence[str] = (),
    has_media: bool = False,
) -> Inbound:
    """An SMS or MMS: a reply in the sender's open SMS conversation, or a new conversation.
    Twilio's retries (same MessageSid), also concurrent ones, are filed once. Media that
    could not be fetched (``media_missing``, one line each) are named in an internal note
    next to the message, so an MMS is never lost for want of its picture."""
    if not message_sid or len(message_sid) > _EXTERNAL_ID_LENGTH:
        raise ValidationError({"MessageSid": "Missing, or not Twilio's (too long)."})
    sender = sender.removeprefix("whatsapp:")[:20]
    text = text.replace("\x00", "")
    if earlier := _delivered_before("sms", message_sid):  # Twilio retried
        return earlier
    if not text.strip() and not files and media_missing:
        text = f"[MMS without text: {len(media_missing)} medium/media not fetched, see the note]"
    # Two messages of one sender at once (a long SMS split by the network) join one
    # conversation: the second waits for the first to open it.
    _customer_lock(email="", phone=sender)
    conversation = (
        Conversation.objects.filter(
            identity_of(phone=sender, path="customer"),
            channel="sms",
            status__in=_OPEN_STATUSES,
        )
        .order_by("-created_at")
        .first()
    )
    # An MMS (media announced, fetched later) is never a survey's rating: "1" with a photo
    # of a broken parcel is a new message for an agent.
    if conversation is None and not files and not has_media and not media_missing:
        conversation = _answered_earlier(client, sender=sender, text=text)
        if conversation is not None:  # a rating for the survey of a resolved conversation
            message = _answer_file(conversation, text=text, external_id=message_sid)
            return Inbound(conversation, message, created=False)
    if conversation is None:
        inbound = conversation_open_inbound(
            client=client,
            channel="sms",
            text=text,
            customer_phone=sender,
            country=country,
            external_id=message_sid,
            files=files,
        )
    else:
        message = _customer_message_file(
            client,
            conversation,
            text=text,
            external_id=message_sid,
            now=timezone.now(),
            files=files,
        )
        inbound = Inbound(conversation, message, created=False)
    if media_missing:
        Message.objects.create(
            conversation=inbound.conversation,
            direction=Message.Direction.NOTE,
            channel="sms",
            body_text="Media of the customer's MMS that could not be fetched from Twilio:\n"
            + "\n".join(f"- {line}" for line in media_missing),
            created_at=inbound.message.created_at,
        )
    return inbound


def _answered_earlier(client: Client, *, sender: str, text: str) -> Conversation | None:
    """The sender's last settled SMS conversation (locked) when ``text`` answers a question
    asked in it after its resolution (``conversations.answers``); else None."""
    settled = (
        Conversation.objects.select_for_update(of=("self",))
        .filter(
            identity_of(phone=sender, path="customer"),
            channel="sms",
            status__in=[Conversation.Status.RESOLVED, Conversation.Status.CLOSED],
            merged_into__isnull=True,  # a merged conversation asked nothing after it
        )
        .order_by("-resolved_at", "-created_at")
        .first()
    )
    if settled is None:
        return None
    recognised = answer_recognised(
        client=client, conversation=settled, text=text, now=timezone.now()
    )
    return settled if recognised else None


def _answer_file(
    conversation: Conversation, *, text: str, external_id: str, now: datetime | None = None
) -> Message:
    """The customer's answer to an automatic question, kept in the history; the settled
    conversation stays settled (no reopening, no work for an agent)."""
    return Message.objects.create(
        conversation=conversation,
        direction=Message.Direction.INBOUND,
        channel=conversation.channel,
        body_text=text,
        external_id=external_id,
        created_at=now or timezone.now(),
    )


class ExternalIdUsedElsewhere(Exception):
    """The external id of a next message was already used in another conversation."""

    def __init__(self, external_id: str, conversation_id: int) -> None:
        super().__init__(f"{external_id!r} was used in conversation {conversation_id}")
        self.external_id, self.conversation_id = external_id, conversation_id


@transaction.atomic
def conversation_customer_message(
    *,
    client: Client,
    conversation_id: int,
    text: str,
    external_id: str = "",
    now: datetime | None = None,
    files: Sequence[IncomingFile] = (),
) -> Inbound:
    """The customer's next message in a conversation of theirs (a chat widget or the shop's
    system, through the API). A replay (same channel and external id), also a concurrent
    one, returns the first delivery, ``created`` False. Raises Conversation.DoesNotExist
    for an unknown id, ExternalIdUsedElsewhere when the id was another conversation's."""
    merged_into_id = (
        Conversation.objects.filter(pk=conversation_id)
        .values_list("merged_into_id", flat=True)
        .get()
    )
    # A message to a merged conversation goes where the matter is now (conversations.merge),
    # and is filed on that conversation's channel.
    asked_id = conversation_id
    conversation_id = merged_into_id or conversation_id
    channel = Conversation.objects.values_list("channel", flat=True).get(pk=conversation_id)
    # The delivery's lock before the conversation's row lock: the order every path takes.
    if earlier := _delivered_before(channel, external_id):
        # A retry of a message filed on the conversation before it was merged is the same
        # message: answered as the first time, not refused.
        if earlier.conversation.pk not in (conversation_id, asked_id):
            raise ExternalIdUsedElsewhere(external_id, earlier.conversation.pk)
        return earlier
    conversation = Conversation.objects.select_for_update().get(pk=conversation_id)
    now = now or timezone.now()
    settled = (Conversation.Status.RESOLVED, Conversation.Status.CLOSED)
    if (
        conversation.status in settled
        and not files
        and answer_recognised(client=client, conversation=conversation, text=text, now=now)
    ):  # a rating for the survey of the resolved conversation
        message = _answer_file(conversation, text=text, external_id=external_id, now=now)
        return Inbound(conversation, message, created=True)
    message = _customer_message_file(
        client,
        conversation,
        text=text,
        external_id=external_id,
        now=now,
        files=files,
    )
    return Inbound(conversation, message, created=True)


def _customer_message_file(
    client: Client,
    conversation: Conversation,
    *,
    text: str,
    external_id: str,
    now: datetime,
    files: Sequence[IncomingFile] = (),
) -> Message:
    if not text.strip() and not files:
        raise ValidationError({"text": "The message is empty."})
    message = Message.objects.create(
        conversation=conversation,
        direction=Message.Direction.INBOUND,
        channel=conversation.channel,
        body_text=text,
        external_id=external_id,
        created_at=now,
    )
    _files_store(message, files)
    conversation_customer_wrote(client=client, conversation=conversation, now=now)
    webhook_event_emit(client, "message.created", message_data(message))
    return message


def conversation_customer_wrote(
    *, client: Client, conversation: Conversation, now: datetime
) -> None:
    """The customer wrote again in a conversation (their message is filed): a resolved one
    opens again as a reopening; one waiting for them is open again and its resolution clock
    runs on; either way the new message waits for an answer, due by the client's promise
    counted from now (not from the first contact). A spam conversation keeps the message and
    stays as it is: closed, out of the queue."""
    if conversation.spam:
        return
    deadlines = deadlines_for(client, conversation, now)
    if conversation.status in (Conversation.Status.RESOLVED, Conversation.Status.CLOSED):
        _reopen(client, conversation, deadlines, now)
    elif conversation.status == Conversation.Status.PENDING:
        conversation.status, conversation.pending_since = Conversation.Status.OPEN, None
        clock = resolution_clock_resume(
            client=client, conversation_id=conversation.pk, calendar=deadlines.calendar, now=now
        )
        if clock is not None:
            conversation.resolution_due_at = clock.due_at
        conversation.save(update_fields=["status", "pending_since", "resolution_due_at"])
    channel = conversation.channel
    item = work_enqueue(
        client=client,
        channel=channel,
        language=conversation.language,
        language_uncertain=conversation.language_uncertain,
        source_kind="conversation",
        source_id=conversation.pk,
        summary=conversation.subject,
        waiting_since=now,
        due_at=deadlines.answer_due,
        warn_at=deadlines.answer_warn,
    )
    # Answered but still open (the agent has not pressed Done): the new question gets its
    # own promise; an item not answered yet keeps its earlier one.
    work_item_promise_renew(
        item_id=item.pk, asked_at=now, due_at=deadlines.answer_due, warn_at=deadlines.answer_warn
    )


@transaction.atomic
def conversation_resolve(
    *, client: Client, conversation_id: int, agent: User, now: datetime | None = None
) -> Conversation:
    """The customer's matter is settled: the conversation is resolved, its resolution clock
    stops (a late resolution is a breach), and its open work leaves the queue. Resolving a
    resolved conversation changes nothing."""
    now = now or timezone.now()
    conversation = Conversation.objects.select_for_update().get(pk=conversation_id)
    if conversation.status in (Conversation.Status.RESOLVED, Conversation.Status.CLOSED):
        return conversation
    if conversation.assignee_id is None:
        conversation.assignee = agent
    # The agent's own item is finished (their idle clock, a late answer's breach).
    for item in WorkItem.objects.filter(
        client=client,
        source_kind="conversation",
        source_id=conversation.pk,
        status__in=WorkItem.OPEN_STATUSES,
        agent=agent,
    ):
        item_close(item_id=item.pk, agent=agent, now=now)
    _resolved(client, conversation, now=now)
    return conversation


def _resolved(
    client: Client, conversation: Conversation, *, now: datetime, automatically: bool = False
) -> None:
    """Mark ``conversation`` (locked) resolved; any open work of it is no longer needed."""
    conversation.status, conversation.resolved_at = Conversation.Status.RESOLVED, now
    conversation.resolved_automatically, conversation.pending_since = automatically, None
    conversation.save(
        update_fields=[
            "status",
            "resolved_at",
            "resolved_automatically",
            "pending_since",
            "assignee",
        ]
    )
    work_cancel_for_source(
        client=client, source_kind="conversation", source_id=conversation.pk, now=now
    )
    resolution_clock_stop(client=client, conversation_id=conversation.pk, now=now)
    webhook_event_emit(client, "conversation.resolved", conversation_data(conversation))


def conversations_pending_resolve(*, client: Client, now: datetime | None = None) -> int:
    """Resolve the client's conversations that have waited for the customer longer than
    the client allows for their channel (``resolve_pending_after_days``); returns how
    many. Runs in the client's schema (beat, hourly); a customer who wrote meanwhile keeps
    their conversation open."""
    if schema_name_current() != client.schema_name:
        raise RuntimeError("conversations_pending_resolve runs in the client's schema")
    now = now or timezone.now()
    resolved = 0
    for channel, promise in sla_promises_for(client, Conversation.Channel.values).items():
        days = promise.resolve_pending_after_days
        if days is None:
            continue
        cutoff = now - timedelta(days=days)
        waiting = Conversation.objects.filter(
            channel=channel, status=Conversation.Status.PENDING, pending_since__lte=cutoff
        ).values_list("pk", flat=True)
        for conversation_id in waiting:
            with transaction.atomic():
                conversation = Conversation.objects.select_for_update().get(pk=conversation_id)
                if (
                    conversation.status != Conversation.Status.PENDING
                    # pending: it has its pending_since
                    or conversation.pending_since > cutoff  # type: ignore[operator]
                ):
                    continue  # the customer wrote in the meantime
                _resolved(client, conversation, now=now, automatically=True)
                resolved += 1
    return resolved


def conversation_reopen(*, client: Client, conversation: Conversation, now: datetime) -> None:
    """The customer wrote again about a resolved matter: open again, counted as a
    reopening, with a new resolution promise from now."""
    _reopen(client, conversation, deadlines_for(client, conversation, now), now)


def _reopen(
    client: Client, conversation: Conversation, deadlines: Deadlines, now: datetime
) -> None:
    conversation.status = Conversation.Status.OPEN
    conversation.reopened_at = now
    conversation.reopen_count += 1
    conversation.resolved_automatically = False
    conversation.resolution_due_at = deadlines.resolution_due
    conversation.save(
        update_fields=[
            "status",
            "reopened_at",
            "reopen_count",
            "resolved_automatically",
            "resolution_due_at",
        ]
    )
    resolution_clock_started(client, conversation, deadlines, now)


# --- desk: notes, triage, language queue ----------------------------------------------------

PRIORITIES = (-1, 0, 1, 2)  # low, normal, high, urgent (the queue takes higher first)
_TAG_LENGTH = cast(int, Conversation._meta.get_field("tags").base_field.max_length)
_CATEGORY_LENGTH = cast(int, Conversation._meta.get_field("category").max_length)


@transaction.atomic
def conversation_note_add(
    *, client: Client, conversation_id: int, agent: User, text: str
) -> Message:
    """An internal note for colleagues: kept in the history, never sent to the customer."""
    if not text.strip():
        raise ValidationError({"text": "The note is empty."})
    conversation = Conversation.objects.get(pk=conversation_id)
    return Message.objects.create(
        conversation=conversation,
        direction=Message.Direction.NOTE,
        channel=conversation.channel,
        author=agent,
        body_text=text.strip(),
        created_at=timezone.now(),
    )


def tags_parse(raw: str) -> list[str]:
    """Tags from what the agent typed: "Refund, delivery  refund" -> ["refund", "delivery"];
    comma or space separated, lower case, each once, in the order given."""
    tags: list[str] = []
    for tag in raw.replace(",", " ").split():
        tag = tag.strip().lower()
        if tag and tag not in tags:
            tags.append(tag)
    return tags


@transaction.atomic
def conversation_triage_set(
    *, client: Client, conversation_id: int, category: str, tags: list[str], priority: int
) -> Conversation:
    """Category, tags and priority; the priority also orders the open item in the queue."""
    category = category.strip()
    errors = {}
    if len(category) > _CATEGORY_LENGTH:
        errors["category"] = f"At most {_CATEGORY_LENGTH} characters."
    too_long = [tag for tag in tags if len(tag) > _TAG_LENGTH]
    if too_long:
        errors["tags"] = f"At most {_TAG_LENGTH} characters a tag: {', '.join(too_long)}."
    if priority not in PRIORITIES:
        errors["priority"] = f"Priority is one of {PRIORITIES}."
    if errors:
        raise ValidationError(errors)
    conversation = Conversation.objects.select_for_update().get(pk=conversation_id)
    conversation.category, conversation.tags, conversation.priority = category, tags, priority
    conversation.save(update_fields=["category", "tags", "priority"])
    work_priority_set(
        client=client, source_kind="conversation", source_id=conversation.pk, priority=priority
    )
    return conversation


@transaction.atomic
def conversation_queue_language(
    *, client: Client, conversation_id: int, language: str, agent: User
) -> Conversation:
    """Send the conversation to another language's queue: its language is corrected (and
    kept for the customer) and its open item, whoever held it, waits for that language."""
    conversation = conversation_language_correct(
        client=client, conversation_id=conversation_id, language=language, agent=agent
    )
    held = WorkItem.objects.filter(
        client=client,
        source_kind="conversation",
        source_id=conversation.pk,
        status__in=[WorkItem.Status.OFFERED, WorkItem.Status.ASSIGNED],
    ).values_list("pk", flat=True)
    for item_id in list(held):
        item_release(item_id=item_id)
    return conversation
