"""migrate_platform runs the migration executor only for client schemas that need it, and
its shared-state executor migrates each of them correctly.

The tests mark themselves for the database one by one: the one of ``--parallel`` commits,
since forked workers cannot see a test's transaction."""

import shutil
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.test.utils import CaptureQueriesContext
from django_tenants.management.commands.migrate_schemas import GET_EXECUTOR_FUNCTION

from tenants.executor import SchemaMigrator, SharedStateExecutor
from tenants.management.commands.migrate_platform import SchemasMigrate
from tenants.services import client_schemas_behind

# A shared app whose latest migration runs in a transaction (a no-op in client schemas).
SHARED_APP = "tenants"


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


@pytest.mark.django_db
def test_up_to_date_schemas_are_not_behind(two_clients):
    schemas = [two_clients.a.schema_name, two_clients.b.schema_name]
    assert client_schemas_behind(schemas) == []


@pytest.mark.django_db
def test_a_schema_missing_one_migration_is_behind(two_clients):
    a, b = two_clients.a.schema_name, two_clients.b.schema_name
    forget(b, "customers", latest_recorded(b, "customers"))

    assert client_schemas_behind([a, b]) == [b]


@pytest.mark.django_db
def test_a_schema_without_its_migrations_table_or_at_all_is_behind(two_clients):
    with connection.cursor() as cursor:
        cursor.execute("CREATE SCHEMA client_half_made")

    assert client_schemas_behind(
        [two_clients.a.schema_name, "client_half_made", "client_never_made"]
    ) == ["client_half_made", "client_never_made"]


@pytest.mark.django_db
def test_many_schemas_are_read_in_chunks(two_clients, monkeypatch):
    monkeypatch.setattr("tenants.services.SCHEMAS_PER_QUERY", 1)
    b = two_clients.b.schema_name
    forget(b, "customers", latest_recorded(b, "customers"))

    assert client_schemas_behind([two_clients.a.schema_name, b]) == [b]


@pytest.mark.django_db
def test_a_no_op_deploy_migrates_no_client_schema(two_clients):
    out = StringIO()
    call_command("migrate_platform", verbosity=0, stdout=out)

    assert "(0 of " in out.getvalue()


@pytest.mark.django_db
def test_a_schema_missing_a_migration_gets_it_from_migrate_platform(two_clients):
    # A migration of a shared app: recorded in every client schema, run there as a no-op,
    # so applying it again changes nothing but its record. (Not billing's latest: it builds
    # an index concurrently, which cannot run inside the test's transaction.)
    b = two_clients.b.schema_name
    name = latest_recorded(b, SHARED_APP)
    forget(b, SHARED_APP, name)
    out = StringIO()

    call_command("migrate_platform", verbosity=0, stdout=out)

    assert "(1 of " in out.getvalue()
    assert latest_recorded(b, SHARED_APP) == name
    assert latest_recorded(settings.TENANT_BASE_SCHEMA, SHARED_APP) == name
    assert client_schemas_behind([two_clients.a.schema_name, b]) == []


# The shared-state executor (tenants.executor) with a throwaway migration: a copy of the
# customers app's migrations plus one that adds a column, in a package MIGRATION_MODULES
# points at (as benchmarks/many_clients.py does).

THROWAWAY_APP, THROWAWAY_TABLE, THROWAWAY_COLUMN = "customers", "customers_customer", "exec_note"
THROWAWAY_NAME = "9001_exec_note"


@pytest.fixture
def throwaway(tmp_path, monkeypatch, settings):
    loader = MigrationLoader(None, ignore_no_migrations=True)
    (leaf,) = [name for app, name in loader.graph.leaf_nodes() if app == THROWAWAY_APP]
    original = Path(sys.modules[loader.migrations_module(THROWAWAY_APP)[0]].__file__).parent
    package = tmp_path / f"exec_migrations_{tmp_path.name.replace('-', '_')}"
    shutil.copytree(original, package, ignore=shutil.ignore_patterns("__py*"))
    (package / f"{THROWAWAY_NAME}.py").write_text(
        "from django.db import migrations, models\n\n\n"
        "class Migration(migrations.Migration):\n"
        f"    dependencies = [({THROWAWAY_APP!r}, {leaf!r})]\n"
        f"    operations = [migrations.AddField('customer', {THROWAWAY_COLUMN!r}, "
        "models.TextField(null=True))]\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    settings.MIGRATION_MODULES = {THROWAWAY_APP: package.name}


def has_column(schema: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT EXISTS (SELECT FROM information_schema.columns WHERE table_schema = %s "
            "AND table_name = %s AND column_name = %s)",
            [schema, THROWAWAY_TABLE, THROWAWAY_COLUMN],
        )
        return cursor.fetchone()[0]


def recorded(schema: str, app: str, name: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            f'SELECT EXISTS (SELECT FROM "{schema}".django_migrations '  # noqa: S608
            "WHERE app = %s AND name = %s)",
            [app, name],
        )
        return cursor.fetchone()[0]


def records(schema: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT count(*) FROM "{schema}".django_migrations')  # noqa: S608
        return cursor.fetchone()[0]


def shared_state_migrate(schemas: list[str], parallel: int = 1) -> None:
    call_command(
        SchemasMigrate(schemas),
        tenant=True,
        interactive=False,
        verbosity=0,
        executor="shared-state",
        parallel=parallel,
    )


@pytest.mark.django_db
def test_the_setting_selects_the_shared_state_executor():
    assert GET_EXECUTOR_FUNCTION(codename="shared-state") is SharedStateExecutor


@pytest.mark.django_db
def test_schemas_behind_by_a_migration_get_its_column_and_record(two_clients, throwaway):
    schemas = [two_clients.a.schema_name, two_clients.b.schema_name]

    shared_state_migrate(schemas)

    for schema in schemas:
        assert has_column(schema)
        assert recorded(schema, THROWAWAY_APP, THROWAWAY_NAME)
    assert not has_column(settings.TENANT_BASE_SCHEMA)


@pytest.mark.django_db
def test_a_schema_behind_differently_gets_its_own_missing_migrations(two_clients, throwaway):
    a, b = two_clients.a.schema_name, two_clients.b.schema_name
    shared = latest_recorded(b, SHARED_APP)
    forget(b, SHARED_APP, shared)
    before = {schema: records(schema) for schema in (a, b)}

    shared_state_migrate([a, b])

    assert has_column(a) and has_column(b)
    assert recorded(b, SHARED_APP, shared)
    # Exactly the missing ones: one in A, two in B.
    assert records(a) == before[a] + 1
    assert records(b) == before[b] + 2
    assert recorded(a, THROWAWAY_APP, THROWAWAY_NAME)
    assert recorded(b, THROWAWAY_APP, THROWAWAY_NAME)


@pytest.mark.django_db
def test_a_failing_migration_names_its_schema_and_stops(two_clients, throwaway):
    a, b = two_clients.a.schema_name, two_clients.b.schema_name
    with connection.cursor() as cursor:  # the migration's ADD COLUMN then fails in A
        cursor.execute(f'ALTER TABLE "{a}".{THROWAWAY_TABLE} ADD COLUMN {THROWAWAY_COLUMN} text')

    with pytest.raises(CommandError, match=f"{a} failed: .*{THROWAWAY_COLUMN}"):
        shared_state_migrate([a, b])

    assert not recorded(a, THROWAWAY_APP, THROWAWAY_NAME)
    assert not has_column(b)  # stopped: B was not started
    assert not recorded(b, THROWAWAY_APP, THROWAWAY_NAME)


@pytest.mark.django_db
def test_the_table_check_looks_in_the_schema_only(two_clients):
    migrator = SchemaMigrator("default", verbosity=0)
    with CaptureQueriesContext(connection) as queries:
        applied = migrator.applied(two_clients.a.schema_name)
    connection.set_schema_to_public()

    assert (
        applied
        and (THROWAWAY_APP, latest_recorded(two_clients.a.schema_name, THROWAWAY_APP)) in applied
    )
    # Django's recorder lists every visible table (pg_table_is_visible over all of pg_class).
    assert not any("pg_table_is_visible" in query["sql"] for query in queries)
    assert any("n.nspname = " in query["sql"] for query in queries)
    assert migrator.applied("client_never_made") is None
    connection.set_schema_to_public()


@pytest.fixture
def committed_schemas(two_clients, django_db_blocker):
    """Three schemas with what the throwaway migration needs, committed for the workers."""
    a, names = two_clients.a.schema_name, ["client_exec_p1", "client_exec_p2", "client_exec_p3"]
    tables = [THROWAWAY_TABLE, "django_migrations", "django_content_type"]
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        for name in names:
            cursor.execute(f'CREATE SCHEMA "{name}"')
            for table in tables:
                cursor.execute(f'CREATE TABLE "{name}".{table} (LIKE "{a}".{table} INCLUDING ALL)')
            cursor.execute(
                f'INSERT INTO "{name}".django_migrations (app, name, applied) '  # noqa: S608
                f'SELECT app, name, applied FROM "{a}".django_migrations'
            )
    yield names
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        for name in names:
            cursor.execute(f'DROP SCHEMA "{name}" CASCADE')


def test_parallel_workers_migrate_every_schema(
    committed_schemas, throwaway, django_db_blocker, settings
):
    settings.TENANT_MULTIPROCESSING_CHUNKS = 1  # a worker takes more than one chunk
    with django_db_blocker.unblock():
        shared_state_migrate(committed_schemas, parallel=2)

        for schema in committed_schemas:
            assert has_column(schema)
            assert recorded(schema, THROWAWAY_APP, THROWAWAY_NAME)


def test_a_failure_in_a_parallel_worker_names_its_schema(
    committed_schemas, throwaway, django_db_blocker, settings
):
    settings.TENANT_MULTIPROCESSING_CHUNKS = 1
    broken = committed_schemas[1]
    with django_db_blocker.unblock():
        with connection.cursor() as cursor:
            cursor.execute(
                f'ALTER TABLE "{broken}".{THROWAWAY_TABLE} ADD COLUMN {THROWAWAY_COLUMN} text'
            )

        with pytest.raises(CommandError, match=f"{broken} failed: .*{THROWAWAY_COLUMN}"):
            shared_state_migrate(committed_schemas, parallel=2)

        assert not recorded(broken, THROWAWAY_APP, THROWAWAY_NAME)
        for schema in committed_schemas:
            if schema != broken:  # either migrated and recorded or untouched
                assert has_column(schema) == recorded(schema, THROWAWAY_APP, THROWAWAY_NAME)
