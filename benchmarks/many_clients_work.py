"""The many-clients benchmark's work (``benchmarks/many_clients.py`` runs it): provisioning
clients, deploys with and without a client migration, the catalog's size and requests of a
web process. Imported once ``django_setup()`` has pointed the settings at the bench
database: the models below need it."""

import io
import json
import multiprocessing
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.db import connection, connections, transaction
from django.db.migrations.loader import MigrationLoader
from django.test import Client as HttpClient
from django_tenants.utils import schema_context

from helpcenter.models import HelpCenterSettings
from tenants.management.commands.migrate_platform import SchemasMigrate
from tenants.models import Client
from tenants.services import client_provision

SLUG_PREFIX = "many"
# The app whose throwaway migrations add a column to every client schema.
MIGRATED_APP, MIGRATED_MODEL = "customers", "customer"
# Requests timed in one client, each REQUESTS times: a page that reads the client's row and
# renders (the portal's sign-in) and one that reads the client's own schema (help center).
PATHS = ("/accounts/login/", "/help/cs/")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def fetch_one(sql: str, params: list | None = None) -> tuple:
    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])
        return cursor.fetchone()


def migrate_platform(*, parallel: bool = False) -> tuple[float, str]:
    out = io.StringIO()
    started = time.perf_counter()
    call_command("migrate_platform", verbosity=0, stdout=out, parallel=parallel)
    return time.perf_counter() - started, out.getvalue().strip()


def slug_of(number: int) -> str:
    return f"{SLUG_PREFIX}-{number}"


def _provision_slice(numbers: list[int]) -> list[float]:
    durations = []
    for number in numbers:
        started = time.perf_counter()
        result = client_provision(
            slug=slug_of(number),
            name=f"Many {number}",
            countries=["CZ"],
            languages=["cs", "en"],
            time_zone="Europe/Prague",
            currency="CZK",
        )
        if not result.created:
            raise RuntimeError(f"{slug_of(number)} already existed")
        durations.append(time.perf_counter() - started)
    connection.close()
    return durations


def clients_provision(first: int, last: int, workers: int) -> tuple[float, list[float]]:
    """Clients first..last-1 through ``client_provision`` (the real path: row, schema cloned
    with the stored script, domain), in ``workers`` forked processes."""
    numbers = list(range(first, last))
    slices = [numbers[i::workers] for i in range(workers)]
    connections.close_all()  # a forked child must not share the parent's connection
    started = time.perf_counter()
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        durations = [d for part in pool.map(_provision_slice, slices) for d in part]
    return time.perf_counter() - started, durations


def client_schemas() -> list[str]:
    return list(
        Client.objects.filter(slug__startswith=f"{SLUG_PREFIX}-")
        .order_by("pk")
        .values_list("schema_name", flat=True)
    )


def executor_per_schema(sample: int) -> float:
    """Seconds per client schema of django-tenants' executor when there is nothing to do:
    what every client cost a no-op deploy before client_schemas_behind (measured on a
    sample, the same work for each schema)."""
    schemas = client_schemas()[:sample]
    started = time.perf_counter()
    call_command(
        SchemasMigrate(schemas),
        tenant=True,
        interactive=False,
        verbosity=0,
        executor="standard",
        stdout=io.StringIO(),
    )
    return (time.perf_counter() - started) / len(schemas)


def executor_migrate(schemas: list[str], executor: str) -> float:
    """Seconds per schema of a django-tenants executor migrating ``schemas`` in two
    processes: "multiprocessing" (what migrate_platform --parallel ran before) or
    "shared-state" (tenants.executor, what it runs now)."""
    started = time.perf_counter()
    call_command(
        SchemasMigrate(schemas),
        tenant=True,
        interactive=False,
        verbosity=0,
        executor=executor,
        parallel=2,
        stdout=io.StringIO(),
    )
    return (time.perf_counter() - started) / max(1, len(schemas))


class ThrowawayMigrations:
    """Copies of MIGRATED_APP's migrations plus numbered ones that each add a column, in a
    package outside the repository that MIGRATION_MODULES points at: a real migration that
    Django's executor runs in every client schema."""

    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="polydesk_many_"))
        sys.path.insert(0, str(self.folder))
        self.added: list[tuple[str, str]] = []  # (name, text)
        loader = MigrationLoader(None, ignore_no_migrations=True)
        (self.leaf,) = [name for app, name in loader.graph.leaf_nodes() if app == MIGRATED_APP]
        self.original = Path(sys.modules[loader.migrations_module(MIGRATED_APP)[0]].__file__)

    def add(self) -> str:
        """One more migration adding a column, in a new package with the earlier ones (a
        module once imported stays imported); returns the column's name."""
        number = len(self.added) + 1
        column = f"bench_note_{number}"
        previous = self.added[-1][0] if self.added else self.leaf
        text = (
            "from django.db import migrations, models\n\n\n"
            "class Migration(migrations.Migration):\n"
            f"    dependencies = [({MIGRATED_APP!r}, {previous!r})]\n"
            "    operations = [\n"
            f"        migrations.AddField({MIGRATED_MODEL!r}, {column!r}, "
            "models.TextField(null=True)),\n"
            "    ]\n"
        )
        self.added.append((self.name_of(number), text))
        package = self.folder / f"many_migrations_{number}"
        shutil.copytree(self.original.parent, package, ignore=shutil.ignore_patterns("__py*"))
        for name, written in self.added:
            (package / f"{name}.py").write_text(written)
        settings.MIGRATION_MODULES = {MIGRATED_APP: package.name}
        return column

    @staticmethod
    def name_of(number: int) -> str:
        return f"9{number:03d}_bench_note"

    def remove(self) -> None:
        sys.path.remove(str(self.folder))
        shutil.rmtree(self.folder, ignore_errors=True)


def column_add_raw(column: str, schemas: list[str], migration: str) -> float:
    """What the throwaway migration does, by hand in each of ``schemas`` (the column and
    its record, one transaction each): the floor of a real migration, and how the schemas
    left out of the executor's sample get it. Returns seconds per schema."""
    started = time.perf_counter()
    for schema in schemas:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                f'ALTER TABLE "{schema}".{MIGRATED_APP}_{MIGRATED_MODEL} '
                f"ADD COLUMN {column} text NULL"
            )
            cursor.execute(
                f'INSERT INTO "{schema}".django_migrations (app, name, applied) '  # noqa: S608
                "VALUES (%s, %s, now())",
                [MIGRATED_APP, migration],
            )
    return (time.perf_counter() - started) / max(1, len(schemas))


def schemas_with_column(column: str) -> int:
    return fetch_one(
        "SELECT count(*) FROM information_schema.columns WHERE table_name = %s "
        "AND column_name = %s AND starts_with(table_schema, 'client_many_')",
        [f"{MIGRATED_APP}_{MIGRATED_MODEL}", column],
    )[0]


def catalog() -> dict:
    """The catalog's size: relations, columns, and the bytes of the whole database and of
    the system catalogs."""
    relations, attributes, catalog_bytes, database_bytes = fetch_one(
        """
        SELECT (SELECT count(*) FROM pg_class), (SELECT count(*) FROM pg_attribute),
               (SELECT sum(pg_total_relation_size(c.oid)) FROM pg_class c
                JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname = 'pg_catalog' AND c.relkind = 'r'),
               pg_database_size(current_database())
        """
    )
    return {
        "pg_class": relations,
        "pg_attribute": attributes,
        "catalog_mib": int(catalog_bytes) / 2**20,
        "database_mib": int(database_bytes) / 2**20,
    }


def rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def backend_mib() -> float:
    """The memory this connection's PostgreSQL backend holds (its caches included)."""
    return int(fetch_one("SELECT sum(total_bytes) FROM pg_backend_memory_contexts")[0]) / 2**20


def timed(http: HttpClient, path: str, runs: int) -> tuple[list[float], int]:
    http.get(path)  # warm: the first request of a client loads its caches
    timings, status = [], 0
    for _ in range(runs):
        started = time.perf_counter()
        status = http.get(path).status_code
        timings.append((time.perf_counter() - started) * 1000)
    return timings, status


def serve(count: int, sweep: int, runs: int) -> dict:
    """What a fresh web process does (run in its own process by many_clients.py): requests
    in one client, then one request to each of ``sweep`` clients, then the first again;
    its RSS and its database backend's memory along the way."""
    result: dict = {"rss_start_mib": rss_mib()}
    # The measured client publishes its help center (the others answer its 404 page, which
    # reads their schema all the same).
    with schema_context(Client.objects.get(slug=slug_of(0)).schema_name):
        HelpCenterSettings.objects.get_or_create(defaults={"enabled": True})
    measured = HttpClient(HTTP_HOST=f"{slug_of(0)}.{settings.CLIENT_DOMAIN_SUFFIX}")
    for path in PATHS:
        timings, status = timed(measured, path, runs)
        result[path] = {"p50": percentile(timings, 0.5), "p99": percentile(timings, 0.99)}
        result[path]["status"] = status
    result["rss_one_client_mib"] = rss_mib()
    # One request to each of many clients, in one connection kept open as CONN_MAX_AGE
    # allows: every schema it touches leaves its tables in the backend's caches.
    cold = []
    for number in range(min(sweep, count)):
        http = HttpClient(HTTP_HOST=f"{slug_of(number)}.{settings.CLIENT_DOMAIN_SUFFIX}")
        started = time.perf_counter()
        http.get(PATHS[1])
        cold.append((time.perf_counter() - started) * 1000)
    result["sweep"] = len(cold)
    result["sweep_p50"], result["sweep_p99"] = percentile(cold, 0.5), percentile(cold, 0.99)
    result["rss_after_sweep_mib"] = rss_mib()
    result["backend_after_sweep_mib"] = backend_mib()
    for path in PATHS:
        timings, _ = timed(measured, path, runs)
        result[f"after sweep {path}"] = {
            "p50": percentile(timings, 0.5),
            "p99": percentile(timings, 0.99),
        }
    return result


def serve_print(count: int, sweep: int, runs: int) -> None:
    print(json.dumps(serve(count, sweep, runs)))
