"""Shared fixtures: two clients provisioned once per session in the real test database."""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import pytest
from django_tenants.utils import schema_context

from tenants.models import Client
from tenants.services import agency_ensure, client_provision


@dataclass(frozen=True)
class TwoClients:
    a: Client
    b: Client


@pytest.fixture(scope="session")
def two_clients(django_db_setup, django_db_blocker) -> TwoClients:
    """Client A (Czech) and client B (Polish), committed: they outlive each test's rollback."""
    with django_db_blocker.unblock():
        agency_ensure()
        a = client_provision(
            slug="client-a",
            name="Client A Obuv",
            countries=["CZ", "SK"],
            languages=["cs", "sk"],
            time_zone="Europe/Prague",
            currency="CZK",
        ).client
        b = client_provision(
            slug="client-b",
            name="Client B Sklep",
            countries=["PL"],
            languages=["pl", "en"],
            time_zone="Europe/Warsaw",
            currency="PLN",
        ).client
    return TwoClients(a=a, b=b)


@contextmanager
def in_schema(client: Client) -> Iterator[None]:
    with schema_context(client.schema_name):
        yield


def host_of(client: Client) -> str:
    return client.get_primary_domain().domain


@pytest.fixture(autouse=True)
def _public_schema_after_each_test():
    """A request to a client's domain leaves the connection in that schema (as in any
    request thread, where the next request resets it); tests start from public."""
    yield
    from django.db import connection

    connection.set_schema_to_public()
