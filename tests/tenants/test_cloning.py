"""A client's schema is an exact copy of the template, whichever way it was cloned."""

import pytest
from django.conf import settings
from django.db import connection

from tenants import cloning
from tenants.models import CloneScript
from tenants.services import client_provision

pytestmark = pytest.mark.django_db

PRAGUE = {"countries": ["CZ"], "languages": ["cs"], "time_zone": "Europe/Prague", "currency": "CZK"}


def structure(schema: str) -> dict[str, set]:
    """Columns, constraints, indexes and recorded migrations, with the schema name removed."""
    queries = {
        "columns": """
            SELECT table_name, column_name, data_type, is_nullable, is_identity,
                   coalesce(column_default, ''), coalesce(character_maximum_length, 0)
            FROM information_schema.columns WHERE table_schema = %(schema)s""",
        "constraints": """
            SELECT rel.relname, con.conname, con.contype, pg_get_constraintdef(con.oid)
            FROM pg_constraint con JOIN pg_class rel ON rel.oid = con.conrelid
            JOIN pg_namespace ns ON ns.oid = rel.relnamespace WHERE ns.nspname = %(schema)s""",
        "indexes": "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = %(schema)s",
        "sequences": """
            SELECT sequence_name, data_type FROM information_schema.sequences
            WHERE sequence_schema = %(schema)s""",
    }
    found: dict[str, set] = {}
    with connection.cursor() as cursor:
        for name, sql in queries.items():
            cursor.execute(sql, {"schema": schema})
            found[name] = {
                tuple(str(value).replace(schema, "<schema>") for value in row)
                for row in cursor.fetchall()
            }
        cursor.execute(f'SELECT app, name FROM "{schema}".django_migrations')  # noqa: S608
        found["migrations"] = set(cursor.fetchall())
    return found


def test_the_fast_clone_copies_the_template_exactly(two_clients):
    client = client_provision(slug="exact-copy", name="Exact", **PRAGUE).client

    copy, template = structure(client.schema_name), structure(settings.TENANT_BASE_SCHEMA)
    assert copy == template
    assert copy["columns"] and copy["constraints"] and copy["indexes"] and copy["migrations"]


def test_without_pg_dump_provisioning_falls_back_to_django_tenants_clone(
    two_clients, monkeypatch, caplog, settings
):
    settings.PG_DUMP = "/nonexistent/pg_dump"
    monkeypatch.setattr(cloning, "_cache", {})
    CloneScript.objects.all().delete()  # else the stored script serves (rolled back after)

    client = client_provision(slug="slow-copy", name="Slow", **PRAGUE).client

    assert "using django-tenants' clone" in caplog.text
    copy, template = structure(client.schema_name), structure(settings.TENANT_BASE_SCHEMA)
    assert (copy["columns"], copy["sequences"], copy["migrations"]) == (
        template["columns"],
        template["sequences"],
        template["migrations"],
    )
    # django-tenants' clone renames some unique constraints (e.g. "..._76bd3d3b_uniq" becomes
    # "..._key"): one more reason to prefer the dump. Same definitions all the same:
    assert {(t, kind, d) for t, _, kind, d in copy["constraints"]} == {
        (t, kind, d) for t, _, kind, d in template["constraints"]
    }


def test_identity_sequences_are_the_clients_own(two_clients):
    client = client_provision(slug="own-sequences", name="Own", **PRAGUE).client
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_get_serial_sequence(%s, 'id')", [f"{client.schema_name}.customers_customer"]
        )
        assert cursor.fetchone()[0] == f"{client.schema_name}.customers_customer_id_seq"


def test_schema_names_are_checked_before_any_sql():
    with pytest.raises(ValueError, match="not a plain schema name"):
        cloning.schema_clone(template="client_template", schema_name='x"; DROP SCHEMA public; --')
