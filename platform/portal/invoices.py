"""The client's invoices on its portal: the list, an invoice's page, its PDF and CSV, the
month's usage as CSV (tenant URLconf, ``portal.urls_invoices``).

Billing rows live in the public schema, so a view scopes every query to ``request.tenant``
explicitly: another client's invoice id is a 404.
"""

from collections.abc import Iterator
from datetime import date

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone, translation

from audit.models import AuditEvent
from audit.services import audit_record
from billing.document import (
    InvoiceDocument,
    InvoiceFormats,
    invoice_pdf,
    last_day,
    line_cells,
    vat_category_label,
    vat_mentions,
)
from billing.models import Invoice
from billing.selectors import (
    invoice_document,
    invoice_einvoice_offered,
    invoice_of_client,
    ledger_rows_for_month,
    ratings_for_month,
)
from billing.selectors.receivables import (
    client_credit,
    invoice_open_amount,
    invoice_rows_of_client,
    invoice_status,
    open_totals,
    payments_of_invoice,
)
from billing.ubl import UblNotAvailable, invoice_ubl, ubl_check, ubl_filename
from core.csv_export import csv_response
from core.months import month_of, month_previous, month_query, months_back
from reporting.services import report_language
from tenants.models import Client

UI_LANGUAGES = dict(settings.LANGUAGES)


def _month_from(request, *, default: date, latest: date) -> date:
    try:
        return month_query(request.GET.get("month"), default=default, latest=latest)
    except ValueError as error:
        raise BadRequest(str(error)) from None


@login_required
def invoice_list(request):
    client = request.tenant
    now = timezone.now()
    this_month = month_of(now, zone=client.tz)
    (current,) = ratings_for_month(month=this_month, clients=[client])
    # Status and open amount of every invoice in one query; "today" is the client's date.
    rows = invoice_rows_of_client(client=client, today=timezone.localtime(now, client.tz).date())
    context = {
        "client": client,
        "rows": rows,
        # The e-invoices that can be made (billing.ubl's rules, from the rows alone).
        "einvoices": {
            row.invoice.pk for row in rows if invoice_einvoice_offered(invoice=row.invoice)
        },
        "open_totals": open_totals(rows),
        # Money received and not set against an invoice in force (over-payments, payments
        # of a credited invoice): the client's, until allocated or refunded.
        "credit": sorted(client_credit(client=client).items()),
        "this_month": this_month,
        "so_far": current.rating,
        "last_month": months_back(this_month, 1),  # both in the client's own calendar
    }
    return render(request, "portal/invoices.html", context)


def _pdf_links(request, invoice: Invoice) -> list[tuple[str, str]]:
    """(url, language name) of the invoice's PDF: in the client's document language, and in
    the reader's own when that differs."""
    url = reverse("billing-invoice-pdf", args=[invoice.pk])
    document_language = report_language(client=request.tenant)
    links = [(url, UI_LANGUAGES.get(document_language, document_language))]
    reader = translation.get_language()
    if reader != document_language and reader in UI_LANGUAGES:
        links.append((f"{url}?language={reader}", UI_LANGUAGES[reader]))
    return links


def _einvoice(document) -> dict:
    """Whether the page offers the e-invoice, and if not, whether because the invoice was
    issued before VAT (EN 16931 needs a VAT category) or because details are missing."""
    try:
        ubl_check(document)
    except UblNotAvailable as refused:
        return {"has_einvoice": False, "einvoice_before_vat": refused.before_vat}
    return {"has_einvoice": True}


LINE_CELLS = ("quantity", "included", "unit", "unit_price", "amount")  # billing.document.line_cells


def _vat_rows(document: InvoiceDocument, fmt: InvoiceFormats) -> list[dict[str, str]]:
    """The VAT per category and rate as the PDF prints it."""
    return [
        {
            "category": vat_category_label(row.category),
            "rate": fmt.vat_total_rate(row.category, row.rate),
            "taxable_amount": fmt.money(row.taxable_amount),
            "vat_amount": fmt.money(row.vat_amount),
        }
        for row in document.vat_totals
    ]


@login_required
def invoice_detail(request, invoice_id: int):
    client = request.tenant
    invoice = invoice_of_client(client=client, invoice_id=invoice_id)
    if invoice is None:
        raise Http404("no such invoice")
    # The page shows what the PDF prints (the same document data and cells: every stored
    # decimal, a line's last day), in the reader's language.
    language = translation.get_language()
    document = invoice_document(invoice=invoice, language=language)
    fmt = InvoiceFormats(language, request.tenant.time_zone, invoice.currency)
    lines = [
        {
            "description": line.description,
            "starts_on": line.starts_on,
            "last_day": last_day(line),
            "vat": fmt.vat_rate(line.vat_category, line.vat_rate) if line.vat_category else "",
            **dict(zip(LINE_CELLS, line_cells(line, fmt), strict=True)),
        }
        for line in document.lines
    ]
    buyer = document.customer
    context = {
        "client": request.tenant,
        "invoice": invoice,
        "lines": lines,
        "vat_rows": _vat_rows(document, fmt),
        "vat_mentions": vat_mentions(document),
        "due_on": fmt.day(document.due_on) if document.due_on else "",
        "buyer": buyer,
        "buyer_country": fmt.country(buyer.country) if buyer.country else "",
        "pdf_links": _pdf_links(request, invoice),
        "status": invoice_status(invoice, timezone.localtime(timezone.now(), client.tz).date()),
        "open_amount": invoice_open_amount(invoice),
        "allocations": payments_of_invoice(invoice=invoice),
        **_einvoice(document),
    }
    return render(request, "portal/invoice.html", context)


@login_required
def invoice_pdf_download(request, invoice_id: int):
    """The issued invoice or credit note as a PDF, in the client's document language (the
    monthly report's: the language set for its reports, else its default), or in another UI
    language given as ?language=."""
    invoice = invoice_of_client(client=request.tenant, invoice_id=invoice_id)
    if invoice is None:
        raise Http404("no such invoice")
    asked = request.GET.get("language", "")
    if asked and asked not in UI_LANGUAGES:
        raise BadRequest("?language= takes a language of the interface.")
    language = asked or report_language(client=request.tenant)
    pdf = invoice_pdf(invoice_document(invoice=invoice, language=language))
    audit_record(
        action=AuditEvent.Action.INVOICE_DOWNLOADED,
        request=request,
        object_type="invoice",
        object_id=invoice.pk,
        label=invoice.number,
        details={"language": language},
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{invoice.number}.pdf"'
    return response


@login_required
def invoice_xml_download(request, invoice_id: int):
    """The issued invoice or credit note as a UBL 2.1 e-invoice (Peppol BIS Billing 3.0), its
    texts in the client's document language; 404 for one issued before VAT."""
    invoice = invoice_of_client(client=request.tenant, invoice_id=invoice_id)
    if invoice is None:
        raise Http404("no such invoice")
    language = report_language(client=request.tenant)
    try:
        xml = invoice_ubl(invoice_document(invoice=invoice, language=language))
    except UblNotAvailable as error:
        raise Http404(str(error)) from None
    audit_record(
        action=AuditEvent.Action.INVOICE_DOWNLOADED,
        request=request,
        object_type="invoice",
        object_id=invoice.pk,
        label=invoice.number,
        details={"language": language, "format": "ubl"},
    )
    response = HttpResponse(xml, content_type="application/xml")
    filename = ubl_filename(kind=invoice.kind, number=invoice.number)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


INVOICE_CSV_HEADER = [
    "invoice",
    "position",
    "kind",
    "description",
    "label",
    "starts_on",
    "ends_on",
    "quantity",
    "included",
    "unit",
    "unit_price",
    "amount",
    "currency",
    # VAT (empty on an invoice issued before VAT): the line's category and rate, the VAT of
    # its category and rate on the invoice (rounded once per rate, not per line), and the
    # invoice's totals, repeated on each line so that every row stands alone in a sheet.
    "vat_category",
    "vat_rate",
    "rate_taxable_amount",
    "rate_vat_amount",
    "total_without_vat",
    "vat_total",
    "total_with_vat",
    "due_on",
    "payment_reference",
]


def invoice_csv_rows(invoice: Invoice) -> Iterator[list]:
    per_rate = {(row.category, row.rate): row for row in invoice.vat_totals.all()}
    with_vat = invoice.total_with_vat
    for line in invoice.lines.order_by("position"):
        rate = (
            per_rate.get((line.vat_category, line.vat_rate)) if line.vat_rate is not None else None
        )
        yield [
            invoice.number,
            line.position,
            line.kind,
            str(line.get_kind_display()),
            line.label,
            line.starts_on.isoformat(),
            line.ends_on.isoformat(),
            line.quantity,
            line.included,
            line.unit,
            line.unit_price,
            line.amount,
            invoice.currency,
            line.vat_category,
            "" if line.vat_rate is None else line.vat_rate,
            "" if rate is None else rate.taxable_amount,
            "" if rate is None else rate.vat_amount,
            invoice.total,
            invoice.vat_total if invoice.vat_treatment else "",
            "" if with_vat is None else with_vat,
            invoice.due_on.isoformat() if invoice.due_on else "",
            invoice.payment_reference,
        ]


@login_required
def invoice_csv(request, invoice_id: int):
    invoice = invoice_of_client(client=request.tenant, invoice_id=invoice_id)
    if invoice is None:
        raise Http404("no such invoice")
    audit_record(
        action=AuditEvent.Action.EXPORTED,
        request=request,
        object_type="invoice",
        object_id=invoice.pk,
        label=f"{invoice.number}.csv",
    )
    return csv_response(
        f"{invoice.number}.csv", INVOICE_CSV_HEADER, invoice_csv_rows(invoice), utf8_mark=False
    )


LEDGER_CSV_HEADER = [
    "id",
    "occurred_at",
    "kind",
    "quantity",
    "currency",
    "language",
    "channel",
    "out_of_hours",
    "source_kind",
    "source_ref",
    "corrects",
    "note",
    "recorded_at",
]


def ledger_csv_rows(*, client: Client, month: date) -> Iterator[list]:
    """The raw ledger of a month, streamed row by row (no agent ids: agency-internal)."""
    for entry in ledger_rows_for_month(client=client, month=month):
        yield [
            entry.pk,
            entry.occurred_at.isoformat(),
            entry.kind,
            entry.quantity,
            entry.currency,
            entry.language,
            entry.channel,
            int(entry.out_of_hours),
            entry.source_kind,
            entry.source_ref,
            entry.corrects_id or "",
            entry.note,
            entry.recorded_at.isoformat(),
        ]


@login_required
def usage_csv(request):
    client = request.tenant
    now = timezone.now()
    month = _month_from(
        request, default=month_previous(now, zone=client.tz), latest=month_of(now, zone=client.tz)
    )
    filename = f"usage-{client.slug}-{month:%Y-%m}.csv"
    audit_record(
        action=AuditEvent.Action.EXPORTED,
        request=request,
        object_type="export",
        object_id=filename,
        label=filename,
    )
    return csv_response(
        filename,
        LEDGER_CSV_HEADER,
        ledger_csv_rows(client=client, month=month),
        utf8_mark=False,
    )
