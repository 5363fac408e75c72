"""Benchmark of many clients on one PostgreSQL database: deploys, catalog, a web process.

Run from the repository root::

    .venv/bin/python benchmarks/many_clients.py [--sizes 500,5000] [--workers 2]

On the PostgreSQL server the settings point at (``DATABASE_URL``, or the embedded one) it
creates a database of its own, ``polydesk_bench_many`` (``--database`` names another),
migrates it with ``migrate_platform`` and drops it at the end, also when something fails.

For each size N, in order on the same database, it:

- provisions clients until there are N, through ``client_provision`` (the real path: the
  client's row, its schema cloned from the template with the clone script stored in the
  database, its domain) in ``--workers`` processes: total time and per client p50/p95;
- runs a no-op ``migrate_platform`` (no client migration to apply; target under 60 s), and
  django-tenants' executor on ``--sample`` client schemas, also with nothing to do: its time
  per schema times N is what a no-op deploy cost before ``client_schemas_behind``;
- adds a real migration (a column on ``customers_customer``, in a throwaway copy of the
  app's migrations that ``MIGRATION_MODULES`` points at, outside the repository) and runs
  ``migrate_platform --parallel`` (django-tenants' multiprocessing executor): its time less
  the no-op deploy's, per client and times N, and a check that every client schema has the
  column. ``migrate_platform`` runs the shared-state executor (``tenants.executor``). With
  ``--migrate-sample K`` the executor migrates K schemas and the others get the
  column and its record by hand (``ALTER TABLE`` in one transaction per schema, timed: the
  floor), for sizes whose full run would take hours on a loaded machine;
- adds a second such migration and runs django-tenants' own multiprocessing executor (what
  ``migrate_platform --parallel`` ran before) on ``--old-sample`` client schemas, the others
  by hand: its time per schema against the shared-state executor's in the same run;
- reads the catalog's size (``pg_class`` and ``pg_attribute`` rows, the system catalogs'
  bytes, ``pg_database_size``);
- with ``--hot ITEMS``, measures the other benchmarks' hot paths with their own functions,
  on the same data at every size (only the number of clients changes): the desk page and
  its live update for an agent who serves every client (``desk_inbox.measure``): one who
  lists them all, then one with ``User.serves_every_client`` and no list; and the page with
  nothing cached; ``--requests`` routing decisions beside the bare statement and 50 of each
  of those two agents (``router_work``), with ITEMS waiting items over the
  first 500 clients and 200 agents each serving 5 of them; all KPIs of a client's month of
  10,000 conversations and 2,000 calls beside their floor (``kpis_work``); the voice
  webhooks on gunicorn, one caller alone then 20 calls (``telephony_webhooks_work``);
- starts a fresh web process (this script with ``--serve``) that times ``--requests``
  requests of two pages in one client through Django's test client (the portal's sign-in;
  the help center, which reads the client's schema), then one request to each of
  ``--sweep`` clients (every client by default), then the first pages again; it reports its
  RSS and its PostgreSQL backend's memory after the sweep.

The floors are the same figures with no bench client (the no-op deploy) and at the first
size (requests, memory). A table line and a JSON line at the end.
"""

import argparse
import importlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from _report import Report, json_option
from benchdb import bench_database, django_setup, server_find

BENCH_DATABASE = "polydesk_bench_many"
DEPLOY_TARGET_S = 60
SCRIPT = Path(__file__).resolve()


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="500,5000", help="clients, comma-separated")
    parser.add_argument("--workers", type=int, default=2, help="provisioning processes")
    parser.add_argument("--requests", type=int, default=200, help="timed requests per page")
    parser.add_argument("--sweep", type=int, default=0, help="clients the web process visits")
    parser.add_argument("--sample", type=int, default=50, help="schemas for the old executor")
    parser.add_argument(
        "--migrate-sample",
        type=int,
        default=0,
        help="client schemas migrated by the executor (the rest by hand); 0: all",
    )
    parser.add_argument(
        "--old-sample",
        type=int,
        default=50,
        help="client schemas django-tenants' multiprocessing executor migrates; 0: none",
    )
    parser.add_argument(
        "--hot",
        type=int,
        default=0,
        metavar="ITEMS",
        help="also measure the desk, the router, the voice webhooks and the KPIs at each "
        "size, with ITEMS waiting work items over the first 500 clients; 0: not",
    )
    parser.add_argument(
        "--database",
        default=BENCH_DATABASE,
        help="the throwaway database's name (created, then dropped)",
    )
    parser.add_argument("--serve", nargs=3, type=int, help=argparse.SUPPRESS)
    json_option(parser)
    return parser.parse_args()


def web_process(database: str, size: int, sweep: int, runs: int) -> dict:
    """The web figures from a process of their own (a clean RSS)."""
    command = [sys.executable, str(SCRIPT), "--database", database]
    command += ["--serve", str(size), str(sweep), str(runs)]
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def load() -> float:
    return round(os.getloadavg()[0], 1)


def run(args: argparse.Namespace, sizes: list[int], report: Report) -> None:
    work = importlib.import_module("many_clients_work")
    started = time.perf_counter()
    migrated, _ = work.migrate_platform()
    print(f"migrate_platform, new database: {migrated:.1f} s")
    floor, _ = work.migrate_platform()
    empty = work.catalog()
    print(f"no-op migrate_platform, no client: {floor:.2f} s; catalog: {empty}")
    if args.hot:
        shop_id, kpi_client = work.hot_prepare()
        print(f"hot paths: the webhooks' shop and the KPIs' client made (load {load()})")
    throwaway = work.ThrowawayMigrations()
    made, first_web, problems = 0, None, 0
    try:
        for size in sizes:
            total, durations = work.clients_provision(made, size, args.workers)
            made = size
            p50, p95 = work.percentile(durations, 0.5), work.percentile(durations, 0.95)
            print(
                f"N={size}: provisioned {len(durations)} in {total:.0f} s with {args.workers} "
                f"processes, per client p50 {p50 * 1000:.0f} ms p95 {p95 * 1000:.0f} ms "
                f"(load {load()})"
            )
            noop, said = work.migrate_platform()
            per_schema = work.executor_per_schema(min(args.sample, size))
            print(
                f"N={size}: no-op migrate_platform {noop:.2f} s [{said}]; django-tenants' "
                f"executor with nothing to do: {per_schema * 1000:.0f} ms a schema, "
                f"{per_schema * size:.0f} s for {size} (load {load()})"
            )
            column = throwaway.add()
            schemas = work.client_schemas()
            # The hot paths' own clients get the column by hand: the executor's figure is
            # the bench clients'.
            others = work.other_client_schemas()
            executed = schemas[: args.migrate_sample] if args.migrate_sample else schemas
            by_hand = schemas[len(executed) :] + others
            raw = work.column_add_raw(column, by_hand, throwaway.added[-1][0])
            real, said = work.migrate_platform(parallel=True)
            # Less the no-op deploy's own time (public schema, template, the check).
            per_client = max(real - noop, 0) / len(executed)
            with_column = work.schemas_with_column(column)
            problems += with_column != size
            print(
                f"N={size}: migrate_platform --parallel adding {column} to {len(executed)} "
                f"schemas: {real:.1f} s, {per_client * 1000:.0f} ms a client [{said}]; "
                f"by hand (ALTER and its record) in {len(by_hand)}: {raw * 1000:.1f} ms a "
                f"schema; {with_column}/{size} schemas have it (load {load()})"
            )
            old = None
            if args.old_sample:
                column = throwaway.add()
                old_schemas = schemas[: args.old_sample]
                # The template too: clients provisioned next are cloned from it, and the
                # next no-op deploy must have nothing to do.
                rest = schemas[len(old_schemas) :] + others + [work.template_schema()]
                raw_rest = work.column_add_raw(column, rest, throwaway.added[-1][0])
                old = work.executor_migrate(old_schemas, "multiprocessing")
                problems += work.schemas_with_column(column) != size
                print(
                    f"N={size}: django-tenants' multiprocessing executor adding {column} to "
                    f"{len(old_schemas)} schemas: {old * 1000:.0f} ms a schema, "
                    f"{old / max(per_client, 1e-9):.1f} times the shared-state executor's; "
                    f"by hand in {len(rest)}: {raw_rest * 1000:.1f} ms a schema (load {load()})"
                )
            catalog = work.catalog()
            growth = {
                key: (catalog[key] - empty[key]) / size for key in ("pg_class", "database_mib")
            }
            print(
                f"N={size}: catalog {catalog['pg_class']} pg_class rows, "
                f"{catalog['pg_attribute']} pg_attribute rows, system catalogs "
                f"{catalog['catalog_mib']:.0f} MiB, database {catalog['database_mib']:.0f} MiB "
                f"({growth['pg_class']:.0f} relations and "
                f"{growth['database_mib']:.2f} MiB a client)"
            )
            web = web_process(args.database, size, args.sweep or size, args.requests)
            first_web = first_web or web
            print(f"N={size}: web process (load {load()}): {json.dumps(web)}")
            if args.hot:
                if size == sizes[0]:
                    work.hot_fill(args.hot)
                print(f"N={size}: hot paths (load {load()})")
                work.hot_paths(
                    size,
                    shop_id=shop_id,
                    kpi_client=kpi_client,
                    requests=args.requests,
                    report=report,
                )
                print(f"N={size}: hot paths done (load {load()})")
            report.figure(f"provision, per client p95 (N={size})", p95, "s")
            report.figure(f"provision, total (N={size})", total, "s")
            report.figure(f"no-op migrate_platform (N={size})", noop, "s", floor=floor, target=60)
            report.figure(f"django-tenants executor, no-op (N={size})", per_schema * size, "s")
            report.figure(
                f"migration adding a column, --parallel, per client (N={size})",
                per_client,
                "s",
                floor=raw if by_hand else None,
            )
            if old is not None:
                report.figure(
                    f"migration adding a column, old multiprocessing executor, per client "
                    f"(N={size})",
                    old,
                    "s",
                    floor=per_client,
                )
            report.figure(
                f"migration adding a column, --parallel, all clients (N={size})",
                per_client * size,
                "s",
            )
            report.figure(f"pg_class rows (N={size})", catalog["pg_class"], "count")
            report.figure(f"pg_database_size (N={size})", catalog["database_mib"], "MiB")
            report.figure(f"database per client (N={size})", growth["database_mib"], "MiB")
            for path in work.PATHS:
                report.figure(
                    f"GET {path} p50 (N={size})",
                    web[path]["p50"],
                    "ms",
                    floor=first_web[path]["p50"],
                )
                report.figure(
                    f"GET {path} p99 (N={size})",
                    web[path]["p99"],
                    "ms",
                    floor=first_web[path]["p99"],
                )
            report.figure(
                f"first request of a client, p99 (N={size})",
                web["sweep_p99"],
                "ms",
                floor=first_web["sweep_p99"],
            )
            report.figure(
                f"web process RSS after {web['sweep']} clients (N={size})",
                web["rss_after_sweep_mib"],
                "MiB",
                floor=first_web["rss_after_sweep_mib"],
            )
            report.figure(
                f"its database backend's memory (N={size})",
                web["backend_after_sweep_mib"],
                "MiB",
                floor=first_web["backend_after_sweep_mib"],
            )
    finally:
        throwaway.remove()
    report.check("client schemas without the new column", problems)
    print(f"run took {time.perf_counter() - started:.0f} s")


def main() -> int:
    args = parse_args()
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    if args.serve:
        # The parent's bench database (DATABASE_URL is inherited).
        django_setup(args.database)
        importlib.import_module("many_clients_work").serve_print(*args.serve)
        return 0
    sizes = sorted(int(size) for size in args.sizes.split(","))
    server = server_find(args.database)
    print(f"database: {args.database} on {server.label}")
    report = Report("many_clients", {"clients": sizes, "workers": args.workers})
    with bench_database(server):
        django_setup(args.database)
        report.server_describe()
        run(args, sizes, report)
    print(f"dropped database {args.database}")
    return report.emit(args.json)


if __name__ == "__main__":
    sys.exit(main())
