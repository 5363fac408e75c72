"""The template's clone script is shared by every process and never outlives the template."""

import pytest
from django.conf import settings
from django.db import connection

from tenants import cloning
from tenants.models import Client, CloneScript
from tenants.services import client_provision

PRAGUE = {"countries": ["CZ"], "languages": ["cs"], "time_zone": "Europe/Prague", "currency": "CZK"}
TEMPLATE = settings.TENANT_BASE_SCHEMA


def columns_of(schema: str, table: str) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT column_name FROM information_schema.columns "
            "WHERE table_schema = %s AND table_name = %s",
            [schema, table],
        )
        return {row[0] for row in cursor.fetchall()}


@pytest.mark.django_db
def test_a_new_process_reuses_the_stored_script_without_pg_dump(two_clients, monkeypatch):
    # two_clients provisioned through the fast clone, so the template's script is stored.
    assert CloneScript.objects.filter(key=cloning.template_key(TEMPLATE)).exists()
    monkeypatch.setattr(cloning, "_cache", {})  # what a fresh process starts with

    def no_dump(template: str) -> str:
        raise AssertionError("pg_dump ran although the script was stored")

    monkeypatch.setattr(cloning, "_dump", no_dump)

    client = client_provision(slug="from-stored", name="Stored", **PRAGUE).client

    assert "id" in columns_of(client.schema_name, "customers_customer")


@pytest.mark.slow
def test_a_migrated_template_gives_the_next_client_its_new_column(two_clients, django_db_blocker):
    """A deploy that migrates the template (committed, as pg_dump reads it from another
    connection) changes the key: the stored script is not used for the next client."""
    with django_db_blocker.unblock():
        old_key = cloning.template_key(TEMPLATE)
        try:
            with connection.cursor() as cursor:
                cursor.execute(
                    f'ALTER TABLE "{TEMPLATE}".customers_customer ADD COLUMN deployed_later int'
                )
                cursor.execute(
                    f'INSERT INTO "{TEMPLATE}".django_migrations (app, name, applied) '  # noqa: S608
                    "VALUES ('customers', '9999_deployed_later', now())"
                )
            new_key = cloning.template_key(TEMPLATE)
            assert new_key != old_key
            # The old script is still stored and in this process's memory.
            assert CloneScript.objects.filter(key=old_key).exists()

            client = client_provision(slug="after-deploy", name="After", **PRAGUE).client

            assert "deployed_later" in columns_of(client.schema_name, "customers_customer")
            with connection.cursor() as cursor:
                cursor.execute(
                    f'SELECT count(*) FROM "{client.schema_name}".django_migrations '  # noqa: S608
                    "WHERE name = '9999_deployed_later'"
                )
                assert cursor.fetchone()[0] == 1
            assert list(CloneScript.objects.values_list("key", flat=True)) == [new_key]
        finally:
            client = Client.objects.filter(slug="after-deploy").first()
            with connection.cursor() as cursor:
                if client:
                    client.domains.all().delete()
                    cursor.execute(f'DROP SCHEMA IF EXISTS "{client.schema_name}" CASCADE')
                    Client.objects.filter(pk=client.pk).delete()
                cursor.execute(
                    f'ALTER TABLE "{TEMPLATE}".customers_customer '
                    "DROP COLUMN IF EXISTS deployed_later"
                )
                cursor.execute(
                    f'DELETE FROM "{TEMPLATE}".django_migrations '  # noqa: S608
                    "WHERE name = '9999_deployed_later'"
                )
            CloneScript.objects.exclude(key=old_key).delete()
