"""Benchmark of payments: import and match CAMT.053 statements against 5,000 clients' open
invoices.

Run from the repository root::

    .venv/bin/python benchmarks/bank_statement_match.py [--sizes 1000,10000] [--clients 5000]

On the PostgreSQL server the settings point at (``DATABASE_URL``, or the embedded one), it
creates a database of its own, ``polydesk_bench_payments`` (dropped at the end), migrates it,
and fills the public schema: ``--clients`` clients (rows only) with three open invoices each
(a variable symbol each, due in November 2026), so that every statement line can name an
invoice of its own. For each size it writes one CAMT.053 (001.08) statement of that many
credit lines, as a bank would: 70 % paying an invoice in full with its variable symbol, 10 %
paying part of one, 10 % naming the invoice number in the free text, 10 % with nothing to
match (a person allocates them).

It prints, per size:
1. the floor, measured in the same run: parsing the file alone (``statement_parse``) and a
   bare INSERT of the same rows (no matching) in a transaction rolled back;
2. ``bank_statement_import``: parse, store each entry once, match and allocate, one
   transaction: wall time and per line;
3. the same file again: refused as imported already (wall time);
4. checks: every line stored once; matched and unmatched as the file says; every invoice
   paid in full has nothing open and the partly paid ones exactly the rest.
Target: 10,000 lines under 60 s.
"""

import argparse
import logging
import os
import sys
import time
from decimal import Decimal

from _report import Report, json_option
from benchdb import bench_database, django_setup, server_find

BENCH_DATABASE = "polydesk_bench_payments"
INVOICES_PER_CLIENT = 3
ACCOUNT = "CZ5855000000001265098001"


def fill(clients: int) -> list[tuple[int, str, str, Decimal]]:
    """Clients and their open invoices: [(invoice id, number, variable symbol, amount)]."""
    # Django after django_setup(): the settings point at the bench database only then.
    from django.db import connection
    from django.utils import timezone

    from tenants.models import Client

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


def statement(lines: list[tuple[int, str, str, Decimal]], *, prefix: str) -> bytes:
    """A CAMT.053.001.08 statement of one credit per invoice: the kind of each by position."""
    entries = []
    for n, (_id, number, reference, total) in enumerate(lines):
        kind = n % 10
        amount, ref, text = total, reference, "Platba faktury"
        if kind == 7:  # part of it
            amount = (total / 2).quantize(Decimal("0.01"))
        elif kind == 8:  # the number in the text, no reference
            ref, text = "", f"Faktura {number} dekujeme"
        elif kind == 9:  # nothing to match
            ref, text = "", "Dar"
        strd = f"<Strd><CdtrRefInf><Ref>{ref}</Ref></CdtrRefInf></Strd>" if ref else ""
        entries.append(
            f'<Ntry><NtryRef>{prefix}{n}</NtryRef><Amt Ccy="CZK">{amount}</Amt>'
            "<CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts>"
            "<BookgDt><Dt>2026-11-18</Dt></BookgDt><ValDt><Dt>2026-11-18</Dt></ValDt>"
            f"<AcctSvcrRef>{prefix}{n}</AcctSvcrRef><NtryDtls><TxDtls>"
            f"<RltdPties><Dbtr><Pty><Nm>Payer {n}</Nm></Pty></Dbtr>"
            f"<DbtrAcct><Id><IBAN>CZ65080000{n:014d}</IBAN></Id></DbtrAcct></RltdPties>"
            f"<RmtInf><Ustrd>{text}</Ustrd>{strd}</RmtInf></TxDtls></NtryDtls></Ntry>\n"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"><BkToCstmrStmt>'
        f"<GrpHdr><MsgId>{prefix}</MsgId><CreDtTm>2026-11-18T18:00:00</CreDtTm></GrpHdr>"
        f"<Stmt><Id>{prefix}</Id><Acct><Id><IBAN>{ACCOUNT}</IBAN></Id><Ccy>CZK</Ccy></Acct>\n"
        + "".join(entries)
        + "</Stmt></BkToCstmrStmt></Document>\n"
    ).encode()


def bare_insert_seconds(parsed) -> float:
    """The floor: the same rows INSERTed with no matching, in a transaction rolled back."""
    # Django after django_setup(): the settings point at the bench database only then.
    from django.db import connection, transaction

    from billing.models import BankStatement
    from billing.services.payments import _insert_payments

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
    # Django after django_setup(): the settings point at the bench database only then.
    from billing.bank_statements import statement_parse
    from billing.models import Payment
    from billing.selectors.receivables import invoices_with_open_amounts
    from billing.services.payments import bank_statement_import

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
    django_setup(BENCH_DATABASE)
    report.server_describe()
    logging.getLogger("billing.services.payments").setLevel(logging.WARNING)
    # Django after django_setup(): the settings point at the bench database only then.
    from django.core.management import call_command

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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000", help="statement lines, e.g. 1000,10000")
    parser.add_argument("--clients", type=int, default=5000)
    json_option(parser)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    server = server_find(BENCH_DATABASE)
    print(f"database: {BENCH_DATABASE} on {server.label}")
    report = Report("bank_statement_match", {"lines": sizes, "clients": args.clients})
    with bench_database(server):
        run(sizes, args.clients, report)
    return report.emit(args.json)


if __name__ == "__main__":
    sys.exit(main())
