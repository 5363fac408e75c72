"""Benchmark of the router: 500 clients, 1,000 agents, 100,000 waiting items.

Run from the repository root::

    .venv/bin/python benchmarks/router.py [--items 100000] [--decisions 2000]

On the PostgreSQL server the settings point at (``DATABASE_URL``, or the embedded one), it
creates a database of its own, ``polydesk_bench_router`` (dropped at the end), migrates it,
and fills the public schema: 500 clients (rows only: routing never enters a client's
schema), 1,000 available agents who each serve 5 clients and speak 1-3 of the 16 languages,
100,000 waiting items spread over clients, languages and channels; then it vacuums and
checkpoints, as on a server that has been running (the timings start on a settled table).

It prints:
1. one routing decision (``agent_next_item``: an agent asks for the most urgent item they
   may take, and gets it), measured one at a time: p50, p99, max; with ``--versus REV``,
   the decisions of this code and of git revision REV in turn, for the same agents on the
   same data (p50, p90, p99, max of each), which a busy machine's drift affects alike;
   then (1b) 50 decisions of one more agent, who serves every client in every language;
2. four routers in four processes deciding at once for 10 seconds: assignments per second,
   and a check that no item was given twice and that no agent exceeds a capacity;
3. the floor: four processes running a bare
   ``UPDATE ... WHERE id = (SELECT ... FOR UPDATE SKIP LOCKED LIMIT 1)`` loop with no rules.
Target: p99 < 5 ms per decision.
"""

import argparse
import multiprocessing
import os
import random
import statistics
import sys
import time
from collections import Counter
from datetime import timedelta

from _report import Report, json_option
from benchdb import bench_database, django_setup, server_find

BENCH_DATABASE = "polydesk_bench_router"
CLIENTS, AGENTS, CLIENTS_PER_AGENT = 500, 1000, 5
LANGUAGES = [
    "cs",
    "sk",
    "pl",
    "de",
    "hu",
    "ro",
    "sl",
    "hr",
    "bg",
    "en",
    "fr",
    "it",
    "es",
    "nl",
    "pt",
    "el",
]
CHANNELS = ["email"] * 6 + ["chat"] * 2 + ["call", "sms"]
SECONDS = 10.0


def fill(items: int) -> None:
    """Clients, agents with skills and clients served, waiting items (bulk inserts)."""
    from django.db import connection
    from django.utils import timezone

    from accounts.models import User
    from languages.models import AgentSkill
    from routing.models import AgentState, WorkItem
    from tenants.models import Client

    rng = random.Random(7)
    clients = Client.objects.bulk_create(
        Client(
            schema_name=f"client_bench_{n}",
            slug=f"bench-{n}",
            name=f"Bench {n}",
            languages=(pair := rng.sample(LANGUAGES, 2)),
            default_language=pair[0],
            countries=["CZ"],
            status="active",
            ready=True,
        )
        for n in range(CLIENTS)
    )
    agents = User.objects.bulk_create(
        # "!" is Django's unusable password: these agents never sign in.
        User(username=f"agent{n}", role="agent", password="!")  # noqa: S106
        for n in range(AGENTS)
    )
    AgentSkill.objects.bulk_create(
        AgentSkill(agent=agent, language_id=code, proficiency="native")
        for agent in agents
        for code in rng.sample(LANGUAGES, rng.randint(1, 3))
    )
    served = User.served_clients.through
    served.objects.bulk_create(
        served(user_id=agent.pk, client_id=client.pk)
        for agent in agents
        for client in rng.sample(clients, CLIENTS_PER_AGENT)
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
    with connection.cursor() as cursor:
        # Statistics, the visibility map and a checkpoint, as on a server that has run for
        # a while: otherwise the first decisions set hint bits on freshly loaded pages and
        # commit while the checkpointer writes the whole load out.
        cursor.execute("VACUUM (ANALYZE)")
        cursor.execute("CHECKPOINT")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def one_at_a_time(decisions: int, revision: str, report: Report) -> None:
    from accounts.models import User

    routers = _routers(revision)
    timings, given = _timed(routers, list(User.objects.filter(role="agent")), decisions)
    for name, values in timings.items():
        suffix = "" if name == "this" else f" ({name})"
        report.figure(f"decision p50{suffix}", statistics.median(values), "ms")
        report.figure(f"decision p90{suffix}", percentile(values, 0.9), "ms")
        report.figure(
            f"decision p99{suffix}",
            percentile(values, 0.99),
            "ms",
            target=5 if name == "this" else None,
        )
        report.figure(f"decision max{suffix}", max(values), "ms")
    if revision:
        print(f"1. one decision at a time, alternating ({decisions} decisions each):")
        _print_timings(timings)
        return
    timings_ms = timings["this"]
    print(
        f"1. one decision at a time ({decisions} decisions, {given['this']} gave an item): "
        f"p50 {statistics.median(timings_ms):.2f} ms, "
        f"p99 {percentile(timings_ms, 0.99):.2f} ms, max {max(timings_ms):.2f} ms"
    )
    target = "MET" if percentile(timings_ms, 0.99) < 5 else "MISSED"
    print(f"   {target} p99 < 5 ms")


def wide_agent_create():
    """One more agent, who serves every client in every language (like the desk
    benchmark's): the most probes a decision can make here."""
    from accounts.models import User
    from languages.models import AgentSkill
    from routing.models import AgentState
    from tenants.models import Client

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
    from routing.models import WorkItem

    agent = wide_agent_create()
    timings, _ = _timed(_routers(revision), [agent], decisions)
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


def _routers(revision: str) -> dict:
    from routing.services import agent_next_item

    return {"this": agent_next_item, **({revision: _decision_at(revision)} if revision else {})}


def _timed(routers: dict, agents: list, decisions: int) -> tuple[dict, Counter]:
    """Decisions by random agents, in ms per router; with several routers they take turns
    (which goes first alternates) for the same agent, so that both see the same data and
    the same moment's load on the machine."""
    rng = random.Random(11)
    timings: dict[str, list[float]] = {name: [] for name in routers}
    given: Counter[str] = Counter()
    for number in range(decisions):
        agent = rng.choice(agents)
        for name in sorted(routers, reverse=number % 2 == 1):
            started = time.perf_counter()
            item = routers[name](agent=agent)
            timings[name].append((time.perf_counter() - started) * 1000)
            given[name] += item is not None
    return timings, given


def _print_timings(timings: dict[str, list[float]]) -> None:
    for name, values in timings.items():
        print(
            f"   {name:>10}: p50 {statistics.median(values):.2f} ms, "
            f"p90 {percentile(values, 0.9):.2f} ms, p99 {percentile(values, 0.99):.2f} ms, "
            f"max {max(values):.2f} ms"
        )


def _router(worker: int, agent_ids: list[int], queue) -> None:
    from django.db import connections

    connections.close_all()  # a forked process needs connections of its own
    from accounts.models import User
    from routing.services import agent_next_item

    agents = list(User.objects.filter(pk__in=agent_ids))
    rng = random.Random(worker)
    taken, deadline = [], time.monotonic() + SECONDS
    while time.monotonic() < deadline:
        agent = rng.choice(agents)
        item = agent_next_item(agent=agent)
        if item:
            taken.append((item.pk, agent.pk))
    queue.put(taken)


def _floor(worker: int, queue) -> None:
    from django.db import connection, connections

    connections.close_all()
    taken, deadline = [], time.monotonic() + SECONDS
    sql = """
        UPDATE routing_workitem SET status = 'assigned', agent_id = NULL
        WHERE id = (SELECT id FROM routing_workitem WHERE status = 'waiting'
                    ORDER BY priority DESC, waiting_since LIMIT 1 FOR UPDATE SKIP LOCKED)
        RETURNING id"""
    while time.monotonic() < deadline:
        with connection.cursor() as cursor:
            cursor.execute(sql)
            row = cursor.fetchone()
        if row:
            taken.append((row[0], worker))
    queue.put(taken)


def concurrently(target, label: str, args_for) -> list[tuple[int, int]]:
    from django.db import connections

    connections.close_all()
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    processes = [context.Process(target=target, args=(*args_for(n), queue)) for n in range(4)]
    for process in processes:
        process.start()
    taken = [pair for _ in processes for pair in queue.get(timeout=SECONDS * 6)]
    for process in processes:
        process.join(timeout=30)
    item_ids = [item_id for item_id, _ in taken]
    doubles = len(item_ids) - len(set(item_ids))
    print(
        f"{label}: {len(taken) / SECONDS:,.0f} assignments/s with 4 processes over "
        f"{SECONDS:.0f} s; items given twice: {doubles}"
    )
    return taken


def explain_one() -> None:
    """The plan of one decision's claim, and where one decision's time goes: for the agent
    with the largest backlog among the first 50."""
    # After django_setup() has pointed the settings at the bench database: not at the top.
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from accounts.models import User
    from core.channels import Channel
    from routing.selectors import agent_reach, eligible_items
    from routing.services import agent_next_item

    backlogs = {
        agent: eligible_items(agent_reach(agent), Channel.values, timezone.now()).count()
        for agent in User.objects.filter(role="agent").order_by("pk")[:50]
    }
    agent = max(backlogs, key=backlogs.get)
    print(f"{agent.username} may take {backlogs[agent]} items; their decision's claim:")
    with transaction.atomic():  # the decision and its plan, rolled back
        with CaptureQueriesContext(connection) as captured:
            agent_next_item(agent=agent)
        sent = next(query["sql"] for query in captured if " FOR UPDATE; " in query["sql"])
        claim = sent.split(" FOR UPDATE; ", 1)[1]  # the agent's lock, then the claim
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {claim}")
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
    import re

    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from accounts.models import User
    from routing.services import agent_next_item

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
            sent = [q["sql"] for q in captured if "EXECUTE routing_claim_" in q["sql"]]
            plans = {}
            if sent:
                execute = sent[0].split(" FOR UPDATE; ", 1)[1]
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


def _decision_at(revision: str):
    """``agent_next_item`` as it was at ``revision``: its routing services, with the
    eligibility clause of its selectors (loaded from git; the rest of the selectors, and
    the schema, are this checkout's)."""
    import subprocess
    import types

    from routing import selectors

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


def run(
    report: Report,
    items: int,
    decisions: int,
    explain: bool = False,
    revision: str = "",
    last_resort: int | None = None,
    plans: int = 0,
) -> None:
    django_setup(BENCH_DATABASE)
    from django.core.management import call_command
    from django.db import connection

    probe = report.server_describe()
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        report.machine["synchronous_commit"] = cursor.fetchone()[0]
        print(f"synchronous_commit: {report.machine['synchronous_commit']}")
        print(
            f"server speed probe: {probe:.0f} ms for a count over a million generated rows "
            "(to compare machines and days)"
        )

    from accounts.models import User
    from routing.models import WorkItem

    call_command("migrate_platform", verbosity=0)
    started = time.perf_counter()
    fill(items)
    print(
        f"filled {CLIENTS} clients, {AGENTS} agents, {items:,} waiting items "
        f"in {time.perf_counter() - started:.1f} s; cpus: {os.cpu_count()}"
    )
    if last_resort is not None:
        # After django_setup() has pointed the settings at the bench database: not at the top.
        from core.channels import Channel
        from routing.models import RoutingPolicy
        from routing.selectors import policies_cache_clear

        for channel in Channel.values:  # the agency's policies (defaults but for this wait)
            RoutingPolicy.objects.update_or_create(
                channel=channel,
                client=None,
                defaults={"last_resort_after_seconds": last_resort},
            )
        policies_cache_clear()
        english = User.objects.filter(role="agent", skills__language_id="en").distinct()
        print(
            f"last-resort wait {last_resort} s: {english.count()} of {AGENTS} agents speak "
            "English and take the full sort"
        )
    if explain:
        explain_one()
    if plans:
        compare_plans(plans)
    one_at_a_time(decisions, revision, report)
    one_wide_agent(50, revision, report)

    agent_ids = list(User.objects.filter(role="agent").values_list("pk", flat=True))
    taken = concurrently(_router, "2. four routers", lambda n: (n, agent_ids))
    in_db = Counter(WorkItem.objects.exclude(status="waiting").values_list("pk", flat=True))
    duplicate_rows = sum(count > 1 for count in in_db.values())
    given_twice = len(taken) - len({item for item, _ in taken})
    problems = ["duplicate rows"] if duplicate_rows else []
    if given_twice:
        problems.append("an item was given twice")
    WorkItem.objects.exclude(status="waiting").update(status="waiting", agent=None)
    with connection.cursor() as cursor:  # the floor's own index: its global order
        cursor.execute(
            "CREATE INDEX bench_floor ON routing_workitem (priority DESC, "
            "waiting_since) WHERE status = 'waiting'"
        )
    floor = concurrently(_floor, "3. floor (bare UPDATE ... SKIP LOCKED)", lambda n: (n,))
    report.figure(
        "four routers",
        len(taken) / SECONDS,
        "assignments/s",
        better="higher",
        floor=len(floor) / SECONDS,
    )
    report.check("items given twice", given_twice)
    report.check("duplicate rows", duplicate_rows)
    print("check: " + ("OK, no double assignment" if not problems else "; ".join(problems)))


def main() -> int:
    global SECONDS
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--decisions", type=int, default=2000)
    parser.add_argument("--explain", action="store_true", help="print one decision's plan")
    parser.add_argument(
        "--plans",
        type=int,
        default=0,
        metavar="AGENTS",
        help="compare the prepared claim's generic plan with the custom one for AGENTS random "
        "agents and the agent of every client",
    )
    parser.add_argument(
        "--versus",
        metavar="REVISION",
        default="",
        help="time the decisions of this code and of a git revision in turn, on the same data",
    )
    parser.add_argument(
        "--last-resort",
        type=int,
        metavar="SECONDS",
        help="set the default policies' last-resort wait: English speakers may then take "
        "items of any language after it, by the claim's full sort",
    )
    parser.add_argument(
        "--async-commit",
        action="store_true",
        help="run with synchronous_commit=off, to see what waiting for the WAL flush costs",
    )
    parser.add_argument(
        "--seconds",
        type=float,
        default=SECONDS,
        help="how long the four routers, then the floor, run (default: 10)",
    )
    json_option(parser)
    args = parser.parse_args()
    SECONDS = args.seconds
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    server = server_find(BENCH_DATABASE)
    print(f"database: {BENCH_DATABASE} on {server.label}")
    sizes = {
        "clients": CLIENTS,
        "agents": AGENTS,
        "items": args.items,
        "decisions": args.decisions,
        "seconds": SECONDS,
    }
    for option in ("versus", "last_resort", "async_commit"):
        if getattr(args, option):
            sizes[option] = getattr(args, option)
    report = Report("router", sizes)
    with bench_database(server):
        if args.async_commit:
            import psycopg

            with psycopg.connect(server.database_url(BENCH_DATABASE), autocommit=True) as conn:
                conn.execute(f"ALTER DATABASE {BENCH_DATABASE} SET synchronous_commit = off")
        run(
            report,
            args.items,
            args.decisions,
            args.explain,
            args.versus,
            args.last_resort,
            args.plans,
        )
    return report.emit(args.json)


if __name__ == "__main__":
    sys.exit(main())
