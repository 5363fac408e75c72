"""Benchmark of the voice webhooks: incoming call and key presses, served by gunicorn.

Run from the repository root::

    .venv/bin/python benchmarks/telephony_webhooks.py [--callers 400] [--seconds 30]
        [--think 5] [--workers 4] [--saturation-callers 32] [--cpu-calls 300] [--json PATH]

On the PostgreSQL server the settings point at (``DATABASE_URL``, or the embedded one), it
creates a database of its own, ``polydesk_bench_telephony`` (dropped at the end), migrates
it and provisions one client with a number, the demo's menus (a language choice, then the
main menu) and business hours open around the clock. Then it starts gunicorn on loopback
(``config.wsgi`` through ``benchmarks/telephony_webhooks_wsgi.py``, which adds the floor's
empty view; sync workers) and a load generator in this process (Python threads, one per
caller; wrk is not needed): each caller places call after call, every call being

    POST /twilio/voice/incoming       (a new CallSid: Call row, language menu)
    POST .../gather?step=1  Digits=2  (Slovak: the main menu in Slovak)
    POST .../gather?step=2  Digits=9  (repeat the menu)

signed like Twilio signs them, with ``--think`` seconds between a caller's requests (a
caller listens to a prompt before pressing a key). In order, in one run:

- round trips: the statements each webhook sends to PostgreSQL, counted at the wire by a
  proxy (benchmarks/pg_wire.py) in front of a gunicorn of one worker, warm (target for a
  key press: at most 4), and of the key * that goes back from the returns submenu;
- CPU per request: the empty view and the webhooks called in this process (the same WSGI
  application, no gunicorn nor sockets), ``--cpu-calls`` calls and as many empty requests,
  alternately, twice: this process's CPU time and its PostgreSQL server process's (read
  from /proc, when the server runs on this machine). Unlike the ceilings, it hardly moves
  when other work shares the machine, and it says where the ceiling's time goes;
- the latency floor: one caller alone with no pause (``--no-floor`` leaves it out);
- the ceiling's floor: the empty view (the same middleware, a constant answer), with
  ``--saturation-callers`` callers and no pause;
- ``--callers`` concurrent calls with think time: p50/p99 per webhook (target p99 < 50 ms);
- the ceiling: the webhooks with ``--saturation-callers`` callers and no pause, requests
  per second, and its ratio to the empty view's (target at least 50 %);
- what gunicorn adds: the empty view and the webhooks served by a gunicorn of one worker,
  one caller without pause, ``--serial-seconds`` each, the worker's CPU per request against
  the same requests' in this process.

Each phase served by gunicorn also prints where the machine's cores went
(benchmarks/telephony_webhooks_cpu.py): busy and idle, the CPU and the context switches per
request of the gunicorn workers, the PostgreSQL backends, PostgreSQL's own processes and
the load generator (this process), the rest of the machine, and the WAL flushed. The
ceilings' ratio is also given from the CPU per request of what serves them, which does not
depend on the share of the cores other work on the machine took during each phase.
"""

import argparse
import importlib
import os
import sys

from _report import Report, json_option
from benchdb import bench_database, django_setup, server_find

BENCH_DATABASE = "polydesk_bench_telephony"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--callers", type=int, default=400)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument(
        "--think", type=float, default=5.0, help="seconds between a caller's requests"
    )
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument(
        "--saturation-callers",
        type=int,
        default=32,
        help="callers without pause for the two ceilings (the empty view's, the webhooks')",
    )
    parser.add_argument(
        "--limit-set-calls",
        action="store_true",
        help="force TENANT_LIMIT_SET_CALLS = True (the project's default; "
        "POLYDESK_TENANT_LIMIT_SET_CALLS=0 serves without it)",
    )
    parser.add_argument(
        "--no-floor", action="store_true", help="do not measure one caller alone first (the floor)"
    )
    parser.add_argument(
        "--cpu-calls",
        type=int,
        default=300,
        help="calls (and as many empty requests) served in this process to measure CPU time",
    )
    parser.add_argument(
        "--serial-seconds",
        type=float,
        default=8,
        help="seconds of each of the last two phases (0: left out): the empty view and the "
        "webhooks served by a gunicorn of one worker, one caller without pause",
    )
    json_option(parser)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    server = server_find(BENCH_DATABASE)
    print(f"server: {server.label}")
    sizes = {
        "callers": args.callers,
        "seconds": args.seconds,
        "think": args.think,
        "workers": args.workers,
        "saturation_callers": args.saturation_callers,
    }
    report = Report("telephony_webhooks", sizes)
    with bench_database(server):
        django_setup(BENCH_DATABASE)
        work = importlib.import_module("telephony_webhooks_work")
        options = work.Options(
            callers=args.callers,
            seconds=args.seconds,
            think=args.think,
            workers=args.workers,
            saturation_callers=args.saturation_callers,
            limit_set_calls=args.limit_set_calls,
            with_floor=not args.no_floor,
            cpu_calls=args.cpu_calls,
            serial_seconds=args.serial_seconds,
        )
        work.run(options, report)
    return report.emit(args.json)


if __name__ == "__main__":
    sys.exit(main())
