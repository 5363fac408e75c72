"""The client provisioning benchmark's work (``benchmarks/provision_clients.py`` runs it).
Imported once ``django_setup()`` has pointed the settings at the bench database: the models
below need it."""

import io
import math
import os
import platform
import re
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from _report import Report
from benchdb import Server
from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction

from tenants.cloning import schema_clone, spares_refill
from tenants.models import SpareSchema
from tenants.services import client_provision

ROOT = Path(__file__).resolve().parents[1]
BENCH_DATABASE = "polydesk_bench"
SCHEMA_PREFIX = "client_bench"
SLUG_PREFIX = "bench"
FLOOR_CLONES = 5
CREATE_CLIENT = [sys.executable, "manage.py", "create_client", "--name=Fresh", "--countries=CZ"]
CREATE_CLIENT += ["--languages=cs", "--currency=CZK"]
# create_client's last line ends with ", 0.12s)".
REPORTED_SECONDS = re.compile(r" ([0-9.]+)s\)\s*$")


@dataclass(frozen=True)
class Round:
    count: int
    total: float
    durations: list[float]


def migrate() -> float:
    started = time.perf_counter()
    call_command("migrate_platform", verbosity=0, stdout=io.StringIO())
    return time.perf_counter() - started


def provision_one(slug: str) -> float:
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


def clone_floor(count: int) -> float:
    """Median seconds of the clone script alone (what provisioning cannot go below), each
    schema dropped again."""
    durations = []
    for number in range(count):
        schema = f"floor_clone_{number}"
        started = time.perf_counter()
        with transaction.atomic():
            schema_clone(template=settings.TENANT_BASE_SCHEMA, schema_name=schema)
        durations.append(time.perf_counter() - started)
        with connection.cursor() as cursor:
            cursor.execute(f'DROP SCHEMA "{schema}" CASCADE')
    return statistics.median(durations)


def provision_round(number: int, count: int) -> Round:
    started = time.perf_counter()
    durations = [provision_one(f"{SLUG_PREFIX}-r{number}-{i}") for i in range(count)]
    return Round(count=count, total=time.perf_counter() - started, durations=durations)


def warm_round(number: int, count: int) -> tuple[Round, int]:
    """Each client provisioned with one spare schema ready (cloned before, untimed, as the
    refill task would have); the round and how many cloned all the same (should be none).
    The total is the provisionings' own time, without the refills."""
    durations, cloned = [], 0
    for i in range(count):
        spares_refill(template=settings.TENANT_BASE_SCHEMA, keep=1)
        durations.append(provision_one(f"{SLUG_PREFIX}-w{number}-{i}"))
        cloned += SpareSchema.objects.count()  # the spare is still there: it was not taken
    return Round(count=count, total=sum(durations), durations=durations), cloned


def percentile(values: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile (defined for a single value too)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def round_line(number: int, result: Round, label: str = "round") -> str:
    d = result.durations
    return (
        f"{label} {number}: N={result.count:<4} total={result.total:8.2f}s  per client: "
        f"mean={statistics.mean(d):.3f}s median={statistics.median(d):.3f}s "
        f"p95={percentile(d, 0.95):.3f}s max={max(d):.3f}s"
    )


def fetch_one(sql: str) -> tuple:
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


def run(counts: Sequence[int], fresh: int, server: Server, report: Report) -> None:
    print(f"database: {BENCH_DATABASE} on {server.label}")
    print(f"python {platform.python_version()}; {postgres_version()}")
    print(f"cpus: {os.cpu_count()}")
    report.server_describe()
    migrated = migrate()
    print(f"migrate_platform: {migrated:.2f}s")
    report.figure("migrate_platform", migrated, "s")
    warm_up = provision_one(f"{SLUG_PREFIX}-warmup")
    print(f"warm-up: 1 client in {warm_up:.3f}s (template check; left out of the figures)")
    floor = clone_floor(FLOOR_CLONES)
    print(
        f"floor: the template's script alone, median of {FLOOR_CLONES}: {floor:.3f}s "
        "(a schema with no client row; dropped)"
    )
    provisioned = 1
    for number, count in enumerate(counts, start=1):
        result = provision_round(number, count)
        provisioned += count
        print(round_line(number, result) + f"  (clients in db after: {provisioned})")
        d = result.durations
        report.figure(f"per client, mean (round of {count})", statistics.mean(d), "s", target=1)
        report.figure(f"per client, p95 (round of {count})", percentile(d, 0.95), "s", floor=floor)
    cloned_anyway = 0
    for number, count in enumerate(counts, start=1):
        result, cloned = warm_round(number, count)
        provisioned += count
        cloned_anyway += cloned
        print(
            round_line(number, result, "warm round")
            + f"  (a spare ready each time; {cloned} cloned anyway)"
        )
        d = result.durations
        report.figure(
            f"per client with a spare, p95 (round of {count})",
            percentile(d, 0.95),
            "s",
            floor=floor,
            target=0.15,
        )
    report.check("warm provisionings that cloned anyway", cloned_anyway)
    problems = schemas_check(provisioned)
    print(f"peak RSS: {peak_rss_mib():.1f} MiB")
    report.figure("peak RSS", peak_rss_mib(), "MiB")
    report.check("schemas missing or incomplete", len(problems))
    if problems:
        print("check FAILED: " + "; ".join(problems))
        return
    print(f"check OK: {provisioned} {SCHEMA_PREFIX}* schemas, each with customers_customer")
    if fresh:
        fresh_processes(fresh, report)


def _timed_process(command: list[str]) -> tuple[float, str]:
    started = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=True)
    return time.perf_counter() - started, done.stdout


def fresh_processes(count: int, report: Report) -> None:
    """``manage.py create_client`` in a new process each time (DATABASE_URL inherited: the
    bench database), against a process that only starts Django: what is left of a run
    besides start-up and the provisioning it reports."""
    setup = [sys.executable, "-c", "import django; django.setup()"]
    starts, walls, inside = [], [], []
    for number in range(count):
        starts.append(_timed_process(setup)[0])
        slug = f"--slug={SLUG_PREFIX}-fresh-{number}"
        wall, said = _timed_process([*CREATE_CLIENT, slug])
        walls.append(wall)
        reported = REPORTED_SECONDS.search(said)
        if reported is None:
            raise RuntimeError(f"create_client said: {said!r}")
        inside.append(float(reported.group(1)))
    start, wall, own = (
        statistics.median(starts),
        statistics.median(walls),
        statistics.median(inside),
    )
    print(
        f"fresh process, median of {count}: manage.py create_client {wall:.2f}s; of which "
        f"Django's start-up {start:.2f}s (a process that only starts Django), provisioning "
        f"as the command reports it {own:.2f}s, the rest {wall - start - own:.2f}s"
    )
    report.figure("create_client in a fresh process", wall, "s", floor=start)
    report.figure("create_client, provisioning it reports", own, "s")
