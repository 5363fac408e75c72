"""Benchmark of the customer's orders on the desk: the item page and its orders panel with
the client's shop answering in ``--shop-ms`` and with one that never answers in time.

Run from the repository root::

    .venv/bin/python benchmarks/desk_orders.py [--requests 100] [--shop-ms 50] [--timeout 1]

On the PostgreSQL server the settings point at (``DATABASE_URL``, or the embedded one), it
creates a database of its own, ``polydesk_bench_orders`` (dropped at the end), migrates it,
provisions one client and its agent (``desk_item_work``'s set-up) and a conversation of 20
messages naming an order. A local fake Shopify (Admin GraphQL ``orders``) answers after
``--shop-ms``; the slow one after ``--timeout`` + 2 s, past the connection's timeout.

It measures ``--requests`` loads of ``/desk/items/<id>`` (the page never asks the shop:
desk.js fetches the panel afterwards) and of ``/desk/items/<id>/orders``, the panel, cold
(the cache emptied before each request: the shop is asked) and warm (the cached answer), for
both shops; the cold panel of the slow shop is measured ``--slow-requests`` times (each
waits the timeout). The floor: the item page of the same client without a shop connection.
The check: the item page makes no request to the shop (it must never wait for one).
"""

import argparse
import importlib
import os
import sys

from _report import Report, json_option
from benchdb import bench_database, django_setup, server_find

BENCH_DATABASE = "polydesk_bench_orders"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--slow-requests", type=int, default=5)
    parser.add_argument("--shop-ms", type=float, default=50)
    parser.add_argument("--timeout", type=float, default=1.0, help="the connection's timeout, s")
    json_option(parser)
    args = parser.parse_args()
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    os.environ["POLYDESK_ORDERS_ALLOW_PRIVATE_ADDRESSES"] = "1"  # the local fake shop
    server = server_find(BENCH_DATABASE)
    print(f"database: {BENCH_DATABASE} on {server.label}")
    sizes = {
        "requests": args.requests,
        "slow_requests": args.slow_requests,
        "shop_ms": args.shop_ms,
        "timeout": args.timeout,
    }
    report = Report("desk_orders", sizes)
    with bench_database(server):
        django_setup(BENCH_DATABASE)
        # The work imports the models, which need the settings django_setup() just pointed at
        # the bench database: loaded by name, now.
        importlib.import_module("desk_orders_work").run(args, report)
    return report.emit(args.json)


if __name__ == "__main__":
    sys.exit(main())
