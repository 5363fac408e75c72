"""Price plans, the usage ledger and invoices: agency-wide, in the public schema.

The ledger and issued invoices are append-only. The models refuse updates and deletes, and
so does the database (triggers in migration 0002): a correction is a new ledger row, a
wrong invoice is corrected by a credit note.
"""

from decimal import Decimal

from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import (
    ArrayField,
    BigIntegerRangeField,
    DateRangeField,
    RangeBoundary,
    RangeOperators,
)
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Func, Q, Value
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from tenants.models import CURRENCIES


class DateRange(Func):
    function = "DATERANGE"
    output_field = DateRangeField()


class ClientIdRange(Func):
    """The one-value range [client_id, client_id]: with it the no-overlap constraint needs
    only the built-in GiST range operators, not the btree_gist extension (which not every
    PostgreSQL has, e.g. the embedded one)."""

    function = "INT8RANGE"
    output_field = BigIntegerRangeField()

    def __init__(self, field: str) -> None:
        super().__init__(F(field), F(field), Value("[]"))


class PricePlan(models.Model):
    """What a client pays, valid from one date until the next version starts."""

    class MinuteRounding(models.TextChoices):
        PER_SECOND = "second", "Per second"
        PER_STARTED_MINUTE = "started_minute", "Per started minute (each call)"

    client = models.ForeignKey(
        "tenants.Client", on_delete=models.PROTECT, related_name="price_plans"
    )
    name = models.CharField(max_length=100, default="Standard")
    currency = models.CharField(max_length=3, choices=[(c, c) for c in CURRENCIES])
    # Local dates in the client's time zone; valid_to is the first day it no longer applies
    # (empty: until further notice).
    valid_from = models.DateField()
    valid_to = models.DateField(null=True, blank=True)
    base_monthly_fee = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    # Included every month (pro rata when the plan covers part of a month).
    included_call_minutes = models.PositiveIntegerField(default=0)
    included_emails = models.PositiveIntegerField(default=0)
    included_chats = models.PositiveIntegerField(default=0)
    price_per_call_minute = models.DecimalField(max_digits=12, decimal_places=4, default=0)
    call_minute_rounding = models.CharField(
        max_length=16, choices=MinuteRounding.choices, default=MinuteRounding.PER_SECOND
    )
    price_per_email = models.DecimalField(
        max_digits=12, decimal_places=4, default=0, help_text="per e-mail conversation answered"
    )
    price_per_chat = models.DecimalField(
        max_digits=12,
        decimal_places=4,
        default=0,
        help_text="per chat, SMS or API conversation handled",
    )
    out_of_hours_surcharge_percent = models.DecimalField(max_digits=6, decimal_places=2, default=0)
    telephony_margin_percent = models.DecimalField(
        max_digits=6,
        decimal_places=2,
        default=0,
        help_text="added to the telephony cost passed through",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["client", "valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gt=F("valid_from")),
                name="price_plan_valid_to_after_from",
            ),
            # Never two plans for one client on the same day.
            ExclusionConstraint(
                name="price_plan_no_overlap",
                expressions=[
                    (ClientIdRange("client"), RangeOperators.OVERLAPS),
                    (DateRange("valid_from", "valid_to", RangeBoundary()), RangeOperators.OVERLAPS),
                ],
            ),
        ]

    def __str__(self) -> str:
        until = self.valid_to.isoformat() if self.valid_to else "…"
        return f"{self.client} · {self.name} ({self.valid_from.isoformat()} to {until})"

    def clean(self) -> None:
        super().clean()
        if self.client_id and self.currency and self.currency != self.client.currency:
            raise ValidationError(
                {"currency": f"The client is invoiced in {self.client.currency}."}
            )


class LanguageSurcharge(models.Model):
    """A surcharge on work in a group of languages (e.g. +20 % for Nordic languages)."""

    plan = models.ForeignKey(PricePlan, on_delete=models.CASCADE, related_name="surcharges")
    name = models.CharField(max_length=100)
    languages = ArrayField(models.CharField(max_length=8))
    percent = models.DecimalField(max_digits=6, decimal_places=2)

    def __str__(self) -> str:
        return f"{self.name} +{self.percent} % ({', '.join(self.languages)})"


class ExchangeRate(models.Model):
    """How much one unit of a currency is in another from a date on (e.g. the central
    bank's rate), for telephony cost recorded in the provider's currency (Twilio: USD)."""

    from_currency = models.CharField(max_length=3)
    to_currency = models.CharField(max_length=3, choices=[(c, c) for c in CURRENCIES])
    valid_on = models.DateField(help_text="used for events on this day and after, until the next")
    rate = models.DecimalField(max_digits=18, decimal_places=8)
    source = models.CharField(max_length=100, blank=True, help_text="e.g. ECB, CNB")

    class Meta:
        ordering = ["from_currency", "to_currency", "-valid_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["from_currency", "to_currency", "valid_on"], name="exchange_rate_once_a_day"
            ),
            models.CheckConstraint(condition=Q(rate__gt=0), name="exchange_rate_positive"),
        ]

    def __str__(self) -> str:
        return f"1 {self.from_currency} = {self.rate} {self.to_currency} ({self.valid_on})"


class ImmutableQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError(f"{self.model.__name__} rows never change: add a correction instead.")

    def delete(self):
        raise TypeError(f"{self.model.__name__} rows are never deleted.")


class ImmutableModel(models.Model):
    objects = ImmutableQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise TypeError(f"{type(self).__name__} rows never change once written.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError(f"{type(self).__name__} rows are never deleted.")


class UsageEntry(ImmutableModel):
    """One billable event, written once (idempotency key from the source event)."""

    class Kind(models.TextChoices):
        EMAIL_ANSWERED = "email_answered", _("E-mail conversations answered")
        CHAT_HANDLED = "chat_handled", _("Chat, SMS and API conversations")
        CALL_SECONDS = "call_minutes", _("Handled phone minutes")  # quantity in seconds
        TELEPHONY_COST = "telephony_cost", _("Telephony cost")  # quantity: an amount

    client = models.ForeignKey(
        "tenants.Client", on_delete=models.PROTECT, related_name="usage_entries"
    )
    kind = models.CharField(max_length=16, choices=Kind.choices)
    # Conversations: 1 (or -1 to correct); calls: seconds; telephony cost: the amount.
    # Six decimals: providers price to fractions of a cent (0.00125 USD).
    quantity = models.DecimalField(max_digits=18, decimal_places=6)
    # Only for telephony cost: the currency of the amount.
    currency = models.CharField(max_length=3, blank=True)
    occurred_at = models.DateTimeField()
    language = models.CharField(max_length=8, blank=True)
    # No constraint: users are deactivated, not deleted, and the ledger never changes.
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
    )
    out_of_hours = models.BooleanField(default=False)
    channel = models.CharField(max_length=8, blank=True)
    source_kind = models.CharField(max_length=32)
    source_ref = models.CharField(max_length=255)
    idempotency_key = models.CharField(max_length=255, unique=True)
    corrects = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="corrections"
    )
    note = models.CharField(max_length=255, blank=True)
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "usage entries"
        ordering = ["occurred_at", "id"]
        indexes = [models.Index(fields=["client", "occurred_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="telephony_cost", currency__regex=r"^[A-Z]{3}$")
                | (~Q(kind="telephony_cost") & Q(currency="")),
                name="usage_currency_iff_telephony_cost",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.quantity} · {self.client_id} · {self.occurred_at:%Y-%m-%d}"


class Invoice(ImmutableModel):
    """An issued invoice or credit note; never changes once issued."""

    class Kind(models.TextChoices):
        INVOICE = "invoice", _("Invoice")
        CREDIT_NOTE = "credit_note", _("Credit note")

    client = models.ForeignKey("tenants.Client", on_delete=models.PROTECT, related_name="invoices")
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.INVOICE)
    # The billed month (its first day, in the client's time zone).
    period = models.DateField()
    # A month is invoiced again only after its invoice was credited in full.
    revision = models.PositiveSmallIntegerField(default=1)
    number = models.CharField(max_length=32, unique=True)
    year = models.PositiveSmallIntegerField()
    sequence = models.PositiveIntegerField()
    currency = models.CharField(max_length=3)
    total = models.DecimalField(max_digits=14, decimal_places=2)
    issued_at = models.DateTimeField()
    corrects = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="credit_note"
    )
    reason = models.CharField(max_length=255, blank=True)
    # The buyer as the client's billing identity was when this was issued (tenants.Client's
    # legal name or name, address...): a later change of the client's never reaches an
    # issued document. Empty buyer_name: issued before the identity was recorded.
    buyer_name = models.CharField(max_length=200, blank=True)
    buyer_address = models.TextField(blank=True)
    buyer_country = models.CharField(max_length=2, blank=True)
    buyer_registration_id = models.CharField(max_length=100, blank=True)
    buyer_vat_id = models.CharField(max_length=32, blank=True)
    buyer_email = models.EmailField(blank=True)

    class Meta:
        ordering = ["-issued_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["year", "sequence"], name="invoice_number_once"),
            models.UniqueConstraint(
                fields=["client", "period", "revision"],
                condition=Q(kind="invoice"),
                name="invoice_once_per_client_period_revision",
            ),
            models.CheckConstraint(
                condition=Q(kind="invoice", corrects__isnull=True)
                | Q(kind="credit_note", corrects__isnull=False),
                name="credit_note_iff_corrects",
            ),
        ]

    def __str__(self) -> str:
        return self.number


# Units of invoice lines, as the reader sees them ("amount": a percentage of an amount).
UNIT_LABELS = {
    "month": _("month"),
    "day": _("days"),
    "minute": _("minutes"),
    "conversation": _("conversations"),
}
PERCENT_KINDS = ("language_surcharge", "out_of_hours", "telephony_margin")


class InvoiceLine(ImmutableModel):
    """One priced line of an invoice; amount = round((quantity - included) * unit price)."""

    class Kind(models.TextChoices):
        BASE_FEE = "base_fee", _("Monthly base fee")
        CALL_MINUTES = "call_minutes", _("Handled phone minutes")
        EMAILS = "emails", _("E-mail conversations answered")
        CHATS = "chats", _("Chat, SMS and API conversations")
        LANGUAGE_SURCHARGE = "language_surcharge", _("Language surcharge")
        OUT_OF_HOURS = "out_of_hours", _("Out-of-hours surcharge")
        TELEPHONY = "telephony", _("Telephony cost (passed through)")
        TELEPHONY_MARGIN = "telephony_margin", _("Telephony handling margin")

    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="lines")
    position = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=20, choices=Kind.choices)
    label = models.CharField(max_length=100, blank=True)  # e.g. the language group
    plan = models.ForeignKey(
        PricePlan, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The days of the period this line covers (a plan changing mid-month splits it).
    starts_on = models.DateField()
    ends_on = models.DateField()  # exclusive
    quantity = models.DecimalField(max_digits=18, decimal_places=4)
    included = models.DecimalField(max_digits=18, decimal_places=4, default=0)
    unit = models.CharField(max_length=12)
    unit_price = models.DecimalField(max_digits=18, decimal_places=6)
    amount = models.DecimalField(max_digits=14, decimal_places=2)

    class Meta:
        ordering = ["invoice", "position"]
        constraints = [
            models.UniqueConstraint(fields=["invoice", "position"], name="invoice_line_position")
        ]

    def __str__(self) -> str:
        return f"{self.invoice} #{self.position} {self.kind} {self.amount}"

    @property
    def unit_label(self) -> StrOrPromise:
        return UNIT_LABELS.get(self.unit, "")

    @property
    def percent(self) -> Decimal | None:
        """For a surcharge or margin: its rate in percent (the quantity is the base)."""
        return (self.unit_price * 100).normalize() if self.kind in PERCENT_KINDS else None


class InvoiceCounter(models.Model):
    """The last invoice number of an issuing year, locked FOR UPDATE while an invoice is
    issued: numbers follow each other without gaps."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"
