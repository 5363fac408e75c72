"""A client's order events from its shop and the proactive messages they send (tenant
schema): "your order has shipped" before the customer asks where it is."""

import datetime

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q


class Kind(models.TextChoices):
    SHIPPED = "shipped", "Shipped"
    DELAYED = "delayed", "Delayed"
    OUT_FOR_DELIVERY = "out_for_delivery", "Out for delivery"
    DELIVERED = "delivered", "Delivered"
    RETURN_RECEIVED = "return_received", "Return received"
    REFUND_SENT = "refund_sent", "Refund sent"


def kinds_default() -> list[str]:
    """Every kind but "delivered": the customer knows when the parcel is in their hands."""
    return [kind.value for kind in Kind if kind != Kind.DELIVERED]


class OrderEvent(models.Model):
    """One event of one order as the shop sent it, once per (source, event_id), with what
    Polydesk did about it (``state``) and the message it wrote."""

    Kind = Kind

    class State(models.TextChoices):
        # The message is written and handed to the outbox, which sends it now (its delivery
        # row says whether it arrived).
        SENT = "sent", "Sent"
        # An SMS that arrived in the client's quiet hours: in the outbox, due when they end.
        QUEUED = "queued", "Queued until the quiet hours end"
        # Nobody to tell: no e-mail address (nor a phone number where SMS is allowed).
        NO_CONTACT = "no_contact", "No way to reach the customer"
        # The client does not send this kind of update.
        DISABLED = "disabled", "Not sent (turned off for this kind)"
        # The client's template needs a value the event did not carry (``reason``).
        HELD = "held", "Held"

    class Source(models.TextChoices):
        SHOPIFY = "shopify", "Shopify"
        WOOCOMMERCE = "woocommerce", "WooCommerce"
        API = "api", "API"
        DEMO = "demo", "Demo"

    source = models.CharField(max_length=16, choices=Source.choices)
    event_id = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    order_number = models.CharField(max_length=100)
    customer = models.ForeignKey(
        "customers.Customer",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="order_events",
    )
    tracking_number = models.CharField(max_length=100, blank=True)
    tracking_url = models.URLField(max_length=500, blank=True)
    carrier = models.CharField(max_length=100, blank=True)
    # When it happened at the shop, and when it reached us.
    occurred_at = models.DateTimeField()
    received_at = models.DateTimeField()
    state = models.CharField(max_length=12, choices=State.choices)
    reason = models.CharField(max_length=500, blank=True)
    channel = models.CharField(max_length=8, blank=True)
    language = models.CharField(max_length=8, blank=True)
    conversation = models.ForeignKey(
        "conversations.Conversation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    message = models.ForeignKey(
        "conversations.Message",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # The customer was erased: the order's details went with them (the row stays counted).
    erased_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["source", "event_id"], name="order_event_once"),
            # Written as ORs, not IN: a schema cloned from the template by pg_dump reads an
            # IN over varchar back in another form (tests/tenants/test_cloning.py).
            models.CheckConstraint(
                condition=Q(state="sent")
                | Q(state="queued")
                | Q(state="no_contact")
                | Q(state="disabled")
                | Q(state="held"),
                name="order_event_state_known",
            ),
        ]
        indexes = [
            # The portal's month: what was received in it.
            models.Index(fields=["received_at"], name="order_event_received"),
            models.Index(fields=["customer", "received_at"], name="order_event_customer"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.order_number} ({self.source} {self.event_id})"


class OrderUpdateSettings(models.Model):
    """Which order updates the client sends, on which channel, and when an SMS may go: one
    row per client schema (``singleton``)."""

    class Channel(models.TextChoices):
        EMAIL = "email", "E-mail only"
        SMS_WITHOUT_EMAIL = "sms_fallback", "E-mail; SMS when there is no e-mail address"
        SMS_FIRST = "sms_first", "SMS when there is a phone number; else e-mail"

    singleton = models.BooleanField(default=True, unique=True, editable=False)
    kinds = ArrayField(
        models.CharField(max_length=20, choices=Kind.choices),
        default=kinds_default,
        blank=True,
        help_text="the events that send the customer a message",
    )
    channel = models.CharField(max_length=12, choices=Channel.choices, default=Channel.EMAIL)
    # SMS quiet hours, local wall-clock times in the client's time zone: from ``quiet_from``
    # to ``quiet_until`` (across midnight when from > until; none when they are equal), and
    # all Sunday if chosen.
    quiet_from = models.TimeField(default=datetime.time(20, 0))
    quiet_until = models.TimeField(default=datetime.time(8, 0))
    quiet_sunday = models.BooleanField(
        default=True, help_text="no SMS all day Sunday (it waits for Monday morning)"
    )

    class Meta:
        verbose_name = "order update settings"
        verbose_name_plural = "order update settings"
        constraints = [
            models.CheckConstraint(condition=Q(singleton=True), name="order_update_settings_one"),
        ]

    def __str__(self) -> str:
        return "Order update settings"
