"""migrate_platform runs the migration executor only for client schemas that need it."""

from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from tenants.services import client_schemas_behind

pytestmark = pytest.mark.django_db


def latest_recorded(schema: str, app: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            f'SELECT max(name) FROM "{schema}".django_migrations WHERE app = %s',  # noqa: S608
            [app],
        )
        return cursor.fetchone()[0]


def forget(schema: str, app: str, name: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            f'DELETE FROM "{schema}".django_migrations WHERE app = %s AND name = %s',  # noqa: S608
            [app, name],
        )


def test_up_to_date_schemas_are_not_behind(two_clients):
    schemas = [two_clients.a.schema_name, two_clients.b.schema_name]
    assert client_schemas_behind(schemas) == []


def test_a_schema_missing_one_migration_is_behind(two_clients):
    a, b = two_clients.a.schema_name, two_clients.b.schema_name
    forget(b, "customers", latest_recorded(b, "customers"))

    assert client_schemas_behind([a, b]) == [b]


def test_a_schema_without_its_migrations_table_or_at_all_is_behind(two_clients):
    with connection.cursor() as cursor:
        cursor.execute("CREATE SCHEMA client_half_made")

    assert client_schemas_behind(
        [two_clients.a.schema_name, "client_half_made", "client_never_made"]
    ) == ["client_half_made", "client_never_made"]


def test_many_schemas_are_read_in_chunks(two_clients, monkeypatch):
    monkeypatch.setattr("tenants.services.SCHEMAS_PER_QUERY", 1)
    b = two_clients.b.schema_name
    forget(b, "customers", latest_recorded(b, "customers"))

    assert client_schemas_behind([two_clients.a.schema_name, b]) == [b]


def test_a_no_op_deploy_migrates_no_client_schema(two_clients):
    out = StringIO()
    call_command("migrate_platform", verbosity=0, stdout=out)

    assert "(0 of " in out.getvalue()


def test_a_schema_missing_a_migration_gets_it_from_migrate_platform(two_clients):
    # A migration of a shared app: recorded in every client schema, run there as a no-op,
    # so applying it again changes nothing but its record.
    b = two_clients.b.schema_name
    name = latest_recorded(b, "billing")
    forget(b, "billing", name)
    out = StringIO()

    call_command("migrate_platform", verbosity=0, stdout=out)

    assert "(1 of " in out.getvalue()
    assert latest_recorded(b, "billing") == name
    assert latest_recorded(settings.TENANT_BASE_SCHEMA, "billing") == name
    assert client_schemas_behind([two_clients.a.schema_name, b]) == []
