"""Benchmark of the REST API on gunicorn: listing conversations and creating a message.

Run from the repository root::

    .venv/bin/python benchmarks/api.py [--sizes 2000,20000] [--seconds 15] [--concurrency 8]
                                       [--workers 4] [--json PATH]

On the PostgreSQL server the settings point at (``DATABASE_URL``, or the embedded one), it
creates a database of its own, ``polydesk_bench_api`` (dropped at the end), migrates it,
provisions one client per size and fills its schema with that many customers and
conversations (the search index filled by its triggers, then analysed), and issues a key
per client. Then it starts gunicorn on loopback (``config.wsgi`` through
``benchmarks/api_wsgi.py``, which lifts the rate limit; ``--workers`` sync workers, as
production runs) and a load generator in this process (``--concurrency`` threads, each
sending request after request for ``--seconds``, a new connection each as sync workers
close them). Measured, each on its own:

- the floor: ``GET /api/v1/``, the API's emptiest route (a redirect through the same
  middleware), served the same way;
- ``GET /api/v1/conversations`` (the first page of 25) at each size;
- ``POST /api/v1/messages`` (a new customer's first message: a conversation, its work item,
  its acknowledgement queued in the outbox, the search index) at each size.

It prints requests a second and p50/p99 of each. Target: p99 of a list page under 100 ms at
the concurrency given (a create's p99 is reported beside the floor: the issue sets no
target). The load generator shares the machine with gunicorn and PostgreSQL: read the floor
beside the figures.
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
    parser.add_argument("--sizes", default="2000,20000", help="conversations per client")
    parser.add_argument("--seconds", type=float, default=15.0, help="per measurement")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--workers", type=int, default=4)
    json_option(parser)
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    server = server_find(BENCH_DATABASE)
    print(f"database: {BENCH_DATABASE} on {server.label}")
    report = Report(
        "api",
        {
            "conversations": sizes,
            "seconds": args.seconds,
            "concurrency": args.concurrency,
            "workers": args.workers,
        },
    )
    with bench_database(server):
        django_setup(BENCH_DATABASE)
        report.server_describe()
        # The work imports the models, which need the settings django_setup() just pointed at
        # the bench database: loaded by name, now.
        work = importlib.import_module("api_work")
        work.run(
            sizes=sizes,
            seconds=args.seconds,
            concurrency=args.concurrency,
            workers=args.workers,
            report=report,
        )
    return report.emit(args.json)


if __name__ == "__main__":
    sys.exit(main())
