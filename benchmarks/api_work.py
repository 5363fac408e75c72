"""The work of benchmarks/api.py, which loads it by name once django_setup() has pointed
the settings at the bench database (the models below need those settings)."""

import http.client
import itertools
import json
import os
import subprocess
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

from _report import Report
from benchdb import free_port, gunicorn_start
from django.core.management import call_command
from django.db import connection, connections
from django_tenants.utils import schema_context

from tenants.services import agency_ensure, api_key_issue, client_provision

LIST_TARGET_MS = 100  # the issue sets none for a create: its p99 is reported beside the floor

FILL = """
INSERT INTO customers_customer (name, email, phone, language, country, shop_reference,
                                created_at)
SELECT (ARRAY['Řehoř','Jiří','Žofie','Šárka','Tomáš','Ľubica','Zuzana','Petr'])[1 + g %% 8]
       || ' ' || (ARRAY['Novák','Dvořák','Černý','Procházka'])[1 + (g / 8) %% 4] || ' ' || g,
       'c' || g || '@shop.example', '+42060' || lpad(g::text, 7, '0'), 'cs', 'CZ', '',
       now() - make_interval(mins => g)
FROM generate_series(1, %(n)s) g;
INSERT INTO conversations_conversation (channel, subject, language,
    language_uncertain, language_detected, language_decided_by, status, priority, category,
    tags, created_at, resolved_automatically,
    reopen_count, automatic, started_by_agent, spam, customer_id)
SELECT (ARRAY['email','chat','sms','api'])[1 + g %% 4],
       (ARRAY['Reklamace bot','Doprava do Žiliny','Vrácení sedačky','Faktura č. ' || g])
           [1 + g %% 4],
       'cs', false, 'cs', 'text', (ARRAY['new','open','resolved'])[1 + g %% 3], 0, '', '{}',
       now() - make_interval(mins => g), false, 0, false, false, false, c.id
FROM generate_series(1, %(n)s) g
JOIN customers_customer c ON c.phone = '+42060' || lpad(g::text, 7, '0');
ANALYZE customers_customer;
ANALYZE conversations_conversation;
ANALYZE public.search_searchdocument;
"""


def client_filled(size: int) -> str:
    """A client of ``size`` conversations; its API key."""
    client = client_provision(
        slug=f"bench-api-{size}",
        name=f"Bench API {size}",
        countries=["CZ"],
        languages=["cs"],
        time_zone="Europe/Prague",
        currency="CZK",
    ).client
    started = time.perf_counter()
    with schema_context(client.schema_name), connection.cursor() as cursor:
        cursor.execute(FILL, {"n": size})
    print(f"filled {size:,} conversations in {time.perf_counter() - started:.1f} s")
    return api_key_issue(client=client, name="bench")[1]


def api_gunicorn_start(port: int, workers: int) -> subprocess.Popen:
    # A benchmark is development: the development key and the filesystem broker are fine.
    # DATABASE_URL is the bench database's (benchdb.bench_database set it).
    env = {**os.environ, "POLYDESK_ENV": "development", "DJANGO_DEBUG": "0"}
    return gunicorn_start("api_wsgi:application", port=port, workers=workers, env=env)


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    headers: dict[str, str]
    body: Callable[[], bytes | None]  # a new body each time (a create makes a new customer)
    expected: tuple[int, ...]


@dataclass
class Measured:
    latencies: list[float] = field(default_factory=list)  # seconds
    errors: list[str] = field(default_factory=list)
    elapsed: float = 0.0

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.elapsed if self.elapsed else 0.0

    def ms(self, share: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1000


def load(port: int, request: Request, *, concurrency: int, seconds: float) -> Measured:
    """``concurrency`` threads sending ``request`` one after another for ``seconds``."""
    measured, lock, stop = Measured(), threading.Lock(), threading.Event()

    def sender() -> None:
        while not stop.is_set():
            started = time.perf_counter()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            try:
                conn.request(
                    request.method,
                    request.path,
                    request.body(),
                    {"Host": "localhost", **request.headers},
                )
                response = conn.getresponse()
                content = response.read()
                problem = (
                    ""
                    if response.status in request.expected
                    else f"{response.status} {content[:120]!r}"
                )
            except OSError as error:
                problem = f"{type(error).__name__}: {error}"
            finally:
                conn.close()
            took = time.perf_counter() - started
            with lock:
                if problem:
                    measured.errors.append(problem)
                else:
                    measured.latencies.append(took)

    threads = [threading.Thread(target=sender) for _ in range(concurrency)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    time.sleep(seconds)
    stop.set()
    for thread in threads:
        thread.join()
    measured.elapsed = time.perf_counter() - started
    return measured


def get(path: str, key: str = "") -> Request:
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    return Request("GET", path, headers, lambda: None, (200, 302))


def create(key: str) -> Request:
    numbers = itertools.count()

    def body() -> bytes:
        n = next(numbers)
        return json.dumps(
            {
                "text": f"Dobrý den, kde je moje objednávka č. {n}? Děkuji, Jana",
                "customer": {"email": f"bench-{uuid.uuid4().hex[:12]}@shop.example"},
                "external_id": f"bench-{n}-{uuid.uuid4().hex}",
            }
        ).encode()

    headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
    return Request("POST", "/api/v1/messages", headers, body, (201,))


def run(
    *, sizes: list[int], seconds: float, concurrency: int, workers: int, report: Report
) -> None:
    call_command("migrate_platform", verbosity=0)
    agency_ensure()
    keys = {size: client_filled(size) for size in sizes}
    connections.close_all()  # gunicorn's workers have their own
    port = free_port()
    server = api_gunicorn_start(port, workers)
    errors: list[str] = []
    try:
        print(f"gunicorn: {workers} sync workers on 127.0.0.1:{port}; {os.cpu_count()} CPUs")
        # Workers import and connect before measuring.
        load(port, get("/api/v1/conversations", keys[sizes[0]]), concurrency=workers, seconds=3)

        def measure(label: str, request: Request) -> Measured:
            measured = load(port, request, concurrency=concurrency, seconds=seconds)
            errors.extend(measured.errors)
            print(
                f"  {label:<34} {measured.rate:6.0f} req/s, p50 {measured.ms(0.5):6.1f} ms,"
                f" p99 {measured.ms(0.99):6.1f} ms, errors {len(measured.errors)}"
            )
            return measured

        print(f"{concurrency} requests in flight, {seconds:.0f} s each:")
        floor = measure("floor, GET /api/v1/ (a redirect)", get("/api/v1/"))
        report.figure(
            "floor, /api/v1/ (a redirect): requests/s", floor.rate, "req/s", better="higher"
        )
        report.figure("floor, /api/v1/: p99", floor.ms(0.99), "ms")
        for size in sizes:
            listed = measure(
                f"list conversations, {size:,}", get("/api/v1/conversations", keys[size])
            )
            report.figure(
                f"list conversations, {size:,}: requests/s",
                listed.rate,
                "req/s",
                better="higher",
                floor=floor.rate,
            )
            report.figure(
                f"list conversations, {size:,}: p99",
                listed.ms(0.99),
                "ms",
                floor=floor.ms(0.99),
                target=LIST_TARGET_MS,
            )
        for size in sizes:
            made = measure(f"create a message, {size:,}", create(keys[size]))
            report.figure(
                f"create a message, {size:,}: requests/s",
                made.rate,
                "req/s",
                better="higher",
                floor=floor.rate,
            )
            report.figure(
                f"create a message, {size:,}: p99",
                made.ms(0.99),
                "ms",
                floor=floor.ms(0.99),
            )
    finally:
        server.terminate()
        server.wait(timeout=30)
    for error in sorted(set(errors))[:5]:
        print(f"  error: {error}")
    report.check("errors (answers other than expected)", len(errors))
