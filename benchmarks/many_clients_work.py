"""The many-clients benchmark's work (``benchmarks/many_clients.py`` runs it): provisioning
clients, deploys with and without a client migration, the catalog's size, requests of a
web process, and the other benchmarks' hot paths (the desk, the router, the voice webhooks,
the KPIs) through their own measuring functions. Imported once ``django_setup()`` has
pointed the settings at the bench database: the models below need it."""

import io
import json
import multiprocessing
import os
import random
import resource
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import desk_inbox
import kpis_work
import router_work
import telephony_webhooks_work
from _report import Report
from benchdb import free_port, waiting_item_fields
from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection, connections, transaction
from django.db.migrations.loader import MigrationLoader
from django.test import Client as HttpClient
from django.utils import timezone
from django_tenants.utils import get_public_schema_name, schema_context

from accounts.models import User
from helpcenter.models import HelpCenterSettings
from routing.models import WorkItem
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
    return time.perf_counter() - started, "; ".join(out.getvalue().strip().splitlines())


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


def other_client_schemas() -> list[str]:
    """The client schemas that are not the bench's many clients (the hot paths' own
    clients: the webhooks' shop, the KPIs' client)."""
    return list(
        Client.objects.exclude(slug__startswith=f"{SLUG_PREFIX}-")
        .exclude(schema_name=get_public_schema_name())
        .values_list("schema_name", flat=True)
    )


def template_schema() -> str:
    return settings.TENANT_BASE_SCHEMA


def executor_per_schema(sample: int) -> float:
    """Seconds per client schema of django-tenants' executor when there is nothing to do:
    what every client cost a no-op deploy before client_schemas_behind (measured on a
    sample, the same work for each schema)."""
    return _schemas_migrate(client_schemas()[:sample], executor="standard")


def executor_migrate(schemas: list[str], executor: str) -> float:
    """Seconds per schema of a django-tenants executor migrating ``schemas`` in two
    processes: "multiprocessing" (what migrate_platform --parallel ran before) or
    "shared-state" (tenants.executor, what it runs now)."""
    return _schemas_migrate(schemas, executor=executor, parallel=2)


def _schemas_migrate(schemas: list[str], **options) -> float:
    """Seconds per schema of django-tenants' migrate_schemas over ``schemas``, quietly."""
    started = time.perf_counter()
    call_command(
        SchemasMigrate(schemas),
        tenant=True,
        interactive=False,
        verbosity=0,
        stdout=io.StringIO(),
        **options,
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


# The hot paths (many_clients.py --hot): the same work at every size, on the same first
# clients, so that only the number of clients in the database changes between sizes.
HOT_CLIENTS = 500  # the work items and the agents are spread over the first 500 clients
HOT_AGENTS, HOT_CLIENTS_PER_AGENT = 200, 5
HOT_LANGUAGES = ["cs", "en"]  # the bench clients' languages
KPI_CONVERSATIONS, KPI_CALLS = 10_000, 2_000  # the KPI client's month
CALLERS, THINK = 20, 0.5  # concurrent voice calls, seconds between a caller's requests
WIDE_DECISIONS = 50  # routing decisions of the agent of every client


def hot_prepare() -> tuple[int, Client]:
    """Before any bench client: the webhooks' shop with its number and menus
    (telephony_webhooks_work.prepare) and the KPIs' client with one month of contacts
    (kpis_work's filler). Returns the shop's id and the KPIs' client."""
    shop_id = telephony_webhooks_work.prepare()
    client = client_provision(
        slug="bench-kpis",
        name="Bench Kpis",
        countries=["CZ", "SK", "HU"],
        languages=["cs", "sk", "hu", "en", "de"],
        time_zone=kpis_work.TIME_ZONE,
        currency="CZK",
    ).client
    rng = random.Random(16)
    with schema_context(client.schema_name):
        customers = kpis_work.customers_fill(KPI_CONVERSATIONS // 3, rng)
        kpis_work.MonthFiller(client, customers, rng).fill(
            kpis_work.MONTH, KPI_CONVERSATIONS, KPI_CALLS
        )
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # a few schemas yet: the template, two clients
    return shop_id, client


def hot_fill(items: int) -> None:
    """Once the first size is provisioned: agents who each serve 5 of the first 500
    clients and speak one or both of their languages, and ``items`` waiting items over
    those clients (as the router's benchmark fills, on the bench's own clients)."""
    rng = random.Random(7)
    clients = list(
        Client.objects.filter(slug__startswith=f"{SLUG_PREFIX}-").order_by("pk")[:HOT_CLIENTS]
    )
    router_work.agents_make(
        clients,
        count=HOT_AGENTS,
        languages=HOT_LANGUAGES,
        most_languages=2,
        clients_per_agent=HOT_CLIENTS_PER_AGENT,
        rng=rng,
    )
    now = timezone.now()
    WorkItem.objects.bulk_create(
        (
            WorkItem(
                **waiting_item_fields(
                    n,
                    client=clients[n % len(clients)],
                    languages=HOT_LANGUAGES,
                    source_kind="bench",
                    rng=rng,
                    now=now,
                )
            )
            for n in range(items)
        ),
        batch_size=5000,
    )
    with connection.cursor() as cursor:
        # The index of router_work's floor (the bare claim in the queue's global order),
        # as its fill makes it: without it the bare statement scans the queue.
        cursor.execute(
            "CREATE INDEX bench_floor ON routing_workitem (priority DESC, "
            "waiting_since) WHERE status = 'waiting'"
        )
    hot_analyze()


def hot_analyze() -> None:
    # The public tables the hot paths read, not the whole database (thousands of schemas).
    with connection.cursor() as cursor:
        for table in (
            "routing_workitem",
            "accounts_user",
            "accounts_user_served_clients",
            "languages_agentskill",
            "routing_agentstate",
            "tenants_client",
            "tenants_domain",
        ):
            cursor.execute(f"VACUUM (ANALYZE) {table}")


def _prefixed(report: Report, since: int, prefix: str) -> None:
    """Name the figures another benchmark's function added after ``since`` for this size."""
    for figure in report.figures[since:]:
        figure.name = f"{prefix}{figure.name}"


def pool_agent_create() -> User:
    """The agent of every client as agencies set one up (User.serves_every_client), with the
    skills and room of the router's wide agent (router_work.wide_agent_create) but no list
    of clients."""
    agent = router_work.wide_agent_create()
    agent.served_clients.clear()
    User.objects.filter(pk=agent.pk).update(username="agent-pool", serves_every_client=True)
    agent.refresh_from_db()
    return agent


def desk_measure(size: int, requests: int, report: Report) -> None:
    """The desk page and its live update (desk_inbox.measure) for an agent who serves every
    client (User.serves_every_client), the same for the agent who lists every client (the
    wide agent of the router's benchmark, as before the flag), and the page when the
    clients' table is not cached (it is rendered once a minute per process)."""
    since = len(report.figures)
    listing = router_work.wide_agent_create()
    http = HttpClient(HTTP_HOST="localhost")
    http.force_login(listing)
    desk_inbox.measure(http, "/", requests, "1. desk page (list of every client)", report)
    desk_inbox.measure(
        http, "/desk/live", requests, "2. live update (list of every client)", report
    )
    _wide_agent_retire(listing, f"desk-{size}")
    agent = pool_agent_create()
    http = HttpClient(HTTP_HOST="localhost")
    http.force_login(agent)
    desk_inbox.measure(http, "/", requests, "1. desk page", report, target_ms=150)
    desk_inbox.measure(http, "/desk/live", requests, "2. live update", report)
    cold = []
    for _ in range(max(3, requests // 20)):
        cache.clear()
        started = time.perf_counter()
        http.get("/")
        cold.append((time.perf_counter() - started) * 1000)
    print(
        f"   desk page with nothing cached: p50 {statistics.median(cold):.1f} ms, "
        f"max {max(cold):.1f} ms over {len(cold)} requests"
    )
    report.figure("desk page, nothing cached: p50", statistics.median(cold), "ms")
    _prefixed(report, since, f"N={size}: ")
    _wide_agent_retire(agent, f"desk-{size}")


def _wide_agent_retire(agent: User, suffix: str) -> None:
    """Out of the way of the next measurements, without DELETE: deleting a user checks the
    foreign keys of every client schema's tables that point at users (the admin log, ...),
    a lock per table: at 5,000 clients "out of shared memory" (max_locks_per_transaction)."""
    WorkItem.objects.filter(agent=agent).update(status="waiting", agent=None)
    agent.served_clients.clear()
    User.objects.filter(pk=agent.pk).update(
        username=f"{agent.username}-{suffix}",
        role=User.Role.ADMIN,
        is_active=False,
        serves_every_client=False,
    )


def router_measure(size: int, decisions: int, report: Report) -> None:
    """One decision at a time beside the bare statement, then 50 of the agent of every
    client (router_work's functions); the queue as it was after."""
    waiting = list(WorkItem.objects.filter(status="waiting").values_list("pk", flat=True))
    router_work.one_at_a_time(decisions, "", report, prefix=f"N={size}: ")
    # router_work.one_wide_agent's decisions, by the same agent, which is then retired
    # rather than deleted (_wide_agent_retire): the agent who lists every client, then the
    # agent of every client (the flag).
    for name, create in (
        ("agent listing all clients", router_work.wide_agent_create),
        ("agent of all clients", pool_agent_create),
    ):
        agent = create()
        timings = []
        for _ in range(WIDE_DECISIONS):
            started = time.perf_counter()
            router_work.agent_next_item(agent=agent)
            timings.append((time.perf_counter() - started) * 1000)
        print(
            f"1b. {name} ({size}): {WIDE_DECISIONS} decisions, p50 "
            f"{statistics.median(timings):.2f} ms, "
            f"p99 {router_work.percentile(timings, 0.99):.2f} ms"
        )
        report.figure(f"N={size}: {name}: decision p50", statistics.median(timings), "ms")
        _wide_agent_retire(agent, f"router-{size}")
        # Given items back to the queue before the next agent decides.
        WorkItem.objects.filter(pk__in=waiting).exclude(status="waiting").update(
            status="waiting", agent=None, offered_at=None, offer_expires_at=None, assigned_at=None
        )
    # What waited waits again; router_work.queue_reset would also reopen the KPI client's
    # closed items.
    WorkItem.objects.filter(pk__in=waiting).exclude(status="waiting").update(
        status="waiting", agent=None, offered_at=None, offer_expires_at=None, assigned_at=None
    )
    hot_analyze()


def webhooks_measure(size: int, shop_id: int, seconds: float, report: Report) -> None:
    """The voice webhooks on gunicorn (telephony_webhooks_work's server and callers): one
    caller alone (the floor), then CALLERS concurrent calls."""
    connections.close_all()
    port = free_port()
    server = telephony_webhooks_work.webhooks_gunicorn_start(port, 2, False)
    try:
        telephony_webhooks_work.Load(port=port, client_id=shop_id, think=0.05).run(10, 3)
        alone = telephony_webhooks_work.Load(port=port, client_id=shop_id, think=0)
        floor = telephony_webhooks_work.summary(
            f"N={size}: 1 caller alone, no pause (the floor)", alone, alone.run(1, seconds / 3)
        )
        paced = telephony_webhooks_work.Load(port=port, client_id=shop_id, think=THINK)
        concurrent = telephony_webhooks_work.summary(
            f"N={size}: {CALLERS} concurrent calls, {THINK} s between a caller's requests",
            paced,
            paced.run(CALLERS, seconds),
        )
    finally:
        server.terminate()
        server.wait(timeout=30)
    for kind in ("incoming", "gather"):
        mine, first = concurrent.get(kind), floor.get(kind)
        if mine is None:
            continue
        for index, share in ((0, "p50"), (1, "p99")):
            report.figure(
                f"N={size}: webhook {kind} {share} at {CALLERS} calls",
                mine[index],
                "ms",
                floor=first[index] if first else None,
            )
    report.check(f"webhook errors (N={size})", floor["errors"] + concurrent["errors"])


def kpis_measure(size: int, client: Client, runs: int, report: Report) -> None:
    """All KPIs of the KPI client's month (kpis_work.kpis_measure), beside its floor."""
    with schema_context(client.schema_name):
        kpis = kpis_work.kpis_measure(client, runs)
    print(
        f"N={size}: all KPIs of {KPI_CONVERSATIONS:,} conversations, {KPI_CALLS:,} calls: "
        f"p50 {kpis['p50'] * 1000:.1f} ms, p99 {kpis['p99'] * 1000:.1f} ms; floor p50 "
        f"{kpis['floor_p50'] * 1000:.1f} ms, p99 {kpis['floor_p99'] * 1000:.1f} ms "
        f"(load {os.getloadavg()[0]:.1f})"
    )
    report.figure(f"N={size}: all KPIs p50", kpis["p50"], "s", floor=kpis["floor_p50"])
    report.figure(f"N={size}: all KPIs p99", kpis["p99"], "s", floor=kpis["floor_p99"])


def hot_paths(
    size: int, *, shop_id: int, kpi_client: Client, requests: int, report: Report
) -> None:
    """The four hot paths at this size, every bench client live (as served clients are)."""
    Client.objects.filter(slug__startswith=f"{SLUG_PREFIX}-").update(status="active")
    hot_analyze()
    desk_measure(size, requests, report)
    router_measure(size, requests, report)
    kpis_measure(size, kpi_client, max(5, requests // 10), report)
    webhooks_measure(size, shop_id, 12.0, report)
