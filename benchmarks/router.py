"""Benchmark of the router: 500 clients, 1,000 agents, 100,000 waiting items.

Run from the repository root::

    .venv/bin/python benchmarks/router.py [--items 100000] [--decisions 2000] [--hog 4]

On the PostgreSQL server the settings point at (``DATABASE_URL``, or the embedded one), it
creates a database of its own, ``polydesk_bench_router`` (dropped at the end), migrates it,
and fills the public schema: 500 clients (rows only: routing never enters a client's
schema), 1,000 available agents who each serve 5 clients and speak 1-3 of the 16 languages,
100,000 waiting items spread over clients, languages and channels; then it vacuums and
checkpoints, as on a server that has been running (the timings start on a settled table).

It prints:
1. one routing decision (``agent_next_item``: an agent asks for the most urgent item they
   may take, and gets it), measured one at a time, each beside one bare statement (the
   floor's, below) on the same connection, in turns: p50, p90, p99, max of each, and the
   ratio of their p50s; with ``--versus REV``, the decisions of git revision REV take
   their turn too, for the same agents on the same data, which a busy machine's drift
   affects alike; then (1b) 50 decisions of one more agent, who serves every client in
   every language;
2. four routers in four processes deciding at once for 10 seconds: assignments per second,
   and a check that no item was given twice and that no agent exceeds a capacity;
3. the floor: four processes running a bare
   ``UPDATE ... WHERE id = (SELECT ... FOR UPDATE SKIP LOCKED LIMIT 1)`` loop with no rules,
   and the routers' share of its assignments per second. The routers and the floor take
   turns, 2 seconds each, five times, so that a shared machine's changing load falls on
   both alike.
With ``--hog N``, 1 to 3 again beside N processes that each burn a CPU core (a loaded
machine), and what degrades: each figure under load against the quiet one.
Targets: one decision p99 < 5 ms and p50 at most 2x the bare statement's; four routers at
least 50 % of the floor; no item given twice.
"""

import argparse
import importlib
import os
import sys

import psycopg
from _report import Report, json_option
from benchdb import bench_database, django_setup, server_find

BENCH_DATABASE = "polydesk_bench_router"
SECONDS = 10.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--decisions", type=int, default=2000)
    parser.add_argument(
        "--more-clients",
        type=int,
        default=0,
        metavar="N",
        help="N clients more, that no agent serves and no item is for: the same work with "
        "more clients on the platform (e.g. 4500: 5,000 clients against the default 500)",
    )
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
        "--costs",
        type=int,
        default=0,
        metavar="CALLS",
        help="also measure the client's and the server's CPU and the WAL per call, over "
        "CALLS calls of each",
    )
    parser.add_argument(
        "--waits",
        action="store_true",
        help="also sample what the routers' and the floor's server processes are doing "
        "(pg_stat_activity: the client, the CPU, the WAL, locks)",
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
    parser.add_argument(
        "--hog",
        type=int,
        default=0,
        metavar="N",
        help="then measure again beside N processes that each burn a CPU core",
    )
    parser.add_argument(
        "--database",
        default=BENCH_DATABASE,
        help=f"the bench database's name (default: {BENCH_DATABASE}; dropped at the end)",
    )
    json_option(parser)
    args = parser.parse_args()
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    server = server_find(args.database)
    print(f"database: {args.database} on {server.label}")
    sizes = {  # router_work.run puts the clients and agents first
        "items": args.items,
        "decisions": args.decisions,
        "seconds": args.seconds,
    }
    for option in ("versus", "last_resort", "async_commit", "hog"):
        if getattr(args, option):
            sizes[option] = getattr(args, option)
    report = Report("router", sizes)
    with bench_database(server):
        if args.async_commit:
            with psycopg.connect(server.database_url(args.database), autocommit=True) as conn:
                conn.execute(f"ALTER DATABASE {args.database} SET synchronous_commit = off")
        django_setup(args.database)
        # The work imports the models, which need the settings django_setup() just pointed at
        # the bench database: loaded by name, now.
        importlib.import_module("router_work").run(args, report)
    return report.emit(args.json)


if __name__ == "__main__":
    sys.exit(main())
