"""Benchmark of the desk's live updates: what 1,000 agents' polling costs one web process, and
how long a new item takes to reach an agent's screen.

Run from the repository root::

    .venv/bin/python benchmarks/desk_live.py [--items 10000] [--clients 500] [--agents 1000]
        [--seconds 20] [--period 15] [--pulse-period 1] [--samples 20]

On the PostgreSQL server the settings point at (``DATABASE_URL``, or the embedded one), it
creates a database of its own, ``polydesk_bench_live`` (dropped at the end), migrates it and
fills the public schema: 500 live clients (rows only: the live endpoints never enter a
client's schema), 1,000 available agents who serve 20 clients each and speak two of their
languages, 10,000 waiting items over clients, languages and channels, 10 items held by each
of the first 100 agents, and a supervisor.

It measures, in this one process (Django's test client: the server's whole request, middleware,
session, queries and template, but no network and no HTTP parsing):
1. the desk's inbox ``/desk/live``: requests one process serves per second, one after the
   other, rotating over the 1,000 agents, with the CPU time of this process and the time
   spent in SQL per request; an open desk fetches it when its pulse changes and every
   ``--period`` seconds whatever it says (15 on the desk);
2. the supervisors' wall fragment ``/desk/wall/live`` (every 5 s per open wall);
3. the pulse ``/desk/pulse`` (every ``--pulse-period`` seconds from every open desk page: has
   anything changed for this agent?) and, for comparison, ``/desk/mine`` (the items given to
   the agent, which the desk polled every 1.5 s before the pulse); from these, the
   processes (sync workers, one request at a time each) that 1,000 agents' desks need;
4. the delay from a new item to the agent's screen: one agent's desk polls as the browser
   does (a thread with its own connection: the pulse every ``--pulse-period`` seconds, the
   inbox when the pulse changed or ``--period`` seconds went by) while new items arrive at
   random moments; the delay is from the item's commit to the inbox's answer that carries
   it, for a chat the router gives the agent (under "your items") and for an item that waits
   in their queue (the head of the queue); target p95 < 2 s for both. The browser's swap of
   the answer into the page adds about a millisecond.

The pulse's cache is the one the settings name: a PostgreSQL table without ``REDIS_URL``,
Redis with it (``--redis URL`` sets it for this run).
"""

import argparse
import os
import random
import statistics
import sys
import threading
import time
from datetime import timedelta

from _report import Report, json_option
from benchdb import bench_database, clients_make, django_setup, server_find
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test import Client as HttpClient
from django.utils import timezone

BENCH_DATABASE = "polydesk_bench_live"
LANGUAGES = ["cs", "sk", "pl", "de", "hu", "ro", "sl", "hr", "bg", "en", "fr", "it"]
CHANNELS = ["email"] * 6 + ["chat"] * 2 + ["call", "sms"]
CLIENTS_PER_AGENT = 20
HOLDERS = 100  # agents with items of their own (10 each; at most half of the agents)


def fill(items: int, clients_count: int, agents_count: int):
    """The agency, clients, agents, waiting and held items; returns (agents, supervisor)."""
    # After django_setup() has pointed the settings at the bench database: not at the top.
    from accounts.models import User
    from languages.models import AgentSkill
    from routing.models import AgentState, WorkItem
    from tenants.services import agency_ensure

    agency_ensure()
    rng = random.Random(11)
    clients = clients_make(prefix="live", count=clients_count, languages=LANGUAGES, rng=rng)
    agents = User.objects.bulk_create(
        User(username=f"agent{n}", role="agent", password="!")  # noqa: S106 - never signs in
        for n in range(agents_count)
    )
    served = User.served_clients.through
    skills, links = [], []
    for agent in agents:
        mine = rng.sample(clients, min(CLIENTS_PER_AGENT, clients_count))
        links += [served(user_id=agent.pk, client_id=client.pk) for client in mine]
        spoken = {code for client in mine for code in client.languages}
        skills += [
            AgentSkill(agent=agent, language_id=code, proficiency="native")
            for code in rng.sample(sorted(spoken), 2)
        ]
    served.objects.bulk_create(links, batch_size=5000)
    AgentSkill.objects.bulk_create(skills, batch_size=5000)
    now = timezone.now()
    AgentState.objects.bulk_create(
        AgentState(
            agent=agent,
            presence="available",
            idle_since=now,
            heartbeat_at=now,
            presence_since=now,
            capacity_email=100,
        )
        for agent in agents
    )
    work = [
        WorkItem(
            client=clients[n % clients_count],
            channel=rng.choice(CHANNELS),
            language=rng.choice(clients[n % clients_count].languages),
            source_kind="conversation",
            source_id=n,
            summary=f"Question number {n} about an order",
            status="waiting",
            waiting_since=now - timedelta(seconds=rng.randrange(86_400)),
            due_at=now + timedelta(hours=rng.randrange(-4, 48)),
            warn_at=now + timedelta(hours=rng.randrange(-6, 40)),
        )
        for n in range(items)
    ]
    holders = min(HOLDERS, agents_count // 2)  # the last agents hold nothing
    for n, item in enumerate(work[: holders * 10]):
        item.status, item.agent, item.assigned_at = "assigned", agents[n // 10], now
    WorkItem.objects.bulk_create(work, batch_size=5000)
    supervisor = User.objects.create_user(
        username="bench-supervisor",
        password="!",  # noqa: S106 - Django's unusable password
        role="agent",
        is_staff=True,
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return agents, supervisor


def signed_in(user):
    http = HttpClient(HTTP_HOST="localhost")
    http.force_login(user)
    return http


def sustained(https: list, url: str, seconds: float) -> dict[str, float]:
    """Requests one after the other for ``seconds``, rotating over the signed-in clients."""
    sql_seconds = [0.0]

    def timed(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            sql_seconds[0] += time.perf_counter() - started

    timings = []
    started, started_cpu = time.perf_counter(), time.process_time()
    with connection.execute_wrapper(timed):
        while time.perf_counter() - started < seconds:
            one = time.perf_counter()
            response = https[len(timings) % len(https)].get(url)
            timings.append(time.perf_counter() - one)
            assert response.status_code == 200, (url, response.status_code)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - started_cpu
    count = len(timings)
    return {
        "rps": count / elapsed,
        "cpu_ms": 1000 * cpu / count,
        "sql_ms": 1000 * sql_seconds[0] / count,
        "p50_ms": 1000 * statistics.median(timings),
        "p99_ms": 1000 * sorted(timings)[min(count - 1, int(0.99 * count))],
        "count": count,
    }


def delays(
    agent, *, key: str, period: float, pulse_period: float, samples: int, given: bool
) -> tuple[list[float], int]:
    """Seconds from a new item's commit to the first answer of ``/desk/live`` that lists it
    under ``key``, with the desk polling as desk_live.js does (the pulse every
    ``pulse_period`` seconds, the inbox when it changed or every ``period`` seconds), and
    the number of inbox fetches. ``given``: the router gives the item to the agent (a chat
    offered to them), else it waits in the queue."""
    # After django_setup() has pointed the settings at the bench database: not at the top.
    from routing.services import agent_next_item, work_enqueue
    from tenants.models import Client

    client = Client.objects.get(pk=agent.served_clients.order_by("pk").first().pk)
    language = agent.skills.order_by("language_id").first().language_id
    expected: dict[int, float] = {}
    seen: dict[int, float] = {}
    fetches = [0]
    stop = threading.Event()

    def inbox(http) -> str:
        data = http.get("/desk/live").json()
        answered = time.perf_counter()
        fetches[0] += 1
        for item in data[key]:
            seen.setdefault(item["id"], answered)
        return data["pulse"]

    def desk() -> None:  # the browser's polls, with their own database connection
        http = signed_in(agent)
        try:
            pulse, fetched = inbox(http), time.perf_counter()
            while not stop.is_set():
                asked = time.perf_counter()
                now = http.get("/desk/pulse").json()["pulse"]
                if now != pulse or time.perf_counter() - fetched >= period:
                    pulse, fetched = inbox(http), time.perf_counter()
                stop.wait(max(pulse_period - (time.perf_counter() - asked), 0))
        finally:
            connection.close()

    poller = threading.Thread(target=desk, daemon=True)
    poller.start()
    rng = random.Random(5)
    for n in range(samples):
        time.sleep(rng.uniform(0, max(pulse_period, 1)))
        # The most urgent: it heads the agent's queue, and the router gives it first.
        item = work_enqueue(
            client=client,
            channel="chat",
            language=language,
            summary=f"New chat {n}",
            source_kind="conversation",
            source_id=(20_000_000 if given else 10_000_000) + n,
            priority=9,
        )
        if given:
            taken = agent_next_item(agent=agent)
            assert taken is not None and taken.pk == item.pk, "the router gave another item"
        expected[item.pk] = time.perf_counter()
        deadline = time.perf_counter() + 2 * period + 10
        while item.pk not in seen and time.perf_counter() < deadline:
            time.sleep(0.01)
        type(item).objects.filter(pk=item.pk).update(status="cancelled")
    stop.set()
    poller.join(timeout=30)
    return [seen[pk] - at for pk, at in expected.items() if pk in seen], fetches[0]


def delay_figures(report: Report, label: str, seconds: list[float], samples: int, target) -> None:
    ordered = sorted(seconds) or [float("nan")]
    p95 = ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]
    print(
        f"   {label}: p50 {statistics.median(ordered):.2f} s, p95 {p95:.2f} s, "
        f"max {max(ordered):.2f} s over {len(seconds)} items ({samples - len(seconds)} never seen)"
    )
    report.figure(f"{label}: p50", statistics.median(ordered), "s")
    report.figure(f"{label}: p95", p95, "s", target=target)
    report.check(f"{label}: never seen", samples - len(seconds))


def run(args: argparse.Namespace, report: Report) -> None:
    django_setup(BENCH_DATABASE)
    report.server_describe()
    call_command("migrate_platform", verbosity=0)
    started = time.perf_counter()
    agents, supervisor = fill(args.items, args.clients, args.agents)
    print(
        f"filled {args.clients} clients, {args.agents} agents, {args.items:,} items in "
        f"{time.perf_counter() - started:.1f} s; cpus: {os.cpu_count()}, load average "
        f"(1 min) {os.getloadavg()[0]:.2f}"
    )
    https = [signed_in(agent) for agent in agents]
    for http in https[:50]:  # warm: the agents' reach is cached per agent, as in a live process
        http.get("/desk/live")
    live = sustained(https, "/desk/live", args.seconds)
    print(
        f"1. /desk/live: {live['rps']:.1f} requests/s in one process ({live['count']} over "
        f"{args.seconds:.0f} s), CPU {live['cpu_ms']:.1f} ms and SQL {live['sql_ms']:.1f} ms a "
        f"request, p50 {live['p50_ms']:.1f} ms, p99 {live['p99_ms']:.1f} ms"
    )
    report.figure("live poll: requests/s, one process", live["rps"], "req/s", better="higher")
    report.figure("live poll: CPU per request", live["cpu_ms"], "ms")
    report.figure("live poll: SQL per request", live["sql_ms"], "ms")
    report.figure("live poll: p99", live["p99_ms"], "ms")
    wall = sustained([signed_in(supervisor)], "/desk/wall/live", max(args.seconds / 4, 3))
    print(
        f"2. /desk/wall/live: {wall['rps']:.1f} requests/s, CPU {wall['cpu_ms']:.1f} ms and "
        f"SQL {wall['sql_ms']:.1f} ms a request, p50 {wall['p50_ms']:.1f} ms"
    )
    report.figure("wall fragment: p50", wall["p50_ms"], "ms")
    report.figure("wall fragment: CPU per request", wall["cpu_ms"], "ms")
    pulse = sustained(https, "/desk/pulse", args.seconds / 2)
    mine = sustained(https, "/desk/mine", args.seconds / 2)
    print(
        f"3. /desk/pulse: {pulse['rps']:.1f} requests/s, CPU {pulse['cpu_ms']:.1f} ms and SQL "
        f"{pulse['sql_ms']:.1f} ms a request, p99 {pulse['p99_ms']:.1f} ms; /desk/mine (before "
        f"the pulse): {mine['rps']:.1f} requests/s, CPU {mine['cpu_ms']:.1f} ms, SQL "
        f"{mine['sql_ms']:.1f} ms"
    )
    report.figure("pulse: requests/s, one process", pulse["rps"], "req/s", better="higher")
    report.figure("pulse: CPU per request", pulse["cpu_ms"], "ms")
    report.figure("pulse: SQL per request", pulse["sql_ms"], "ms")
    report.figure("work given poll: requests/s, one process", mine["rps"], "req/s", better="higher")
    # What 1,000 open desks cost. Each change of a client's queue makes every open desk of
    # an agent serving that client fetch its inbox once: --changes such changes a second
    # over all clients, each seen by agents x clients served / clients desks.
    desks_per_client = args.agents * min(CLIENTS_PER_AGENT, args.clients) / args.clients
    inbox_rate = args.agents / args.period + args.changes * desks_per_client
    now_processes = args.agents / args.pulse_period / pulse["rps"] + inbox_rate / live["rps"]
    before_processes = args.agents / 5 / live["rps"] + args.agents / 1.5 / mine["rps"]
    print(
        f"   {args.agents} desks: the pulse every {args.pulse_period:g} s "
        f"({args.agents / args.pulse_period:.0f} req/s) and the inbox {inbox_rate:.0f} req/s "
        f"(every {args.period:g} s, and {args.changes:g} queue changes/s x "
        f"{desks_per_client:.0f} desks each): {now_processes:.1f} processes; before the pulse "
        f"(inbox every 5 s, work given every 1.5 s): {before_processes:.1f} processes"
    )
    report.figure(f"processes for {args.agents} desks", now_processes, "count")
    report.figure(f"processes for {args.agents} desks before the pulse", before_processes, "count")
    agent = agents[-1]
    print("4. from a new item to the agent's desk (the inbox's answer that carries it):")
    timing = {"period": args.period, "pulse_period": args.pulse_period, "samples": args.samples}
    given, given_fetches = delays(agent, key="items", given=True, **timing)
    delay_figures(report, "item given to the agent to screen", given, args.samples, 2.0)
    waiting, waiting_fetches = delays(agent, key="head", given=False, **timing)
    delay_figures(report, "item waiting in the queue to screen", waiting, args.samples, 2.0)
    print(f"   inbox fetches of that desk: {given_fetches + waiting_fetches}")
    report.details["poll_periods_seconds"] = {"live": args.period, "pulse": args.pulse_period}
    report.details["pulse_cache"] = settings.CACHES[settings.PULSE_CACHE]["BACKEND"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--clients", type=int, default=500)
    parser.add_argument("--agents", type=int, default=1000)
    parser.add_argument("--seconds", type=float, default=20, help="of sustained polling")
    parser.add_argument("--period", type=float, default=15, help="the inbox's own poll, s")
    parser.add_argument("--pulse-period", type=float, default=1, help="the pulse's poll, s")
    parser.add_argument("--changes", type=float, default=1, help="queue changes a second")
    parser.add_argument("--samples", type=int, default=20, help="new items timed (each way)")
    parser.add_argument("--redis", metavar="URL", help="REDIS_URL for this run (the pulse's cache)")
    json_option(parser)
    args = parser.parse_args()
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    if args.redis:
        os.environ["REDIS_URL"] = args.redis
    server = server_find(BENCH_DATABASE)
    print(f"database: {BENCH_DATABASE} on {server.label}")
    sizes = {
        "items": args.items,
        "clients": args.clients,
        "agents": args.agents,
        "period": args.period,
        "pulse_period": args.pulse_period,
        "changes": args.changes,
        "redis": bool(args.redis),
    }
    report = Report("desk_live", sizes)
    with bench_database(server):
        run(args, report)
    return report.emit(args.json)


if __name__ == "__main__":
    sys.exit(main())
