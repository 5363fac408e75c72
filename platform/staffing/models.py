"""Staffing: the contact history per hour, the plan made from it, and the agents' shifts.

Public schema: a language pool serves many clients, so its history, forecast and staffing
are read across clients in one query (docs/staffing.md).
"""

from decimal import Decimal

from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import DateTimeRangeField, RangeOperators
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Func, Q
from django.utils.translation import gettext_lazy as _

from billing.models import ClientIdRange
from tenants.models import CURRENCIES


class PlanChannel(models.TextChoices):
    """How work is staffed: live calls and chats wait for an agent (Erlang); e-mail, SMS and
    API messages wait in a backlog that must be cleared within the promise."""

    CALL = "call", _("Calls")
    CHAT = "chat", _("Chats")
    EMAIL = "email", _("E-mail and messages")


# The work queue's channels in each plan channel (core.channels.Channel).
PLAN_CHANNEL_OF = {"call": "call", "chat": "chat", "email": "email", "sms": "email", "api": "email"}


def _percent(
    default: int, verbose_name: str, help_text: str = ""
) -> models.PositiveSmallIntegerField:
    return models.PositiveSmallIntegerField(
        verbose_name,
        default=default,
        validators=[MinValueValidator(1), MaxValueValidator(99)],
        help_text=help_text,
    )


class StaffingSettings(models.Model):
    """The agency's staffing targets (one row: ``staffing.selectors.staffing_settings``)."""

    call_service_level = _percent(80, "calls answered within the target (%)")
    call_answer_seconds = models.PositiveIntegerField("calls' answer target (seconds)", default=20)
    chat_service_level = _percent(80, "chats answered within the target (%)")
    chat_answer_seconds = models.PositiveIntegerField("chats' answer target (seconds)", default=60)
    chat_concurrency = models.PositiveSmallIntegerField(
        "chats an agent holds at once",
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(6)],
    )
    max_occupancy = _percent(
        85, "highest occupancy (%)", "agents busy at most this share of their staffed time"
    )
    shrinkage = models.PositiveSmallIntegerField(
        "shrinkage (%)",
        default=30,
        validators=[MaxValueValidator(90)],
        help_text="time on shift not available for contacts: breaks, training, meetings",
    )
    call_handle_seconds = models.PositiveIntegerField(
        "calls' handle time when the history is too thin (seconds)", default=300
    )
    chat_handle_seconds = models.PositiveIntegerField(
        "chats' handle time when the history is too thin (seconds)", default=480
    )
    email_handle_seconds = models.PositiveIntegerField(
        "e-mails' handle time when the history is too thin (seconds)", default=360
    )
    # What an agent's hour costs the agency (wages and overheads): the what-if prices a new
    # client's plan so that the agents it needs are covered with the margin.
    agent_hour_cost = models.DecimalField(
        "an agent's hour costs", max_digits=8, decimal_places=2, default=Decimal("18.00")
    )
    cost_currency = models.CharField(
        "currency of that cost", max_length=3, choices=[(c, c) for c in CURRENCIES], default="EUR"
    )
    target_margin = models.PositiveSmallIntegerField(
        "margin the prices should leave (%)",
        default=25,
        validators=[MaxValueValidator(90)],
        help_text="the share of the price that is not cost: prices = cost / (1 - margin)",
    )
    week_hours = models.PositiveSmallIntegerField(
        "an agent's contracted hours a week", default=40, validators=[MinValueValidator(1)]
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = "staffing settings"
        verbose_name_plural = "staffing settings"
        constraints = [models.CheckConstraint(condition=Q(pk=1), name="one_staffing_settings")]

    def __str__(self) -> str:
        return "Staffing settings"


class ContactHour(models.Model):
    """The contacts of one client, language and plan channel that began to wait in one UTC
    hour, with what became of them: the history the forecast learns from. Rolled up from
    the work queue (``staffing.services.contact_hours_roll``) or imported from a previous
    system (``staffing.services.history_import``)."""

    class Source(models.TextChoices):
        QUEUE = "queue", "Work queue"
        IMPORT = "import", "Imported"

    client = models.ForeignKey("tenants.Client", on_delete=models.CASCADE, related_name="+")
    language = models.CharField(max_length=8)
    channel = models.CharField(max_length=8, choices=PlanChannel.choices)
    hour = models.DateTimeField(help_text="the hour's start, UTC")
    contacts = models.PositiveIntegerField(default=0)
    # Handled by an agent (done), with the seconds from taking to done summed.
    handled = models.PositiveIntegerField(default=0)
    handle_seconds = models.BigIntegerField(default=0)
    # Live calls and chats only: left the queue before an agent took them, and the seconds
    # every contact of the hour waited in the queue (the abandoned until they left): the
    # patience estimate of Erlang A (abandoned / waited seconds).
    abandoned = models.PositiveIntegerField(default=0)
    wait_seconds = models.BigIntegerField(default=0)
    source = models.CharField(max_length=8, choices=Source.choices, default=Source.QUEUE)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["client", "language", "channel", "hour"], name="one_contact_hour"
            ),
            models.CheckConstraint(
                condition=Q(handled__lte=F("contacts")) & Q(abandoned__lte=F("contacts")),
                name="contact_hour_counts_fit",
            ),
        ]
        indexes = [models.Index(fields=["hour"], name="contact_hour_hour")]

    def __str__(self) -> str:
        return f"{self.client_id} {self.language} {self.channel} {self.hour:%Y-%m-%d %H}h"


class ClientEvent(models.Model):
    """A client's known event that moves its volume (a sale, a campaign, a launch): the
    forecast raises that client's share of its pools over the event's local days."""

    client = models.ForeignKey("tenants.Client", on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=120)
    starts_on = models.DateField()
    ends_on = models.DateField(help_text="the last day, included")
    uplift_percent = models.PositiveIntegerField(
        "expected extra volume (%)",
        null=True,
        blank=True,
        validators=[MaxValueValidator(2000)],
        help_text="empty: learnt from the client's earlier events, else 100",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="client_event_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.starts_on} to {self.ends_on})"


class _Span(Func):
    function = "TSTZRANGE"
    output_field = DateTimeRangeField()


class Shift(models.Model):
    """An agent's time on shift (UTC), entered, imported or accepted from a proposal."""

    class Source(models.TextChoices):
        ENTERED = "entered", _("Entered")
        IMPORTED = "imported", _("Imported")
        PROPOSED = "proposed", _("Accepted proposal")

    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="shifts"
    )
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    source = models.CharField(max_length=8, choices=Source.choices, default=Source.ENTERED)
    note = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["starts_at", "agent_id"]
        indexes = [models.Index(fields=["starts_at", "ends_at"], name="shift_span")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="shift_ends_after_start"
            ),
            # One agent is never on two shifts at once (the one-value agent range needs no
            # btree_gist, as billing's price plans).
            ExclusionConstraint(
                name="shifts_do_not_overlap",
                expressions=[
                    (ClientIdRange("agent"), RangeOperators.OVERLAPS),
                    (_Span("starts_at", "ends_at"), RangeOperators.OVERLAPS),
                ],
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agent_id} {self.starts_at:%Y-%m-%d %H:%M} to {self.ends_at:%H:%M}"


class Absence(models.Model):
    """An agent away (UTC): a shift overlapping it does not count as coverage."""

    class Kind(models.TextChoices):
        LEAVE = "leave", _("Leave")
        SICK = "sick", _("Sick")
        TRAINING = "training", _("Training")
        OTHER = "other", _("Other")

    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="absences"
    )
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.LEAVE)
    note = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["starts_at", "agent_id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="absence_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.agent_id} {self.kind} {self.starts_at:%Y-%m-%d} to {self.ends_at:%Y-%m-%d}"


class PlanRun(models.Model):
    """One forecast and staffing plan: every pool and channel, hour by hour, for the
    horizon (``staffing.services.plan_make``; nightly, or on a supervisor's request)."""

    class Status(models.TextChoices):
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.RUNNING)
    error = models.TextField(blank=True)
    # The first forecast hour (UTC, an hour's start) and how many hours follow.
    horizon_start = models.DateTimeField()
    horizon_hours = models.PositiveIntegerField(default=28 * 24)
    # The history the forecast learnt from: [history_start, horizon_start).
    history_start = models.DateTimeField()
    # The settings it was made with (StaffingSettings' fields), so a plan can be read later.
    settings_used = models.JSONField(default=dict)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-started_at"]
        get_latest_by = "started_at"

    def __str__(self) -> str:
        return f"plan {self.pk} from {self.horizon_start:%Y-%m-%d} ({self.status})"


class PlanPool(models.Model):
    """One language pool and plan channel of a plan: its inputs and its backtest."""

    run = models.ForeignKey(PlanRun, on_delete=models.CASCADE, related_name="pools")
    language = models.CharField(max_length=8)
    channel = models.CharField(max_length=8, choices=PlanChannel.choices)
    handle_seconds = models.FloatField()
    # Erlang A's mean patience, when the history shows abandonment; else Erlang C is used.
    patience_seconds = models.FloatField(null=True, blank=True)
    # E-mail only: the promise its backlog is cleared within, in the pool's open hours.
    promise_hours = models.FloatField(null=True, blank=True)
    history_contacts = models.PositiveIntegerField(default=0)
    # The backtest: the last weeks of the history forecast from what came before, by the
    # model and by the seasonal baseline (docs/kpis.md, "Forecast error"). Empty when the
    # history is too short to hold weeks back.
    model_name = models.CharField(max_length=40, blank=True)
    backtest_mape = models.FloatField(null=True, blank=True)
    backtest_bias = models.FloatField(null=True, blank=True)
    baseline_mape = models.FloatField(null=True, blank=True)
    baseline_bias = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["language", "channel"]
        constraints = [
            models.UniqueConstraint(fields=["run", "language", "channel"], name="one_plan_pool")
        ]

    def __str__(self) -> str:
        return f"{self.language} {self.channel} (plan {self.run_id})"


class PlanHour(models.Model):
    """One hour of one pool and channel: contacts forecast and agents required."""

    pool = models.ForeignKey(PlanPool, on_delete=models.CASCADE, related_name="hours")
    hour = models.DateTimeField(help_text="the hour's start, UTC")
    forecast = models.FloatField()
    baseline = models.FloatField()
    # Agents handling this channel's contacts in the hour, before shrinkage (fractional for
    # e-mail: a share of an agent's hour), and the service level they would reach.
    agents = models.FloatField()
    service_level = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["pool_id", "hour"]
        constraints = [models.UniqueConstraint(fields=["pool", "hour"], name="one_plan_hour")]

    def __str__(self) -> str:
        return f"{self.pool_id} {self.hour:%Y-%m-%d %H}h"
