"""Billing fixtures: bare client rows (billing lives in the public schema: no client schema
is needed). Plans and ledger entries: tests.support.billing."""

import itertools

import pytest

from tenants.models import Client

_numbers = itertools.count(1)


@pytest.fixture
def make_client(db):
    def make(
        *,
        currency: str = "EUR",
        time_zone: str = "Europe/Prague",
        countries=("CZ",),
        languages=("cs", "en"),
    ) -> Client:
        number = next(_numbers)
        return Client.objects.create(
            schema_name=f"client_billing_{number}",
            slug=f"billing-{number}",
            name=f"Billing {number}",
            currency=currency,
            time_zone=time_zone,
            countries=list(countries),
            languages=list(languages),
            default_language=languages[0],
            status="active",
        )

    return make
