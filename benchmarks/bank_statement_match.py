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
import importlib
import os
import sys
from decimal import Decimal

from _report import Report, json_option
from benchdb import bench_database, django_setup, server_find

BENCH_DATABASE = "polydesk_bench_payments"
INVOICES_PER_CLIENT = 3
ACCOUNT = "CZ5855000000001265098001"


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
        django_setup(BENCH_DATABASE)
        # The work imports the models, which need the settings django_setup() just pointed at
        # the bench database: loaded by name, now.
        importlib.import_module("bank_statement_match_work").run(sizes, args.clients, report)
    return report.emit(args.json)


if __name__ == "__main__":
    sys.exit(main())
