"""Receipts of inbound mail (public schema): the original as received, before any parsing."""

from django.db import models


class InboundReceipt(models.Model):
    """One delivery of one message, as it arrived, and what became of it.

    Written in its own transaction before the message is read. Once the message is filed in
    its client's schema (where ``Message.raw`` keeps the original), ``raw`` is cleared here:
    a customer's mail does not stay in the public schema. Mail nobody receives keeps its
    bytes for the postmaster until the purge (``POLYDESK_INBOUND_RECEIPT_DAYS``).
    """

    class State(models.TextChoices):
        RECEIVED = "received", "Received, not filed yet"
        FILED = "filed", "Filed"
        DUPLICATE = "duplicate", "Filed before (a repeated delivery)"
        UNREADABLE = "unreadable", "Unreadable, filed for the client to look at"
        REFUSED = "refused", "Refused"

    received_at = models.DateTimeField(db_index=True)
    source = models.CharField(max_length=64)  # "pipe", "http", "provider:<name>"
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64, db_index=True)
    envelope_recipient = models.CharField(max_length=254, blank=True)
    message_id = models.CharField(max_length=255, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.RECEIVED)
    reason = models.CharField(max_length=500, blank=True)
    client = models.ForeignKey(
        "tenants.Client", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    conversation_id = models.BigIntegerField(null=True, blank=True)
    filed_at = models.DateTimeField(null=True, blank=True)
    raw = models.BinaryField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-received_at", "-id"]
        indexes = [
            models.Index(
                fields=["received_at"], name="receipt_unfiled", condition=models.Q(state="received")
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source} {self.received_at:%Y-%m-%d %H:%M} {self.state}"
