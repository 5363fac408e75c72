"""Benchmark of month-end issuing: every client's invoice with VAT, its PDF and its UBL XML.

Run from the repository root::

    .venv/bin/python benchmarks/invoice_month.py [--sizes 500:100000,5000:1000000]

Each size (``clients:rows``) runs in a process of its own (so that its peak memory is its
own) on a fresh database, ``polydesk_bench_invoices`` (dropped at the end), filled like
``billing_rating.py`` (clients in five currencies and time zones, a price plan each, the
ledger rows inside October 2026 plus 10 % outside it) and given billing identities that
cover the VAT cases: a fifth in the supplier's country (domestic VAT), three fifths in
other member states with a VAT id (reverse charge), a fifth outside the EU.

Per size it prints and measures:
1. the floor: one ``GROUP BY`` over the month's ledger rows (what rating must at least
   read) and a bare one-page reportlab PDF and a small lxml document per client (what a
   document must at least cost);
2. issuing the month (``invoices_issue_for_month``: rating, VAT, numbers, lines, VAT totals,
   the invoice e-mails queued);
3. building each invoice's documents as the invoice e-mail does
   (``invoice_document`` + ``invoice_pdf`` + ``invoice_ubl``), one invoice at a time;
4. peak RSS of the process, and after filling (memory must stay flat in the clients).
Target: steps 2 + 3 under 10 minutes at 5,000 clients and 1,000,000 rows.
"""

import argparse
import importlib
import io
import json
import os
import resource
import subprocess
import sys
import time
from datetime import date

from _report import Report, json_option
from benchdb import bench_database, django_setup, server_find
from lxml import etree
from reportlab.pdfgen import canvas

BENCH_DATABASE = "polydesk_bench_invoices"
MONTH = date(2026, 10, 1)
TARGET_SECONDS = 600
# (country, VAT id): the supplier's country, other member states, outside the EU.
IDENTITIES = [
    ("CZ", "CZ07341253"),
    ("PL", "PL6793014588"),
    ("DE", "DE294817367"),
    ("HU", "HU25743184"),
    ("CH", ""),
]


def rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def floor_documents(count: int) -> float:
    """A bare one-page PDF and a ten-element XML document, ``count`` times."""
    started = time.perf_counter()
    for n in range(count):
        pdf = canvas.Canvas(io.BytesIO())
        pdf.drawString(100, 750, f"Invoice {n}")
        pdf.showPage()
        pdf.save()
        root = etree.Element("Invoice")
        for field in range(10):
            etree.SubElement(root, f"Field{field}").text = str(n)
        etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    return time.perf_counter() - started


def child(clients: int, rows: int) -> int:
    server = server_find(BENCH_DATABASE)
    with bench_database(server):
        django_setup(BENCH_DATABASE)
        # The work imports the models, which need the settings django_setup() just pointed at
        # the bench database: loaded by name, now.
        figures = importlib.import_module("invoice_month_work").one_size(clients, rows)
    print(json.dumps(figures))
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="500:100000,5000:1000000", help="clients:rows,...")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    json_option(parser)
    args = parser.parse_args()
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    # A supplier with a VAT id and a registration number (its e-invoices need them), as a
    # real deployment has.
    os.environ.setdefault("POLYDESK_ISSUER_VAT_ID", "CZ24681351")
    os.environ.setdefault("POLYDESK_ISSUER_REGISTRATION_ID", "24681351")
    os.environ.setdefault("POLYDESK_ISSUER_ADDRESS", "Karlovo náměstí 10, 120 00 Praha 2")
    if args.child:
        clients, rows = (int(part) for part in args.child.split(":"))
        return child(clients, rows)
    sizes = [tuple(int(part) for part in size.split(":")) for size in args.sizes.split(",")]
    report = Report("invoice_month", {"sizes": args.sizes})
    print(f"database: {BENCH_DATABASE} on {server_find(BENCH_DATABASE).label}")
    print(
        "| clients | ledger rows | issue | documents (PDF + XML) | issue + documents | "
        "floor: GROUP BY + bare documents | peak RSS (after fill) |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for clients, rows in sizes:
        done = subprocess.run(
            [sys.executable, __file__, "--child", f"{clients}:{rows}"],
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            print(done.stdout[-2000:], done.stderr[-4000:], file=sys.stderr)
            report.check(f"{clients} clients: the run failed", 1)
            continue
        figures = json.loads(done.stdout.strip().splitlines()[-1])
        total = figures["issue_seconds"] + figures["documents_seconds"]
        floor = figures["floor_rating"] + figures["floor_documents"]
        print(
            f"| {clients:,} | {rows:,} | {figures['issue_seconds']:.1f} s | "
            f"{figures['documents_seconds']:.1f} s "
            f"({figures['pdf_kib']:.0f} + {figures['xml_kib']:.0f} KiB each) | "
            f"{total:.1f} s | {figures['floor_rating']:.1f} + "
            f"{figures['floor_documents']:.1f} s | "
            f"{figures['peak_rss']:.0f} MiB ({figures['filled_rss']:.0f}) |"
        )
        print(
            f"   VAT treatments: {figures['treatments']}; filled in "
            f"{figures['filled_seconds']:.0f} s"
        )
        for problem in figures["problems"]:
            print(f"   problem: {problem}")
        label = f"{clients} clients"
        report.figure(
            f"{label}: issue + documents",
            total,
            "s",
            floor=floor,
            target=TARGET_SECONDS if clients >= 5000 else None,
        )
        report.figure(
            f"{label}: issue", figures["issue_seconds"], "s", floor=figures["floor_rating"]
        )
        report.figure(
            f"{label}: documents",
            figures["documents_seconds"],
            "s",
            floor=figures["floor_documents"],
        )
        report.figure(f"{label}: peak RSS", figures["peak_rss"], "MiB", floor=figures["filled_rss"])
        report.check(f"{label}: checks failed", figures["problem_count"])
    return report.emit(args.json)


if __name__ == "__main__":
    sys.exit(main())
