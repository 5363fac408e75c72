"""Benchmark of outbound webhooks: N events to a local receiver that fails a fifth of calls.

Run from the repository root::

    .venv/bin/python benchmarks/outbound_webhooks.py [--sizes 1000,10000] [--clients 2]

On the PostgreSQL server the settings point at (``DATABASE_URL``, or the embedded one) it
creates a database of its own, ``polydesk_bench_webhooks`` (dropped at the end), migrates it
and provisions ``--clients`` clients, each with one endpoint (every event) at a receiver
in this process (a threaded HTTP server): it answers 500 to ``--fail-share`` of the calls
and lets ``--timeout-share`` of them run past the sender's timeout (then answers 503, so
that a timed-out call is no delivery), 204 to the rest, and notes per webhook-id when it
first came and whether a 2xx was already given.

1. The floor: the same number of plain POSTs (``requests``, one loop, no Polydesk) to the
   same receiver, failing as often: the time they take.
2. The run, per size, once the worker has sent one warm-up event a client: this process
   emits the events (``core.events.webhook_event_emit``,
   one transaction each, the clients in turn) and plays the beat (the outbox sweep every
   ``--sweep`` seconds); a real Celery worker (threads pool) sends, on the broker of
   ``CELERY_BROKER_URL`` (Redis, RabbitMQ, or the filesystem default). The retry schedule
   is multiplied by ``--retry-scale`` (``POLYDESK_WEBHOOKS_RETRY_SCALE``, the benchmark's
   only), so that a day of retries takes seconds.
3. Counted: events delivered (a 2xx given for their webhook-id: all must be), duplicates
   (a call for a webhook-id that already had its 2xx), the delay from the event to its
   first call (p50, p99), the total time from the first event to the last delivery, the
   worker's peak memory (VmHWM).

Prints one JSON line (``benchmarks/_report.py``; the raw measurements under ``details``).
"""

import argparse
import contextlib
import importlib.util
import os
import random
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import requests
from _report import Report, json_option
from benchdb import bench_database, django_setup, server_find

HERE = Path(__file__).resolve().parent

BENCH_DATABASE = "polydesk_bench_webhooks"


class Receiver:
    """A client's system that fails some calls; what it saw, by webhook-id."""

    def __init__(self, *, fail_share: float, timeout_share: float, stall: float) -> None:
        self.fail_share, self.timeout_share, self.stall = fail_share, timeout_share, stall
        self._random = random.Random(20)
        self._lock = threading.Lock()
        self.reset()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                arrived = time.time()
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                status = receiver.answer(self.headers.get("webhook-id", ""), arrived, body)
                # The sender may have given up (its timeout): nothing to answer then.
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self.send_response(status)
                    self.send_header("Content-Length", "0")
                    self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def reset(self) -> None:
        with self._lock:
            self.calls = 0
            self.first_seen: dict[str, float] = {}
            self.delivered: set[str] = set()
            self.duplicates = 0
            self.duplicated: set[str] = set()

    def answer(self, webhook_id: str, arrived: float, body: bytes) -> int:
        with self._lock:
            self.calls += 1
            self.first_seen.setdefault(webhook_id, arrived)
            if webhook_id in self.delivered:
                self.duplicates += 1
                self.duplicated.add(webhook_id)
            draw = self._random.random()
        if draw < self.timeout_share:
            time.sleep(self.stall)  # past the sender's timeout: it has given up
            return 503
        if draw < self.timeout_share + self.fail_share:
            return 500
        with self._lock:
            self.delivered.add(webhook_id)
        return 204

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def floor(receiver: Receiver, count: int, timeout: float) -> float:
    """Seconds that ``count`` plain POSTs (one loop, a timeout as Polydesk's) take."""
    body = b'{"type":"invoice.issued","data":{"invoice_id":1}}'
    started = time.perf_counter()
    for n in range(count):
        # A timeout is counted in the time, as it is in the run.
        with contextlib.suppress(requests.RequestException):
            requests.post(
                receiver.url,
                data=body,
                headers={"content-type": "application/json", "webhook-id": f"floor_{n}"},
                timeout=timeout,
            ).close()
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000", help="events per run, comma-separated")
    parser.add_argument("--clients", type=int, default=2)
    parser.add_argument("--concurrency", type=int, default=8, help="the worker's threads")
    parser.add_argument("--fail-share", type=float, default=0.18, help="calls answered 500")
    parser.add_argument("--timeout-share", type=float, default=0.02, help="calls that time out")
    parser.add_argument("--timeout", type=float, default=0.25, help="the sender's timeout, s")
    parser.add_argument("--sweep", type=float, default=0.5, help="seconds between sweeps")
    parser.add_argument("--retry-scale", type=float, default=0.0001)
    parser.add_argument("--wait", type=float, default=900, help="seconds to wait per size")
    json_option(parser)
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    os.environ["POLYDESK_WEBHOOKS_RETRY_SCALE"] = str(args.retry_scale)
    os.environ["POLYDESK_WEBHOOKS_TIMEOUT_SECONDS"] = str(args.timeout)
    os.environ["POLYDESK_WEBHOOKS_ALLOW_PRIVATE_ADDRESSES"] = "1"  # the local receiver
    if not os.environ.get("CELERY_BROKER_URL"):
        # The filesystem broker by default: a folder of this run's own.
        os.environ["CELERY_FILESYSTEM_FOLDER"] = tempfile.mkdtemp(prefix="bench-webhooks-")
    server = server_find(BENCH_DATABASE)
    print(f"database: {BENCH_DATABASE} on {server.label}")
    receiver = Receiver(
        fail_share=args.fail_share, timeout_share=args.timeout_share, stall=args.timeout * 2
    )
    report = Report(
        "outbound_webhooks",
        {
            "events": sizes,
            "clients": args.clients,
            "worker_threads": args.concurrency,
            "failing_share": round(args.fail_share + args.timeout_share, 3),
        },
    )
    try:
        with bench_database(server):
            django_setup(BENCH_DATABASE)
            report.server_describe()
            # The work imports the models, which need the settings django_setup() just
            # pointed at the bench database: loaded from its file, now.
            spec = importlib.util.spec_from_file_location(
                "outbound_webhooks_work", HERE / "outbound_webhooks_work.py"
            )
            assert spec is not None and spec.loader is not None
            work = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(work)
            work.run(args=args, sizes=sizes, receiver=receiver, floor=floor, report=report)
    finally:
        receiver.stop()
    return report.emit(args.json)


if __name__ == "__main__":
    sys.exit(main())
