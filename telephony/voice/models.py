"""A client's IVR menus and call records (tenant schema).

Menus are data: an admin edits them on the client's own domain. The prompt and an option's
message have one column per catalog language (django-modeltranslation, registered in
telephony/voice/translation.py), read along the language's fallback chain.
"""

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from languages.catalog import CATALOG
from telephony.models import validate_e164

# Users live in the public schema: no database constraint from a tenant table (see
# conversations.models.USER_REFERENCE for why).
USER_REFERENCE: dict[str, Any] = {
    "on_delete": models.DO_NOTHING,
    "db_constraint": False,
    "null": True,
    "blank": True,
    "related_name": "+",
}

KEYS = [(key, key) for key in "1234567890*#"]


def validate_language_code(value: str) -> None:
    if value not in CATALOG:
        raise ValidationError(f"Unknown language {value!r}; known: {', '.join(CATALOG)}.")


FALLBACK_KEY = "fallback"


class Menu(models.Model):
    """One spoken menu: a prompt, then keys. A language menu speaks each option's prompt
    in that option's language (\"Pro češtinu stiskněte 1. Für Deutsch drücken Sie 2.\")."""

    key = models.SlugField(max_length=64, unique=True, help_text="e.g. main, orders, language")
    name = models.CharField(max_length=200, blank=True)
    language_choice = models.BooleanField(
        default=False,
        help_text="a language-selection menu: each option picks a language; no key picks the "
        "number's default language",
    )
    prompt = models.TextField(blank=True, help_text="what the caller hears first")
    max_retries = models.PositiveSmallIntegerField(
        default=2,
        validators=[MaxValueValidator(9)],
        help_text="invalid or missing keys repeat the prompt this many times, then the fallback",
    )
    timeout_seconds = models.PositiveSmallIntegerField(
        default=5, validators=[MinValueValidator(1), MaxValueValidator(30)]
    )

    class Meta:
        ordering = ["key"]

    def __str__(self) -> str:
        return self.name or self.key


class Option(models.Model):
    """A key of a menu and what it does. The key ``fallback`` is what happens after too
    many invalid or missing keys (without one: the caller is thanked and the call ends)."""

    class Action(models.TextChoices):
        SUBMENU = "submenu", "Go to another menu"
        QUEUE = "queue", "Queue for an agent (language and topic)"
        INFO = "info", "Play information"
        VOICEMAIL = "voicemail", "Voicemail"
        CALLBACK = "callback", "Request a callback"
        TRANSFER = "transfer", "Transfer to an external number"
        REPEAT = "repeat", "Repeat the menu"
        BACK = "back", "Back to the previous menu"
        LANGUAGE = "language", "Choose a language"

    menu = models.ForeignKey(Menu, on_delete=models.CASCADE, related_name="options")
    key = models.CharField(max_length=8, choices=[*KEYS, (FALLBACK_KEY, "fallback")])
    action = models.CharField(max_length=10, choices=Action.choices)
    # submenu: where to go; language: where to go after choosing; info: where to go after
    # the message (empty: the call ends after it).
    target = models.ForeignKey(
        Menu, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    topic = models.CharField(max_length=64, blank=True, help_text="queue: e.g. orders, returns")
    language = models.CharField(
        max_length=8,
        blank=True,
        validators=[validate_language_code],
        help_text="language: the language chosen; queue: route in this language instead of "
        "the caller's",
    )
    transfer_to = models.CharField(max_length=16, blank=True, validators=[validate_e164])
    # info: what is said; other actions: said before the action (optional).
    message = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["menu", "position", "key"]
        constraints = [
            models.UniqueConstraint(fields=["menu", "key"], name="one_option_per_key"),
            models.CheckConstraint(
                condition=~Q(action="submenu") | Q(target__isnull=False),
                name="submenu_has_target",
            ),
            models.CheckConstraint(
                condition=~Q(action="transfer") | ~Q(transfer_to=""),
                name="transfer_has_number",
            ),
            models.CheckConstraint(
                condition=~Q(action="language") | ~Q(language=""),
                name="language_option_has_language",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.menu.key} [{self.key}] {self.action}"


class NumberMenu(models.Model):
    """Which menu a number starts with (a Swiss number: the language menu); a number
    without a row starts with the menu keyed ``main``."""

    number = models.CharField(max_length=16, unique=True, validators=[validate_e164])
    menu = models.ForeignKey(Menu, on_delete=models.PROTECT, related_name="+")

    def __str__(self) -> str:
        return f"{self.number} → {self.menu}"


class VoiceSettings(models.Model):
    """The client's telephony choices (one row, made on first use)."""

    class AfterHours(models.TextChoices):
        VOICEMAIL = "voicemail", "Voicemail"
        CALLBACK = "callback", "Callback request"
        HANGUP = "hangup", "Message only"

    after_hours = models.CharField(
        max_length=10, choices=AfterHours.choices, default=AfterHours.VOICEMAIL
    )
    offer_exit_after_seconds = models.PositiveIntegerField(
        default=120, help_text="after this wait in the queue, offer voicemail or a callback"
    )
    hold_music_url = models.URLField(blank=True, help_text="empty: silence between messages")
    record_calls = models.BooleanField(default=False)
    survey = models.BooleanField(default=True, help_text="post-call CSAT survey (keys 1-5)")
    survey_nps = models.BooleanField(
        default=False,
        help_text="after the CSAT answer, the Net Promoter question (0-10, then the hash key)",
    )
    voicemail_max_seconds = models.PositiveSmallIntegerField(default=120)

    class Meta:
        verbose_name_plural = "voice settings"

    def __str__(self) -> str:
        return "Voice settings"


class Call(models.Model):
    """One inbound call, from the first ring to its price."""

    class Outcome(models.TextChoices):
        IN_PROGRESS = "in_progress", "In progress"
        ANSWERED = "answered", "Answered"
        ABANDONED = "abandoned", "Abandoned in the queue"
        IVR_HANGUP = "ivr_hangup", "Ended in the menu"
        VOICEMAIL = "voicemail", "Voicemail"
        CALLBACK = "callback", "Callback requested"
        TRANSFERRED = "transferred", "Transferred"
        INFORMATION = "information", "Information played"
        CLOSED = "closed", "Closed message"
        FAILED = "failed", "Failed"

    call_sid = models.CharField(max_length=64, unique=True)
    from_number = models.CharField(max_length=32)
    to_number = models.CharField(max_length=16)
    country = models.CharField(max_length=2, blank=True)
    language = models.CharField(max_length=8)
    topic = models.CharField(max_length=64, blank=True)
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.SET_NULL, null=True, blank=True, related_name="calls"
    )
    # Where the caller is in the menus: the current menu, the way back, invalid tries (of
    # the menu, or of the survey's NPS question once the menus are left).
    menu = models.ForeignKey(
        Menu, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    menu_stack = models.JSONField(default=list, blank=True)
    tries = models.PositiveSmallIntegerField(default=0)
    # Every answer we give is numbered; a retried request (same step) gets the same answer.
    step = models.PositiveIntegerField(default=0)
    last_twiml = models.TextField(blank=True)
    path = models.JSONField(default=list, blank=True, help_text="keys pressed, in order")

    ringing_at = models.DateTimeField()
    queued_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    # Ends of the three phases, for the durations: the menus, the queue, the conversation.
    menu_left_at = models.DateTimeField(null=True, blank=True)
    queue_left_at = models.DateTimeField(null=True, blank=True)
    talk_ended_at = models.DateTimeField(null=True, blank=True)
    ivr_seconds = models.PositiveIntegerField(null=True, blank=True)
    wait_seconds = models.PositiveIntegerField(null=True, blank=True)
    talk_seconds = models.PositiveIntegerField(null=True, blank=True)
    outcome = models.CharField(max_length=12, choices=Outcome.choices, default=Outcome.IN_PROGRESS)
    # While queued: the router's work item (public schema) and the exit the caller chose.
    work_item_id = models.BigIntegerField(null=True, blank=True)
    queue_exit = models.CharField(max_length=10, blank=True)
    agent = models.ForeignKey(settings.AUTH_USER_MODEL, **USER_REFERENCE)
    recording_url = models.URLField(max_length=500, blank=True)
    voicemail_url = models.URLField(max_length=500, blank=True)
    voicemail_seconds = models.PositiveIntegerField(null=True, blank=True)
    conversation = models.ForeignKey(
        "conversations.Conversation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="calls",
    )
    transferred_to = models.CharField(max_length=16, blank=True)
    csat = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    # The survey's Net Promoter answer (0-10); empty: not asked, not answered, or hung up.
    nps = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(0), MaxValueValidator(10)]
    )
    # Twilio's price, fetched after the call (null until it is known); Twilio bills in
    # the account's currency, kept as it comes.
    price = models.DecimalField(max_digits=10, decimal_places=5, null=True, blank=True)
    price_currency = models.CharField(max_length=3, blank=True)
    # What the agent wrote after the call (the desk's wrap-up), once.
    wrap_category = models.CharField(max_length=64, blank=True)
    wrap_note = models.TextField(blank=True)
    wrap_resolved = models.BooleanField(
        null=True, blank=True, help_text="resolved on the call; False: needs follow-up"
    )
    wrapped_at = models.DateTimeField(null=True, blank=True)
    # The agent's return call to the caller (voicemail, callback request): the last one.
    callback_sid = models.CharField(max_length=64, blank=True)
    callback_started_at = models.DateTimeField(null=True, blank=True)
    callback_agent = models.ForeignKey(settings.AUTH_USER_MODEL, **USER_REFERENCE)
    # When the reconciliation sweep last asked Twilio about this call while it had no end:
    # the sweep asks the least recently asked first, so rows Twilio answers without an end
    # cannot hold newer ones back.
    reconcile_asked_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-ringing_at", "-id"]
        indexes = [
            models.Index(fields=["from_number", "-ringing_at"]),
            models.Index(fields=["outcome", "-ringing_at"]),
            # A month's calls (the call KPIs, the volume charts) by range (benchmarks/kpis.py).
            models.Index(fields=["ringing_at"], name="call_ringing"),
            # Calls not finished yet: what the reconciliation sweep reads every 5 minutes.
            models.Index(
                fields=["ringing_at"], condition=Q(completed_at__isnull=True), name="call_open"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(csat__isnull=True) | Q(csat__gte=1, csat__lte=5), name="csat_1_to_5"
            ),
            models.CheckConstraint(
                condition=Q(nps__isnull=True) | Q(nps__gte=0, nps__lte=10), name="nps_0_to_10"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.call_sid} {self.from_number} ({self.outcome})"


class OutboundCall(models.Model):
    """A call an agent placed to a customer: today the desk's return call to an inbound caller.

    Twilio makes two legs: the call we create rings the agent's device, and when they pick
    up its <Dial> rings the customer. The customer's leg is what the client is billed for
    (its talk seconds and its Twilio price, like an inbound call's); the agent's leg is the
    agency's own, like the rings of offered calls. One row per return call, written before
    Twilio is asked, so that the status webhook's URL can name it.
    """

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="outbound_calls")
    agent = models.ForeignKey(settings.AUTH_USER_MODEL, **USER_REFERENCE)
    started_at = models.DateTimeField()
    # The agent's leg (Twilio's answer to our request; empty while asked, or refused).
    agent_call_sid = models.CharField(max_length=64, blank=True)
    error = models.CharField(max_length=300, blank=True)
    # The customer's leg, from its status webhook (or, when that was lost, from Twilio's
    # record of it: calls_reconcile): Twilio's final status (completed, busy, no-answer,
    # failed, canceled) and its talk seconds; "not-dialled" when the customer was never rung.
    customer_call_sid = models.CharField(max_length=64, blank=True)
    status = models.CharField(max_length=12, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    talk_seconds = models.PositiveIntegerField(null=True, blank=True)
    # Twilio's price of the customer's leg, fetched after it (as Call.price).
    price = models.DecimalField(max_digits=10, decimal_places=5, null=True, blank=True)
    price_currency = models.CharField(max_length=3, blank=True)
    # When the reconciliation sweep last asked Twilio about this call while it had no end:
    # the sweep asks the least recently asked first, so rows Twilio answers without an end
    # cannot hold newer ones back.
    reconcile_asked_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-started_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["customer_call_sid"],
                condition=~Q(customer_call_sid=""),
                name="outbound_customer_leg_once",
            ),
        ]

    def __str__(self) -> str:
        return f"return call of {self.call_id} ({self.status or 'in progress'})"


class RecordingDeletion(models.Model):
    """A recording (an answered call's, or a voicemail) to delete at Twilio: written in the
    same transaction as the decision (an erasure, a retention rule), sent after the commit,
    and sent again by a beat sweep until Twilio has it gone. Only the SID is kept: the
    recording itself is the personal data, and it is Twilio's copy that must go."""

    recording_sid = models.CharField(max_length=64, unique=True)
    requested_at = models.DateTimeField()
    # When the next try is due (backoff after a failure); null once deleted.
    due_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["requested_at", "id"]
        indexes = [
            # What the sweep reads: the deletions still due.
            models.Index(fields=["due_at"], condition=Q(deleted_at__isnull=True), name="rec_due"),
        ]

    def __str__(self) -> str:
        return f"{self.recording_sid} ({'deleted' if self.deleted_at else 'pending'})"
