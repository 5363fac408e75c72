"""Benchmark of client provisioning (``tenants.services.client_provision``).

Run from the repository root::

    .venv/bin/python benchmarks/provision_clients.py [--counts 1,50,200]

It never touches the project's database. On the PostgreSQL server the settings point at
(``DATABASE_URL``, or the embedded server under ``var/`` when that is unset) it drops and
creates a database of its own, ``polydesk_bench``, migrates it with ``migrate_platform``
(public schema, client template schema, clients) and drops it again at the end, also when
something fails.

What it measures: for each count N it provisions N new clients one after another (row,
schema cloned from the template with migrations faked, domain) and prints the round's total
wall time and the mean, median, 95th percentile and maximum seconds per client. The first
provisioning in a process also checks the template schema (the migration graph is loaded),
so one warm-up client is provisioned first and left out of the figures. Rounds run in order
on the same database, so a later round also shows whether the time per client grows with the
number of clients already there. At the end it checks that every provisioned client has its
schema with the ``customers_customer`` table (exit status 1 if not) and prints the peak RSS,
the Python and PostgreSQL versions and the CPU count.
"""

import argparse
import io
import math
import os
import platform
import resource
import statistics
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass

from _report import Report, json_option
from benchdb import Server, bench_database, django_setup, server_find

BENCH_DATABASE = "polydesk_bench"
SCHEMA_PREFIX = "client_bench"
SLUG_PREFIX = "bench"
DEFAULT_COUNTS = (1, 50, 200)


@dataclass(frozen=True)
class Round:
    count: int
    total: float
    durations: list[float]


def parse_counts(text: str) -> list[int]:
    counts = [int(word) for word in text.split(",") if word.strip()]
    if not counts or any(n < 1 for n in counts):
        raise argparse.ArgumentTypeError("counts are positive integers, e.g. 1,50,200")
    return counts


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--counts",
        type=parse_counts,
        default=list(DEFAULT_COUNTS),
        help="clients to provision in each round, comma-separated (default: 1,50,200)",
    )
    json_option(parser)
    return parser.parse_args(argv)


def migrate() -> float:
    from django.core.management import call_command

    started = time.perf_counter()
    call_command("migrate_platform", verbosity=0, stdout=io.StringIO())
    return time.perf_counter() - started


def provision_one(slug: str) -> float:
    from tenants.services import client_provision

    started = time.perf_counter()
    result = client_provision(
        slug=slug,
        name=f"Bench {slug}",
        countries=["CZ"],
        languages=["cs", "en"],
        time_zone="Europe/Prague",
        currency="CZK",
    )
    seconds = time.perf_counter() - started
    if not result.created:
        raise RuntimeError(f"{slug} already existed; slugs must be unique.")
    return seconds


def provision_round(number: int, count: int) -> Round:
    started = time.perf_counter()
    durations = [provision_one(f"{SLUG_PREFIX}-r{number}-{i}") for i in range(count)]
    return Round(count=count, total=time.perf_counter() - started, durations=durations)


def percentile(values: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile (defined for a single value too)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def round_line(number: int, result: Round) -> str:
    d = result.durations
    return (
        f"round {number}: N={result.count:<4} total={result.total:8.2f}s  per client: "
        f"mean={statistics.mean(d):.3f}s median={statistics.median(d):.3f}s "
        f"p95={percentile(d, 0.95):.3f}s max={max(d):.3f}s"
    )


def fetch_one(sql: str) -> tuple:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchone()


def postgres_version() -> str:
    return fetch_one("SELECT version()")[0]


def schemas_check(expected: int) -> list[str]:
    """Problems with the bench client schemas; empty when all is well."""
    # SCHEMA_PREFIX is a constant of ours, not input.
    found, without_table = fetch_one(
        f"""
        SELECT count(*),
               count(*) FILTER (WHERE NOT EXISTS (
                   SELECT 1 FROM information_schema.tables t
                   WHERE t.table_schema = s.schema_name
                     AND t.table_name = 'customers_customer'))
        FROM information_schema.schemata s
        WHERE starts_with(s.schema_name, '{SCHEMA_PREFIX}')
        """  # noqa: S608
    )
    problems = []
    if found != expected:
        problems.append(f"{found} {SCHEMA_PREFIX}* schemas, expected {expected}")
    if without_table:
        problems.append(f"{without_table} schemas without the customers_customer table")
    return problems


def peak_rss_mib() -> float:
    # Linux reports ru_maxrss in KiB.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run(counts: Sequence[int], server: Server, report: Report) -> None:
    django_setup(BENCH_DATABASE)
    print(f"database: {BENCH_DATABASE} on {server.label}")
    print(f"python {platform.python_version()}; {postgres_version()}")
    print(f"cpus: {os.cpu_count()}")
    report.server_describe()
    migrated = migrate()
    print(f"migrate_platform: {migrated:.2f}s")
    report.figure("migrate_platform", migrated, "s")
    warm_up = provision_one(f"{SLUG_PREFIX}-warmup")
    print(f"warm-up: 1 client in {warm_up:.3f}s (template check; left out of the figures)")
    provisioned = 1
    for number, count in enumerate(counts, start=1):
        result = provision_round(number, count)
        provisioned += count
        print(round_line(number, result) + f"  (clients in db after: {provisioned})")
        d = result.durations
        report.figure(f"per client, mean (round of {count})", statistics.mean(d), "s", target=1)
        report.figure(f"per client, p95 (round of {count})", percentile(d, 0.95), "s")
    problems = schemas_check(provisioned)
    print(f"peak RSS: {peak_rss_mib():.1f} MiB")
    report.figure("peak RSS", peak_rss_mib(), "MiB")
    report.check("schemas missing or incomplete", len(problems))
    if problems:
        print("check FAILED: " + "; ".join(problems))
        return
    print(f"check OK: {provisioned} {SCHEMA_PREFIX}* schemas, each with customers_customer")


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    server = server_find(BENCH_DATABASE)
    report = Report("provision_clients", {"counts": list(args.counts)})
    with bench_database(server):
        run(args.counts, server, report)
    print(f"dropped database {BENCH_DATABASE}")
    return report.emit(args.json)


if __name__ == "__main__":
    sys.exit(main())
