"""The cross-client work queue, agents' presence and capacity, routing policy (public)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.channels import Channel


class AgentState(models.Model):
    """An agent's presence, capacity per channel and how long they have been idle."""

    class Presence(models.TextChoices):  # shown on the agent desk: translated
        AVAILABLE = "available", _("Available")
        BUSY = "busy", _("Busy")
        AWAY = "away", _("Away")
        OFFLINE = "offline", _("Offline")

    agent = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True,
        related_name="desk_state",
    )  # fmt: skip
    presence = models.CharField(max_length=10, choices=Presence.choices, default=Presence.OFFLINE)
    capacity_call = models.PositiveSmallIntegerField(default=1)
    capacity_email = models.PositiveSmallIntegerField(default=10)
    capacity_chat = models.PositiveSmallIntegerField(default=3)  # chat, SMS and API together
    # Longest idle first: set when the agent becomes available or finishes an item.
    idle_since = models.DateTimeField(null=True, blank=True)
    # The desk's last sign of life; a silent session is taken offline and its items released.
    heartbeat_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["idle_since"], name="agentstate_available_idle",
                condition=Q(presence="available"),
            ),
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.agent} ({self.presence})"


class RoutingPolicy(models.Model):
    """When a channel's work may go to agents of a fallback language (the spirit of a
    TaskRouter workflow). A row without client is the agency's default for the channel."""

    channel = models.CharField(max_length=8, choices=Channel.choices)
    client = models.ForeignKey(
        "tenants.Client", on_delete=models.CASCADE, null=True, blank=True,
        related_name="routing_policies",
    )  # fmt: skip
    fallback_after_seconds = models.PositiveIntegerField(
        default=120, help_text="after this wait, agents of the fallback languages may take it"
    )
    last_resort_after_seconds = models.PositiveIntegerField(
        null=True, blank=True,
        help_text="after this wait, agents of the last-resort language (English) may take it; "
        "empty: never",
    )  # fmt: skip
    offer_timeout_seconds = models.PositiveIntegerField(
        default=20, help_text="calls: how long an agent has to accept an offer"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "client"], name="one_policy_per_channel_and_client",
                nulls_distinct=False,
            ),
        ]  # fmt: skip
        verbose_name_plural = "routing policies"

    def __str__(self) -> str:
        return f"{self.channel} · {self.client or 'default'}"


class WorkItem(models.Model):
    """One routable unit (a call waiting, a conversation needing an answer), with a summary
    so that the inbox needs no query in the client's schema."""

    class Status(models.TextChoices):
        WAITING = "waiting", "Waiting"
        OFFERED = "offered", "Offered"
        ASSIGNED = "assigned", "Assigned"
        DONE = "done", "Done"
        CANCELLED = "cancelled", "Cancelled"

    # Waiting or being worked on: at most one such item per source.
    OPEN_STATUSES = ("waiting", "offered", "assigned")
    # A caller on the line (not a voicemail or callback request, which are conversations):
    # offered to one agent at a time, and once bridged it stays with that agent until the
    # call ends (telephony closes it).
    LIVE_CALL = Q(channel="call", source_kind="call")
    CONNECTED_CALL = LIVE_CALL & Q(status="assigned")

    client = models.ForeignKey("tenants.Client", on_delete=models.CASCADE, related_name="+")
    channel = models.CharField(max_length=8, choices=Channel.choices)
    language = models.CharField(max_length=8)
    language_uncertain = models.BooleanField(default=False)
    priority = models.SmallIntegerField(default=0, help_text="higher first")
    summary = models.CharField(max_length=200, blank=True)
    # What it stands for in the client's schema: ("conversation", 42) or ("call", 7).
    source_kind = models.CharField(max_length=16)
    source_id = models.BigIntegerField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.WAITING)
    waiting_since = models.DateTimeField()
    due_at = models.DateTimeField(null=True, blank=True)
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="work_items",
    )  # fmt: skip
    offered_at = models.DateTimeField(null=True, blank=True)
    offer_expires_at = models.DateTimeField(null=True, blank=True)
    assigned_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    requeued = models.PositiveSmallIntegerField(default=0)
    # When agents are warned that the due time nears (computed in business hours).
    warn_at = models.DateTimeField(null=True, blank=True)
    # The first answer: the first-response promise is kept or broken by then.
    responded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            # The router's probes: the waiting items of one client and language in the
            # claim's order (routing.services.URGENT_FIRST; an ascending key puts NULLs
            # last), so that a probe reads the first few and stops.
            models.Index(
                fields=["client", "language", "-priority", "due_at", "waiting_since", "id"],
                name="workitem_waiting_order", condition=Q(status="waiting"),
            ),
            models.Index(
                fields=["agent", "channel"], name="workitem_agent_load",
                condition=Q(status__in=["offered", "assigned"]),
            ),
        ]  # fmt: skip
        constraints = [
            # One open item per source: a replayed webhook cannot queue it twice.
            models.UniqueConstraint(
                fields=["client", "source_kind", "source_id"], name="one_open_item_per_source",
                condition=Q(status__in=["waiting", "offered", "assigned"]),  # = OPEN_STATUSES
            ),
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.channel} {self.language} #{self.pk} ({self.status})"

    @property
    def is_live_call(self) -> bool:
        return self.channel == "call" and self.source_kind == "call"

    @property
    def is_connected_call(self) -> bool:  # CONNECTED_CALL for one item
        return self.is_live_call and self.status == self.Status.ASSIGNED


def default_weekly_hours() -> dict[str, list[list[str]]]:
    """The agency's offer: Monday to Friday, 08:00-16:00 local time."""
    return {str(day): [["08:00", "16:00"]] for day in range(5)}


class BusinessHours(models.Model):
    """A client's weekly local opening hours, for one country and/or language or for all.

    ``weekly`` maps weekday ("0" = Monday .. "6") to [["08:00", "16:00"], ...]; "24:00"
    closes at midnight. The country's public holidays are closed days.
    """

    client = models.ForeignKey("tenants.Client", on_delete=models.CASCADE,
                               related_name="business_hours")  # fmt: skip
    country = models.CharField(max_length=2, blank=True, help_text="empty: every country")
    language = models.CharField(max_length=8, blank=True, help_text="empty: every language")
    weekly = models.JSONField(default=default_weekly_hours)

    class Meta:
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

    client = models.ForeignKey("tenants.Client", on_delete=models.CASCADE,
                               related_name="sla_targets")  # fmt: skip
    channel = models.CharField(max_length=8, choices=Channel.choices, blank=True)
    first_response_hours = models.DecimalField(max_digits=6, decimal_places=2, default=48)
    warn_before_hours = models.DecimalField(
        max_digits=6, decimal_places=2, default=4,
        help_text="business hours before the due time when agents are warned",
    )  # fmt: skip
    resolution_hours = models.DecimalField(
        max_digits=7, decimal_places=2, null=True, blank=True, default=96,
        help_text="business hours from the first contact (or a reopening) to the resolution; "
        "empty: no resolution promise",
    )  # fmt: skip
    resolve_pending_after_days = models.PositiveSmallIntegerField(
        null=True, blank=True, default=7,
        help_text="days without a word from the customer after an answer before the "
        "conversation is resolved automatically; empty: never",
    )  # fmt: skip

    class Meta:
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
        constraints = [
            models.UniqueConstraint(fields=["client", "conversation_id"],
                                    name="one_resolution_clock_per_conversation"),
        ]  # fmt: skip
        indexes = [
            models.Index(fields=["due_at"], name="resolution_clock_running",
                         condition=Q(resolved_at__isnull=True, paused_at__isnull=True)),
        ]  # fmt: skip

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
    metric = models.CharField(max_length=16, choices=Metric.choices,
                              default=Metric.FIRST_RESPONSE)  # fmt: skip
    item = models.ForeignKey(WorkItem, on_delete=models.CASCADE, related_name="sla_events",
                             null=True, blank=True)  # fmt: skip
    resolution = models.ForeignKey(ResolutionClock, on_delete=models.CASCADE,
                                   related_name="sla_events", null=True, blank=True)  # fmt: skip
    kind = models.CharField(max_length=8, choices=Kind.choices)
    due_at = models.DateTimeField()
    recorded_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["item", "kind", "due_at"], name="sla_event_once"),
            models.UniqueConstraint(fields=["resolution", "kind", "due_at"],
                                    name="resolution_event_once"),
            models.CheckConstraint(
                condition=(Q(metric="first_response", item__isnull=False, resolution__isnull=True)
                           | Q(metric="resolution", item__isnull=True, resolution__isnull=False)),
                name="sla_event_of_its_metric",
            ),
        ]  # fmt: skip
        indexes = [models.Index(fields=["client", "kind", "recorded_at"])]

    def __str__(self) -> str:
        of = f"item {self.item_id}" if self.item_id else f"resolution {self.resolution_id}"
        return f"{self.kind} of {of} due {self.due_at:%Y-%m-%d %H:%M}"
