"""Benchmark of the desk's search across clients (``search.selectors.conversations_search``).

Run from the repository root::

    .venv/bin/python benchmarks/desk_search.py [--clients 500] [--messages 1000000]
        [--agent-clients 20] [--runs 20] [--writes 200]

On the PostgreSQL server the settings point at (``DATABASE_URL``, or the embedded one), it
creates a database of its own, ``polydesk_bench_desk_search`` (dropped at the end), migrates
it, adds the clients (rows only: the search reads the public index, never a client's
schema) and fills the index with one document per conversation of five messages (so
``--messages`` / 5 documents, spread evenly over the clients): Czech, Slovak, German and
Polish names with accents, e-mail addresses, phone numbers of five countries, order numbers
and five messages of text per conversation, generated in the server by one statement.

It times typical queries (a full name, an e-mail address, an order number, a phone number
typed with spaces, a word typed without accents), each the first page and its count as the
page asks them, ``--runs`` times: p50 and p95 for an agent serving ``--agent-clients``
clients and for an admin (a supervisor of all clients). The floor is the same match on one
plain table holding every document with the same index and no client in it. Target: the
agent's p95 under 300 ms.

It also provisions one real client and times a message written through the ORM with the
index's triggers, against the same write with the triggers disabled (the floor).
"""

import argparse
import importlib
import os
import sys

from _report import Report, json_option
from benchdb import bench_database, django_setup, server_find

BENCH_DATABASE = "polydesk_bench_desk_search"
# Messages a conversation has, in the documents the work fills (desk_search_work).
MESSAGES_PER_CONVERSATION = 5


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=500)
    parser.add_argument("--messages", type=int, default=1_000_000)
    parser.add_argument("--agent-clients", type=int, default=20)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--writes", type=int, default=200)
    json_option(parser)
    args = parser.parse_args()
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    server = server_find(BENCH_DATABASE)
    print(f"database: {BENCH_DATABASE} on {server.label}")
    sizes = {
        "clients": args.clients,
        "messages": args.messages,
        "documents": args.messages // MESSAGES_PER_CONVERSATION,
        "agent_clients": args.agent_clients,
    }
    report = Report("desk_search", sizes)
    with bench_database(server):
        django_setup(BENCH_DATABASE)
        # The work imports the models, which need the settings django_setup() just pointed at
        # the bench database: loaded by name, now.
        importlib.import_module("desk_search_work").run(args, report)
    return report.emit(args.json)


if __name__ == "__main__":
    sys.exit(main())
