"""Benchmark of billing: rate one month of 1,000,000 ledger rows for 500 clients.

Run from the repository root::

    .venv/bin/python benchmarks/billing_rating.py [--rows 1000000] [--clients 500]

On the PostgreSQL server the settings point at (``DATABASE_URL``, or the embedded one), it
creates a database of its own, ``polydesk_bench_billing`` (dropped at the end), migrates it,
and fills the public schema: 500 clients (rows only: billing never enters a client's
schema) in five currencies and time zones, each with a price plan (every fourth client
with a new version from the 16th, every third with a language surcharge), and the ledger:
``--rows`` entries inside October 2026 (e-mails, chats, calls, telephony cost, half of it in
USD converted at daily rates; languages, out-of-hours mixed) plus 10 % more in September
and November that rating must leave out.

It prints:
1. rating the month for every client in one run (``billing.selectors.ratings_for_month``:
   one aggregating query, then plain Python per client): wall time, lines, peak RSS;
2. issuing the 500 invoices (``billing.services.invoices_issue_for_month``: per client a
   locked transaction, its own rating query, the number, the lines): wall time;
3. checks: every client rated, every invoice's total equal to the sum of its lines, and the
   invoiced totals equal to the rated totals.
Target: step 1 under 60 s, memory flat (peak RSS does not grow with the number of rows).
"""

import argparse
import logging
import os
import resource
import sys
import time
from datetime import date, timedelta
from decimal import Decimal

from _report import Report, json_option
from benchdb import bench_database, django_setup, server_find

BENCH_DATABASE = "polydesk_bench_billing"
MONTH = date(2026, 10, 1)
# USD -> each of ZONES' currencies, roughly.
USD_RATES = [Decimal("0.92"), Decimal("23"), Decimal("3.7"), Decimal("330"), Decimal("4.2")]
ZONES = [
    ("EUR", "Europe/Berlin"),
    ("CZK", "Europe/Prague"),
    ("PLN", "Europe/Warsaw"),
    ("HUF", "Europe/Budapest"),
    ("RON", "Europe/Bucharest"),
]
LANGUAGES = ["cs", "sk", "pl", "de", "hu", "ro", "en", "sv"]

# Rows spread over October (02:00 UTC on the 1st to 20:00 UTC on the 31st: inside every
# client's local month); g picks client, kind, language and time arithmetically.
_FILL_SQL = """
WITH c AS (
    SELECT id, currency, row_number() OVER (ORDER BY id) - 1 AS n
    FROM tenants_client WHERE schema_name LIKE 'client_bench_%%'
)
INSERT INTO billing_usageentry (client_id, kind, quantity, currency, occurred_at, language,
    agent_id, out_of_hours, channel, source_kind, source_ref, idempotency_key, corrects_id,
    note, recorded_at)
SELECT c.id, k.kind,
       CASE k.kind WHEN 'call_minutes' THEN 15 + (g * 7919) %% 900
                   WHEN 'telephony_cost' THEN ((g * 31) %% 900) / 1000.0 + 0.0125
                   ELSE 1 END,
       CASE WHEN k.kind <> 'telephony_cost' THEN ''
            WHEN g %% 2 = 0 THEN 'USD' ELSE c.currency END,
       %(base)s::timestamptz + ((g * 2654435761) %% %(span)s) * interval '1 second',
       (%(languages)s::text[])[1 + (g / 7) %% %(language_count)s],
       NULL, g %% 6 = 0,
       CASE k.kind WHEN 'email_answered' THEN 'email' WHEN 'chat_handled' THEN 'chat'
                   ELSE 'call' END,
       'bench', g::text, %(prefix)s || g, NULL, '', now()
FROM generate_series(1::bigint, %(rows)s) AS g
JOIN c ON c.n = g %% %(clients)s
CROSS JOIN LATERAL (
    SELECT (ARRAY['email_answered', 'email_answered', 'chat_handled', 'call_minutes',
                  'telephony_cost'])[1 + (g / %(clients)s) %% 5] AS kind
) AS k
"""


def rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def fill(rows: int, clients: int) -> None:
    from django.db import connection

    from billing.models import ExchangeRate
    from billing.services import price_plan_create
    from tenants.models import Client

    made = Client.objects.bulk_create(
        Client(
            schema_name=f"client_bench_{n}",
            slug=f"bench-{n}",
            name=f"Bench {n}",
            currency=ZONES[n % 5][0],
            time_zone=ZONES[n % 5][1],
            countries=["CZ"],
            languages=["cs", "en"],
            default_language="cs",
            status="active",
            ready=True,
        )
        for n in range(clients)
    )
    for n, client in enumerate(made):
        terms = {
            "base_monthly_fee": Decimal(900 + n),
            "price_per_email": Decimal("2.5"),
            "price_per_chat": Decimal("1.75"),
            "price_per_call_minute": Decimal("0.95"),
            "included_emails": 50,
            "included_call_minutes": 100,
            "out_of_hours_surcharge_percent": Decimal(20),
            "telephony_margin_percent": Decimal("12.5"),
            "call_minute_rounding": "started_minute" if n % 2 else "second",
        }
        if n % 3 == 0:
            terms["surcharges"] = [("Nordic", ["sv"], Decimal(25))]
        price_plan_create(client=client, valid_from=date(2026, 1, 1), **terms)
        if n % 4 == 0:
            price_plan_create(
                client=client,
                valid_from=date(2026, 10, 16),
                **{**terms, "price_per_email": Decimal("2.9")},
            )
    # Daily USD rates into each currency: half of the telephony cost is recorded in USD.
    day = date(2026, 8, 1)
    rates = []
    while day < date(2026, 12, 1):
        for n, (currency, _) in enumerate(ZONES):
            rates.append(
                ExchangeRate(
                    from_currency="USD",
                    to_currency=currency,
                    valid_on=day,
                    rate=USD_RATES[n] + Decimal(day.day) / 1000,
                )
            )
        day += timedelta(days=1)
    ExchangeRate.objects.bulk_create(rates)
    month_seconds = (31 * 24 - 6 - 4) * 3600  # 1 Oct 02:00 UTC .. 31 Oct 20:00 UTC
    with connection.cursor() as cursor:
        for prefix, base, span, count in (
            ("in:", "2026-10-01 02:00+00", month_seconds, rows),
            ("sep:", "2026-09-01 02:00+00", 25 * 86400, rows // 20),
            ("nov:", "2026-11-02 00:00+00", 25 * 86400, rows // 20),
        ):
            cursor.execute(
                _FILL_SQL,
                {
                    "base": base,
                    "span": span,
                    "rows": count,
                    "prefix": prefix,
                    "clients": clients,
                    "languages": LANGUAGES,
                    "language_count": len(LANGUAGES),
                },
            )
        cursor.execute("ANALYZE billing_usageentry")


def run(rows: int, clients: int, report: Report) -> None:
    django_setup(BENCH_DATABASE)
    report.server_describe()
    logging.getLogger("billing.services").setLevel(logging.WARNING)  # a line per invoice
    from django.core.management import call_command
    from django.db.models import Sum
    from django.utils import timezone

    from billing.models import Invoice, InvoiceLine, UsageEntry
    from billing.selectors import ratings_for_month
    from billing.services import invoices_issue_for_month
    from tenants.models import Client

    call_command("migrate_platform", verbosity=0)
    started = time.perf_counter()
    fill(rows, clients)
    total_rows = UsageEntry.objects.count()
    filled_rss = rss_mib()
    print(
        f"filled {clients} clients, {total_rows:,} ledger rows ({rows:,} in {MONTH:%Y-%m}) "
        f"in {time.perf_counter() - started:.1f} s; cpus: {os.cpu_count()}; "
        f"peak RSS so far {rss_mib():.0f} MiB"
    )

    everyone = list(Client.objects.clients().order_by("pk"))
    started = time.perf_counter()
    results = ratings_for_month(month=MONTH, clients=everyone)
    rating_seconds = time.perf_counter() - started
    lines = sum(len(r.rating.lines) for r in results if r.rating)
    failed = [r for r in results if r.rating is None]
    report.figure("rate the month, all clients", rating_seconds, "s", target=60)
    print(
        f"1. rate {MONTH:%Y-%m} for {len(everyone)} clients in one run: "
        f"{rating_seconds:.1f} s, {lines:,} lines, peak RSS {rss_mib():.0f} MiB  "
        f"(target < 60 s)"
    )

    started = time.perf_counter()
    run_result = invoices_issue_for_month(month=MONTH, clients=everyone, now=timezone.now())
    issue_seconds = time.perf_counter() - started
    issued = max(len(run_result.issued), 1)
    report.figure("issue the invoices", issue_seconds, "s")
    report.figure("issue, per invoice", issue_seconds / issued * 1000, "ms")
    # The floor: the process's peak after filling, before rating (memory must stay flat).
    report.figure("peak RSS", rss_mib(), "MiB", floor=filled_rss)
    print(
        f"2. issue {len(run_result.issued)} invoices: {issue_seconds:.1f} s "
        f"({issue_seconds / max(len(run_result.issued), 1) * 1000:.0f} ms each), "
        f"peak RSS {rss_mib():.0f} MiB"
    )

    problems = [f"{r.client.slug}: {r.error}" for r in failed]
    rated = {r.client.pk: r.rating.total for r in results if r.rating}
    for invoice in Invoice.objects.filter(period=MONTH).annotate(lines_sum=Sum("lines__amount")):
        if invoice.total != invoice.lines_sum:
            problems.append(f"{invoice.number}: total {invoice.total} != {invoice.lines_sum}")
        if invoice.total != rated.get(invoice.client_id):
            problems.append(f"{invoice.number}: invoiced {invoice.total} != rated")
    if len(run_result.issued) != clients:
        problems.append(f"{len(run_result.issued)} invoices for {clients} clients")
    print(f"   {InvoiceLine.objects.count():,} invoice lines written")
    print(
        "check: "
        + (
            "OK, every client rated and invoiced, totals = sum of lines"
            if not problems
            else "; ".join(problems[:5])
        )
    )
    report.check("checks failed", len(problems))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--clients", type=int, default=500)
    json_option(parser)
    args = parser.parse_args()
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    server = server_find(BENCH_DATABASE)
    print(f"database: {BENCH_DATABASE} on {server.label}")
    report = Report("billing_rating", {"rows": args.rows, "clients": args.clients})
    with bench_database(server):
        run(args.rows, args.clients, report)
    return report.emit(args.json)


if __name__ == "__main__":
    sys.exit(main())
