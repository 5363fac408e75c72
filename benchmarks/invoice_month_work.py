"""The month-end invoicing benchmark's work (``benchmarks/invoice_month.py`` runs it in a
child process per size): filling the ledger, issuing the month, making every document.
Imported once ``django_setup()`` has pointed the settings at the bench database: the models
below need it."""

import logging
import time

from billing_rating_work import fill
from django.core.management import call_command
from django.db import connection
from django.db.models import Count
from django.utils import timezone
from invoice_month import IDENTITIES, MONTH, floor_documents, rss_mib

from billing.document import invoice_pdf
from billing.models import Invoice
from billing.selectors import invoice_document
from billing.services import invoices_issue_for_month
from billing.ubl import invoice_ubl
from tenants.models import Client


def identities_set() -> None:

    with connection.cursor() as cursor:
        for n, (country, vat_id) in enumerate(IDENTITIES):
            cursor.execute(
                "UPDATE tenants_client SET billing_country = %s, vat_id = %s, "
                "legal_name = name || ' s.r.o.', billing_address = 'Street 1' || chr(10) || "
                "'100 00 Town', billing_email = slug || '@billing.example' "
                "WHERE schema_name LIKE 'client_bench_%%' AND id %% %s = %s",
                [country, vat_id, len(IDENTITIES), n],
            )


def one_size(clients: int, rows: int) -> dict:
    """Fill, then measure; the figures as a dict (printed as the child's last line)."""
    logging.getLogger("billing.services").setLevel(logging.WARNING)

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
