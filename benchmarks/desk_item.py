"""Benchmark of the desk's item page: one conversation with a long thread, in its client's
schema, as the agent who holds it opens it.

Run from the repository root::

    .venv/bin/python benchmarks/desk_item.py [--sizes 20,200] [--history 30] [--requests 200]

On the PostgreSQL server the settings point at (``DATABASE_URL``, or the embedded one), it
creates a database of its own, ``polydesk_bench_item`` (dropped at the end), migrates it,
provisions one client (a real schema, copied from the template) and an agent who serves it.
For each size it adds a customer with ``--history`` earlier conversations (three messages
each) and one conversation of that many messages, held by the agent: the customer's e-mails,
the agent's replies with every delivery state (sent, queued, failed with its reason,
bounced), internal notes and forwards, and two files on every fourth message (stored once
per content, as the intake stores them).

It measures, for each size, ``--requests`` loads of ``/desk/items/<id>`` through Django's
test client (the server's whole request: middleware, session, the client's schema, queries,
template; no network): p50 and p99, the share waiting for SQL, this process's CPU, the
number of SQL statements, the page's size, and the peak of Python's memory while one page
is built (tracemalloc). The floor, measured in the same minutes: one SELECT of the
conversation's messages (without the raw originals, as the page reads them), the least any
page showing them must do. Target (issue #17): p99 < 200 ms with 200 messages, and the same
number of statements at every size (``tests/desk/test_item_queries.py`` holds that).
"""

import argparse
import importlib
import os
import sys

from _report import Report, json_option
from benchdb import bench_database, django_setup, server_find

BENCH_DATABASE = "polydesk_bench_item"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="20,200", help="messages in the thread, comma-separated")
    parser.add_argument(
        "--history", type=int, default=30, help="the customer's earlier conversations"
    )
    parser.add_argument("--requests", type=int, default=200)
    json_option(parser)
    args = parser.parse_args()
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    server = server_find(BENCH_DATABASE)
    print(f"database: {BENCH_DATABASE} on {server.label}")
    sizes = {"sizes": args.sizes, "history": args.history, "requests": args.requests}
    report = Report("desk_item", sizes)
    with bench_database(server):
        django_setup(BENCH_DATABASE)
        # The work imports the models, which need the settings django_setup() just pointed at
        # the bench database: loaded by name, now.
        importlib.import_module("desk_item_work").run(args, report)
    return report.emit(args.json)


if __name__ == "__main__":
    sys.exit(main())
