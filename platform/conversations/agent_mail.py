"""Mail an agent starts (current client schema): a new e-mail to a customer, and a forward
of a conversation to another address. Both leave through the outbox, from the client's
identity, with the client's signature, and are refused while a placeholder is left."""

from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from conversations.attachments import IncomingFile, attachment_open, attachment_store
from conversations.email_out import outbound_email_queue
from conversations.models import Attachment, Conversation, Message
from conversations.replies import placeholders_refuse, signature_text, signed
from conversations.services import customer_for_contact
from languages.catalog import CATALOG
from routing.models import WorkItem
from routing.services import work_started_by_agent
from tenants.current import schema_name_current
from tenants.models import Client

_SUBJECT_LENGTH = 300
_NAME_LENGTH = 200  # Customer.name
# What a forward attaches of the conversation's files, at most (the rest are named): an
# e-mail over 25 MB is refused by most servers.
FORWARD_FILES_BYTES = 20 * 1024 * 1024
# The line above a forward's copy of the conversation.
FORWARD_MARKER = "---------- Forwarded conversation"


@dataclass(frozen=True)
class Started:
    conversation: Conversation
    message: Message
    item: WorkItem  # the agent's item of the new conversation (the desk's page)


def _address_checked(address: str, field: str) -> str:
    address = address.strip()
    try:
        validate_email(address)
    except ValidationError:
        raise ValidationError(
            {field: _("%(address)s is not an e-mail address.") % {"address": address or "—"}}
        ) from None
    return address


@transaction.atomic
def conversation_start_email(
    *,
    client: Client,
    agent: User,
    to_address: str,
    language: str,
    subject: str,
    text: str,
    customer_name: str = "",
    files: Sequence[IncomingFile] = (),
) -> Started:
    """A new e-mail from an agent to a customer of ``client``: the customer (found by the
    address, else made), a conversation like an inbound one (in the customer's history, on
    the agent's desk) marked as started by the agent (not a contact in the client's figures),
    the message with its files and its outbox row, all in one transaction. The conversation
    then waits for the customer."""
    if schema_name_current() != client.schema_name:
        raise RuntimeError("conversation_start_email runs in the client's schema")
    address = _address_checked(to_address, "to_address")
    # PostgreSQL refuses NUL in text: pasted from a PDF, it must not cost the agent a 500.
    subject = " ".join(subject.replace("\x00", "").split())
    text = text.replace("\x00", "")
    customer_name = " ".join(customer_name.replace("\x00", "").split())
    errors = {}
    if len(customer_name) > _NAME_LENGTH:
        errors["customer_name"] = _("The name is too long.")
    if language not in CATALOG:
        errors["language"] = _("Choose the customer's language.")
    if not subject:
        errors["subject"] = _("Write a subject.")
    elif len(subject) > _SUBJECT_LENGTH:
        errors["subject"] = _("The subject is too long.")
    if not text.strip():
        errors["text"] = _("The message is empty.")
    if errors:
        raise ValidationError(errors)
    placeholders_refuse(subject, text)
    now = timezone.now()
    customer = customer_for_contact(email=address, phone="", name=customer_name, country="")
    if customer_name and not customer.name:
        customer.name = customer_name
        customer.save(update_fields=["name"])
    if not customer.language:  # the agent knows it: kept for the customer's next contacts
        customer.language = language
        customer.save(update_fields=["language"])
    conversation = Conversation.objects.create(
        customer=customer,
        channel=Conversation.Channel.EMAIL,
        subject=subject,
        language=language,
        status=Conversation.Status.PENDING,
        assignee=agent,
        created_at=now,
        pending_since=now,
        started_by_agent=True,
    )
    signature = signature_text(
        client=client, channel=conversation.channel, language=language, agent=agent
    )
    message = outbound_email_queue(
        client=client,
        conversation=conversation,
        body=signed(text, signature),
        subject=subject,
        author=agent,
    )
    for file in files:
        attachment_store(message=message, file=file)
    item = work_started_by_agent(
        client=client,
        channel=conversation.channel,
        language=language,
        source_kind="conversation",
        source_id=conversation.pk,
        summary=subject,
        agent=agent,
        now=now,
    )
    return Started(conversation, message, item)


def _author_label(message: Message, authors: dict[int, str], customer: str) -> str:
    if message.direction == Message.Direction.INBOUND:
        return customer
    if message.author_id is None:
        return "Polydesk (automatic)"
    return authors.get(message.author_id, "a former user")


def forward_transcript(conversation: Conversation, *, zone) -> str:
    """The conversation as a forward carries it: every message to and from the customer
    (never an internal note), oldest first, each under its date and author."""
    shown = list(
        conversation.messages.exclude(direction=Message.Direction.NOTE)
        .defer("raw", "body_html")
        .order_by("created_at", "id")
    )
    ids = {m.author_id for m in shown if m.author_id}
    authors = {
        user.pk: user.get_full_name() or user.username for user in User.objects.filter(pk__in=ids)
    }
    customer = conversation.customer
    who = customer.name or customer.email or customer.phone or "customer"
    title = conversation.subject or f"#{conversation.pk}"
    parts = [f"{FORWARD_MARKER}: {title}"]
    for message in shown:
        when = timezone.localtime(message.created_at, zone).strftime("%Y-%m-%d %H:%M %Z")
        author = _author_label(message, authors, who)
        parts.append(f"{when}, {author}:\n{message.body_text.strip()}")
    return "\n\n".join(parts)


@transaction.atomic
def conversation_forward(
    *, client: Client, conversation_id: int, agent: User, to_address: str, note: str
) -> Message:
    """Forward the conversation to ``to_address`` (a carrier, the client's warehouse) with
    the agent's note above it and the customer's files attached, through the outbox, from
    the client's identity. Kept in the thread as an internal note with its delivery state;
    the customer gets nothing and it is no answer (neither a first response nor billed)."""
    address = _address_checked(to_address, "to_address")
    note = note.replace("\x00", "").strip()
    placeholders_refuse(note)
    conversation = Conversation.objects.select_related("customer").get(pk=conversation_id)
    signature = signature_text(
        client=client, channel="email", language=conversation.language, agent=agent
    )
    intro = signed(note, signature) if note else signature
    transcript = forward_transcript(conversation, zone=client.tz)
    files = conversation.messages.exclude(direction=Message.Direction.NOTE).values_list(
        "attachments", flat=True
    )
    message = outbound_email_queue(
        client=client,
        conversation=conversation,
        body=f"{intro}\n\n{transcript}".strip(),
        subject=f"Fwd: {conversation.subject}".strip() if conversation.subject else "Fwd",
        author=agent,
        forward_to=address,
    )
    _forward_files(message, [pk for pk in files if pk is not None])
    return message


def _forward_files(message: Message, attachment_ids: list[int]) -> None:
    """The conversation's files on the forward, up to ``FORWARD_FILES_BYTES``; the names of
    those left out are added to its text."""
    total, left_out = 0, []
    for attachment in Attachment.objects.filter(pk__in=attachment_ids).order_by("id"):
        if total + attachment.size > FORWARD_FILES_BYTES:
            left_out.append(attachment.filename)
            continue
        try:
            with attachment_open(attachment) as stored:
                data = stored.read()
        except FileNotFoundError:
            left_out.append(attachment.filename)
            continue
        total += attachment.size
        attachment_store(
            message=message,
            file=IncomingFile(attachment.filename, attachment.content_type, data),
        )
    if left_out:
        message.body_text += "\n\n" + "Files not attached: " + ", ".join(left_out)
        message.save(update_fields=["body_text"])
