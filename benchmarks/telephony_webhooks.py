"""Benchmark of the voice webhooks: incoming call and key presses, served by gunicorn.

Run from the repository root::

    .venv/bin/python benchmarks/telephony_webhooks.py [--callers 100] [--seconds 30]

On the PostgreSQL server the settings point at (``DATABASE_URL``, or the embedded one), it
creates a database of its own, ``polydesk_bench_telephony`` (dropped at the end), migrates
it and provisions one client with a number, the demo's menus (a language choice, then the
main menu) and business hours open around the clock. Then it starts gunicorn on loopback
(``config.wsgi``, sync workers) and a load generator in this process (Python threads, one
per caller; wrk is not needed): each caller places call after call, every call being

    POST /twilio/voice/incoming       (a new CallSid: Call row, language menu)
    POST .../gather?step=1  Digits=2  (Slovak: the main menu in Slovak)
    POST .../gather?step=2  Digits=9  (repeat the menu)

signed like Twilio signs them, with ``--think`` seconds between a caller's requests (a
caller listens to a prompt before pressing a key). First the floor: one caller alone with no
pause (``--no-floor`` leaves it out). It prints p50/p99/max latency per webhook and requests
per second, then the same with no think time at all (every caller
firing at once: the saturation throughput; latency there is mostly waiting for a worker).
Target: p99 < 50 ms at 100 concurrent calls.
"""

import argparse
import http.client
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import urlencode

from _report import Report, json_option
from benchdb import bench_database, django_setup, server_find

BENCH_DATABASE = "polydesk_bench_telephony"
TOKEN = "bench-auth-token"  # noqa: S105 - signs loopback requests of this benchmark
NUMBER = "+420228880000"
ROOT = Path(__file__).resolve().parents[1]


def prepare() -> int:
    """Migrate, one client with a number and menus, open 24/7; returns the client id."""
    from django.core.management import call_command

    call_command("migrate_platform", verbosity=0)
    # After django_setup() has pointed the settings at the bench database: not at the top.
    from django_tenants.utils import schema_context

    from demo.telephony import menus_ensure
    from hours.models import BusinessHours
    from telephony.models import PhoneNumber
    from tenants.services import agency_ensure, client_provision

    agency_ensure()
    client = client_provision(
        slug="bench-shop",
        name="Bench Shop",
        countries=["CZ", "SK"],
        languages=["cs", "sk", "en"],
        time_zone="Europe/Prague",
        currency="CZK",
    ).client
    client.status = "active"
    client.save(update_fields=["status"])
    number = PhoneNumber.objects.create(
        number=NUMBER, client=client, country="CZ", default_language="cs"
    )
    BusinessHours.objects.create(
        client=client, weekly={str(day): [["00:00", "24:00"]] for day in range(7)}
    )
    with schema_context(client.schema_name):
        menus_ensure(client, [number])
    return client.pk


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def gunicorn_start(port: int, workers: int, limit_set_calls: bool) -> subprocess.Popen:
    # A benchmark is development: the development key and the filesystem broker are fine.
    env = {
        **os.environ,
        "POLYDESK_ENV": "development",
        "TWILIO_AUTH_TOKEN": TOKEN,
        "LOG_LEVEL": "WARNING",
        "DJANGO_DEBUG": "0",
    }
    if limit_set_calls:
        env["POLYDESK_TENANT_LIMIT_SET_CALLS"] = "1"
    gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent))
    process = subprocess.Popen(
        [
            gunicorn or "gunicorn",
            "config.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return process
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit("gunicorn did not start")


class Load:
    """Callers in threads; latencies per webhook, in seconds."""

    def __init__(self, *, port: int, client_id: int, think: float) -> None:
        from twilio.request_validator import RequestValidator

        self.port, self.client_id, self.think = port, client_id, think
        self.validator = RequestValidator(TOKEN)
        self.latencies: dict[str, list[float]] = {"incoming": [], "gather": []}
        self.errors = 0
        self.lock = threading.Lock()
        self.stop = threading.Event()

    def post(self, kind: str, path: str, params: dict) -> None:
        signature = self.validator.compute_signature(f"http://localhost{path}", params)
        body = urlencode(params)
        started = time.perf_counter()
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            connection.request(
                "POST",
                path,
                body,
                {
                    "Host": "localhost",
                    "X-Twilio-Signature": signature,
                    "Content-Type": "application/x-www-form-urlencoded",
                },
            )
            response = connection.getresponse()
            content = response.read()
            ok = response.status == 200 and content.startswith(b"<?xml")
        except OSError:
            ok = False
        finally:
            connection.close()
        elapsed = time.perf_counter() - started
        with self.lock:
            if ok:
                self.latencies[kind].append(elapsed)
            else:
                self.errors += 1

    def caller(self, index: int) -> None:
        rng = random.Random(index)  # a load pattern, not secrets
        time.sleep(rng.uniform(0, self.think))  # callers do not all ring at the same instant
        gather = f"/twilio/voice/c/{self.client_id}/gather"
        while not self.stop.is_set():
            sid = "CA" + uuid.uuid4().hex
            base = {"CallSid": sid, "From": f"+4206010{index:05d}", "To": NUMBER}
            self.post("incoming", "/twilio/voice/incoming", base)
            for step, key in ((1, "2"), (2, "9")):
                if self.stop.wait(self.think):
                    return
                self.post("gather", f"{gather}?step={step}", {**base, "Digits": key})
            if self.stop.wait(self.think):
                return

    def run(self, callers: int, seconds: float) -> float:
        threads = [threading.Thread(target=self.caller, args=(i,)) for i in range(callers)]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        time.sleep(seconds)
        self.stop.set()
        for thread in threads:
            thread.join()
        return time.perf_counter() - started


def summary(title: str, load: Load, elapsed: float) -> dict:
    """Print one phase's latencies; returns them in ms per webhook (p50, p99, max), with
    the requests per second and the errors."""
    print(f"\n{title}")
    total = 0
    figures: dict = {"errors": load.errors}
    for kind, values in load.latencies.items():
        values.sort()
        total += len(values)
        if not values:
            continue
        p99 = values[min(len(values) - 1, int(len(values) * 0.99))]
        figures[kind] = (statistics.median(values) * 1000, p99 * 1000, values[-1] * 1000)
        print(
            f"  {kind:9} n={len(values):6}  p50 {figures[kind][0]:6.1f} ms"
            f"  p99 {figures[kind][1]:6.1f} ms  max {figures[kind][2]:6.1f} ms"
        )
    figures["rate"] = total / elapsed
    print(f"  {figures['rate']:.0f} requests/s over {elapsed:.0f} s, errors: {load.errors}")
    return figures


def run(
    callers: int,
    seconds: float,
    think: float,
    workers: int,
    limit_set_calls: bool,
    with_floor: bool,
    report: Report,
) -> None:
    django_setup(BENCH_DATABASE)
    report.server_describe()
    client_id = prepare()
    from django.db import connections

    connections.close_all()
    port = free_port()
    server = gunicorn_start(port, workers, limit_set_calls)
    try:
        print(
            f"gunicorn: {workers} sync workers on 127.0.0.1:{port}; {os.cpu_count()} CPUs"
            + ("; TENANT_LIMIT_SET_CALLS on" if limit_set_calls else "")
        )
        warm = Load(port=port, client_id=client_id, think=0.05)
        warm.run(10, 3)  # workers import and connect before measuring
        floor: dict = {}
        if with_floor:
            alone = Load(port=port, client_id=client_id, think=0)
            floor = summary(
                "1 caller alone, no pause (the floor)", alone, alone.run(1, seconds / 3)
            )
        paced = Load(port=port, client_id=client_id, think=think)
        concurrent = summary(
            f"{callers} concurrent calls, {think} s between a caller's requests",
            paced,
            paced.run(callers, seconds),
        )
        flat_out = Load(port=port, client_id=client_id, think=0)
        saturation = summary(
            f"{callers} callers with no think time (saturation)",
            flat_out,
            flat_out.run(callers, seconds / 2),
        )
    finally:
        server.terminate()
        server.wait(timeout=30)
    for kind in ("incoming", "gather"):
        mine, alone = concurrent.get(kind), floor.get(kind)
        if mine is None:
            continue
        report.figure(
            f"{kind}: p50 at {callers} calls", mine[0], "ms", floor=alone[0] if alone else None
        )
        report.figure(
            f"{kind}: p99 at {callers} calls",
            mine[1],
            "ms",
            floor=alone[1] if alone else None,
            target=50,
        )
    report.figure(
        f"saturation, {callers} callers without pause",
        saturation["rate"],
        "requests/s",
        better="higher",
    )
    report.check("errors", floor.get("errors", 0) + concurrent["errors"] + saturation["errors"])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--callers", type=int, default=100)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument(
        "--think", type=float, default=5.0, help="seconds between a caller's requests"
    )
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument(
        "--limit-set-calls",
        action="store_true",
        help="force TENANT_LIMIT_SET_CALLS = True (the project's default; "
        "POLYDESK_TENANT_LIMIT_SET_CALLS=0 serves without it)",
    )
    parser.add_argument(
        "--no-floor", action="store_true", help="do not measure one caller alone first (the floor)"
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
    }
    report = Report("telephony_webhooks", sizes)
    with bench_database(server):
        run(
            args.callers,
            args.seconds,
            args.think,
            args.workers,
            args.limit_set_calls,
            not args.no_floor,
            report,
        )
    return report.emit(args.json)


if __name__ == "__main__":
    sys.exit(main())
