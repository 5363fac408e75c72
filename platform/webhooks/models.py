"""A client's webhook endpoints, what was sent to them and every attempt (client schema).

Each delivery (one event for one endpoint) leaves through the outbox: its ``outbox.Delivery``
row (public, channel "webhook", ``webhook_delivery_id`` = this delivery's id) keeps the state,
the lease and the retries; the attempts here say what the endpoint answered each time.
"""

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q


class Endpoint(models.Model):
    class State(models.TextChoices):
        ACTIVE = "active", "Active"
        # Kept failing (webhooks.services.PAUSE_*): nothing is sent until a manager resumes it.
        PAUSED = "paused", "Paused"

    url = models.URLField(max_length=500)
    description = models.CharField(max_length=200, blank=True)
    events = ArrayField(models.CharField(max_length=40))
    # The Standard Webhooks secret ("whsec_" + base64 of 24 random bytes): shown once; kept
    # readable because every delivery is signed with it.
    secret = models.CharField(max_length=100)
    # The secret before the last rotation: deliveries are signed with it too (a second
    # signature) until ``previous_secret_until``, 24 hours, so the client's system can switch
    # over; emptied afterwards (at the next delivery or rotation).
    previous_secret = models.CharField(max_length=100, blank=True)
    previous_secret_until = models.DateTimeField(null=True, blank=True)
    state = models.CharField(max_length=6, choices=State.choices, default=State.ACTIVE)
    created_at = models.DateTimeField()
    paused_at = models.DateTimeField(null=True, blank=True)
    pause_reason = models.CharField(max_length=300, blank=True)
    # Failed attempts since the last success, and when the first of them was.
    consecutive_failures = models.PositiveIntegerField(default=0)
    failing_since = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            # Two equalities, not IN: PostgreSQL writes an IN list back differently after
            # pg_dump, and a new client's schema is the template's dump (tenants/cloning).
            models.CheckConstraint(
                condition=Q(state="active") | Q(state="paused"), name="webhook_endpoint_state_known"
            )
        ]

    def __str__(self) -> str:
        return self.url


class WebhookDelivery(models.Model):
    """One event for one endpoint; a replay is a new delivery with the same ``message_id``."""

    endpoint = models.ForeignKey(Endpoint, on_delete=models.CASCADE, related_name="deliveries")
    # The webhook-id header: the same for a replay, so that the receiver can tell.
    message_id = models.CharField(max_length=40)
    event_type = models.CharField(max_length=40)
    payload = models.JSONField()
    # The customer the event is about (customers.Customer, None for an invoice): erasing
    # them blanks the personal fields of these payloads (webhooks.privacy).
    customer_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    # When the payload's personal fields were blanked (the customer erased, or the client's
    # retention); the delivery and its attempts stay.
    personal_removed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()
    replay_of = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["endpoint", "-created_at"], name="webhook_delivery_recent")]

    def __str__(self) -> str:
        return f"{self.event_type} {self.message_id} to {self.endpoint_id}"


class Attempt(models.Model):
    """One try to send a delivery: what the endpoint answered, or why nothing came back."""

    delivery = models.ForeignKey(WebhookDelivery, on_delete=models.CASCADE, related_name="attempts")
    at = models.DateTimeField()
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    response_excerpt = models.CharField(max_length=500, blank=True)
    duration_ms = models.PositiveIntegerField()
    error = models.CharField(max_length=500, blank=True)
    succeeded = models.BooleanField()

    def __str__(self) -> str:
        return f"{self.delivery_id} at {self.at}: {self.status_code or self.error}"
