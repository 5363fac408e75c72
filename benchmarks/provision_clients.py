"""Benchmark of client provisioning (``tenants.services.client_provision``).

Run from the repository root::

    .venv/bin/python benchmarks/provision_clients.py [--counts 1,50,200]

It never touches the project's database. On the PostgreSQL server the settings point at
(``DATABASE_URL``, or the embedded server under ``var/`` when that is unset) it drops and
creates a database of its own, ``polydesk_bench``, migrates it with ``migrate_platform``
(public schema, client template schema, clients) and drops it again at the end, also when
something fails.

What it measures: for each count N it provisions N new clients one after another (row,
schema cloned from the template with migrations faked, domain) and prints the round's total
wall time and the mean, median, 95th percentile and maximum seconds per client. The first
provisioning in a process also checks the template schema (the migration graph is loaded),
so one warm-up client is provisioned first and left out of the figures. The floor is the
template's clone script alone (``tenants.cloning.schema_clone`` into a schema with no client,
median of 5): the DDL PostgreSQL runs for any copy of the template. Rounds run in order
on the same database, so a later round also shows whether the time per client grows with the
number of clients already there. These rounds run with no spare schema (the pool empty, as
after a deploy or a burst): each client replays the clone script. Then the same rounds run
warm: before each client one spare schema is cloned (untimed, as the refill task does ahead
of time), and provisioning renames it (tenants.cloning.spare_take); the target is a p95
under 150 ms, and a warm provisioning that cloned all the same is counted as a failure.
Refills the provisionings ask for go to an in-memory broker no worker reads. At the end it
checks that every provisioned client has its schema with the ``customers_customer`` table
(exit status 1 if not) and prints the peak RSS, the Python and PostgreSQL versions and the
CPU count.

Then (``--fresh N``) it runs ``manage.py create_client`` N times, each in a new process, and
a process that only starts Django as many times: the median wall time of each, the seconds
the command reports for the provisioning itself, and the rest. The clone script is stored in
the database (tenants.cloning), so no fresh process runs ``pg_dump`` again.
"""

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

from _report import Report, json_option
from benchdb import bench_database, django_setup, server_find

BENCH_DATABASE = "polydesk_bench"
DEFAULT_COUNTS = (1, 50, 200)


def parse_counts(text: str) -> list[int]:
    counts = [int(word) for word in text.split(",") if word.strip()]
    if not counts or any(n < 1 for n in counts):
        raise argparse.ArgumentTypeError("counts are positive integers, e.g. 1,50,200")
    return counts


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--counts",
        type=parse_counts,
        default=list(DEFAULT_COUNTS),
        help="clients to provision in each round, comma-separated (default: 1,50,200)",
    )
    parser.add_argument(
        "--fresh",
        type=int,
        default=3,
        help="clients made by manage.py create_client, each in a new process (default: 3)",
    )
    json_option(parser)
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    # The refill a provisioning sends once it took a spare must reach no worker of another
    # database; the warm rounds refill the pool themselves (also for create_client's runs).
    os.environ["CELERY_BROKER_URL"] = "memory://"
    server = server_find(BENCH_DATABASE)
    report = Report("provision_clients", {"counts": list(args.counts)})
    with bench_database(server):
        django_setup(BENCH_DATABASE)
        # The work imports the models, which need the settings django_setup() just pointed
        # at the bench database: loaded by name, now.
        work = importlib.import_module("provision_clients_work")
        work.run(args.counts, args.fresh, server, report)
    print(f"dropped database {BENCH_DATABASE}")
    return report.emit(args.json)


if __name__ == "__main__":
    sys.exit(main())
