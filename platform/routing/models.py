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
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="desk_state",
    )
    presence = models.CharField(max_length=10, choices=Presence.choices, default=Presence.OFFLINE)
    capacity_call = models.PositiveSmallIntegerField(default=1)
    capacity_email = models.PositiveSmallIntegerField(default=10)
    capacity_chat = models.PositiveSmallIntegerField(default=3)  # chat, SMS and API together
    # Longest idle first: set when the agent becomes available or finishes an item.
    idle_since = models.DateTimeField(null=True, blank=True)
    # The desk's last sign of life; a silent session is taken offline and its items released.
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    # When the presence last changed: the supervisors' wall shows the time in state.
    presence_since = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["idle_since"],
                name="agentstate_available_idle",
                condition=Q(presence="available"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agent} ({self.presence})"


class RoutingPolicy(models.Model):
    """When a channel's work may go to agents of a fallback language (the spirit of a
    TaskRouter workflow). A row without client is the agency's default for the channel."""

    channel = models.CharField(max_length=8, choices=Channel.choices)
    client = models.ForeignKey(
        "tenants.Client",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="routing_policies",
    )
    fallback_after_seconds = models.PositiveIntegerField(
        default=120, help_text="after this wait, agents of the fallback languages may take it"
    )
    last_resort_after_seconds = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="after this wait, agents of the last-resort language (English) may take it; "
        "empty: never",
    )
    offer_timeout_seconds = models.PositiveIntegerField(
        default=20, help_text="calls: how long an agent has to accept an offer"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "client"],
                name="one_policy_per_channel_and_client",
                nulls_distinct=False,
            ),
        ]
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
    # Work an agent owns once assigned: nobody waits on the line for an answer, so a closed
    # tab does not take it from them (docs/architecture.md, "Ownership by channel"). Calls
    # and chats are live: they return to the queue when the agent's desk goes silent.
    OWNED_CHANNELS = ("email", "sms", "api")
    OWNED = Q(channel__in=OWNED_CHANNELS, status="assigned")

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
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="work_items",
    )
    offered_at = models.DateTimeField(null=True, blank=True)
    offer_expires_at = models.DateTimeField(null=True, blank=True)
    assigned_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    requeued = models.PositiveSmallIntegerField(default=0)
    # When agents are warned that the due time nears (computed in business hours).
    warn_at = models.DateTimeField(null=True, blank=True)
    # The first answer: the first-response promise is kept or broken by then.
    responded_at = models.DateTimeField(null=True, blank=True)
    # When the question the first-response clock runs for came: the item's arrival, then
    # each new question after an answer (work_item_promise_renew); none for work an agent
    # started (nobody asked). The agents' first-response figure runs from it.
    asked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            # The router's probes: the waiting items of one client and language in the
            # claim's order (routing.services.URGENT_FIRST; an ascending key puts NULLs
            # last), so that a probe reads the first few and stops.
            models.Index(
                fields=["client", "language", "-priority", "due_at", "waiting_since", "id"],
                name="workitem_waiting_order",
                condition=Q(status="waiting"),
            ),
            # The same order across clients: the probes of an agent who serves every
            # client, one per language (routing.services._PROBES_EVERY_CLIENT).
            models.Index(
                fields=["language", "-priority", "due_at", "waiting_since", "id"],
                name="workitem_waiting_language",
                condition=Q(status="waiting"),
            ),
            models.Index(
                fields=["agent", "channel"],
                name="workitem_agent_load",
                condition=Q(status__in=["offered", "assigned"]),
            ),
            # The promises of one client due in a month (the SLA figures): the table holds
            # every client's items of every month (benchmarks/kpis.py).
            models.Index(fields=["client", "due_at"], name="workitem_client_due"),
            # The contacts that began to wait in an hour range: staffing's roll-up of the
            # queue into its history (nightly, and the last day when its page is read).
            models.Index(fields=["waiting_since"], name="workitem_waiting_since"),
            # An agent's work done in a day or week (the wall, the per-agent figures).
            models.Index(
                fields=["agent", "closed_at"],
                name="workitem_agent_done",
                condition=Q(status="done"),
            ),
        ]
        constraints = [
            # One open item per source: a replayed webhook cannot queue it twice.
            models.UniqueConstraint(
                fields=["client", "source_kind", "source_id"],
                name="one_open_item_per_source",
                condition=Q(status__in=["waiting", "offered", "assigned"]),  # = OPEN_STATUSES
            ),
        ]

    def __str__(self) -> str:
        return f"{self.channel} {self.language} #{self.pk} ({self.status})"

    @property
    def is_live_call(self) -> bool:
        return self.channel == "call" and self.source_kind == "call"

    @property
    def is_connected_call(self) -> bool:  # CONNECTED_CALL for one item
        return self.is_live_call and self.status == self.Status.ASSIGNED

    @property
    def is_owned(self) -> bool:  # OWNED for one item
        return self.channel in self.OWNED_CHANNELS and self.status == self.Status.ASSIGNED
