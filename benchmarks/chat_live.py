"""Benchmark of the chat widget's live delivery (widget.live): open chats waiting at once, the
delay from an agent's reply to the customer's widget, and what an open chat costs the server.

Run from the repository root::

    .venv/bin/python benchmarks/chat_live.py [--sizes 50,200] [--seconds 20] [--rate 20]
        [--burst 3] [--json PATH]

On the PostgreSQL server the settings point at (``DATABASE_URL``, or the embedded one), it
creates a database of its own, ``polydesk_bench_chat_live`` (dropped at the end), migrates
it, provisions one client and gives it as many widget chats as the largest size. Then, per
size, twice:

- **live**: the live process as production runs it (``uvicorn --factory
  config.live:application``, one process), its tokens signed by the settings' key;
- **floor**: the same transport with an empty handler (``benchmarks/chat_live_floor.py``:
  uvicorn, one process, the waiters woken from an in-process event; no database).

Each run: (1) requests a second of answers given at once (``--burst`` seconds, 50
requests in flight, every chat already past ``after``); (2) the server's memory (VmRSS)
before and once every chat waits (one request in flight per chat, ``aiohttp`` in this
process): the difference divided by the chats is the cost of an open chat; (3) for
``--seconds``, "agents" reply at ``--rate`` a second in all, to chats drawn at random: live, a
thread here commits a message and ``widget.signals.chat_signal`` (one transaction); floor,
a POST that bumps the chat's counter. Each widget asks again at once with the seq it got.
The delay is from the moment before the commit (or the POST) to the widget's answer
carrying it: p50, p95, p99 (target p99 < 2 s). A reply whose seq no widget received within
3 s after the agents stop is "missed" (must be 0).

The load generator, PostgreSQL and the server share the machine: read the floor beside
the figures. Prints a line per run and one JSON line (``benchmarks/_report.py``).
"""

import argparse
import importlib.util
import os
import sys
from pathlib import Path

from _report import Report, json_option
from benchdb import bench_database, django_setup, server_find

HERE = Path(__file__).resolve().parent
BENCH_DATABASE = "polydesk_bench_chat_live"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="50,200", help="open chats per run, comma-separated")
    parser.add_argument("--seconds", type=float, default=20, help="agents replying, per run")
    parser.add_argument("--rate", type=float, default=20, help="replies a second, in all")
    parser.add_argument("--burst", type=float, default=3, help="seconds of answers at once")
    json_option(parser)
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    server = server_find(BENCH_DATABASE)
    print(f"database: {BENCH_DATABASE} on {server.label}")
    report = Report(
        "chat_live",
        {"chats": sizes, "seconds": args.seconds, "replies_per_s": args.rate},
    )
    with bench_database(server):
        django_setup(BENCH_DATABASE)
        report.server_describe()
        # The work imports the models, which need the settings django_setup() just pointed
        # at the bench database: loaded from its file, now.
        spec = importlib.util.spec_from_file_location("chat_live_work", HERE / "chat_live_work.py")
        assert spec is not None and spec.loader is not None
        work = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(work)
        work.run(args=args, sizes=sizes, report=report)
    return report.emit(args.json)


if __name__ == "__main__":
    sys.exit(main())
