"""The work of benchmarks/api.py, which loads it by name once django_setup() has pointed
the settings at the bench database (the models below need those settings)."""

import statistics
import time

from _report import Report
from django.core.management import call_command
from django.db import connection
from django.test import Client as HttpClient
from django_tenants.utils import schema_context

from restapi import api as restapi_api
from tenants.services import agency_ensure, api_key_issue, client_provision

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


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def timings(http, path: str, requests: int, **headers) -> list[float]:
    seen = []
    for _ in range(requests):
        started = time.perf_counter()
        response = http.get(path, secure=True, **headers)  # production redirects plain HTTP
        seen.append((time.perf_counter() - started) * 1000)
        if response.status_code not in (200, 302):
            raise SystemExit(f"{path}: {response.status_code} {response.content[:200]!r}")
    return seen


def run(conversations: int, requests: int, report: Report) -> None:
    call_command("migrate_platform", verbosity=0)
    agency_ensure()
    client = client_provision(
        slug="bench-api",
        name="Bench API",
        countries=["CZ"],
        languages=["cs"],
        time_zone="Europe/Prague",
        currency="CZK",
    ).client
    with schema_context(client.schema_name):
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(FILL, {"n": conversations})
    print(f"filled {conversations:,} conversations in {time.perf_counter() - started:.1f} s")
    restapi_api.RATE_LIMIT = 10**9
    _, key = api_key_issue(client=client, name="bench")
    http = HttpClient(HTTP_HOST="localhost")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    first = http.get("/api/v1/conversations", secure=True, **auth).json()
    after = first["next"].removeprefix("https://localhost")
    floor = timings(http, "/api/v1/", requests)
    floor_p99 = percentile(floor, 0.99)
    floor_rate = 1000 / statistics.mean(floor)
    print(f"floor /api/v1/: {floor_rate:.0f} req/s, p99 {floor_p99:.1f} ms")
    report.figure("floor, /api/v1/ (a redirect): requests/s", floor_rate, "req/s", better="higher")
    for label, path in (
        ("first page", "/api/v1/conversations"),
        ("q=sedacky", "/api/v1/conversations?q=sedacky"),
        ("page after a cursor", after),
    ):
        seen = timings(http, path, requests, **auth)
        rate, p99 = 1000 / statistics.mean(seen), percentile(seen, 0.99)
        print(
            f"  {label:<20} {rate:6.0f} req/s, "
            f"p50 {statistics.median(seen):.1f} ms, p99 {p99:.1f} ms"
        )
        report.figure(f"conversations, {label}: requests/s", rate, "req/s", better="higher")
        report.figure(f"conversations, {label}: p99", p99, "ms", floor=floor_p99, target=100)
