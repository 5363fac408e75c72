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
import io
import json
import logging
import os
import resource
import subprocess
import sys
import time
from datetime import date

from _report import Report, json_option
from benchdb import bench_database, django_setup, server_find
from billing_rating import fill
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


def identities_set() -> None:
    # Django after django_setup(): the settings point at the bench database only then.
    from django.db import connection

    with connection.cursor() as cursor:
        for n, (country, vat_id) in enumerate(IDENTITIES):
            cursor.execute(
                "UPDATE tenants_client SET billing_country = %s, vat_id = %s, "
                "legal_name = name || ' s.r.o.', billing_address = 'Street 1' || chr(10) || "
                "'100 00 Town', billing_email = slug || '@billing.example' "
                "WHERE schema_name LIKE 'client_bench_%%' AND id %% %s = %s",
                [country, vat_id, len(IDENTITIES), n],
            )


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


def one_size(clients: int, rows: int) -> dict:
    """Fill, then measure; the figures as a dict (printed as the child's last line)."""
    django_setup(BENCH_DATABASE)
    logging.getLogger("billing.services").setLevel(logging.WARNING)
    # Django after django_setup(): the settings point at the bench database only then.
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Count
    from django.utils import timezone

    from billing.document import invoice_pdf
    from billing.models import Invoice
    from billing.selectors import invoice_document
    from billing.services import invoices_issue_for_month
    from billing.ubl import invoice_ubl
    from tenants.models import Client

    call_command("migrate_platform", verbosity=0)
    started = time.perf_counter()
    fill(rows, clients)
    identities_set()
    filled_seconds, filled_rss = time.perf_counter() - started, rss_mib()

    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT client_id, kind, language, out_of_hours, sum(quantity) "
            "FROM billing_usageentry WHERE occurred_at >= %s AND occurred_at < %s "
            "GROUP BY 1, 2, 3, 4",
            ["2026-09-30 20:00+00", "2026-11-01 00:00+00"],
        )
        cursor.fetchall()
    floor_rating = time.perf_counter() - started
    floor_docs = floor_documents(clients)

    everyone = list(Client.objects.clients().order_by("pk"))
    started = time.perf_counter()
    run = invoices_issue_for_month(month=MONTH, clients=everyone, now=timezone.now())
    issue_seconds = time.perf_counter() - started

    started = time.perf_counter()
    pdf_bytes = xml_bytes = documents = 0
    ids = Invoice.objects.filter(period=MONTH).order_by("pk").values_list("pk", flat=True)
    for invoice_id in ids.iterator(chunk_size=500):
        invoice = Invoice.objects.select_related("client").get(pk=invoice_id)
        document = invoice_document(invoice=invoice, language=invoice.client.default_language)
        pdf_bytes += len(invoice_pdf(document))
        xml_bytes += len(invoice_ubl(document))
        documents += 1
    documents_seconds = time.perf_counter() - started

    problems = [f"{client.slug}: {reason}" for client, reason in run.failed]
    if len(run.issued) != clients:
        problems.append(f"{len(run.issued)} invoices issued for {clients} clients")
    treatments = dict(
        Invoice.objects.filter(period=MONTH)
        .values_list("vat_treatment")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {
        "clients": clients,
        "rows": rows,
        "filled_seconds": filled_seconds,
        "filled_rss": filled_rss,
        "floor_rating": floor_rating,
        "floor_documents": floor_docs,
        "issue_seconds": issue_seconds,
        "documents_seconds": documents_seconds,
        "documents": documents,
        "pdf_kib": pdf_bytes / 1024 / max(documents, 1),
        "xml_kib": xml_bytes / 1024 / max(documents, 1),
        "peak_rss": rss_mib(),
        "treatments": treatments,
        "problems": problems[:5],
        "problem_count": len(problems),
    }


def child(clients: int, rows: int) -> int:
    server = server_find(BENCH_DATABASE)
    with bench_database(server):
        figures = one_size(clients, rows)
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
