"""A customer's conversations in their export (their part of
``customers.export.customer_export``): every conversation with its messages to and from the
customer, and the messages' files. Internal notes are left out: they are the agency's
working notes, never shown to the client's portal or API either (docs/privacy.md)."""

from collections.abc import Iterator
from typing import Any

from django.core.files.storage import default_storage

from conversations.attachments import attachment_open, blob_name
from conversations.models import Attachment, Conversation, Message
from customers.export import ExportArchive
from customers.models import Customer

CHUNK = 64 * 1024


def conversations_export_for_customer(
    *, customer: Customer, archive: ExportArchive
) -> dict[str, Any]:
    """The customer's conversations, messages and attachments (registered exporter)."""
    conversations = Conversation.objects.filter(customer=customer).order_by("created_at", "pk")
    return {
        "conversations": [
            _conversation(conversation, archive) for conversation in conversations.iterator()
        ]
    }


def _conversation(conversation: Conversation, archive: ExportArchive) -> dict[str, Any]:
    messages = (
        conversation.messages.exclude(direction=Message.Direction.NOTE)
        .prefetch_related("attachments")
        .order_by("created_at", "pk")
    )
    return {
        "id": conversation.pk,
        "channel": conversation.channel,
        "subject": conversation.subject,
        "language": conversation.language,
        "status": conversation.status,
        "category": conversation.category,
        "created_at": conversation.created_at,
        "first_response_at": conversation.first_response_at,
        "resolved_at": conversation.resolved_at,
        "messages": [_message(message, archive) for message in messages],
    }


def _message(message: Message, archive: ExportArchive) -> dict[str, Any]:
    return {
        "id": message.pk,
        "direction": message.direction,
        "channel": message.channel,
        "created_at": message.created_at,
        "sent_at": message.sent_at,
        "text": message.body_text,
        "html": message.body_html,
        "attachments": [_attachment(file, archive) for file in message.attachments.all()],
    }


def _attachment(attachment: Attachment, archive: ExportArchive) -> dict[str, Any]:
    path = None  # the file is gone from the storage (a restore without media): said so
    if default_storage.exists(blob_name(attachment.sha256)):
        path = archive.file_add(
            folder="attachments",
            name=f"{attachment.message_id}-{attachment.filename}",
            chunks=_chunks(attachment),
        )
    return {
        "filename": attachment.filename,
        "content_type": attachment.content_type,
        "size": attachment.size,
        "sha256": attachment.sha256,
        "file": path,
    }


def _chunks(attachment: Attachment) -> Iterator[bytes]:
    with attachment_open(attachment) as stored:
        while chunk := stored.read(CHUNK):
            yield chunk
