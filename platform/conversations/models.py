"""A client's conversations with its customers, every channel in one history."""

from typing import Any

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models

from core.channels import Channel

# Users live in the public schema. A tenant table's reference to one has no database
# constraint and no cascade: deleting a user from the public schema must not reach into
# every client's schema (Django's collector would look for these rows in public and fail).
# Users are deactivated, not deleted; a dangling id reads as "a former user".
USER_REFERENCE: dict[str, Any] = {
    "on_delete": models.DO_NOTHING,
    "db_constraint": False,
    "null": True,
    "blank": True,
    "related_name": "+",
}


class LanguageDecidedBy(models.TextChoices):
    TEXT = "text", "the text"
    HISTORY = "history", "the customer's earlier messages"
    CUSTOMER = "customer", "the customer's known language"
    ADDRESS_COUNTRY = "address_country", "the customer's country"
    CLIENT_COUNTRY = "client_country", "the client's countries"
    DEFAULT = "default", "the client's default language"
    AGENT = "agent", "an agent's correction"


class Conversation(models.Model):
    class Status(models.TextChoices):
        NEW = "new", "New"
        OPEN = "open", "Open"
        PENDING = "pending", "Pending customer"
        RESOLVED = "resolved", "Resolved"
        CLOSED = "closed", "Closed"

    Channel = Channel  # the channels of every room (core.channels.Channel)

    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.PROTECT, related_name="conversations"
    )
    channel = models.CharField(max_length=8, choices=Channel.choices)
    subject = models.CharField(max_length=300, blank=True)
    language = models.CharField(max_length=8)
    # Detection was not sure (or the language is not one the client serves): an agent
    # confirms or corrects it in one click; the correction is kept.
    language_uncertain = models.BooleanField(default=False)
    language_detected = models.CharField(max_length=8, blank=True)
    # What decided the language (languages.detection.Detection.decided_by, "agent" for a
    # correction), shown to the agent next to it; empty when it was given (the phone menu).
    language_decided_by = models.CharField(
        max_length=16, choices=LanguageDecidedBy.choices, blank=True
    )
    language_corrected_by = models.ForeignKey(settings.AUTH_USER_MODEL, **USER_REFERENCE)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.NEW)
    priority = models.SmallIntegerField(default=0)
    category = models.CharField(max_length=64, blank=True)
    tags = ArrayField(models.CharField(max_length=32), default=list, blank=True)
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, **USER_REFERENCE)
    created_at = models.DateTimeField()
    first_response_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    # Resolved by Polydesk after the customer stayed silent (the client's setting), not by
    # an agent.
    resolved_automatically = models.BooleanField(default=False)
    # Since when the conversation waits for the customer (status pending): the agent's
    # last answer.
    pending_since = models.DateTimeField(null=True, blank=True)
    reopened_at = models.DateTimeField(null=True, blank=True)
    reopen_count = models.PositiveSmallIntegerField(default=0)
    first_response_due_at = models.DateTimeField(null=True, blank=True)
    # The resolution promise (restarted by a reopening); its clock is swept in public.
    resolution_due_at = models.DateTimeField(null=True, blank=True)
    # Opened by an auto-reply or a bounce about nothing of ours: kept in the client's history,
    # closed at once, never in the work queue, and not a contact in the figures.
    automatic = models.BooleanField(default=False)
    # Opened by an agent's new e-mail (the desk's "New e-mail"), not by the customer: in the
    # history and on the desk like any other, but not a contact received in the figures, even
    # once the customer answers (docs/kpis.md).
    started_by_agent = models.BooleanField(default=False)
    # Opened by Polydesk for a shop's order event (order_updates: "your order has shipped"),
    # resolved at once: in the customer's history, never in the queue, not a contact in the
    # figures, never surveyed or billed. A customer's answer threads into it and reopens it
    # as it would any other (docs/kpis.md, "Proactive messages").
    proactive = models.BooleanField(default=False, db_default=False)
    # Spam (conversations.spam): marked by an agent (``spam_by``), or filed so because its
    # sender is blocked for this client (``spam_by`` empty). Kept in the history, closed,
    # never in the work queue, never acknowledged or surveyed, not a contact in the figures,
    # not billed; "Not spam" undoes it (docs/architecture.md, "Spam").
    spam = models.BooleanField(default=False)
    spam_at = models.DateTimeField(null=True, blank=True)
    spam_by = models.ForeignKey(settings.AUTH_USER_MODEL, **USER_REFERENCE)
    # Merged into another conversation of the same customer (the desk's "Merge into…",
    # conversations.merge): closed, kept and readable; its messages show in the target's
    # thread, and the customer's replies to it land there. Always points at a conversation
    # that is not merged itself (a merge into this one's source re-points its sources).
    merged_into = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="merged_sources"
    )
    merged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["customer", "-created_at"]),
            # A month's contacts (the KPIs, the volume charts): read by range, not by a scan
            # of every month the client has had (benchmarks/kpis.py).
            models.Index(fields=["created_at"], name="conversation_created"),
            models.Index(
                fields=["pending_since"],
                name="conversation_pending",
                condition=models.Q(status="pending"),
            ),
            # The desk's spam list: a client's spam, newest first, without a scan.
            models.Index(
                fields=["-spam_at", "-id"],
                name="conversation_spam",
                condition=models.Q(spam=True),
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.subject or self.channel}"


class Message(models.Model):
    class Direction(models.TextChoices):
        INBOUND = "in", "From the customer"
        OUTBOUND = "out", "To the customer"
        NOTE = "note", "Internal note"

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="messages"
    )
    direction = models.CharField(max_length=4, choices=Direction.choices)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, **USER_REFERENCE)
    channel = models.CharField(max_length=8, choices=Channel.choices)
    body_text = models.TextField()
    # E-mail: the HTML part, sanitised (nh3) for display; the original message as received.
    body_html = models.TextField(blank=True)
    raw = models.BinaryField(null=True, blank=True, editable=False)
    # Outbound: when the channel took it (None: still to send; sending is a Celery task).
    sent_at = models.DateTimeField(null=True, blank=True)
    # The channel's own id (e-mail Message-ID, Twilio SID, the API caller's id): a
    # replayed delivery is recognised by it.
    external_id = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField()
    # An auto-reply or a bounce: filed, but it reopens nothing, starts no clock and is never
    # acknowledged.
    automatic = models.BooleanField(default=False)
    # Why intake could not read this message (``raw`` is the original, for download); empty
    # for a message read normally.
    unreadable_reason = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "external_id"],
                name="message_external_id_once",
                condition=~models.Q(external_id=""),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.direction} {self.channel} #{self.pk}"


class Attachment(models.Model):
    """A file of a message (a customer's photo, an agent's PDF, an MMS picture).

    The bytes live in Django's storage (``conversations.attachments``), once per content
    hash and client schema: the same photo sent twice is stored once. Erasing a customer
    deletes the rows and the files no other message of the client still uses.
    """

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attachments")
    filename = models.CharField(max_length=255)
    content_type = models.CharField(max_length=127)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64, db_index=True)
    # An inline part (an image in an HTML mail, referenced as cid:<content_id>).
    content_id = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.filename} ({self.size} bytes)"
