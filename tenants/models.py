"""Clients (the e-shops the agency serves) and their domains, in the public schema."""

import zoneinfo

from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.db import models
from django_tenants.models import DomainMixin, TenantMixin
from django_tenants.utils import get_public_schema_name

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


class ClientQuerySet(models.QuerySet):
    def clients(self) -> "ClientQuerySet":
        """The e-shops, without the agency's own (public-schema) row."""
        return self.exclude(schema_name=get_public_schema_name())

    def serving(self) -> "ClientQuerySet":
        """Clients whose portal and contacts are live."""
        return self.clients().filter(status=Client.Status.ACTIVE, ready=True)


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
        if self.schema_name != get_public_schema_name() and (
            self.default_language not in self.languages
        ):
            raise ValidationError(
                {"default_language": "The default language must be one of the languages served."}
            )

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
    """A client's key for the JSON API. Only a hash is stored; the key is shown once."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="api_keys")
    name = models.CharField(max_length=100, help_text="what it is for, e.g. 'shop backend'")
    prefix = models.CharField(max_length=12, unique=True)
    key_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
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
