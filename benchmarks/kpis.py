"""Benchmark of one client-month's KPIs against a bare GROUP BY, and of its PDF as history grows.

Run from the repository root::

    .venv/bin/python benchmarks/kpis.py [--sizes 10000:2000,100000:20000] [--runs 20]
                                        [--months 1,3,6]

On the PostgreSQL server the settings point at (``DATABASE_URL``, or the embedded one), it
creates a database of its own, ``polydesk_bench_kpis`` (dropped at the end), migrates it and,
for each size ``CONVERSATIONS:CALLS``, provisions one client (Europe/Prague; cs, sk, hu, en,
de; CZ, SK, HU) and fills October 2026 with COPY: customers, conversations (channels,
languages, countries, 40 categories of unequal size; most answered, some resolved without a
reply, some reopened once or twice, a few auto-replies that are no contact), their work
items with due times (one per promise: a reopening is a second one), the SLA events the
sweep would have written (warnings, breaches), and calls (menus left, queued, answered within
or after the service level, abandoned, voicemails and callback requests, each of these with
its conversation, closed-hours messages; CSAT and NPS answers), and the satisfaction
surveys of resolved e-mail, chat and SMS conversations (a third rated). October has the change from
summer time. The same volume goes into each earlier month as the history grows.

For each size, with October alone, it times ``kpis_for_period`` (the computation behind the
stored figures: once for a closed month, at most every two minutes for the month so far)
``--runs`` times, each run after one run of the floor: a single ``GROUP BY channel`` over
the month's conversations plus a ``GROUP BY outcome`` over its calls, in the same schema, so
that both see the same load. It prints p50 and p99 of both, their CPU time (this process and its
PostgreSQL server process, which, unlike the wall time, hardly grows when others share the
cores; parallel workers' not counted) and the median of each KPI query alone. Then the
closed month as the portal reads it (``reporting.services.kpis_for_month``: October is
closed at ``NOW``): once cold, computed and stored, then ``--runs`` times from its stored
figures, each after the floor (p50, p99, CPU); and the month so far likewise (October read
on its last afternoon, ``SO_FAR_NOW``, then ``--runs`` times within the two minutes its
stored figures serve, ``reporting.snapshots.SO_FAR_MAX_AGE``). Then the month's PDF
(``report_content_build`` and ``report_pdf``, as the monthly job runs them; October's stored
figures dropped before each build, so that it is computed as for its first report): its time
(median of 5) and its peak memory (tracemalloc's peak during one more run, and the process's
ru_maxrss). The same again with 3 and 6 months of history (``--months``; the KPIs a quarter
of ``--runs`` times). Ids and the tables' order follow time, as when rows are written as
they come.

Targets (issue #16): the KPIs under 1 s and within 3 times the floor, for what a reader waits
for: the stored figures of a closed month and of the month so far (the computation itself,
about 30 times the floor, runs at most once per two minutes and client-month; it is held to
the 1 s only),
the PDF under 5 s, and its peak memory flat as months grow (at most 1.2 times that of one
month).
"""

import argparse
import importlib
import os
import sys

from _report import Report, json_option
from benchdb import bench_database, django_setup, server_find

BENCH_DATABASE = "polydesk_bench_kpis"


def sizes_parse(text: str) -> list[tuple[int, int]]:
    pairs = []
    for part in text.split(","):
        conversations, _, calls = part.partition(":")
        pairs.append((int(conversations), int(calls or 0)))
    return pairs


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes",
        type=sizes_parse,
        default=sizes_parse("10000:2000,100000:20000"),
        help="conversations:calls a month, comma-separated (default: 10000:2000,100000:20000)",
    )
    parser.add_argument("--runs", type=int, default=20, help="runs of the KPIs and the floor")
    parser.add_argument(
        "--months",
        type=lambda text: sorted({int(part) for part in text.split(",")}),
        default=[1, 3, 6],
        help="months of history for the PDF's time and memory (default: 1,3,6)",
    )
    json_option(parser)
    args = parser.parse_args()
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    server = server_find(BENCH_DATABASE)
    print(f"database: {BENCH_DATABASE} on {server.label}; cpus: {os.cpu_count()}")
    sizes = {
        "conversations": [c for c, _ in args.sizes],
        "calls": [c for _, c in args.sizes],
        "runs": args.runs,
        "months": args.months,
    }
    report = Report("kpis", sizes)
    with bench_database(server):
        django_setup(BENCH_DATABASE)
        # The work imports the models, which need the settings django_setup() just pointed at
        # the bench database: loaded by name, now.
        importlib.import_module("kpis_work").run(args, report)
    return report.emit(args.json)


if __name__ == "__main__":
    sys.exit(main())
