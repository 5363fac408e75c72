"""Billing fixtures: bare client rows (billing lives in the public schema: no client schema
is needed). Plans and ledger entries: tests.support.billing."""

import itertools
from datetime import datetime

import pytest

from tenants.models import Client
from tests.support.billing import utc

_numbers = itertools.count(1)
BEFORE_THE_MONTHS_BILLED = utc(2026, 1, 1)  # a client's creation, before every month billed


@pytest.fixture
def make_client(db):
    def make(
        *,
        currency: str = "EUR",
        time_zone: str = "Europe/Prague",
        countries=("CZ",),
        languages=("cs", "en"),
        created_at: datetime = BEFORE_THE_MONTHS_BILLED,
        billing_country: str = "CZ",  # the supplier's (settings): domestic VAT
        vat_registered: bool = True,
        vat_id: str = "",
        payment_terms_days: int = 14,
        billing_email: str = "",
    ) -> Client:
        number = next(_numbers)
        client = Client.objects.create(
            schema_name=f"client_billing_{number}",
            slug=f"billing-{number}",
            name=f"Billing {number}",
            currency=currency,
            time_zone=time_zone,
            countries=list(countries),
            languages=list(languages),
            default_language=languages[0],
            status="active",
            billing_country=billing_country,
            vat_registered=vat_registered,
            vat_id=vat_id,
            payment_terms_days=payment_terms_days,
            billing_email=billing_email,
        )
        Client.objects.filter(pk=client.pk).update(created_at=created_at)  # not auto_now_add
        client.refresh_from_db()
        return client

    return make
