"""Clients' business hours and closures, SLA targets, resolution clocks and SLA events
(public schema).

The tables keep the names they had in the routing app (routing_businesshours, ...): raw SQL
in the sweep, the reports and the benchmarks names them, and nothing had to move on disk.
"""

from django.db import models
from django.db.models import Q

from core.channels import Channel


def default_weekly_hours() -> dict[str, list[list[str]]]:
    """The agency's offer: Monday to Friday, 08:00-16:00 local time."""
    return {str(day): [["08:00", "16:00"]] for day in range(5)}


class BusinessHours(models.Model):
    """A client's weekly local opening hours, for one country and/or language or for all.

    ``weekly`` maps weekday ("0" = Monday .. "6") to [["08:00", "16:00"], ...]; "24:00"
    closes at midnight. The country's public holidays are closed days.
    """

    client = models.ForeignKey(
        "tenants.Client", on_delete=models.CASCADE, related_name="business_hours"
    )
    country = models.CharField(max_length=2, blank=True, help_text="empty: every country")
    language = models.CharField(max_length=8, blank=True, help_text="empty: every language")
    weekly = models.JSONField(default=default_weekly_hours)

    class Meta:
        db_table = "routing_businesshours"
        constraints = [
            models.UniqueConstraint(
                fields=["client", "country", "language"], name="one_schedule_per_scope"
            ),
        ]
        verbose_name_plural = "business hours"

    def __str__(self) -> str:
        return f"{self.client} {self.country or '*'}/{self.language or '*'}"


class Closure(models.Model):
    """An extra closed period of a client (inventory day, company holiday)."""

    client = models.ForeignKey("tenants.Client", on_delete=models.CASCADE, related_name="closures")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    reason = models.CharField(max_length=200, blank=True)

    class Meta:
        db_table = "routing_closure"
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="closure_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.client} closed {self.starts_at:%Y-%m-%d %H:%M} - {self.ends_at:%Y-%m-%d %H:%M}"
        )


class SlaTarget(models.Model):
    """A client's promise per channel, in business hours (a row without channel: all)."""

    client = models.ForeignKey(
        "tenants.Client", on_delete=models.CASCADE, related_name="sla_targets"
    )
    channel = models.CharField(max_length=8, choices=Channel.choices, blank=True)
    first_response_hours = models.DecimalField(max_digits=6, decimal_places=2, default=48)
    warn_before_hours = models.DecimalField(
        max_digits=6,
        decimal_places=2,
        default=4,
        help_text="business hours before the due time when agents are warned",
    )
    resolution_hours = models.DecimalField(
        max_digits=7,
        decimal_places=2,
        null=True,
        blank=True,
        default=96,
        help_text="business hours from the first contact (or a reopening) to the resolution; "
        "empty: no resolution promise",
    )
    resolve_pending_after_days = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        default=7,
        help_text="days without a word from the customer after an answer before the "
        "conversation is resolved automatically; empty: never",
    )

    class Meta:
        db_table = "routing_slatarget"
        constraints = [
            models.UniqueConstraint(fields=["client", "channel"], name="one_sla_per_channel"),
        ]

    def __str__(self) -> str:
        return f"{self.client} {self.channel or '*'}: {self.first_response_hours} h"


class ResolutionClock(models.Model):
    """A conversation's resolution promise, kept in the public schema so that one sweep
    covers every client. A reopening restarts it (a new due time); resolving stops it;
    waiting for the customer pauses it."""

    client = models.ForeignKey("tenants.Client", on_delete=models.CASCADE, related_name="+")
    conversation_id = models.BigIntegerField()  # in the client's schema
    channel = models.CharField(max_length=8, choices=Channel.choices)
    started_at = models.DateTimeField()
    due_at = models.DateTimeField()
    warn_at = models.DateTimeField()
    resolved_at = models.DateTimeField(null=True, blank=True)
    # Waiting for the customer (the agent answered): the clock stands still until the
    # customer writes again, and then the business time left at the pause runs on.
    paused_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "routing_resolutionclock"
        constraints = [
            models.UniqueConstraint(
                fields=["client", "conversation_id"], name="one_resolution_clock_per_conversation"
            ),
        ]
        indexes = [
            models.Index(
                fields=["due_at"],
                name="resolution_clock_running",
                condition=Q(resolved_at__isnull=True, paused_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"resolution of conversation {self.conversation_id} due {self.due_at:%Y-%m-%d %H:%M}"


class SlaEvent(models.Model):
    """A warning before, or the breach of, a due time; written once each. A first-response
    event belongs to a work item, a resolution event to a conversation's resolution clock."""

    class Kind(models.TextChoices):
        WARNING = "warning", "Warning"
        BREACH = "breach", "Breach"

    class Metric(models.TextChoices):
        FIRST_RESPONSE = "first_response", "First response"
        RESOLUTION = "resolution", "Resolution"

    client = models.ForeignKey("tenants.Client", on_delete=models.CASCADE, related_name="+")
    metric = models.CharField(max_length=16, choices=Metric.choices, default=Metric.FIRST_RESPONSE)
    # The router's work item, named by a string: hours imports nothing of routing, but its
    # first-response events point at the queue (the router writes them, and the sweep).
    item = models.ForeignKey(
        "routing.WorkItem",
        on_delete=models.CASCADE,
        related_name="sla_events",
        null=True,
        blank=True,
    )
    resolution = models.ForeignKey(
        ResolutionClock, on_delete=models.CASCADE, related_name="sla_events", null=True, blank=True
    )
    kind = models.CharField(max_length=8, choices=Kind.choices)
    due_at = models.DateTimeField()
    recorded_at = models.DateTimeField()

    class Meta:
        db_table = "routing_slaevent"
        constraints = [
            models.UniqueConstraint(fields=["item", "kind", "due_at"], name="sla_event_once"),
            models.UniqueConstraint(
                fields=["resolution", "kind", "due_at"], name="resolution_event_once"
            ),
            models.CheckConstraint(
                condition=(
                    Q(metric="first_response", item__isnull=False, resolution__isnull=True)
                    | Q(metric="resolution", item__isnull=True, resolution__isnull=False)
                ),
                name="sla_event_of_its_metric",
            ),
        ]
        indexes = [
            models.Index(fields=["client", "kind", "recorded_at"]),
            # The breaches of one client's promises due in a month (the SLA figures; the
            # table holds every client's events) (benchmarks/kpis.py).
            models.Index(fields=["client", "kind", "due_at"], name="slaevent_client_due"),
        ]

    def __str__(self) -> str:
        of = f"item {self.item_id}" if self.item_id else f"resolution {self.resolution_id}"
        return f"{self.kind} of {of} due {self.due_at:%Y-%m-%d %H:%M}"
