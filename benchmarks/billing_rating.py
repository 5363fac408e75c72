"""Benchmark of billing: rate one month of 1,000,000 and 10,000,000 ledger rows for 500
clients, against the floor of one ``GROUP BY`` over the same rows.

Run from the repository root::

    .venv/bin/python benchmarks/billing_rating.py [--rows 1000000,10000000] [--clients 500]

Each size runs in a process of its own (so that its peak memory is its own) on a fresh
database, ``polydesk_bench_billing`` (dropped at the end), on the PostgreSQL server the
settings point at (``DATABASE_URL``, or the embedded one). It fills the public schema: the
clients (rows only: billing never enters a client's schema) in five currencies and time
zones, each with a price plan (every fourth client with a new version from the 16th, every
third with a language surcharge), and the ledger: ``rows`` entries inside October 2026
(e-mails, chats, calls, telephony cost, half of it in USD converted at daily rates;
languages, out-of-hours mixed), written in one ``INSERT … SELECT generate_series`` on the
server, plus 10 % more in September and November that rating must leave out.

Per size it prints a table line with:
1. the floor: one ``GROUP BY`` over the month's rows (JIT on or off, the better), as
   PostgreSQL runs it (two parallel workers beside the leader) and in one process (a
   reference: what one core does);
2. rating the month for every client (``billing.selectors.ratings_for_month``: the rates
   read, then one aggregating statement whose parallel workers share the clients, then
   plain Python per client), its ratio to the floor, and the buffer accesses (8 KiB pages,
   cached or read, counted again when touched again; the workers' and the function's
   included) of each of the two (``EXPLAIN (ANALYZE, BUFFERS)``: a count that does not
   depend on the machine's load), and how each reads the ledger (the rating's for one
   client: its function's plan); rating's two halves timed apart (no target): the
   statement alone (the rates read, its rows fetched) and the Python after it (the groups,
   the plans, the invoice lines);
3. issuing the invoices (``billing.services.invoices_issue_for_month``), and how many of its
   statements read the ledger and their time (one: it rates the month once for all);
4. peak RSS after filling and at the end (memory must stay flat in the rows);
5. checks: every client rated, every invoice's total equal to the sum of its lines and to
   the rated total.
Target: rating at most twice the floor at every size.
"""

import argparse
import importlib
import json
import os
import subprocess
import sys

from _report import Report, json_option
from benchdb import bench_database, django_setup, server_find

BENCH_DATABASE = "polydesk_bench_billing"
TARGET_RATIO = 2.0


def child(clients: int, rows: int) -> int:
    server = server_find(BENCH_DATABASE)
    with bench_database(server):
        django_setup(BENCH_DATABASE)
        # The work imports the models, which need the settings django_setup() just pointed at
        # the bench database: loaded by name, now.
        figures = importlib.import_module("billing_rating_work").one_size(clients, rows)
    print(json.dumps(figures))
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", default="1000000,10000000", help="ledger rows, comma-separated")
    parser.add_argument("--clients", type=int, default=500)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    json_option(parser)
    args = parser.parse_args()
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    if args.child:
        return child(args.clients, int(args.child))
    sizes = [int(size) for size in args.rows.split(",")]
    report = Report("billing_rating", {"rows": args.rows, "clients": args.clients})
    print(f"database: {BENCH_DATABASE} on {server_find(BENCH_DATABASE).label}")
    print(
        "| ledger rows | rate the month | floor: one GROUP BY (in one process) | ratio "
        "(to one process) | buffer accesses (rating / floor) | issue (ledger reads: count, "
        "time) | peak RSS (after fill) | load |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for rows in sizes:
        load_before = os.getloadavg()[0]
        done = subprocess.run(
            [sys.executable, __file__, "--child", str(rows), "--clients", str(args.clients)],
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            print(done.stdout[-2000:], done.stderr[-4000:], file=sys.stderr)
            report.check(f"{rows} rows: the run failed", 1)
            continue
        figures = json.loads(done.stdout.strip().splitlines()[-1])
        ratio = figures["rating"] / figures["floor"]
        ratio_one = figures["rating"] / figures["floor_one_process"]
        print(
            f"| {rows:,} | {figures['rating']:.2f} s | {figures['floor']:.2f} s "
            f"({figures['floor_one_process']:.2f} s) | {ratio:.2f}x ({ratio_one:.2f}x) | "
            f"{figures['rating_pages']:,} / {figures['floor_pages']:,} | "
            f"{figures['issue_seconds']:.1f} s ({figures['ledger_reads']}, "
            f"{figures['ledger_read_seconds']:.1f} s) | "
            f"{figures['peak_rss']:.0f} MiB ({figures['filled_rss']:.0f}) | "
            f"{load_before:.1f} → {os.getloadavg()[0]:.1f} |"
        )
        print(
            f"   {figures['total_rows']:,} rows in all, "
            f"filled in {figures['filled_seconds']:.0f} s; "
            f"{figures['lines']:,} lines rated, {figures['issued']} invoices issued "
            f"({figures['invoice_lines']:,} lines)"
        )
        print(
            f"   rating's halves: the statement {figures['statement']:.2f} s "
            f"({figures['statement_rows']:,} rows fetched), the Python after it "
            f"{figures['after_statement']:.2f} s"
        )
        print(f"   {figures['scans']}")
        for problem in figures["problems"]:
            print(f"   problem: {problem}")
        label = f"{rows:,} rows"
        report.figure(f"{label}: rate the month", figures["rating"], "s", floor=figures["floor"])
        report.figure(f"{label}: rating / floor", ratio, "x", target=TARGET_RATIO)
        report.figure(f"{label}: rating / floor in one process", ratio_one, "x")
        report.figure(f"{label}: rating's statement", figures["statement"], "s")
        report.figure(f"{label}: rating's statement, rows", figures["statement_rows"], "rows")
        report.figure(f"{label}: rating's Python after it", figures["after_statement"], "s")
        report.figure(
            f"{label}: buffer accesses",
            figures["rating_pages"],
            "pages",
            floor=figures["floor_pages"],
        )
        report.figure(f"{label}: issue the invoices", figures["issue_seconds"], "s")
        report.figure(
            f"{label}: statements reading the ledger to issue", figures["ledger_reads"], "count"
        )
        report.figure(f"{label}: peak RSS", figures["peak_rss"], "MiB", floor=figures["filled_rss"])
        report.check(f"{label}: checks failed", figures["problem_count"])
    return report.emit(args.json)


if __name__ == "__main__":
    sys.exit(main())
