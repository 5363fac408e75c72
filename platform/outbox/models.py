"""The delivery state of every message that leaves (public schema).

The message itself lives in its client's schema; its delivery row lives here, written in the
same transaction (one database, so one transaction covers both schemas). One public table
lets one query drive the sweep and the supervisor wall across all clients.
"""

from django.db import models
from django.db.models import Q


class Delivery(models.Model):
    class State(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"
        BOUNCED = "bounced", "Bounced"
        # Never sent, on purpose: an automatic message (acknowledgement, survey) still queued
        # when its conversation was marked spam. ``last_error`` says why.
        WITHDRAWN = "withdrawn", "Withdrawn"

    class Kind(models.TextChoices):
        REPLY = "reply", "Agent's reply"
        # Written by Polydesk itself (an acknowledgement, a survey): e-mail carries
        # Auto-Submitted: auto-replied (RFC 3834), and it is no answer for the SLA or billing.
        AUTOMATIC = "automatic", "Automatic message"
        # An agent forwards a conversation to another address (``recipient``): no answer to
        # the customer, so neither a first response nor billed.
        FORWARD = "forward", "Forward"

    client = models.ForeignKey("tenants.Client", on_delete=models.CASCADE, related_name="+")
    # conversations.Message and its conversation, in the client's schema (no constraint
    # across schemas); both empty for a webhook delivery, which names its own row instead.
    message_id = models.BigIntegerField(null=True, blank=True)
    conversation_id = models.BigIntegerField(null=True, blank=True)
    # webhooks.WebhookDelivery (channel "webhook", the client's schema): what a delivery to
    # the client's own systems sends. Exactly one of it and message_id is set (the check
    # constraint below), so neither ever stands for the other.
    webhook_delivery_id = models.BigIntegerField(null=True, blank=True)
    channel = models.CharField(max_length=8)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.REPLY)
    # The e-mail subject chosen when the message was written (an acknowledgement's template):
    # a send retried by the sweep days later still has it.
    subject = models.CharField(max_length=300, blank=True)
    # Whom it goes to when that is not the conversation's customer (a forward's address).
    recipient = models.EmailField(max_length=254, blank=True)
    # Our own id of the message as the receiver sees it (e-mail: its Message-ID), so that a
    # bounce that names it finds the row with one public query.
    external_id = models.CharField(max_length=255, blank=True)
    state = models.CharField(max_length=9, choices=State.choices, default=State.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    # A worker holds a row in "sending" until then; past it the sweep hands it to another.
    lease_until = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField()
    # When its task was last handed to the broker (None: not on its way, the sweep sends it).
    dispatched_at = models.DateTimeField(null=True, blank=True)
    queued_at = models.DateTimeField()
    sending_started_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # What being sent means (the message's sent_at, the first response, billing) was
    # written: a step of its own right after the mark, so that the mark is one statement.
    effects_applied_at = models.DateTimeField(null=True, blank=True)
    failed_at = models.DateTimeField(null=True, blank=True)
    bounced_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    # What the provider answered: the SMTP server's reply, Twilio's MessageSid.
    provider_id = models.CharField(max_length=255, blank=True)

    class Meta:
        constraints = [
            # NULLs are distinct: the webhook rows (no message) never meet here.
            models.UniqueConstraint(fields=["client", "message_id"], name="delivery_once"),
            models.UniqueConstraint(
                fields=["client", "webhook_delivery_id"], name="delivery_webhook_once"
            ),
            models.CheckConstraint(
                condition=(
                    Q(
                        channel="webhook",
                        webhook_delivery_id__isnull=False,
                        message_id__isnull=True,
                        conversation_id__isnull=True,
                    )
                    | (
                        ~Q(channel="webhook")
                        & Q(
                            webhook_delivery_id__isnull=True,
                            message_id__isnull=False,
                            conversation_id__isnull=False,
                        )
                    )
                ),
                name="delivery_names_one_thing",
            ),
            models.CheckConstraint(
                condition=Q(
                    state__in=["queued", "sending", "sent", "failed", "bounced", "withdrawn"]
                ),
                name="delivery_state_known",
            ),
        ]
        indexes = [
            # The sweep: due queued rows, and sending rows whose lease ran out.
            models.Index(
                fields=["next_attempt_at"], name="delivery_queued_due", condition=Q(state="queued")
            ),
            models.Index(
                fields=["lease_until"], name="delivery_lease", condition=Q(state="sending")
            ),
            # The supervisor wall: what did not reach the customer, newest first.
            models.Index(
                fields=["-queued_at"],
                name="delivery_undelivered",
                condition=Q(state__in=["failed", "bounced"]),
            ),
            models.Index(
                fields=["client", "external_id"],
                name="delivery_external_id",
                condition=~Q(external_id=""),
            ),
            models.Index(
                fields=["sent_at"],
                name="delivery_effects_due",
                condition=Q(sent_at__isnull=False, effects_applied_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        what = self.message_id if self.webhook_delivery_id is None else self.webhook_delivery_id
        return f"{self.channel} {what} of {self.client_id}: {self.state}"

    @property
    def message_pk(self) -> int:
        """The message's id, for a channel that sends messages (every one but "webhook")."""
        if self.message_id is None:
            raise ValueError(f"Delivery {self.pk} ({self.channel}) sends no message.")
        return self.message_id

    @property
    def conversation_pk(self) -> int:
        """The message's conversation's id (see ``message_pk``)."""
        if self.conversation_id is None:
            raise ValueError(f"Delivery {self.pk} ({self.channel}) is of no conversation.")
        return self.conversation_id
