"""Benchmark of the desk's live updates: what 1,000 agents' polling costs one web process, and
how long a new item takes to reach an agent's screen.

Run from the repository root::

    .venv/bin/python benchmarks/desk_live.py [--items 10000] [--clients 500] [--agents 1000]
        [--seconds 20] [--period 5] [--mine-period 1.5] [--samples 12]

On the PostgreSQL server the settings point at (``DATABASE_URL``, or the embedded one), it
creates a database of its own, ``polydesk_bench_live`` (dropped at the end), migrates it and
fills the public schema: 500 live clients (rows only: the live endpoints never enter a
client's schema), 1,000 available agents who serve 20 clients each and speak two of their
languages, 10,000 waiting items over clients, languages and channels, 10 items held by each
of the first 100 agents, and a supervisor.

It measures, in this one process (Django's test client: the server's whole request, middleware,
session, queries and template, but no network and no HTTP parsing):
1. the agents' poll ``/desk/live`` (every open desk asks every ``--period`` seconds, 5 on the
   desk): requests one process serves per second, one after the other, rotating over the
   1,000 agents, with the CPU time of this process and the time spent in SQL per request;
   from that, the processes (sync workers, one request at a time each) that 1,000 agents
   polling need;
2. the supervisors' wall fragment ``/desk/wall/live`` (every 5 s per open wall);
3. the poll of the work given to the agent ``/desk/mine`` (every ``--mine-period`` seconds
   from every open desk page: a call or chat offered to the agent is announced at once);
4. the delay from a new item to the agent's screen: one agent's desk polls as the browser
   does (a thread with its own connection) while new items arrive at random moments; the
   delay is from the item's commit to the poll's answer that carries it, for a chat the
   router gives the agent (``/desk/mine``; target p95 < 2 s) and for an item that waits in
   their queue (``/desk/live``). The browser's swap of the answer into the page adds about
   a millisecond.
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


def delays(agent, *, url: str, key: str, period: float, samples: int, given: bool) -> list[float]:
    """Seconds from a new item's commit to the first answer of ``url`` (polled as the
    browser does, every ``period`` seconds) that lists it under ``key``. ``given``: the
    router gives the item to the agent (a chat offered to them), else it waits in the queue."""
    # After django_setup() has pointed the settings at the bench database: not at the top.
    from routing.services import agent_next_item, work_enqueue
    from tenants.models import Client

    client = Client.objects.get(pk=agent.served_clients.order_by("pk").first().pk)
    language = agent.skills.order_by("language_id").first().language_id
    expected: dict[int, float] = {}
    seen: dict[int, float] = {}
    stop = threading.Event()

    def desk() -> None:  # the browser's poll, with its own database connection
        http = signed_in(agent)
        try:
            while not stop.is_set():
                asked = time.perf_counter()
                data = http.get(url).json()
                answered = time.perf_counter()
                for item in data[key]:
                    seen.setdefault(item["id"], answered)
                stop.wait(max(period - (answered - asked), 0))
        finally:
            connection.close()

    poller = threading.Thread(target=desk, daemon=True)
    poller.start()
    rng = random.Random(5)
    for n in range(samples):
        time.sleep(rng.uniform(0, period))
        item = work_enqueue(
            client=client,
            channel="chat",
            language=language,
            summary=f"New chat {n}",
            source_kind="conversation",
            source_id=(20_000_000 if given else 10_000_000) + n,
        )
        # The most urgent: it heads the agent's queue, and the router gives it first.
        type(item).objects.filter(pk=item.pk).update(priority=9)
        if given:
            taken = agent_next_item(agent=agent)
            assert taken is not None and taken.pk == item.pk, "the router gave another item"
        expected[item.pk] = time.perf_counter()
        deadline = time.perf_counter() + 3 * period + 10
        while item.pk not in seen and time.perf_counter() < deadline:
            time.sleep(0.01)
        type(item).objects.filter(pk=item.pk).update(status="cancelled")
    stop.set()
    poller.join(timeout=30)
    return [seen[pk] - at for pk, at in expected.items() if pk in seen]


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
    needed = args.agents / args.period / live["rps"]
    print(
        f"1. /desk/live: {live['rps']:.1f} requests/s in one process ({live['count']} over "
        f"{args.seconds:.0f} s), CPU {live['cpu_ms']:.1f} ms and SQL {live['sql_ms']:.1f} ms a "
        f"request, p50 {live['p50_ms']:.1f} ms, p99 {live['p99_ms']:.1f} ms; {args.agents} "
        f"agents every {args.period:g} s = {args.agents / args.period:.0f} requests/s: "
        f"{needed:.1f} processes, {needed * live['cpu_ms'] / 1000 * live['rps']:.1f} CPUs of "
        f"web processes"
    )
    report.figure("live poll: requests/s, one process", live["rps"], "req/s", better="higher")
    report.figure("live poll: CPU per request", live["cpu_ms"], "ms")
    report.figure("live poll: SQL per request", live["sql_ms"], "ms")
    report.figure("live poll: p99", live["p99_ms"], "ms")
    report.figure(f"processes for {args.agents} agents every {args.period:g} s", needed, "count")
    wall = sustained([signed_in(supervisor)], "/desk/wall/live", max(args.seconds / 4, 3))
    print(
        f"2. /desk/wall/live: {wall['rps']:.1f} requests/s, CPU {wall['cpu_ms']:.1f} ms and "
        f"SQL {wall['sql_ms']:.1f} ms a request, p50 {wall['p50_ms']:.1f} ms"
    )
    report.figure("wall fragment: p50", wall["p50_ms"], "ms")
    report.figure("wall fragment: CPU per request", wall["cpu_ms"], "ms")
    mine = sustained(https, "/desk/mine", args.seconds / 2)
    mine_needed = args.agents / args.mine_period / mine["rps"]
    print(
        f"3. /desk/mine: {mine['rps']:.1f} requests/s, CPU {mine['cpu_ms']:.1f} ms and SQL "
        f"{mine['sql_ms']:.1f} ms a request, p99 {mine['p99_ms']:.1f} ms; {args.agents} agents "
        f"every {args.mine_period:g} s: {mine_needed:.1f} processes"
    )
    report.figure("work given poll: requests/s, one process", mine["rps"], "req/s", better="higher")
    report.figure("work given poll: CPU per request", mine["cpu_ms"], "ms")
    report.figure(
        f"processes for {args.agents} agents every {args.mine_period:g} s", mine_needed, "count"
    )
    agent = agents[-1]
    print("4. from a new item to the agent's desk (the server's answer that carries it):")
    given = delays(
        agent,
        url="/desk/mine",
        key="items",
        period=args.mine_period,
        samples=args.samples,
        given=True,
    )
    delay_figures(report, "item given to the agent to screen", given, args.samples, 2.0)
    waiting = delays(
        agent, url="/desk/live", key="head", period=args.period, samples=args.samples, given=False
    )
    delay_figures(report, "item waiting in the queue to screen", waiting, args.samples, None)
    report.details["poll_periods_seconds"] = {"live": args.period, "mine": args.mine_period}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--clients", type=int, default=500)
    parser.add_argument("--agents", type=int, default=1000)
    parser.add_argument("--seconds", type=float, default=20, help="of sustained polling")
    parser.add_argument("--period", type=float, default=5, help="the desk's poll, seconds")
    parser.add_argument("--mine-period", type=float, default=1.5, help="the work-given poll, s")
    parser.add_argument("--samples", type=int, default=12, help="new items timed (each way)")
    json_option(parser)
    args = parser.parse_args()
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    server = server_find(BENCH_DATABASE)
    print(f"database: {BENCH_DATABASE} on {server.label}")
    sizes = {
        "items": args.items,
        "clients": args.clients,
        "agents": args.agents,
        "period": args.period,
        "mine_period": args.mine_period,
    }
    report = Report("desk_live", sizes)
    with bench_database(server):
        run(args, report)
    return report.emit(args.json)


if __name__ == "__main__":
    sys.exit(main())
