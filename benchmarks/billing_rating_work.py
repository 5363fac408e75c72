"""The rating benchmark's work (``benchmarks/billing_rating.py`` runs it in a child process
per size): filling the ledger, the floor, rating the month, issuing it. Imported once
``django_setup()`` has pointed the settings at the bench database: the models below need it.
``benchmarks/invoice_month_work.py`` fills its ledger with :func:`fill` too."""

import logging
import resource
import time
from datetime import date, timedelta
from decimal import Decimal

from django.core.management import call_command
from django.db import connection, transaction
from django.db.models import Sum
from django.utils import timezone

from billing.models import ExchangeRate, Invoice, InvoiceLine, UsageEntry
from billing.selectors import (
    parallel_rating,
    ratings_for_month,
    ratings_from_usage_rows,
    usage_rows_for_month,
    usage_statement,
)
from billing.services import invoices_issue_for_month, price_plan_create
from core.months import month_bounds
from tenants.models import Client

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


# The floor: one GROUP BY over the month's rows (a day either side, read once in the heap's
# order), what rating must at least read and add up.
_FLOOR_SQL = """
SELECT client_id, kind, language, out_of_hours, sum(quantity)
FROM billing_usageentry WHERE occurred_at >= %s AND occurred_at < %s
GROUP BY 1, 2, 3, 4
"""
_FLOOR_RANGE = ["2026-09-30 00:00+00", "2026-11-02 00:00+00"]


def rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def fill(rows: int, clients: int) -> None:
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
            # The supplier's country (settings.INVOICE_ISSUER): domestic VAT, decided without
            # VIES. benchmarks/invoice_month.py sets other identities after filling.
            billing_country="CZ",
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
    with connection.cursor() as cursor:
        # What autovacuum does after the month's inserts (migration 0011): marks the pages
        # all-visible, so that rating reads the covering index alone.
        cursor.execute("VACUUM (ANALYZE) billing_usageentry")
        cursor.execute("ANALYZE tenants_client")


def floor_seconds(*, workers: int = 2) -> float:
    """The floor, the better of JIT on and off (whichever the server does best); with the
    server's parallel workers (as PostgreSQL runs it by default), or in one process
    (``workers=0``)."""
    best = float("inf")
    for jit in ("on", "off"):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL jit = {jit}")  # one of two literals above
            cursor.execute(f"SET LOCAL max_parallel_workers_per_gather = {int(workers)}")
            started = time.perf_counter()
            cursor.execute(_FLOOR_SQL, _FLOOR_RANGE)
            cursor.fetchall()
            best = min(best, time.perf_counter() - started)
    return best


class LedgerReads:
    """Counts the statements that read the ledger, themselves or through rating's function,
    and their time (a connection's execute wrapper: every statement, however many a run
    makes)."""

    def __init__(self) -> None:
        self.count = 0
        self.seconds = 0.0

    def __call__(self, execute, sql, params, many, context):
        if "billing_usageentry" not in sql and "billing_usage_groups(" not in sql:
            return execute(sql, params, many, context)
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.count += 1
            self.seconds += time.perf_counter() - started


def buffers(sql: str, params: object, *, rating_for: list[int] | None = None) -> tuple[int, str]:
    """Pages (8 KiB blocks) the statement touched, cached or read (those of its parallel
    workers and of the functions it calls included): a count that does not depend on the
    machine's load; and how it read the ledger (node, heap fetches, parallel workers).
    With ``rating_for`` (client ids), the rating statement, in a transaction set as rating
    sets it; ``sql`` and ``params`` are then ignored."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL jit = off")
        if rating_for is not None:
            sql, params = usage_statement(cursor=cursor, month=MONTH, client_ids=rating_for)
        with parallel_rating(cursor):
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + sql, params)
            (plan,) = cursor.fetchone()[0]
        top = plan["Plan"]
        found = [_scan(node) for node in _nodes(top) if _scan(node)]
        if rating_for is not None:
            found.append(f"per client (the first): {_rating_body_scan(cursor, rating_for[0])}")
    return int(top["Shared Hit Blocks"] + top["Shared Read Blocks"]), "; ".join(found)


def _nodes(node: dict) -> list[dict]:
    return [node, *(n for child in node.get("Plans", []) for n in _nodes(child))]


def _scan(node: dict) -> str:
    if node["Node Type"] in ("Gather", "Gather Merge"):
        return f"{node['Node Type']}, {node.get('Workers Launched', 0)} workers launched"
    if node.get("Relation Name") == "billing_usageentry":
        return (
            f"{node['Node Type']} {node.get('Index Name', '')} "
            f"heap fetches {node.get('Heap Fetches', '-')}"
        )
    return ""


def _rating_body_scan(cursor, client_id: int) -> str:
    """How rating's function reads one client's month: its body's plan (generic, as a SQL
    function's is), run for that client."""
    cursor.execute("SELECT prosrc FROM pg_proc WHERE proname = 'billing_usage_groups'")
    (body,) = cursor.fetchone()
    cursor.execute("PREPARE rating_body(bigint, varchar, varchar, date, date, jsonb) AS " + body)
    cursor.execute("SET LOCAL plan_cache_mode = force_generic_plan")
    cursor.execute("SELECT id, currency, time_zone FROM tenants_client WHERE id = %s", [client_id])
    client = cursor.fetchone()
    start, end = month_bounds(MONTH)
    cursor.execute(
        "EXPLAIN (ANALYZE, FORMAT JSON) EXECUTE rating_body(%s, %s, %s, %s, %s, '{}')",
        [*client, start, end],
    )
    (plan,) = cursor.fetchone()[0]
    cursor.execute("DEALLOCATE rating_body")
    return "; ".join(_scan(node) for node in _nodes(plan["Plan"]) if _scan(node))


def visibility() -> str:
    """The ledger's pages marked all-visible (index-only scans skip the heap on those)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relallvisible, relpages FROM pg_class WHERE relname = 'billing_usageentry'"
        )
        visible, pages = cursor.fetchone()
    return f"{visible:,} of {pages:,} heap pages all-visible"


def one_size(clients: int, rows: int) -> dict:
    """Fill, then measure; the figures as a dict (printed as the child's last line)."""
    logging.getLogger("billing.services").setLevel(logging.WARNING)  # a line per invoice
    call_command("migrate_platform", verbosity=0)
    started = time.perf_counter()
    fill(rows, clients)
    total_rows = UsageEntry.objects.count()
    filled_seconds, filled_rss = time.perf_counter() - started, rss_mib()
    visible = visibility()

    everyone = list(Client.objects.clients().order_by("pk"))
    # Each measured twice, alternately, the better kept: the first of each pays for pages
    # the other left out of the cache.
    # Rating's two halves are timed apart too (a third run, each half the better of two):
    # the statement reading the ledger (the rates, then its rows fetched) and the Python
    # after it (the groups, the plans, the invoice lines).
    floor = floor_one = rating = statement = after = float("inf")
    for _ in range(2):
        floor = min(floor, floor_seconds())
        floor_one = min(floor_one, floor_seconds(workers=0))
        started = time.perf_counter()
        results = ratings_for_month(month=MONTH, clients=everyone)
        rating = min(rating, time.perf_counter() - started)
        started = time.perf_counter()
        rows_read = usage_rows_for_month(month=MONTH, client_ids=[c.pk for c in everyone])
        statement = min(statement, time.perf_counter() - started)
        started = time.perf_counter()
        ratings_from_usage_rows(month=MONTH, clients=everyone, rows=rows_read)
        after = min(after, time.perf_counter() - started)
        statement_rows = len(rows_read)
        del rows_read  # not kept to the end: the peak RSS is the rating's and issuing's
    rated_rss = rss_mib()
    rating_pages, rating_scan = buffers("", None, rating_for=[c.pk for c in everyone])
    floor_pages, floor_scan = buffers(_FLOOR_SQL, _FLOOR_RANGE)
    lines = sum(len(r.rating.lines) for r in results if r.rating)

    reads = LedgerReads()
    with connection.execute_wrapper(reads):
        started = time.perf_counter()
        run = invoices_issue_for_month(month=MONTH, clients=everyone, now=timezone.now())
        issue_seconds = time.perf_counter() - started

    problems = [f"{r.client.slug}: {r.error}" for r in results if r.rating is None]
    problems += [f"{client.slug}: {reason}" for client, reason in [*run.failed, *run.skipped]]
    rated = {r.client.pk: r.rating.total for r in results if r.rating}
    for invoice in Invoice.objects.filter(period=MONTH).annotate(lines_sum=Sum("lines__amount")):
        if invoice.total != invoice.lines_sum:
            problems.append(f"{invoice.number}: total {invoice.total} != {invoice.lines_sum}")
        if invoice.total != rated.get(invoice.client_id):
            problems.append(f"{invoice.number}: invoiced {invoice.total} != rated")
    if len(run.issued) != clients:
        problems.append(f"{len(run.issued)} invoices for {clients} clients")
    return {
        "clients": clients,
        "rows": rows,
        "total_rows": total_rows,
        "filled_seconds": filled_seconds,
        "filled_rss": filled_rss,
        "floor": floor,
        "floor_one_process": floor_one,
        "rating": rating,
        "statement": statement,
        "statement_rows": statement_rows,
        "after_statement": after,
        "rating_pages": rating_pages,
        "floor_pages": floor_pages,
        "scans": f"rating: {rating_scan}; floor: {floor_scan}; {visible}",
        "lines": lines,
        "rated_rss": rated_rss,
        "issue_seconds": issue_seconds,
        "issued": len(run.issued),
        "ledger_reads": reads.count,
        "ledger_read_seconds": reads.seconds,
        "invoice_lines": InvoiceLine.objects.count(),
        "peak_rss": rss_mib(),
        "problems": problems[:5],
        "problem_count": len(problems),
    }
