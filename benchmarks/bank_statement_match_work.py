"""The payments benchmark's work (``benchmarks/bank_statement_match.py`` runs it): filling
the open invoices, importing and matching statements, checking them. Imported once
``django_setup()`` has pointed the settings at the bench database: the models below need
it."""

import logging
import os
import time
from decimal import Decimal

from _report import Report
from bank_statement_match import INVOICES_PER_CLIENT, statement
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

from billing.bank_statements import statement_parse
from billing.models import BankStatement, Payment
from billing.selectors.receivables import invoices_with_open_amounts
from billing.services.payments import _insert_payments, bank_statement_import
from tenants.models import Client


def fill(clients: int) -> list[tuple[int, str, str, Decimal]]:
    """Clients and their open invoices: [(invoice id, number, variable symbol, amount)]."""

    Client.objects.bulk_create(
        Client(
            schema_name=f"client_bench_{n}",
            slug=f"bench-{n}",
            name=f"Bench {n}",
            currency="CZK",
            time_zone="Europe/Prague",
            countries=["CZ"],
            languages=["cs"],
            default_language="cs",
            status="active",
            ready=True,
        )
        for n in range(clients)
    )
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO billing_invoice (client_id, kind, period, revision, number, year,
                sequence, currency, total, issued_at, reason, buyer_name, buyer_address,
                buyer_country, buyer_registration_id, buyer_vat_id, buyer_email, vat_treatment,
                supplier_country, supplier_vat_id, vat_total, due_on, payment_reference)
            SELECT c.id, 'invoice', make_date(2026, 7 + m, 1), 1,
                   '2026-' || lpad((c.n * %(per)s + m)::text, 6, '0'), 2026,
                   c.n * %(per)s + m, 'CZK', 1000 + (c.n * 7 + m * 13) %% 9000 + 0.50,
                   %(now)s, '', c.name, '', 'CZ', '', '', '', '', 'CZ', '', 0,
                   make_date(2026, 11, 16), '2026' || lpad((c.n * %(per)s + m)::text, 6, '0')
            FROM (SELECT id, name, row_number() OVER (ORDER BY id) AS n FROM tenants_client
                  WHERE schema_name LIKE 'client_bench_%%') c
            CROSS JOIN generate_series(1, %(per)s) AS m
            RETURNING id, number, payment_reference, total
            """,
            {"per": INVOICES_PER_CLIENT, "now": now},
        )
        invoices = sorted(cursor.fetchall())
        cursor.execute("ANALYZE billing_invoice")
    return invoices


def bare_insert_seconds(parsed) -> float:
    """The floor: the same rows INSERTed with no matching, in a transaction rolled back."""

    started = time.perf_counter()
    with transaction.atomic():
        floor_statement = BankStatement.objects.create(
            format="camt053", sha256="floor", account="FLOOR"
        )
        floor_statement.account = "FLOOR"
        _insert_payments(statement=floor_statement, entries=parsed.entries, user=None)
        seconds = time.perf_counter() - started
        transaction.set_rollback(True)
    connection.close()
    return seconds


def run_size(size: int, invoices: list, report: Report) -> list[str]:

    lines = invoices[:size]
    del invoices[:size]  # the next size pays other invoices
    data = statement(lines, prefix=f"S{size}-")
    started = time.perf_counter()
    parsed = statement_parse(data)
    parse_seconds = time.perf_counter() - started
    insert_seconds = bare_insert_seconds(parsed)

    started = time.perf_counter()
    result = bank_statement_import(data=data, filename=f"{size}.xml", user=None)
    import_seconds = time.perf_counter() - started
    started = time.perf_counter()
    again = bank_statement_import(data=data, filename=f"{size}-again.xml", user=None)
    again_seconds = time.perf_counter() - started

    floor = parse_seconds + insert_seconds
    report.figure(
        f"import + match {size:,} lines",
        import_seconds,
        "s",
        floor=floor,
        target=60 * size / 10_000,
    )
    report.figure(f"per line, {size:,} lines", import_seconds / size * 1000, "ms")
    report.figure(f"parse alone, {size:,} lines", parse_seconds, "s")
    report.figure(f"the same file again, {size:,} lines", again_seconds, "s")
    print(
        f"{size:>7,} lines ({len(data) / 1e6:.1f} MB): parse {parse_seconds:.2f} s, "
        f"bare insert {insert_seconds:.2f} s (floor {floor:.2f} s) | import + match "
        f"{import_seconds:.2f} s ({import_seconds / size * 1000:.2f} ms/line), "
        f"{len(result.matched):,} matched, {len(result.unmatched):,} unmatched | "
        f"again: {again_seconds:.3f} s"
    )

    problems = []
    expected_unmatched = sum(1 for n in range(size) if n % 10 == 9)
    if (
        len(result.new) != size
        or Payment.objects.filter(statement=result.statement).count() != size
    ):
        problems.append(f"{size}: {len(result.new)} stored, not {size}")
    if len(result.unmatched) != expected_unmatched:
        problems.append(f"{size}: {len(result.unmatched)} unmatched, not {expected_unmatched}")
    if not again.already_imported or again.new:
        problems.append(f"{size}: the same file imported twice")
    open_now = dict(
        invoices_with_open_amounts()
        .filter(pk__in=[i for i, *_ in lines])
        .values_list("pk", "open_amount")
    )
    for n, (invoice_id, _number, _ref, total) in enumerate(lines):
        want = {7: total - (total / 2).quantize(Decimal("0.01")), 9: total}.get(n % 10, 0)
        if open_now[invoice_id] != want:
            problems.append(f"{size}: invoice {invoice_id} open {open_now[invoice_id]}, not {want}")
    return problems


def run(sizes: list[int], clients: int, report: Report) -> None:
    """Fill, then every size in turn, then the checks."""
    report.server_describe()
    logging.getLogger("billing.services.payments").setLevel(logging.WARNING)

    call_command("migrate_platform", verbosity=0)
    started = time.perf_counter()
    invoices = fill(clients)
    print(
        f"filled {clients:,} clients, {len(invoices):,} open invoices in "
        f"{time.perf_counter() - started:.1f} s; cpus: {os.cpu_count()}"
    )
    if sum(sizes) > len(invoices):
        raise SystemExit(f"{sum(sizes)} lines need more than {len(invoices)} invoices")
    problems = []
    for size in sizes:
        problems += run_size(size, invoices, report)
    print(
        "check: "
        + ("OK, every line once, matched as written" if not problems else "; ".join(problems[:5]))
    )
    report.check("checks failed", len(problems))
