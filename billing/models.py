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

    # No index of its own: the covering index below starts with the client (migration 0012).
    client = models.ForeignKey(
        "tenants.Client", on_delete=models.PROTECT, related_name="usage_entries", db_index=False
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
        indexes = [
            # Rating reads a client's month from this index alone (an index-only scan: the
            # heap interleaves every client's rows, one page per row read). Migration 0011.
            models.Index(
                fields=["client", "occurred_at"],
                include=["kind", "language", "out_of_hours", "currency", "quantity"],
                name="billing_usage_client_rating",
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="telephony_cost", currency__regex=r"^[A-Z]{3}$")
                | (~Q(kind="telephony_cost") & Q(currency="")),
                name="usage_currency_iff_telephony_cost",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.quantity} · {self.client_id} · {self.occurred_at:%Y-%m-%d}"


class VatTreatment(models.TextChoices):
    """How VAT applies to an invoice (billing/vat.py decides it at issue)."""

    DOMESTIC = "domestic", _("VAT charged")
    REVERSE_CHARGE = "reverse_charge", _("Reverse charge")
    OUTSIDE_SCOPE = "outside_scope", _("Outside the scope of EU VAT")


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
    # VAT, decided when issued (billing/vat.py; docs/billing.md, "VAT"). Empty treatment:
    # issued before VAT was applied (`total` is then also what is due).
    vat_treatment = models.CharField(max_length=16, choices=VatTreatment.choices, blank=True)
    # The supplier as it was at issue (settings.INVOICE_ISSUER): its country decides the rules.
    supplier_country = models.CharField(max_length=2, blank=True)
    supplier_vat_id = models.CharField(max_length=32, blank=True)
    # The rest of the supplier as it was at issue (Art. 226(5)): a later change of the
    # agency's name, address or bank account never reaches an issued document. Empty
    # supplier_name: issued before it was recorded (the settings of today are printed).
    # (db_default: a row written by SQL of its own, a benchmark's, still has them empty.)
    supplier_name = models.CharField(max_length=200, blank=True, db_default="")
    supplier_address = models.TextField(blank=True, db_default="")
    supplier_registration_id = models.CharField(max_length=100, blank=True, db_default="")
    supplier_iban = models.CharField(max_length=34, blank=True, db_default="")
    supplier_bic = models.CharField(max_length=11, blank=True, db_default="")
    # `total` is the sum of the lines without VAT; these two are set from VAT on.
    vat_total = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    total_with_vat = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    # Payment terms (an invoice; a credit note has none): due on the client's local date.
    due_on = models.DateField(null=True, blank=True)
    payment_reference = models.CharField(max_length=35, blank=True)
    # The VIES answer the reverse charge relied on, when VIES is configured.
    vat_check = models.ForeignKey(
        "billing.VatCheck", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

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

    @property
    def amount_due(self) -> Decimal:
        """What the buyer pays (negative for a credit note): with VAT, or the net total of
        an invoice issued before VAT."""
        return self.total if self.total_with_vat is None else self.total_with_vat


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
    # The line's VAT category (EN 16931 UNCL5305: S standard, AE reverse charge, O outside
    # the scope) and rate in percent; empty on lines issued before VAT.
    vat_category = models.CharField(max_length=2, blank=True)
    vat_rate = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)

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


class InvoiceVatTotal(ImmutableModel):
    """An invoice's VAT for one category and rate: the taxable amount (the sum of its lines)
    and the VAT on it, rounded once per rate (docs/billing.md, "Rounding")."""

    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="vat_totals")
    category = models.CharField(max_length=2)
    rate = models.DecimalField(max_digits=5, decimal_places=2)
    taxable_amount = models.DecimalField(max_digits=14, decimal_places=2)
    vat_amount = models.DecimalField(max_digits=14, decimal_places=2)

    class Meta:
        ordering = ["invoice", "category", "rate"]
        constraints = [
            models.UniqueConstraint(
                fields=["invoice", "category", "rate"], name="invoice_vat_total_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.invoice} {self.category} {self.rate} %: {self.vat_amount}"


class VatRate(models.Model):
    """A country's VAT rate of a kind, valid from a day until the day before `valid_to`:
    the invoice's issue date (the supplier's local date) picks the rate."""

    country = models.CharField(max_length=2)
    kind = models.CharField(max_length=16, default="standard")
    rate = models.DecimalField(max_digits=5, decimal_places=2)
    valid_from = models.DateField()
    valid_to = models.DateField(null=True, blank=True)
    source = models.CharField(max_length=255, blank=True, help_text="the law or notice")

    class Meta:
        ordering = ["country", "kind", "-valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["country", "kind", "valid_from"], name="vat_rate_once_a_day"
            ),
            models.CheckConstraint(
                condition=Q(rate__gte=0) & Q(rate__lt=100), name="vat_rate_percent"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.country} {self.kind} {self.rate} % from {self.valid_from}"

    def clean(self) -> None:
        """One rate of a kind per country and day: a change ends the rate before it."""
        super().clean()
        self.country = self.country.strip().upper()
        if self.valid_to is not None and self.valid_to <= self.valid_from:
            raise ValidationError({"valid_to": "After the first day it applies."})
        overlapping = VatRate.objects.filter(country=self.country, kind=self.kind).exclude(
            pk=self.pk
        )
        if self.valid_to is not None:
            overlapping = overlapping.filter(valid_from__lt=self.valid_to)
        overlapping = overlapping.filter(Q(valid_to__isnull=True) | Q(valid_to__gt=self.valid_from))
        clash = overlapping.first()
        if clash is not None:
            raise ValidationError(
                f"{clash} overlaps it: end that rate first (its valid_to: the new one's first day)."
            )


class VatCheck(models.Model):
    """One answer about a VAT id, kept as evidence: from the EU's VIES service (its
    consultation number, name and address as VIES gave them) or the offline check."""

    class Source(models.TextChoices):
        VIES = "vies", "VIES"
        OFFLINE = "offline", _("Offline check")

    client = models.ForeignKey(
        "tenants.Client", on_delete=models.PROTECT, related_name="vat_checks"
    )
    vat_id = models.CharField(max_length=32)
    source = models.CharField(max_length=8, choices=Source.choices)
    checked_at = models.DateTimeField(default=timezone.now)
    # None: no answer (VIES or the member state's service unavailable; `error` says why).
    valid = models.BooleanField(null=True)
    name = models.CharField(max_length=255, blank=True)
    address = models.TextField(blank=True)
    request_identifier = models.CharField(max_length=64, blank=True)
    requester_vat_id = models.CharField(max_length=32, blank=True)
    error = models.CharField(max_length=255, blank=True)
    response = models.TextField(blank=True)  # the service's answer as received

    class Meta:
        ordering = ["-checked_at", "-id"]
        indexes = [models.Index(fields=["client", "vat_id", "-checked_at"])]

    def __str__(self) -> str:
        return f"{self.vat_id} {self.source} {self.valid} at {self.checked_at:%Y-%m-%d %H:%M}"


class BankStatement(models.Model):
    """An imported bank statement (CAMT.053 or CSV): once per file (its SHA-256)."""

    class Format(models.TextChoices):
        CAMT053 = "camt053", "CAMT.053"
        CSV = "csv", "CSV"

    format = models.CharField(max_length=8, choices=Format.choices)
    filename = models.CharField(max_length=255, blank=True)
    sha256 = models.CharField(max_length=64, unique=True)
    account = models.CharField(max_length=64, blank=True)  # the agency's IBAN it is for
    statement_id = models.CharField(max_length=64, blank=True)
    imported_at = models.DateTimeField(default=timezone.now)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    entries = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-imported_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_format_display()} {self.filename or self.sha256[:12]}"


class Payment(models.Model):
    """Money received (or refunded: negative) in a currency, matched to invoices by
    allocations; unmatched until then. A bank entry is imported once (its account and id)."""

    class Source(models.TextChoices):
        MANUAL = "manual", _("Entered by hand")
        CAMT053 = "camt053", "CAMT.053"
        CSV = "csv", "CSV"

    client = models.ForeignKey(
        "tenants.Client", on_delete=models.PROTECT, null=True, blank=True, related_name="payments"
    )
    currency = models.CharField(max_length=3)
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    received_on = models.DateField()
    reference = models.CharField(max_length=140, blank=True)  # variable symbol, RF or text
    payer_name = models.CharField(max_length=200, blank=True)
    payer_account = models.CharField(max_length=64, blank=True)
    remittance = models.TextField(blank=True)
    source = models.CharField(max_length=8, choices=Source.choices, default=Source.MANUAL)
    statement = models.ForeignKey(
        BankStatement, on_delete=models.PROTECT, null=True, blank=True, related_name="payments"
    )
    # The bank's id of the entry (AcctSvcrRef, or the CSV's id column): with `account`, once.
    bank_entry_id = models.CharField(max_length=128, blank=True)
    account = models.CharField(max_length=64, blank=True)
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    note = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["-received_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["account", "bank_entry_id"],
                condition=~Q(bank_entry_id=""),
                name="payment_bank_entry_once",
            ),
            models.CheckConstraint(condition=~Q(amount=0), name="payment_not_zero"),
        ]
        indexes = [
            models.Index(fields=["client", "currency"]),
            # Who paid before: a payer account known to be one client's (payments_match).
            models.Index(
                fields=["payer_account"],
                condition=~Q(payer_account=""),
                name="payment_payer_account",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.received_on} {self.amount} {self.currency}"


class PaymentAllocation(models.Model):
    """Part of a payment settling part of an invoice (or a credit note's refund)."""

    class MatchedBy(models.TextChoices):
        REFERENCE = "reference", _("Payment reference")  # variable symbol, RF
        NUMBER = "invoice_number", _("Invoice number in the payer's text")
        AMOUNT = "amount", _("Amount of the client's one open invoice")
        MANUAL = "manual", _("By hand")

    payment = models.ForeignKey(Payment, on_delete=models.CASCADE, related_name="allocations")
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="allocations")
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    allocated_at = models.DateTimeField(default=timezone.now)
    allocated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # How it was matched (shown on the agency's receivables page).
    matched_by = models.CharField(max_length=32, blank=True, choices=MatchedBy.choices)

    class Meta:
        ordering = ["allocated_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["payment", "invoice"], name="allocation_once"),
            models.CheckConstraint(condition=~Q(amount=0), name="allocation_not_zero"),
        ]

    def __str__(self) -> str:
        return f"{self.payment_id} -> {self.invoice_id}: {self.amount}"


class BillingMail(models.Model):
    """An e-mail about an invoice to the client's billing address (the invoice with its PDF
    and XML, or a reminder): queued in the invoice's transaction, sent by a task, retried,
    and failing visibly with its reason. Once per invoice, kind and reminder level."""

    class Kind(models.TextChoices):
        INVOICE = "invoice", _("Invoice")
        REMINDER = "reminder", _("Payment reminder")

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="mails")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    level = models.PositiveSmallIntegerField(default=0)  # a reminder's 1, 2, 3...
    to = models.EmailField(blank=True)
    language = models.CharField(max_length=8, blank=True)
    state = models.CharField(max_length=8, choices=State.choices, default=State.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=255, blank=True)
    message_id = models.CharField(max_length=255, blank=True)
    queued_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-queued_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["invoice", "kind", "level"], name="billing_mail_once")
        ]
        indexes = [models.Index(fields=["state", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.level} of {self.invoice_id}: {self.state}"
