"""The router benchmark's work (``benchmarks/router.py`` runs it): the data, the decisions,
the routers and the floor. Imported once ``django_setup()`` has pointed the settings at the
bench database: the models below need it."""

import multiprocessing
import os
import random
import re
import statistics
import subprocess
import threading
import time
import types
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import psycopg
from _report import Report
from benchdb import CHANNELS, LANGUAGES, clients_make, server_cpu_seconds
from django.core.management import call_command
from django.db import connection, connections, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import User
from core.channels import Channel
from languages.models import AgentSkill
from routing import selectors
from routing.models import AgentState, RoutingPolicy, WorkItem
from routing.selectors import (
    agent_reach,
    agent_reaches_cache,
    eligible_items,
    policies_cache_clear,
)
from routing.services import agent_next_item
from tenants.models import Client

CLIENTS, AGENTS, CLIENTS_PER_AGENT = 500, 1000, 5
ROUTERS = 4

# The floor: the bare claim with no rules, from the global queue in its own index's order.
FLOOR = """
    UPDATE routing_workitem SET status = 'assigned', agent_id = NULL
    WHERE id = (SELECT id FROM routing_workitem WHERE status = 'waiting'
                ORDER BY priority DESC, waiting_since LIMIT 1 FOR UPDATE SKIP LOCKED)
    RETURNING id"""


def fill(items: int, more_clients: int = 0) -> None:
    """Clients, agents with skills and clients served, waiting items (bulk inserts); then
    ``more_clients`` clients that no agent serves and no item is for: the same work on a
    platform with more clients (made after the others, so the same draws make the same
    agents and items)."""
    rng = random.Random(7)
    clients = clients_make(prefix="bench", count=CLIENTS, languages=LANGUAGES, rng=rng)
    agents_make(
        clients,
        count=AGENTS,
        languages=LANGUAGES,
        most_languages=3,
        clients_per_agent=CLIENTS_PER_AGENT,
        rng=rng,
    )
    now = timezone.now()
    batch = []
    for n in range(items):
        client = clients[n % CLIENTS]
        batch.append(
            WorkItem(
                client=client,
                channel=rng.choice(CHANNELS),
                language=rng.choice(client.languages),
                priority=1 if n % 50 == 0 else 0,
                source_kind="bench",
                source_id=n,
                waiting_since=now - timedelta(seconds=rng.randrange(86_400)),
            )
        )
        if len(batch) == 10_000:
            WorkItem.objects.bulk_create(batch)
            batch = []
    WorkItem.objects.bulk_create(batch)
    if more_clients:
        clients_make(prefix="idle", count=more_clients, languages=LANGUAGES, rng=random.Random(8))
    with connection.cursor() as cursor:
        # The floor's own index (its global order), from the start: the bare statement is
        # timed beside the decisions. It costs the router's claims nothing: the row version
        # a claim writes is no longer waiting, outside the index's condition.
        cursor.execute(
            "CREATE INDEX bench_floor ON routing_workitem (priority DESC, "
            "waiting_since) WHERE status = 'waiting'"
        )
    settle()


def agents_make(
    clients: list,
    *,
    count: int,
    languages: list[str],
    most_languages: int,
    clients_per_agent: int,
    rng: random.Random,
) -> list:
    """``count`` available agents (never signing in), each speaking 1 to ``most_languages``
    of ``languages`` and serving ``clients_per_agent`` of ``clients``, with room for any
    load (also many_clients' hot paths)."""
    agents = User.objects.bulk_create(
        # "!" is Django's unusable password: these agents never sign in.
        User(username=f"agent{n}", role="agent", password="!")  # noqa: S106
        for n in range(count)
    )
    AgentSkill.objects.bulk_create(
        AgentSkill(agent=agent, language_id=code, proficiency="native")
        for agent in agents
        for code in rng.sample(languages, rng.randint(1, most_languages))
    )
    served = User.served_clients.through
    served.objects.bulk_create(
        served(user_id=agent.pk, client_id=client.pk)
        for agent in agents
        for client in rng.sample(clients, clients_per_agent)
    )
    now = timezone.now()
    AgentState.objects.bulk_create(
        AgentState(
            agent=agent,
            presence="available",
            idle_since=now - timedelta(seconds=n),
            capacity_email=10_000,
            capacity_chat=10_000,
            capacity_call=10_000,
        )
        for n, agent in enumerate(agents)
    )
    return agents


def settle() -> None:
    with connection.cursor() as cursor:
        # Statistics, the visibility map and a checkpoint, as on a server that has run for
        # a while: otherwise the first decisions set hint bits on freshly loaded pages and
        # commit while the checkpointer writes the whole load out.
        cursor.execute("VACUUM (ANALYZE)")
        cursor.execute("CHECKPOINT")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def bare_statement(*, agent: User) -> int | None:
    """The floor's statement once, through the same connection as the decisions."""
    with connection.cursor() as cursor:
        cursor.execute(FLOOR)
        row = cursor.fetchone()
    return row[0] if row else None


def one_at_a_time(decisions: int, revision: str, report: Report, prefix: str = "") -> dict:
    """Decisions one at a time, each beside one bare statement; returns their timings."""
    routers = {**_routers(revision), "bare statement": bare_statement}
    timings, given, gave, cpu = _timed(routers, list(User.objects.filter(role="agent")), decisions)
    bare = timings["bare statement"]
    for name, values in timings.items():
        if name == "bare statement":
            label = "bare statement"
        else:
            label = "decision" + ("" if name == "this" else f" ({name})")
        # This code's decisions with the bare statement's figure as their floor.
        floor = name == "this"
        report.figure(
            f"{prefix}{label} p50",
            statistics.median(values),
            "ms",
            floor=statistics.median(bare) if floor else None,
        )
        report.figure(f"{prefix}{label} p90", percentile(values, 0.9), "ms")
        report.figure(
            f"{prefix}{label} p99",
            percentile(values, 0.99),
            "ms",
            floor=percentile(bare, 0.99) if floor else None,
            target=5 if name == "this" and not prefix else None,
        )
        report.figure(f"{prefix}{label} max", max(values), "ms")
    ratio = statistics.median(timings["this"]) / statistics.median(bare)
    report.figure(
        f"{prefix}decision p50 / bare statement p50",
        ratio,
        "x",
        target=None if prefix else 2,
    )
    # A decision that gives nothing writes nothing and waits for no WAL flush: the p50
    # above mixes both kinds; these are the decisions that gave an item, alone.
    giving = [ms for ms, given_one in zip(timings["this"], gave["this"], strict=True) if given_one]
    giving_ratio = statistics.median(giving) / statistics.median(bare)
    report.figure(
        f"{prefix}decision that gave an item p50",
        statistics.median(giving),
        "ms",
        floor=statistics.median(bare),
    )
    report.figure(f"{prefix}decision that gave an item p50 / bare statement p50", giving_ratio, "x")
    print(
        f"1. one decision at a time, each beside one bare statement ({decisions} each, "
        f"{given['this']} decisions gave an item):"
    )
    _print_timings(timings)
    print(f"   decision p50 / bare statement p50: {ratio:.2f}x (target <= 2)")
    print(
        f"   decisions that gave an item: p50 {statistics.median(giving):.2f} ms, "
        f"{giving_ratio:.2f}x the bare statement's"
    )
    for name, ms in cpu.items():
        label = "bare statement" if name == "bare statement" else f"decision ({name})"
        report.figure(
            f"{prefix}client CPU per {label}",
            ms,
            "ms",
            floor=cpu["bare statement"] if name == "this" else None,
        )
    print(
        "   client CPU per call (this process: Python, psycopg, the socket): "
        + ", ".join(f"{name} {ms:.3f} ms" for name, ms in cpu.items())
    )
    return timings


# Calls per block of the cost measurement: /proc counts a process's CPU in clock ticks
# (10 ms), so a block must last well beyond one.
COST_BLOCK = 200


def costs(calls: int, revision: str, report: Report) -> None:
    """Where a call's cost goes, per call: this code's decision (and REVISION's), and the
    bare statement, in alternating blocks of the same agents on one connection: the client's
    CPU (this process), the server's (its backend process, /proc/<pid>/stat), the WAL
    written (pg_current_wal_lsn before and after a block: the whole server's, so the other
    sessions' WAL lands in it too; the least block is the figure) and the decisions that
    gave an item."""
    routers = {**_routers(revision), "bare statement": bare_statement}
    agents = list(User.objects.filter(role="agent"))
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    if server_cpu_seconds(pid) is None:
        print("   costs: the server's process is not readable here (another machine?)")
    rng = random.Random(13)
    client: Counter[str] = Counter()
    server: Counter[str] = Counter()
    given: Counter[str] = Counter()
    wal: dict[str, list[float]] = {name: [] for name in routers}
    blocks_server: dict[str, list[float]] = {name: [] for name in routers}
    blocks = max(1, calls // COST_BLOCK)
    for block in range(blocks):
        chosen = [rng.choice(agents) for _ in range(COST_BLOCK)]
        for name in sorted(routers, reverse=block % 2 == 1):
            lsn = _wal_lsn()
            server_started, client_started = server_cpu_seconds(pid), time.process_time()
            for agent in chosen:
                given[name] += routers[name](agent=agent) is not None
            client[name] += time.process_time() - client_started
            server_ended = server_cpu_seconds(pid)
            if server_started is not None and server_ended is not None:
                server[name] += server_ended - server_started
                blocks_server[name].append((server_ended - server_started) * 1000 / COST_BLOCK)
            wal[name].append(_wal_since(lsn) / COST_BLOCK)
    total = blocks * COST_BLOCK
    print(f"1c. what a call costs ({total} calls each, in blocks of {COST_BLOCK}, alternating):")
    for name in routers:
        label = "bare statement" if name == "bare statement" else f"decision ({name})"
        client_ms, server_ms = client[name] * 1000 / total, server[name] * 1000 / total
        least_wal, median_wal = min(wal[name]), statistics.median(wal[name])
        print(
            f"   {label:>24}: client CPU {client_ms:.3f} ms, server CPU {server_ms:.3f} ms, "
            f"WAL {least_wal:,.0f} B (median of blocks {median_wal:,.0f}), "
            f"gave an item {given[name]} of {total}"
        )
        print(
            "      server CPU per call by block (ms): "
            + " ".join(f"{ms:.2f}" for ms in blocks_server[name])
        )
        report.figure(f"cost: client CPU per {label}", client_ms, "ms")
        report.figure(f"cost: server CPU per {label}", server_ms, "ms")
        report.figure(f"cost: WAL per {label}", least_wal, "B")


def _wal_lsn() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()")
        return cursor.fetchone()[0]


def _wal_since(lsn: str) -> float:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), %s::pg_lsn)", [lsn])
        return float(cursor.fetchone()[0])


def wide_agent_create() -> User:
    """One more agent, who serves every client in every language (like the desk
    benchmark's): the most probes a decision can make here."""
    # "!" is Django's unusable password: this agent never signs in.
    agent = User.objects.create(username="agent-wide", role="agent", password="!")  # noqa: S106
    AgentSkill.objects.bulk_create(
        AgentSkill(agent=agent, language_id=code, proficiency="native") for code in LANGUAGES
    )
    agent.served_clients.set(Client.objects.all())
    AgentState.objects.create(
        agent=agent,
        presence="available",
        capacity_email=10_000,
        capacity_chat=10_000,
        capacity_call=10_000,
    )
    return agent


def one_wide_agent(decisions: int, revision: str, report: Report) -> None:
    """Decisions of the agent of every client (wide_agent_create)."""
    agent = wide_agent_create()
    timings, _, _, _ = _timed(_routers(revision), [agent], decisions)
    print(
        f"1b. one agent serving all {CLIENTS} clients in all {len(LANGUAGES)} languages "
        f"({decisions} decisions each):"
    )
    _print_timings(timings)
    for name, values in timings.items():
        suffix = "" if name == "this" else f" ({name})"
        report.figure(
            f"agent of all clients: decision p50{suffix}", statistics.median(values), "ms"
        )
    WorkItem.objects.filter(agent=agent).update(status="waiting", agent=None)
    agent.delete()


def _routers(revision: str) -> dict[str, Callable[..., Any]]:
    return {"this": agent_next_item, **({revision: _decision_at(revision)} if revision else {})}


def _timed(
    routers: dict[str, Callable[..., Any]], agents: list, decisions: int
) -> tuple[dict[str, list[float]], Counter, dict[str, list[bool]], dict[str, float]]:
    """Decisions by random agents, in ms per router; with several routers they take turns
    (which goes first alternates) for the same agent, so that all see the same data and
    the same moment's load on the machine. Also how many gave an item, which, and the
    benchmark process's CPU per decision in ms (the client's side: Python, psycopg, the
    socket), which a busy machine's waits do not inflate as they do the timings."""
    rng = random.Random(11)
    timings: dict[str, list[float]] = {name: [] for name in routers}
    gave: dict[str, list[bool]] = {name: [] for name in routers}
    cpu: Counter[str] = Counter()
    given: Counter[str] = Counter()
    for number in range(decisions):
        agent = rng.choice(agents)
        for name in sorted(routers, reverse=number % 2 == 1):
            started, cpu_started = time.perf_counter(), time.process_time()
            item = routers[name](agent=agent)
            timings[name].append((time.perf_counter() - started) * 1000)
            cpu[name] += time.process_time() - cpu_started
            given[name] += item is not None
            gave[name].append(item is not None)
    return timings, given, gave, {name: cpu[name] * 1000 / decisions for name in routers}


def _print_timings(timings: dict[str, list[float]]) -> None:
    for name, values in timings.items():
        print(
            f"   {name:>14}: p50 {statistics.median(values):.2f} ms, "
            f"p90 {percentile(values, 0.9):.2f} ms, p99 {percentile(values, 0.99):.2f} ms, "
            f"max {max(values):.2f} ms"
        )


def _router(worker: int, agent_ids: list[int], seconds: float, queue) -> None:
    connections.close_all()  # a forked process needs connections of its own
    agents = list(User.objects.filter(pk__in=agent_ids))
    # As a router that has run for a while: its agents' reach in its cache (30 s), read
    # here in one query rather than by each agent's first decision inside the window.
    agent_reaches_cache(agent_ids)
    rng = random.Random(worker)
    taken, deadline = [], time.monotonic() + seconds
    while time.monotonic() < deadline:
        agent = rng.choice(agents)
        item = agent_next_item(agent=agent)
        if item:
            taken.append((item.pk, agent.pk))
    queue.put(taken)


def _floor(worker: int, seconds: float, queue) -> None:
    connections.close_all()
    taken, deadline = [], time.monotonic() + seconds
    while time.monotonic() < deadline:
        with connection.cursor() as cursor:
            cursor.execute(FLOOR)
            row = cursor.fetchone()
        if row:
            taken.append((row[0], worker))
    queue.put(taken)


def concurrently(target, label: str, args_for, seconds: float) -> list[tuple[int, int]]:
    connections.close_all()
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    processes = [
        context.Process(target=target, args=(*args_for(n), seconds, queue)) for n in range(ROUTERS)
    ]
    for process in processes:
        process.start()
    taken = [pair for _ in processes for pair in queue.get(timeout=seconds * 6 + 30)]
    for process in processes:
        process.join(timeout=30)
    item_ids = [item_id for item_id, _ in taken]
    doubles = len(item_ids) - len(set(item_ids))
    print(
        f"{label}: {len(taken) / seconds:,.0f} assignments/s with {ROUTERS} processes over "
        f"{seconds:.1f} s; items given twice: {doubles}"
    )
    return taken


def _burn() -> None:
    """A CPU hog: spins until terminated."""
    while True:
        pass


@contextmanager
def hogs(count: int) -> Iterator[None]:
    """``count`` processes burning a core each, beside the benchmark, while in the block."""
    context = multiprocessing.get_context("fork")
    burners = [context.Process(target=_burn, daemon=True) for _ in range(count)]
    for burner in burners:
        burner.start()
    try:
        time.sleep(2)  # the scheduler shares the cores out before the timings start
        yield
    finally:
        for burner in burners:
            burner.terminate()
        for burner in burners:
            burner.join(timeout=10)


# The prepared claim as a decision sends it, after the agent's lock, when Django logs it.
_CLAIM_SENT = "; EXECUTE "


def explain_one() -> None:
    """The plan of one decision's claim, and where one decision's time goes: for the agent
    with the largest backlog among the first 50."""
    backlogs = {
        agent: eligible_items(agent_reach(agent), Channel.values, timezone.now()).count()
        for agent in User.objects.filter(role="agent").order_by("pk")[:50]
    }
    agent = max(backlogs, key=backlogs.__getitem__)
    print(f"{agent.username} may take {backlogs[agent]} items; their decision's claim:")
    with transaction.atomic():  # the decision and its plan, rolled back
        with CaptureQueriesContext(connection) as captured:
            agent_next_item(agent=agent)
        sent = next(query["sql"] for query in captured if _CLAIM_SENT in query["sql"])
        claim = "EXECUTE " + sent.rsplit(_CLAIM_SENT, 1)[1]  # the agent's lock, then the claim
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS, WAL) {claim}")
            print("\n".join(line for (line,) in cursor.fetchall()))
        transaction.set_rollback(True)
    with CaptureQueriesContext(connection) as captured:
        agent_next_item(agent=agent)
    for number, captured_query in enumerate(captured.captured_queries, start=1):
        print(f"   query {number}: {captured_query['time']} s  {captured_query['sql'][:110]}")


def compare_plans(agents: int) -> None:
    """The prepared claim's generic plan against the custom plan of its values, for random
    agents and the agent of every client: the same plan or not (node types and order), and
    the planning and execution times of each (EXPLAIN ANALYZE, rolled back)."""

    def shape(plan: list[str]) -> list[str]:  # node types only: no costs, values or times
        return [
            re.sub(r"\(.*|\$\d+|'[^']*'|\d+(\.\d+)?", "", line).rstrip()
            for line in plan
            if "->" in line or not line.startswith(" ")
        ]

    def timed(plan: list[str]) -> str:
        return " ".join(line.split(": ")[1] for line in plan if line.startswith(("Plan", "Exec")))

    chosen = [*User.objects.filter(role="agent").order_by("?")[:agents], wide_agent_create()]
    same = 0
    print(f"generic against custom plans of the prepared claim ({len(chosen)} agents):")
    for agent in chosen:
        with transaction.atomic():
            with CaptureQueriesContext(connection) as captured:
                agent_next_item(agent=agent)
            sent = [q["sql"] for q in captured if _CLAIM_SENT in q["sql"]]
            plans = {}
            if sent:
                execute = "EXECUTE " + sent[0].rsplit(_CLAIM_SENT, 1)[1]
                with connection.cursor() as cursor:
                    for mode in ("force_generic_plan", "force_custom_plan"):
                        cursor.execute(f"SET LOCAL plan_cache_mode = {mode}")
                        cursor.execute(f"EXPLAIN (ANALYZE) {execute}")
                        plans[mode] = [line for (line,) in cursor.fetchall()]
            transaction.set_rollback(True)
        if not plans:
            continue
        generic, custom = plans["force_generic_plan"], plans["force_custom_plan"]
        same += shape(generic) == shape(custom)
        jit = " (custom plan JIT-compiled)" if any("JIT:" in line for line in custom) else ""
        print(f"   {agent.username}: generic {timed(generic)}; custom {timed(custom)}{jit}")
    print(f"   same plan for {same} of {len(chosen)}")
    chosen[-1].delete()


def _decision_at(revision: str) -> Callable[..., Any]:
    """``agent_next_item`` as it was at ``revision``: its routing services, with the
    eligibility clause of its selectors (loaded from git; the rest of the selectors, and
    the schema, are this checkout's)."""
    modules = {}
    for name in ("selectors", "services"):
        source = subprocess.run(
            ["git", "show", f"{revision}:platform/routing/{name}.py"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        modules[name] = types.ModuleType(f"routing_at_{revision}_{name}")
        exec(compile(source, f"{revision}:{name}.py", "exec"), modules[name].__dict__)  # noqa: S102
    # Policies are read (and cached) by this checkout's code, so that the cache holds
    # one kind of Policy.
    modules["selectors"].policies = selectors.policies
    modules["selectors"].policy_for = selectors.policy_for
    modules["services"].eligible_items_sql = modules["selectors"].eligible_items_sql
    return modules["services"].agent_next_item


# The routers and the floor take turns in slices: the other loads on a shared machine
# change within seconds, and one 10-s run of each, one after the other, gave ratios from
# 42 to 84 % for the same code.
SLICES = 5


def routers_and_floor(
    report: Report, seconds: float, prefix: str = "", *, waits: bool = False
) -> tuple[float, float]:
    """Four routers and the floor, ``seconds`` each in all, in SLICES turns (which goes
    first alternates); the checks after each turn of the routers; the figures. Every item
    is waiting again afterwards. ``waits``: also what their server processes were doing
    (waits_sampled). Returns (assignments/s, the floor's)."""
    agent_ids = list(User.objects.filter(role="agent").values_list("pk", flat=True))
    taken: list[tuple[int, int]] = []
    floor: list[tuple[int, int]] = []
    given_twice = duplicate_rows = over_capacity = 0
    piece = seconds / SLICES
    seen: dict[str, Counter[str]] = {"routers": Counter(), "floor": Counter()}
    for number in range(SLICES):
        for turn in ("routers", "floor") if number % 2 == 0 else ("floor", "routers"):
            if turn == "floor":
                with waits_sampled(seen["floor"] if waits else None):
                    floor += concurrently(
                        _floor, f"3. floor, turn {number + 1}", lambda n: (n,), piece
                    )
                queue_reset()
                continue
            with waits_sampled(seen["routers"] if waits else None):
                routed = concurrently(
                    _router, f"2. four routers, turn {number + 1}", lambda n: (n, agent_ids), piece
                )
            in_db = Counter(WorkItem.objects.exclude(status="waiting").values_list("pk", flat=True))
            duplicate_rows += sum(count > 1 for count in in_db.values())
            given_twice += len(routed) - len({item for item, _ in routed})
            over_capacity += _over_capacity()
            taken += routed
            queue_reset()
    print(
        f"2. four routers: {len(taken) / seconds:,.0f} assignments/s; "
        f"3. floor: {len(floor) / seconds:,.0f} assignments/s ({seconds:.0f} s each, "
        f"in {SLICES} turns)"
    )
    rate, floor_rate = len(taken) / seconds, len(floor) / seconds
    report.figure(f"{prefix}four routers", rate, "assignments/s", better="higher", floor=floor_rate)
    report.figure(
        f"{prefix}four routers / floor",
        100 * rate / floor_rate if floor_rate else None,
        "%",
        better="higher",
        target=None if prefix else 50,
    )
    report.check(f"{prefix}items given twice", given_twice)
    report.check(f"{prefix}duplicate rows", duplicate_rows)
    report.check(f"{prefix}agents over a capacity", over_capacity)
    print(f"   four routers / floor: {100 * rate / floor_rate:.0f} % (target >= 50 %)")
    problems = [
        text
        for text, count in (
            ("duplicate rows", duplicate_rows),
            ("an item was given twice", given_twice),
            ("an agent over a capacity", over_capacity),
        )
        if count
    ]
    print("check: " + ("OK, no double assignment" if not problems else "; ".join(problems)))
    if waits:
        _waits_print(seen)
    return rate, floor_rate


# What a server process of the bench database is doing, as pg_stat_activity says: waiting
# for its client's next query (the client's own time, and its wait for a CPU), running (or
# waiting for a CPU), or waiting for something named (the WAL's write or flush at a commit,
# another transaction's row, ...).
_ACTIVITY = """
    SELECT CASE WHEN state LIKE 'idle%' THEN 'waiting for the client'
                WHEN wait_event IS NULL THEN 'running'
                ELSE wait_event_type || ': ' || wait_event END
    FROM pg_stat_activity
    WHERE datname = current_database() AND backend_type = 'client backend'
      AND pid <> pg_backend_pid()"""


@contextmanager
def waits_sampled(into: Counter[str] | None) -> Iterator[None]:
    """While in the block, what the bench database's server processes are doing, sampled
    every 5 ms on a connection of its own into ``into`` (None: nothing sampled). The
    sampling costs a little CPU of its own, alike for the routers and the floor."""
    if into is None:
        yield
        return
    stop = threading.Event()

    def sample() -> None:
        with psycopg.connect(os.environ["DATABASE_URL"], autocommit=True) as sampling:
            while not stop.is_set():
                for (doing,) in sampling.execute(_ACTIVITY):
                    into[doing] += 1
                time.sleep(0.005)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        yield
    finally:
        stop.set()
        sampler.join(timeout=10)


def _waits_print(seen: dict[str, Counter[str]]) -> None:
    print("   what their server processes were doing (share of samples):")
    for turn, counted in seen.items():
        total = sum(counted.values()) or 1
        shares = ", ".join(
            f"{doing} {100 * count / total:.0f} %" for doing, count in counted.most_common(6)
        )
        print(f"   {turn:>8}: {shares}")


def _over_capacity() -> int:
    """Agents holding more items of a channel group than their capacity allows."""
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT count(*) FROM (
                   SELECT state.agent_id FROM routing_agentstate state
                   JOIN routing_workitem item ON item.agent_id = state.agent_id
                   WHERE item.status IN ('offered', 'assigned')
                   GROUP BY state.agent_id, state.capacity_call, state.capacity_email,
                            state.capacity_chat
                   HAVING count(*) FILTER (WHERE channel = 'call') > state.capacity_call
                       OR count(*) FILTER (WHERE channel = 'email') > state.capacity_email
                       OR count(*) FILTER (WHERE channel IN ('chat', 'sms', 'api'))
                          > state.capacity_chat) over""",
        )
        return cursor.fetchone()[0]


def queue_reset() -> None:
    """Every item waiting again, on a vacuumed table."""
    WorkItem.objects.exclude(status="waiting").update(
        status="waiting", agent=None, offered_at=None, offer_expires_at=None, assigned_at=None
    )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE) routing_workitem")


def last_resort_set(seconds: int) -> None:
    """The agency's policies (defaults but for this wait): English speakers may then take
    items of any language after it, by the claim's full sort."""
    for channel in Channel.values:
        RoutingPolicy.objects.update_or_create(
            channel=channel,
            client=None,
            defaults={"last_resort_after_seconds": seconds},
        )
    policies_cache_clear()
    english = User.objects.filter(role="agent", skills__language_id="en").distinct()
    print(
        f"last-resort wait {seconds} s: {english.count()} of {AGENTS} agents speak "
        "English and take the full sort"
    )


def _load() -> str:
    return "load average {:.1f} {:.1f} {:.1f}".format(*os.getloadavg())


def run(args: Any, report: Report) -> None:
    more = getattr(args, "more_clients", 0)
    report.sizes = {"clients": CLIENTS + more, "agents": AGENTS, **report.sizes}
    probe = report.server_describe()
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        report.machine["synchronous_commit"] = cursor.fetchone()[0]
    print(f"synchronous_commit: {report.machine['synchronous_commit']}")
    print(
        f"server speed probe: {probe:.0f} ms for a count over a million generated rows "
        "(to compare machines and days)"
    )
    call_command("migrate_platform", verbosity=0)
    started = time.perf_counter()
    fill(args.items, more)
    print(
        f"filled {CLIENTS} clients (and {more:,} that no agent serves), {AGENTS} agents, "
        f"{args.items:,} waiting items "
        f"in {time.perf_counter() - started:.1f} s; cpus: {os.cpu_count()}"
    )
    if args.last_resort is not None:
        last_resort_set(args.last_resort)
    if args.explain:
        explain_one()
    if args.plans:
        compare_plans(args.plans)
    print(f"quiet: {_load()}")
    report.details["load_quiet_start"] = round(os.getloadavg()[0], 2)
    quiet = one_at_a_time(args.decisions, args.versus, report)
    if args.costs:
        costs(args.costs, args.versus, report)
    one_wide_agent(50, args.versus, report)
    queue_reset()
    quiet_rate, quiet_floor = routers_and_floor(report, args.seconds, waits=args.waits)
    report.details["load_quiet_end"] = round(os.getloadavg()[0], 2)
    print(f"quiet: {_load()} at the end")
    if not args.hog:
        return
    prefix = f"{args.hog} hogs: "
    with hogs(args.hog):
        print(f"with {args.hog} CPU-burning processes beside the benchmark: {_load()}")
        loaded = one_at_a_time(args.decisions, "", report, prefix)
        loaded_rate, loaded_floor = routers_and_floor(report, args.seconds, prefix)
        report.details["load_hogs_end"] = round(os.getloadavg()[0], 2)
        print(f"with {args.hog} hogs: {_load()} at the end")
    print("what degrades with the hogs (loaded / quiet):")
    for label, name in (("decision", "this"), ("bare statement", "bare statement")):
        for share in (0.5, 0.99):
            before, after = percentile(quiet[name], share), percentile(loaded[name], share)
            print(
                f"   {label} p{round(share * 100)}: {before:.2f} -> {after:.2f} ms "
                f"({after / before:.1f}x)"
            )
    print(
        f"   four routers: {quiet_rate:,.0f} -> {loaded_rate:,.0f} assignments/s "
        f"({loaded_rate / quiet_rate:.2f}x); floor: {quiet_floor:,.0f} -> {loaded_floor:,.0f} "
        f"({loaded_floor / quiet_floor:.2f}x)"
    )
