"""Clients (the e-shops the agency serves) and their domains, in the public schema."""

import contextlib
import re
import zoneinfo

from babel import Locale
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.db import models
from django_tenants.models import DomainMixin, TenantMixin
from django_tenants.utils import get_public_schema_name
from stdnum import exceptions as number_errors
from stdnum.ch import vat as ch_vat
from stdnum.eu import vat as eu_vat
from stdnum.gb import vat as gb_vat
from stdnum.no import mva as no_mva

from languages.catalog import CATALOG, unknown_language_codes

# ISO 4217 codes of the currencies the agency invoices in.
CURRENCIES = ["EUR", "CZK", "PLN", "HUF", "RON", "BGN", "CHF", "GBP", "SEK", "DKK", "NOK"]


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(f"{value!r} is not an IANA time zone (e.g. Europe/Prague).")


def validate_language_codes(value: list[str]) -> None:
    unknown = unknown_language_codes(value)
    if unknown:
        raise ValidationError(
            f"Unknown language code(s) {', '.join(unknown)}; known: {', '.join(CATALOG)}."
        )


def validate_country_codes(value: list[str]) -> None:
    bad = [c for c in value if len(c) != 2 or not c.isalpha() or not c.isupper()]
    if bad:
        raise ValidationError(f"Countries are ISO 3166-1 alpha-2 codes (CZ, SK...): {bad}.")


# ISO 3166-1 alpha-2: CLDR's two-letter regions (babel) without those that are no country
# (EU, EZ, UN, QO, ZZ) or only reserved (AC, CP, CQ, DG, EA, IC, TA, and XA, XB, XK).
ISO_COUNTRIES = frozenset(
    code
    for code in Locale("en").territories
    if isinstance(code, str) and len(code) == 2 and code.isalpha()
) - {"AC", "CP", "CQ", "DG", "EA", "EU", "EZ", "IC", "QO", "TA", "UN", "XA", "XB", "XK", "ZZ"}

# VAT ids checked digit by digit (python-stdnum, offline: format, length, check digit): the
# EU's (with its prefixes EL for Greece, XI for Northern Ireland, EU for non-EU businesses
# in the OSS scheme) and those of the other countries whose currencies the agency invoices in.
_EU_VAT_PREFIXES = {code.upper() for code in eu_vat.MEMBER_STATES} | {"EL", "EU"}
_OTHER_VAT = {"CH": ch_vat, "GB": gb_vat, "NO": no_mva}
# Any other country's: its prefix and a plausible length, no more.
_LOOSE_VAT_RE = re.compile(r"^[A-Z]{2}[A-Z0-9]{2,13}$")
_VAT_PROBLEMS = {
    number_errors.InvalidLength: "it has too few or too many characters",
    number_errors.InvalidFormat: "it has characters that do not belong in it",
    number_errors.InvalidChecksum: "its check digit does not match (a typo?)",
    number_errors.InvalidComponent: "a part of it is not valid",
}


def vat_id_normalised(value: str) -> str:
    """The VAT id in its compact form (``CZ 251 23 891`` -> ``CZ25123891``), or a
    ValidationError that says what is wrong with it."""
    number = re.sub(r"[\s.\-/]", "", value).upper()
    prefix = number[:2]
    if prefix == "GR":  # the ISO code; Greek VAT ids (and VIES) use EL
        raise ValidationError(f"{value!r} is not a VAT ID: Greek VAT IDs begin with EL, not GR.")
    if prefix not in _EU_VAT_PREFIXES and prefix not in _OTHER_VAT:
        if prefix in ISO_COUNTRIES and _LOOSE_VAT_RE.match(number):
            return number
        raise ValidationError(
            f"{value!r} is not a VAT ID: write its country prefix, then 2 to 13 letters or "
            "digits (e.g. CZ25123891, DE136695976)."
        )
    try:
        if prefix in _OTHER_VAT:
            number = _OTHER_VAT[prefix].validate(number)
        else:
            number = eu_vat.validate(number)
    except number_errors.ValidationError as error:
        problem = next(
            (text for kind, text in _VAT_PROBLEMS.items() if isinstance(error, kind)),
            "it is not valid",
        )
        raise ValidationError(f"{value!r} is not a valid {prefix} VAT ID: {problem}.") from None
    return number if number.startswith(prefix) else prefix + number


def validate_vat_id(value: str) -> None:
    vat_id_normalised(value)


class ClientQuerySet(models.QuerySet):
    def clients(self) -> "ClientQuerySet":
        """The e-shops, without the agency's own (public-schema) row."""
        return self.exclude(schema_name=get_public_schema_name())

    def serving(self) -> "ClientQuerySet":
        """Clients whose portal and contacts are live."""
        return self.clients().filter(status=Client.Status.ACTIVE, ready=True)


# An invoice's payment terms, in days after its issue: at least a day, at most four months.
PAYMENT_TERMS_DAYS = (1, 120)


class Client(TenantMixin):
    """An e-shop served by the agency; its customers' data lives in its own schema."""

    class Status(models.TextChoices):
        ONBOARDING = "onboarding", "Onboarding"
        ACTIVE = "active", "Active"
        SUSPENDED = "suspended", "Suspended"
        ENDED = "ended", "Contract ended"

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=50, unique=True)
    countries = ArrayField(
        models.CharField(max_length=2), default=list, validators=[validate_country_codes]
    )
    languages = ArrayField(
        models.CharField(max_length=8), default=list, validators=[validate_language_codes]
    )
    default_language = models.CharField(max_length=8, default="en")
    time_zone = models.CharField(
        max_length=64, default="Europe/Prague", validators=[validate_time_zone]
    )
    currency = models.CharField(max_length=3, default="EUR", choices=[(c, c) for c in CURRENCIES])
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ONBOARDING)
    # False until the schema and domain exist: nothing is routed to a client before that.
    ready = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    # The billing identity, printed as the buyer on invoices (an issued invoice keeps the one
    # it was issued with: billing.models.Invoice.buyer_*). Empty fields are left off.
    legal_name = models.CharField(
        max_length=200,
        blank=True,
        help_text='as registered, e.g. "Bohemia Shoes s.r.o."; empty: the client\'s name',
    )
    billing_address = models.TextField(
        blank=True, help_text="street, postcode and town, on as many lines as it takes"
    )
    billing_country = models.CharField(
        max_length=2,
        blank=True,
        help_text="where the company is registered: one of the client's countries or any other",
    )
    registration_id = models.CharField(
        "registration number",
        max_length=100,
        blank=True,
        help_text="company registration number (IČO, KRS, Handelsregister, cégjegyzékszám...)",
    )
    vat_id = models.CharField(
        "VAT ID",
        max_length=32,
        blank=True,
        validators=[validate_vat_id],
        help_text="with its country prefix, e.g. CZ25123891; its format and check digit are "
        "checked (offline, not in VIES)",
    )
    billing_email = models.EmailField(
        "billing e-mail", blank=True, help_text="the client's accounts address"
    )
    # VAT (billing/vat.py): a business registered for VAT (with `vat_id`, a client in another
    # EU country is invoiced under the reverse charge), or not (charged the supplier's VAT).
    vat_registered = models.BooleanField(
        "registered for VAT",
        default=True,
        help_text="a business registered for VAT in its country (then give its VAT ID)",
    )
    # Checked in clean(): PAYMENT_TERMS_DAYS (days after issue).
    payment_terms_days = models.PositiveSmallIntegerField(
        "payment terms (days)", default=14, help_text="an invoice is due this many days after issue"
    )
    # Set by the agency (Client admin) or the client's portal managers (portal "Security").
    portal_two_factor_required = models.BooleanField(
        "two factors required for portal users",
        default=False,
        help_text="the client's portal users must sign in with a code from an authenticator "
        "app (they enrol at their next sign-in)",
    )

    objects = ClientQuerySet.as_manager()

    # Provisioning creates the schema explicitly (tenants.services.client_provision).
    auto_create_schema = False
    auto_drop_schema = False

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        errors = {}
        if self.schema_name != get_public_schema_name() and (
            self.default_language not in self.languages
        ):
            errors["default_language"] = "The default language must be one of the languages served."
        self.billing_country = self.billing_country.strip().upper()
        if self.billing_country and not (
            self.billing_country in self.countries or self.billing_country in ISO_COUNTRIES
        ):
            errors["billing_country"] = (
                f"{self.billing_country!r} is neither one of the client's countries nor an "
                "ISO 3166-1 country code (CZ, SK, DE...)."
            )
        if self.payment_terms_days is not None and not (
            PAYMENT_TERMS_DAYS[0] <= self.payment_terms_days <= PAYMENT_TERMS_DAYS[1]
        ):
            errors["payment_terms_days"] = (
                f"Between {PAYMENT_TERMS_DAYS[0]} and {PAYMENT_TERMS_DAYS[1]} days, "
                f"not {self.payment_terms_days}."
            )
        if self.vat_id:
            with contextlib.suppress(ValidationError):  # the field's validator said why
                self.vat_id = vat_id_normalised(self.vat_id)
        if errors:
            raise ValidationError(errors)

    @property
    def portal_open(self) -> bool:
        """The portal answers while the client is being set up and while it is active."""
        return self.ready and self.status in (self.Status.ONBOARDING, self.Status.ACTIVE)

    @property
    def tz(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)


class Domain(DomainMixin):
    """A host name that serves a client's portal (or, for the public row, the agency)."""

    def __str__(self) -> str:
        return self.domain


class ApiKey(models.Model):
    """A client's key for the JSON API. Only a hash is stored; the key is shown once.

    Its scopes say which endpoints it opens (conversations.api, restapi.api); ``last_used_at``
    is written at most once a minute per key (``API_KEY_LAST_USE_EVERY``), so the API path
    stays cheap."""

    class Scope(models.TextChoices):
        # GET a conversation and its attachments.
        CONVERSATIONS_READ = "conversations:read", "conversations:read"
        # POST a customer's first or next message.
        CONVERSATIONS_WRITE = "conversations:write", "conversations:write"
        # GET the client's customers (list, one).
        CUSTOMERS_READ = "customers:read", "customers:read"
        # GET a month's KPIs, as the portal shows them.
        REPORTS_READ = "reports:read", "reports:read"
        # GET the client's invoices and their PDFs.
        INVOICES_READ = "invoices:read", "invoices:read"
        # POST (create or update) a customer from the shop's own records.
        CUSTOMERS_WRITE = "customers:write", "customers:write"
        # GET the client's calls (list, one) and their recordings' metadata.
        CALLS_READ = "calls:read", "calls:read"
        # GET the client's satisfaction surveys and their answers.
        SURVEYS_READ = "surveys:read", "surveys:read"
        # POST the shop's order events (shipped, delayed, refund sent...).
        ORDERS_WRITE = "orders:write", "orders:write"

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="api_keys")
    name = models.CharField(max_length=100, help_text="what it is for, e.g. 'shop backend'")
    prefix = models.CharField(max_length=12, unique=True)
    key_hash = models.CharField(max_length=64)
    scopes = ArrayField(
        models.CharField(max_length=32, choices=Scope.choices),
        default=list,
        blank=True,
        help_text="what the key may do; a key with none opens nothing",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Empty: issued by a command (manage.py issue_api_key) or before keys recorded it.
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "API key"

    def __str__(self) -> str:
        return f"{self.client} · {self.name} ({self.prefix}…)"


class InboundAddress(models.Model):
    """An e-mail address whose mail belongs to a client (support@shop.example)."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="inbound_addresses")
    address = models.EmailField(unique=True)
    country = models.CharField(max_length=2, blank=True, help_text="the country it serves")

    class Meta:
        verbose_name_plural = "inbound addresses"

    def __str__(self) -> str:
        return self.address

    def save(self, *args, **kwargs):
        self.address = self.address.strip().lower()
        super().save(*args, **kwargs)


class CloneScript(models.Model):
    """The template schema's SQL script that new client schemas are copied from.

    Kept in the database rather than in a process's memory so a fresh process (a
    ``create_client`` run, a new web worker) reuses the one ``pg_dump`` already made;
    ``key`` digests the template's recorded migrations, so a deploy that adds one makes
    a new script (tenants.cloning).
    """

    key = models.CharField(max_length=64, unique=True)
    script = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"clone script {self.key[:12]}"


class SpareSchema(models.Model):
    """A client schema cloned ahead of time from the template, waiting for a client.

    Provisioning renames one to the new client's schema instead of replaying the clone
    script (a rename is one catalog update; the script is a thousand statements). ``key``
    is the template key it was cloned from (tenants.cloning.template_key): a spare of any
    other key is stale after a deploy, never used, and dropped by the refill task. A spare
    has no Client row, so it is never served, migrated or swept.
    """

    schema_name = models.CharField(max_length=63, unique=True)
    key = models.CharField(max_length=64, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"spare schema {self.schema_name}"
