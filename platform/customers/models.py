"""Customers of one client. Personal data: lives only in that client's schema."""

from django.conf import settings
from django.db import models


class Customer(models.Model):
    name = models.CharField(max_length=200, blank=True)
    email = models.EmailField(blank=True, db_index=True)
    phone = models.CharField(max_length=20, blank=True, db_index=True, help_text="E.164")
    language = models.CharField(max_length=8, blank=True)
    country = models.CharField(max_length=2, blank=True)
    shop_reference = models.CharField(
        max_length=100, blank=True, help_text="the e-shop's own customer number"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    erased_at = models.DateTimeField(null=True, blank=True)
    # Merged into another customer of the client (the same person under two addresses): a
    # tombstone whose conversations and calls moved to the target. Its e-mail and phone stay
    # here as the target's other identities (a mail from them finds the target), and old
    # links to it lead to the target. Always points at a customer that is not merged itself.
    merged_into = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="merged_customers"
    )
    merged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.name or self.email or self.phone or f"customer {self.pk}"


class BlockedSender(models.Model):
    """An e-mail address or phone number whose messages to this client go straight to spam
    (stored, never queued, acknowledged or billed). Per client: it lives in the client's
    schema, so another client's mail from the same address is untouched."""

    # An e-mail address in lower case, or a phone number as received (E.164).
    address = models.CharField(max_length=254, unique=True)
    blocked_at = models.DateTimeField()
    # A user of the public schema: no database constraint (see conversations.models).
    blocked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
    )
    # The conversation marked spam that blocked it (undoing that one unblocks it).
    conversation_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-blocked_at", "-id"]

    def __str__(self) -> str:
        return self.address
