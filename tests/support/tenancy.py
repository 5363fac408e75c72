"""A client's schema and host, for tests."""

from collections.abc import Iterator
from contextlib import contextmanager

from django_tenants.utils import schema_context

from tenants.models import Client


@contextmanager
def in_schema(client: Client) -> Iterator[None]:
    with schema_context(client.schema_name):
        yield


def host_of(client: Client) -> str:
    return client.get_primary_domain().domain
