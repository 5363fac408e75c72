"""Benchmark of the REST API's conversation list (``GET /api/v1/conversations``).

Run from the repository root::

    .venv/bin/python benchmarks/api.py [--conversations 20000] [--requests 300]

On the PostgreSQL server the settings point at (``DATABASE_URL``, or the embedded one), it
creates a database of its own, ``polydesk_bench_api`` (dropped at the end), migrates it,
provisions one client and fills its schema with as many customers as conversations (the
search index filled by its triggers), issues a key, and asks in this process (Django's test
client, every middleware) for the first page of 25, a page found by ``q=``, and the page
after a cursor; the floor is the API's emptiest route (``/api/v1/``, a redirect through the
same middleware). It prints requests a second (one process, one after the other) and the
p99 of each. Target: p99 of a list page under 100 ms. The rate limit is lifted for the run.
"""

import argparse
import importlib
import os
import sys

from _report import Report, json_option
from benchdb import bench_database, django_setup, server_find

BENCH_DATABASE = "polydesk_bench_api"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conversations", type=int, default=20_000)
    parser.add_argument("--requests", type=int, default=300)
    json_option(parser)
    args = parser.parse_args()
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    server = server_find(BENCH_DATABASE)
    print(f"database: {BENCH_DATABASE} on {server.label}")
    report = Report("api", {"conversations": args.conversations, "requests": args.requests})
    with bench_database(server):
        django_setup(BENCH_DATABASE)
        report.server_describe()
        # The work imports the models, which need the settings django_setup() just pointed at
        # the bench database: loaded by name, now.
        importlib.import_module("api_work").run(args.conversations, args.requests, report)
    return report.emit(args.json)


if __name__ == "__main__":
    sys.exit(main())
