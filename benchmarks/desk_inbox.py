"""Benchmark of the agent desk: an agent's inbox with 10,000 waiting items across 500 clients.

Run from the repository root::

    .venv/bin/python benchmarks/desk_inbox.py [--items 10000] [--clients 500] [--requests 200]

On the PostgreSQL server the settings point at (``DATABASE_URL``, or the embedded one), it
creates a database of its own, ``polydesk_bench_desk`` (dropped at the end), migrates it,
and fills the public schema: the agency's domain, 500 live clients (rows only: the inbox
never enters a client's schema), one agent who serves all of them and speaks every
language, 10 items assigned to them and 10,000 waiting items they may all take, spread over
clients, languages and channels; 50 colleagues with skills and presence for the wall.

It prints, for the whole request through Django's middleware and template rendering (the
server's time, no network; Django's test client in this process), with the share spent
waiting for SQL statements and the CPU time of this process (which, unlike the wall time,
hardly moves when other processes compete for the cores; the load average is printed):
1. the desk page ``/`` (p50, p99, max) and its number of SQL statements;
2. the live update ``/desk/live`` polled by the open page;
3. the supervisors' wall ``/desk/wall``.
Target: the desk page under 150 ms, and a number of statements that does not depend on the
numbers of items or clients (``tests/desk/test_inbox_queries.py`` checks that).
"""

import argparse
import os
import random
import statistics
import sys
import time

from _report import Report, json_option
from benchdb import (
    LANGUAGES,
    bench_database,
    clients_make,
    django_setup,
    server_find,
    waiting_item_fields,
)

BENCH_DATABASE = "polydesk_bench_desk"
COLLEAGUES = 50


def fill(items: int, clients_count: int):
    """The agency, clients, the agent and colleagues, waiting and assigned items."""
    from django.db import connection
    from django.utils import timezone

    from accounts.models import User
    from languages.models import AgentSkill
    from routing.models import AgentState, WorkItem
    from tenants.services import agency_ensure

    agency_ensure()
    rng = random.Random(7)
    clients = clients_make(prefix="bench", count=clients_count, languages=LANGUAGES, rng=rng)
    agent = User.objects.create_user(
        username="bench-agent",
        password="!",  # noqa: S106 - Django's unusable password: never signs in
        role="agent",
        is_staff=True,
    )
    colleagues = User.objects.bulk_create(
        User(username=f"colleague{n}", role="agent", password="!")  # noqa: S106
        for n in range(COLLEAGUES)
    )
    AgentSkill.objects.bulk_create(
        [AgentSkill(agent=agent, language_id=code, proficiency="native") for code in LANGUAGES]
        + [
            AgentSkill(agent=colleague, language_id=code, proficiency="native")
            for colleague in colleagues
            for code in rng.sample(LANGUAGES, 2)
        ]
    )
    agent.served_clients.set(clients)
    now = timezone.now()
    AgentState.objects.bulk_create(
        [AgentState(agent=agent, presence="available", idle_since=now, capacity_email=100)]
        + [
            AgentState(
                agent=colleague, presence=rng.choice(["available", "busy", "away"]), idle_since=now
            )
            for colleague in colleagues
        ]
    )
    work = [
        WorkItem(
            **waiting_item_fields(
                n,
                client=clients[n % clients_count],
                languages=clients[n % clients_count].languages,
                source_kind="conversation",
                rng=rng,
                now=now,
            )
        )
        for n in range(items)
    ]
    for item in work[:10]:
        item.status, item.agent, item.assigned_at = "assigned", agent, now
    WorkItem.objects.bulk_create(work, batch_size=5000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return agent


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def measure(
    http, url: str, requests: int, label: str, report: Report, target_ms: float | None = None
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:  # once more, to count statements
        response = http.get(url)
    assert response.status_code == 200, (url, response.status_code)
    statements = [q["sql"] for q in captured.captured_queries]
    real = [s for s in statements if not s.startswith("SET search_path")]
    timings, in_sql, cpu = [], [], []
    sql_seconds = [0.0]

    def timed(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            sql_seconds[0] += time.perf_counter() - started

    for _ in range(requests):
        sql_seconds[0] = 0.0
        with connection.execute_wrapper(timed):
            started, started_cpu = time.perf_counter(), time.process_time()
            response = http.get(url)
            timings.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
        in_sql.append(sql_seconds[0] * 1000)
        assert response.status_code == 200
    print(
        f"{label} {url}: p50 {statistics.median(timings):.1f} ms "
        f"(SQL {statistics.median(in_sql):.1f} ms, Django's CPU "
        f"{statistics.median(cpu):.1f} ms), p99 {percentile(timings, 0.99):.1f} ms, "
        f"max {max(timings):.1f} ms over {requests} requests; {len(real)} queries "
        f"(+{len(statements) - len(real)} SET search_path); "
        f"{len(response.content) // 1024} KiB"
    )
    page = label.split(". ", 1)[-1]
    report.figure(f"{page}: p50", statistics.median(timings), "ms")
    report.figure(f"{page}: p99", percentile(timings, 0.99), "ms", target=target_ms)
    report.figure(f"{page}: SQL, p50", statistics.median(in_sql), "ms")
    report.figure(f"{page}: Django's CPU, p50", statistics.median(cpu), "ms")
    report.figure(f"{page}: queries", len(real), "count")
    if target_ms is not None:
        met = percentile(timings, 0.99) < target_ms
        print(f"   {'MET' if met else 'MISSED'} p99 < {target_ms:.0f} ms")


def run(
    items: int, clients_count: int, requests: int, limit_set_calls: bool, report: Report
) -> None:
    django_setup(BENCH_DATABASE)
    report.server_describe()
    if limit_set_calls:
        from django.conf import settings

        settings.TENANT_LIMIT_SET_CALLS = True
        print("TENANT_LIMIT_SET_CALLS = True: one SET search_path per connection and schema")
    from django.core.management import call_command
    from django.test import Client as HttpClient

    from desk.selectors import agent_inbox_public

    call_command("migrate_platform", verbosity=0)
    started = time.perf_counter()
    agent = fill(items, clients_count)
    inbox = agent_inbox_public(agent)
    print(f"load average (1 min) before measuring: {os.getloadavg()[0]:.2f}")
    print(
        f"filled {clients_count} clients, {items:,} items ({inbox.waiting:,} waiting for the "
        f"agent, {len(inbox.my_items)} theirs) in {time.perf_counter() - started:.1f} s; "
        f"cpus: {os.cpu_count()}"
    )
    http = HttpClient(HTTP_HOST="localhost")
    http.force_login(agent)
    measure(http, "/", requests, "1. desk page", report, target_ms=150)
    measure(http, "/desk/live", requests, "2. live update", report)
    measure(http, "/desk/wall", max(requests // 4, 10), "3. supervisors' wall", report)
    print(f"load average (1 min) after: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cpus")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--clients", type=int, default=500)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument(
        "--limit-set-calls",
        action="store_true",
        help="force django-tenants' TENANT_LIMIT_SET_CALLS on (the project's default; "
        "POLYDESK_TENANT_LIMIT_SET_CALLS=0 measures without it)",
    )
    json_option(parser)
    args = parser.parse_args()
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    server = server_find(BENCH_DATABASE)
    print(f"database: {BENCH_DATABASE} on {server.label}")
    sizes = {"items": args.items, "clients": args.clients, "requests": args.requests}
    report = Report("desk_inbox", sizes)
    with bench_database(server):
        run(args.items, args.clients, args.requests, args.limit_set_calls, report)
    return report.emit(args.json)


if __name__ == "__main__":
    sys.exit(main())
