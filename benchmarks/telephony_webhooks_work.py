"""The work of benchmarks/telephony_webhooks.py, which loads it by name once django_setup()
has pointed the settings at the bench database (the models below need those settings)."""

import http.client
import importlib
import io
import os
import random
import statistics
import subprocess
import threading
import time
import uuid
from dataclasses import dataclass
from urllib.parse import urlencode

from _report import Report
from benchdb import free_port, gunicorn_start, server_cpu_seconds
from django.core.management import call_command
from django.db import connection, connections
from django.test import override_settings
from django_tenants.utils import schema_context
from pg_wire import Proxy, cache_reads
from telephony_webhooks_cpu import Sampler, Share
from twilio.request_validator import RequestValidator

from demo.telephony import menus_ensure
from hours.models import BusinessHours
from telephony.models import PhoneNumber
from tenants.services import agency_ensure, client_provision

TOKEN = "bench-auth-token"  # noqa: S105 - signs loopback requests of this benchmark
NUMBER = "+420228880000"
EMPTY = "/bench/empty"
LATENCY_TARGET_MS = 50
CEILING_TARGET = 50  # % of the empty view's
ROUND_TRIPS_TARGET = 4  # a key press


def prepare() -> int:
    """Migrate, one client with a number and menus, open 24/7; returns the client id."""
    call_command("migrate_platform", verbosity=0)
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


def webhooks_gunicorn_start(
    port: int, workers: int, limit_set_calls: bool, database_url: str | None = None
) -> subprocess.Popen:
    # A benchmark is development: the development key and the filesystem broker are fine.
    env = {
        **os.environ,
        "POLYDESK_ENV": "development",
        "TWILIO_AUTH_TOKEN": TOKEN,
        "LOG_LEVEL": "WARNING",
        "DJANGO_DEBUG": "0",
    }
    if database_url:
        env["DATABASE_URL"] = database_url
    if limit_set_calls:
        env["POLYDESK_TENANT_LIMIT_SET_CALLS"] = "1"
    return gunicorn_start(
        "telephony_webhooks_wsgi:application", port=port, workers=workers, env=env
    )


class Load:
    """Callers in threads; latencies per webhook, in seconds. ``empty``: each caller posts
    a webhook-shaped request to the empty view instead of placing calls."""

    def __init__(self, *, port: int, client_id: int, think: float, empty: bool = False) -> None:
        self.port, self.client_id, self.think, self.empty = port, client_id, think, empty
        self.validator = RequestValidator(TOKEN)
        self.latencies: dict[str, list[float]] = (
            {"empty": []} if empty else {"incoming": [], "gather": []}
        )
        self.errors = 0
        self.lock = threading.Lock()
        self.stop = threading.Event()

    def post(self, kind: str, path: str, params: dict) -> bytes:
        signature = self.validator.compute_signature(f"http://localhost{path}", params)
        body = urlencode(params)
        started = time.perf_counter()
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        content = b""
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
        return content

    def one_call(self, index: int, think: float) -> bool:
        """An incoming call, then 2 (Slovak: the main menu), then 9 (repeat); False when
        stopped."""
        sid = "CA" + uuid.uuid4().hex
        base = {"CallSid": sid, "From": f"+4206010{index:05d}", "To": NUMBER}
        gather = f"/twilio/voice/c/{self.client_id}/gather"
        self.post("incoming", "/twilio/voice/incoming", base)
        for step, key in ((1, "2"), (2, "9")):
            if self.stop.wait(think):
                return False
            self.post("gather", f"{gather}?step={step}", {**base, "Digits": key})
        return not self.stop.wait(think)

    def caller(self, index: int) -> None:
        rng = random.Random(index)  # a load pattern, not secrets
        time.sleep(rng.uniform(0, self.think))  # callers do not all ring at the same instant
        params = {"CallSid": f"CA{index}", "From": f"+4206010{index:05d}", "To": NUMBER}
        while not self.stop.is_set():
            if self.empty:
                self.post("empty", EMPTY, params)
            elif not self.one_call(index, self.think):
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
    print(f"\n{title}  (load average {os.getloadavg()[0]:.1f})")
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


def sampled(title: str, load: Load, callers: int, seconds: float) -> tuple[dict, Share | None]:
    """A phase of ``callers`` for ``seconds``, with where the machine's cores went."""
    sampler = Sampler()
    elapsed = load.run(callers, seconds)
    share = sampler.stop()
    figures = summary(title, load, elapsed)
    if share is not None:
        share.print(sum(len(values) for values in load.latencies.values()))
    return figures, share


def serial(client_id: int, seconds: float, limit_set_calls: bool) -> dict[str, float]:
    """The CPU per request of a gunicorn of one worker with one caller and no pause, the
    empty view's and the webhooks': what gunicorn adds to the same work served in one
    process, without other workers or callers contending for the cores."""
    port = free_port()
    server = webhooks_gunicorn_start(port, 1, limit_set_calls)
    spent: dict[str, float] = {}
    try:
        for _ in range(5):  # the worker imports, connects, prepares, fills its caches
            Load(port=port, client_id=client_id, think=0.05).run(4, 1)
        for kind, empty in (("empty", True), ("webhooks", False)):
            load = Load(port=port, client_id=client_id, think=0, empty=empty)
            _, share = sampled(f"one worker, 1 caller, no pause: {kind}", load, 1, seconds)
            requests = sum(len(values) for values in load.latencies.values())
            if share is not None and requests:
                spent[kind] = share.per_request(requests)["gunicorn"]
    finally:
        server.terminate()
        server.wait(timeout=30)
    return spent


@dataclass
class Options:
    callers: int
    seconds: float
    think: float
    workers: int
    saturation_callers: int
    limit_set_calls: bool
    with_floor: bool
    cpu_calls: int
    serial_seconds: float = 8


def round_trips(client_id: int, limit_set_calls: bool) -> dict[str, int]:
    """Statements sent to PostgreSQL per webhook, counted at the wire (benchmarks/pg_wire.py)
    through a gunicorn of one worker, on a warm connection: the most of three calls, but
    for the reads that refill the process's cache (once per 5 s, on a slow machine within
    these calls). ``back``: the key * that leaves the returns submenu for the main menu."""
    params = connection.get_connection_params()
    proxy = Proxy((params.get("host") or "127.0.0.1", int(params.get("port") or 5432)))
    user, password = params.get("user") or "", params.get("password") or ""
    credentials = f"{user}:{password}@" if password else f"{user}@"
    url = f"postgresql://{credentials}127.0.0.1:{proxy.port}/{params['dbname']}?sslmode=disable"
    port = free_port()
    server = webhooks_gunicorn_start(port, 1, limit_set_calls, database_url=url)
    counted = {"incoming": 0, "gather": 0, "back": 0}
    gather = f"/twilio/voice/c/{client_id}/gather"
    try:
        load = Load(port=port, client_id=client_id, think=0)
        load.one_call(0, 0)  # the worker connects and fills its caches
        for n in range(3):
            sid = f"CAwire{n}"
            base = {"CallSid": sid, "From": "+420601000000", "To": NUMBER}
            steps = [("incoming", "/twilio/voice/incoming", base)] + [
                ("gather", f"{gather}?step={step}", {**base, "Digits": k})
                for step, k in ((1, "2"), (2, "9"))
            ]
            # Another call: Slovak, the returns submenu (2), then back to the main menu (*).
            back = {**base, "CallSid": f"CAwireback{n}"}
            steps += [("", "/twilio/voice/incoming", back)] + [
                (kind, f"{gather}?step={step}", {**back, "Digits": k})
                for kind, step, k in (("", 1, "2"), ("", 2, "2"), ("back", 3, "*"))
            ]
            for kind, path, body in steps:
                mark = proxy.wire.mark()
                load.post("incoming" if path.endswith("/incoming") else "gather", path, body)
                time.sleep(0.05)  # the request's last messages have crossed the proxy
                # Once per 5 s a request refills the process's cache (tenants.domains).
                sent = proxy.wire.since(mark)
                refills = cache_reads(sent)
                sent = [statement for statement in sent if statement not in refills]
                if not kind:
                    continue
                counted[kind] = max(counted[kind], len(sent))
                if n == 0:
                    print(f"  {kind}: {len(sent)} round trips: " + " | ".join(sent))
        if load.errors:
            raise SystemExit("the counted calls failed")
    finally:
        server.terminate()
        server.wait(timeout=30)
        proxy.stop()
    return counted


class InProcess:
    """The WSGI application called in this process (no gunicorn, no sockets): what a request
    costs in CPU, in the worker and in its PostgreSQL server process."""

    def __init__(self, client_id: int) -> None:
        self.app = importlib.import_module("telephony_webhooks_wsgi").application
        self.client_id = client_id
        self.validator = RequestValidator(TOKEN)

    def post(self, path: str, params: dict) -> None:
        body = urlencode(params).encode()
        route, _, query = path.partition("?")
        environ = {
            "REQUEST_METHOD": "POST",
            "PATH_INFO": route,
            "QUERY_STRING": query,
            "SCRIPT_NAME": "",
            "SERVER_NAME": "localhost",
            "SERVER_PORT": "80",
            "HTTP_HOST": "localhost",
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(body),
            "CONTENT_TYPE": "application/x-www-form-urlencoded",
            "CONTENT_LENGTH": str(len(body)),
            "HTTP_X_TWILIO_SIGNATURE": self.validator.compute_signature(
                f"http://localhost{path}", params
            ),
        }
        status: list[str] = []
        answer = b"".join(self.app(environ, lambda code, headers, *_: status.append(code)))
        if not status[0].startswith("200") or not answer.startswith(b"<?xml"):
            raise SystemExit(f"{path}: {status[0]} {answer[:200]!r}")

    def one_call(self, index: int) -> None:
        base = {"CallSid": "CA" + uuid.uuid4().hex, "From": f"+4206010{index:05d}", "To": NUMBER}
        gather = f"/twilio/voice/c/{self.client_id}/gather"
        self.post("/twilio/voice/incoming", base)
        for step, key in ((1, "2"), (2, "9")):
            self.post(f"{gather}?step={step}", {**base, "Digits": key})

    def empty(self, index: int) -> None:
        self.post(EMPTY, {"CallSid": f"CA{index}", "From": f"+4206010{index:05d}", "To": NUMBER})


def cpu_per_request(client_id: int, calls: int) -> dict[str, tuple[float, float | None]]:
    """(worker, server) CPU milliseconds per request of the empty view and of the webhooks
    (an incoming call and two keys), alternately, twice each; the lower of the two."""
    measured: dict[str, list[tuple[float, float | None]]] = {"empty": [], "webhooks": []}
    # The benchmark's own settings: its token, and no query log (DEBUG) in this process.
    with override_settings(TWILIO_AUTH_TOKEN=TOKEN, DEBUG=False):
        served = InProcess(client_id)
        for index in range(20):  # imports, the caches, the prepared statements
            served.one_call(index)
            served.empty(index)
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            pid = cursor.fetchone()[0]
        for _ in range(2):
            for kind, action, requests in (
                ("empty", served.empty, 1),
                ("webhooks", served.one_call, 3),
            ):
                server, worker = server_cpu_seconds(pid), time.process_time()
                for index in range(calls):
                    action(index)
                worker = time.process_time() - worker
                after = server_cpu_seconds(pid)
                spent = after - server if server is not None and after is not None else None
                per = 1000 / (calls * requests)
                measured[kind].append((worker * per, spent * per if spent is not None else None))
    connections.close_all()
    return {kind: min(values, key=lambda pair: pair[0]) for kind, values in measured.items()}


def run(options: Options, report: Report) -> None:
    report.server_describe()
    client_id = prepare()
    connections.close_all()
    print("\nround trips per webhook, counted at the wire (one worker, warm connection)")
    trips = round_trips(client_id, options.limit_set_calls)
    cpu = cpu_per_request(client_id, options.cpu_calls)
    print("\nCPU per request in one process (no gunicorn), worker + its PostgreSQL server")
    for kind, (worker, server) in cpu.items():
        server_text = f"{server:.2f} ms" if server is not None else "not readable"
        print(f"  {kind:9} worker {worker:.2f} ms  server {server_text}")
    port = free_port()
    server = webhooks_gunicorn_start(port, options.workers, options.limit_set_calls)
    try:
        print(
            f"\ngunicorn: {options.workers} sync workers on 127.0.0.1:{port}; "
            f"{os.cpu_count()} CPUs"
            + ("; TENANT_LIMIT_SET_CALLS on" if options.limit_set_calls else "")
        )
        # Every worker imports, connects and prepares before measuring: on a busy machine a
        # worker may take many seconds to boot, and a request it holds up would be counted.
        for _ in range(20):
            warm = Load(port=port, client_id=client_id, think=0.05)
            warm.run(10, 3)
            slowest = max((max(v) for v in warm.latencies.values() if v), default=None)
            if not warm.errors and slowest is not None and slowest < 1:
                break
        floor: dict = {}
        if options.with_floor:
            alone = Load(port=port, client_id=client_id, think=0)
            floor, _ = sampled(
                "1 caller alone, no pause (the latency floor)", alone, 1, options.seconds / 3
            )
        empty = Load(port=port, client_id=client_id, think=0, empty=True)
        empty_ceiling, empty_share = sampled(
            f"the empty view, {options.saturation_callers} callers without pause "
            "(the ceiling's floor)",
            empty,
            options.saturation_callers,
            options.seconds / 2,
        )
        paced = Load(port=port, client_id=client_id, think=options.think)
        concurrent = summary(
            f"{options.callers} concurrent calls, {options.think} s between a caller's requests",
            paced,
            paced.run(options.callers, options.seconds),
        )
        flat_out = Load(port=port, client_id=client_id, think=0)
        saturation, saturation_share = sampled(
            f"webhooks, {options.saturation_callers} callers without pause (the ceiling)",
            flat_out,
            options.saturation_callers,
            options.seconds / 2,
        )
    finally:
        server.terminate()
        server.wait(timeout=30)
    callers = options.callers
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
            target=LATENCY_TARGET_MS,
        )
    report.figure(
        f"ceiling: webhooks, {options.saturation_callers} callers without pause",
        saturation["rate"],
        "requests/s",
        better="higher",
        floor=empty_ceiling["rate"],
    )
    report.figure(
        "ceiling / the empty view's",
        100 * saturation["rate"] / empty_ceiling["rate"],
        "%",
        better="higher",
        target=CEILING_TARGET,
    )
    if saturation_share is not None and empty_share is not None:
        report.figure(
            "ceiling: CPU idle, webhooks", saturation_share.idle, "%", floor=empty_share.idle
        )
        requests = round(saturation["rate"] * saturation_share.seconds)
        empty_requests = round(empty_ceiling["rate"] * empty_share.seconds)
        mine, theirs = (
            saturation_share.per_request(requests),
            empty_share.per_request(empty_requests),
        )
        for group in mine:
            report.figure(
                f"ceiling: CPU per request, {group}", mine[group], "ms", floor=theirs[group]
            )
        # What the ratio of the ceilings would be if the rest of the machine had taken the
        # same share of the cores in both phases (both phases leave no core idle).
        if requests and empty_requests:
            by_cpu = 100 * empty_share.ours(empty_requests) / saturation_share.ours(requests)
            print(
                f"\nthe ceilings' ratio from the CPU per request of what serves it: {by_cpu:.1f} %"
            )
            report.figure("ceiling / the empty view's, from CPU per request", by_cpu, "%")
        if requests:
            report.figure(
                "ceiling: WAL flushes per webhook", saturation_share.wal[2] / requests, "flushes"
            )
    for kind, (worker, server) in cpu.items():
        report.figure(f"cpu per request: {kind}, worker", worker, "ms")
        if server is not None:
            report.figure(f"cpu per request: {kind}, server", server, "ms")
    if options.serial_seconds:
        print("\ngunicorn of one worker, one caller: its CPU per request against one process's")
        for kind, gunicorn in serial(
            client_id, options.serial_seconds, options.limit_set_calls
        ).items():
            report.figure(
                f"cpu per request: {kind}, one gunicorn worker, 1 caller",
                gunicorn,
                "ms",
                floor=cpu[kind][0],
            )
    report.figure("round trips: incoming call", trips["incoming"], "statements")
    report.figure(
        "round trips: key press", trips["gather"], "statements", target=ROUND_TRIPS_TARGET
    )
    report.figure(
        "round trips: key press back", trips["back"], "statements", target=ROUND_TRIPS_TARGET
    )
    report.check(
        "errors",
        floor.get("errors", 0)
        + empty_ceiling["errors"]
        + concurrent["errors"]
        + saturation["errors"],
    )
