"""An issued invoice or credit note as a PDF: a pure function of plain data (reportlab).

``invoice_pdf(document)`` takes an ``InvoiceDocument`` (no database, no request; the selector
``billing.selectors.invoice_document`` fills it from the stored invoice) and returns the PDF's
bytes, written in ``document.language``. It is built on the kit the monthly report uses too
(``core.pdf``): the embedded DejaVu fonts with every letter of the clients' languages, long
tables cut into blocks; numbers, dates and money through babel (``core.formats.Formats``).

Every figure is printed as stored, never computed again: a line's quantity, included volume
and unit price with all their decimals, its amount and the total to the currency's minor unit
(they were rounded once, when the invoice was issued; ``billing.money``).
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from xml.sax.saxutils import escape

import segno
from babel.dates import format_date, format_interval
from babel.numbers import format_currency, format_decimal, format_percent
from django.utils import translation
from django.utils.translation import gettext as _
from reportlab.graphics.shapes import Drawing, Rect
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Paragraph, Spacer, Table, TableStyle

from billing.payment_qr import (
    EPC,
    PaymentQr,
    PaymentQrError,
    PaymentRequest,
    payment_qr_for,
    variable_symbol,
)
from core.formats import Formats
from core.months import month_bounds
from core.pdf import (
    FONT,
    FONT_BOLD,
    INK,
    MUTED,
    PAGE_WIDTH,
    a4_pdf,
    blocks_of_table,
    fonts_register,
)

KIND_INVOICE, KIND_CREDIT_NOTE = "invoice", "credit_note"
# A line in this unit (a surcharge, a margin, telephony passed through) has an amount as its
# quantity and a share of it as its unit price.
UNIT_AMOUNT = "amount"
# Description ... amount: PAGE_WIDTH in all; the unit holds "conversaciones" on one line,
# quantity and amount "123 456,78 CZK".
LINE_WIDTHS = [158, 66, 50, 72, 66, 70]
# With VAT, a VAT column ("25,5 %", "AE") before the amount.
VAT_LINE_WIDTHS = [136, 62, 46, 68, 62, 40, 68]
VAT_TOTAL_WIDTHS = [182, 60, 120, 120]
DOMESTIC, REVERSE_CHARGE, OUTSIDE_SCOPE = "domestic", "reverse_charge", "outside_scope"
# The language a supplier's country writes its mentions in (the catalogs' languages).
COUNTRY_LANGUAGES = {
    "AT": "de",
    "BE": "nl",
    "BG": "bg",
    "CY": "el",
    "CZ": "cs",
    "DE": "de",
    "ES": "es",
    "FR": "fr",
    "GR": "el",
    "HR": "hr",
    "HU": "hu",
    "IE": "en",
    "IT": "it",
    "LU": "fr",
    "MT": "en",
    "NL": "nl",
    "PL": "pl",
    "PT": "pt",
    "RO": "ro",
    "SI": "sl",
    "SK": "sk",
}
# A table sets its cells' font even when they hold paragraphs: without this, reportlab's
# default Helvetica (not embedded, no č or ő) ends up in the file.
CELL_FONT = [("FONT", (0, 0), (-1, -1), FONT, 9)]


@dataclass(frozen=True, kw_only=True)
class Party:
    """Who issues or receives the document; empty fields are left out."""

    name: str
    address: str = ""  # one line or several
    country: str = ""  # ISO 3166-1 code, printed as its name in the document's language
    registration_id: str = ""
    vat_id: str = ""
    email: str = ""
    iban: str = ""
    bic: str = ""


@dataclass(frozen=True, kw_only=True)
class DocumentLine:
    """One stored invoice line; description and unit label in the document's language."""

    description: str
    starts_on: date
    ends_on: date  # exclusive
    quantity: Decimal
    included: Decimal
    unit: str  # month, day, minute, conversation or amount
    unit_label: str
    unit_price: Decimal
    amount: Decimal
    vat_category: str = ""  # S, AE or O (EN 16931); empty: issued before VAT
    vat_rate: Decimal | None = None


@dataclass(frozen=True, kw_only=True)
class VatTotalLine:
    """The VAT of one category and rate, as stored on the invoice."""

    category: str
    rate: Decimal
    taxable_amount: Decimal
    vat_amount: Decimal


@dataclass(frozen=True, kw_only=True)
class InvoiceDocument:
    """Everything an invoice or credit note shows, as plain data."""

    kind: str  # KIND_INVOICE or KIND_CREDIT_NOTE
    number: str
    language: str
    time_zone: str  # the client's: the issue date is its local date
    currency: str
    issued_at: datetime
    period: date  # the billed month's first day
    issuer: Party
    customer: Party
    lines: tuple[DocumentLine, ...]
    total: Decimal
    # A credit note: the invoice it cancels, and why.
    corrects_number: str = ""
    corrects_issued_at: datetime | None = None
    reason: str = ""
    # VAT (empty treatment: issued before VAT; `total` is then what is due).
    vat_treatment: str = ""  # domestic, reverse_charge or outside_scope
    vat_totals: tuple[VatTotalLine, ...] = ()
    vat_total: Decimal = Decimal(0)
    total_with_vat: Decimal | None = None
    # Payment terms (an invoice): due date (the client's local date) and reference.
    due_on: date | None = None
    payment_reference: str = ""


def vat_category_label(category: str) -> str:
    """An EN 16931 VAT category as the reader says it, in the active language."""
    labels = {
        "S": _("Standard rate"),
        "AE": _("Reverse charge"),
        "O": _("Not subject to VAT"),
    }
    return labels.get(category, category)


def vat_mention(treatment: str) -> str:
    """The legal mention a treatment requires (Directive 2006/112/EC art. 226(11)), in the
    active language; "" for VAT charged."""
    if treatment == REVERSE_CHARGE:
        return _(
            "Reverse charge — the customer accounts for the VAT, Article 196 of Directive "
            "2006/112/EC."
        )
    if treatment == OUTSIDE_SCOPE:
        return _(
            "Not subject to EU VAT — the place of supply is outside the EU, Article 44 of "
            "Directive 2006/112/EC."
        )
    return ""


def vat_mentions(document: "InvoiceDocument") -> list[str]:
    """The mention in the document's language, then in the supplier's when it differs."""
    mention = vat_mention(document.vat_treatment)
    if not mention:
        return []
    supplier = COUNTRY_LANGUAGES.get(document.issuer.country, "")
    if not supplier or supplier == document.language:
        return [mention]
    with translation.override(supplier):
        return [mention, vat_mention(document.vat_treatment)]


def document_title(kind: str) -> str:
    """The document's title, "Invoice" or "Credit note", in the active language."""
    return _("Credit note") if kind == KIND_CREDIT_NOTE else _("Invoice")


class InvoiceFormats(Formats):
    """The report's formats, plus stored values shown with every decimal they have."""

    def exact_money(self, amount: Decimal) -> str:
        """An amount or unit price with at least the currency's decimals, and all of its own
        (a unit price of 0.012345 EUR is not shown as 0.01)."""
        return format_currency(
            _plain(amount), self.currency, locale=self.locale, decimal_quantization=False
        )

    def quantity(self, value: Decimal) -> str:
        return format_decimal(_plain(value), "#,##0.####", locale=self.locale)

    def share(self, ratio: Decimal) -> str:
        """A unit price of an amount as a percentage (0.125 -> 12.5 %), every decimal kept."""
        return format_percent(_plain(ratio), locale=self.locale, decimal_quantization=False)

    def country(self, code: str) -> str:
        return self.value_label("country", code)

    def day(self, value: date) -> str:
        """A calendar date (a due date), long, as the issue date is printed."""
        return format_date(value, "long", locale=self.locale)

    def vat_rate(self, category: str, rate: Decimal | None) -> str:
        """A line's VAT: its rate for VAT charged ("21 %"), else its category ("AE", "O")."""
        if category == "S" and rate is not None:
            return self.share(rate / 100)
        return category

    def vat_total_rate(self, category: str, rate: Decimal) -> str:
        """A VAT total's rate: "21 %", "0 %" under the reverse charge; none outside the
        scope (EN 16931 BR-O-05: no rate for category O)."""
        return "—" if category == "O" else self.share(rate / 100)


def last_day(line: DocumentLine) -> date:
    """The last day a line covers: its stored end is the first day after it."""
    return line.ends_on - timedelta(days=1)


def _plain(value: Decimal) -> Decimal:
    # Without trailing zeros (35.0000 -> 35), and never "-0" (a credit note negates zeros).
    return value.normalize() if value else Decimal(0)


def _styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("body", fontName=FONT, fontSize=9, leading=12.5, textColor=INK)
    return {
        "body": base,
        "muted": ParagraphStyle("muted", parent=base, textColor=MUTED),
        "label": ParagraphStyle("label", parent=base, fontSize=7.5, leading=10, textColor=MUTED),
        "name": ParagraphStyle("name", parent=base, fontName=FONT_BOLD, fontSize=10.5, leading=14),
        "title": ParagraphStyle(
            "title", parent=base, fontName=FONT_BOLD, fontSize=20, leading=26, spaceAfter=10
        ),
        "cell": ParagraphStyle("cell", parent=base, fontSize=8.5, leading=11),
        "cell_note": ParagraphStyle(
            "cell_note", parent=base, fontSize=7.5, leading=10, textColor=MUTED
        ),
        "total": ParagraphStyle(
            "total", parent=base, fontName=FONT_BOLD, fontSize=11, leading=14, alignment=TA_RIGHT
        ),
        "total_part": ParagraphStyle("total_part", parent=base, alignment=TA_RIGHT),
    }


def _party(heading: str, party: Party, fmt: InvoiceFormats, styles) -> list[Paragraph]:
    country = fmt.country(party.country) if party.country.strip() else ""
    rows = [
        (_("Address"), party.address),
        (_("Country"), country),
        (_("Registration number"), party.registration_id),
        (_("VAT ID"), party.vat_id),
        (_("E-mail"), party.email),
        ("IBAN", party.iban),
        ("BIC", party.bic),
    ]
    return [
        Paragraph(escape(heading), styles["label"]),
        Paragraph(escape(party.name), styles["name"]),
        *(
            Paragraph(
                _("%(label)s: %(value)s") % {"label": escape(label), "value": _multiline(value)},
                styles["body"],
            )
            for label, value in rows
            if value.strip()
        ),
    ]


def _multiline(value: str) -> str:
    """A value of one or more lines (an address) as paragraph markup, blank lines dropped."""
    return "<br/>".join(escape(line.strip()) for line in value.splitlines() if line.strip())


def _parties(document: InvoiceDocument, fmt: InvoiceFormats, styles) -> Table:
    table = Table(
        [
            [
                _party(_("Supplier"), document.issuer, fmt, styles),
                _party(_("Buyer"), document.customer, fmt, styles),
            ]
        ],
        colWidths=[PAGE_WIDTH / 2] * 2,
        hAlign="LEFT",
    )
    table.setStyle(
        TableStyle(
            [*CELL_FONT, ("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0)]
        )
    )
    return table


def _facts(document: InvoiceDocument, fmt: InvoiceFormats, styles) -> Table:
    facts = [
        (_("Number"), document.number),
        (_("Issue date"), fmt.date(document.issued_at)),
    ]
    if document.vat_treatment:  # the tax point: the billed month's last day (docs: VAT)
        supplied = month_bounds(document.period)[1] - timedelta(days=1)
        facts.append((_("Date of supply"), fmt.day(supplied)))
    facts += [
        (_("Billed month"), fmt.month(datetime.combine(document.period, time()))),
        (_("Currency"), document.currency),
    ]
    if document.due_on is not None:
        facts.append((_("Due date"), fmt.day(document.due_on)))
    if document.payment_reference:
        facts.append((_("Payment reference"), document.payment_reference))
    if document.kind == KIND_CREDIT_NOTE:
        corrected = document.corrects_number
        if document.corrects_issued_at is not None:
            corrected += f" ({fmt.date(document.corrects_issued_at)})"
        facts += [(_("Cancelled invoice"), corrected), (_("Reason"), document.reason)]
    table = Table(
        [
            [Paragraph(escape(label), styles["muted"]), Paragraph(escape(value), styles["body"])]
            for label, value in facts
        ],
        colWidths=[120, PAGE_WIDTH - 120],
        hAlign="LEFT",
    )
    table.setStyle(
        TableStyle(
            [
                *CELL_FONT,
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 1),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
            ]
        )
    )
    return table


def line_cells(line: DocumentLine, fmt: InvoiceFormats) -> list[str]:
    """A line as the reader sees it: quantity, included, unit, unit price, amount."""
    if line.unit == UNIT_AMOUNT:
        quantity, unit, unit_price = fmt.exact_money(line.quantity), "", fmt.share(line.unit_price)
    else:
        quantity, unit = fmt.quantity(line.quantity), line.unit_label
        unit_price = fmt.exact_money(line.unit_price)
    included = fmt.quantity(line.included) if line.included else ""
    return [quantity, included, unit, unit_price, fmt.money(line.amount)]


def _tail(document: InvoiceDocument, fmt: InvoiceFormats, styles) -> tuple[list, list]:
    """The rows under the lines, the totals then the notes (a credit note's, the VAT's),
    and their style: one table with the lines, so they never start a page alone. With VAT:
    total without VAT, VAT, total to pay; before VAT: the total, "without VAT"."""
    last = len(_line_widths(document)) - 1
    if document.vat_treatment and document.total_with_vat is not None:
        totals = [
            (_("Total without VAT"), document.total, "total_part"),
            (_("VAT"), document.vat_total, "total_part"),
            # A credit note's negative total is not "to pay".
            (
                _("Total with VAT") if document.kind == KIND_CREDIT_NOTE else _("Total to pay"),
                document.total_with_vat,
                "total",
            ),
        ]
    else:
        totals = [(_("Total"), document.total, "total")]
    rows: list[list[object]] = [
        [
            Paragraph(escape(label), styles[style]),
            *[""] * (last - 2),
            Paragraph(escape(fmt.money(amount)), styles[style]),
            "",
        ]
        for label, amount, style in totals
    ]
    notes = []
    if document.kind == KIND_CREDIT_NOTE:
        cancels = _("This credit note cancels invoice %(number)s in full.")
        notes.append(cancels % {"number": document.corrects_number})
    if not document.vat_treatment:
        # Issued before VAT was applied: its lines and total carry none (docs/billing.md).
        notes.append(_("Prices and amounts are without VAT."))
    rows += [[Paragraph(escape(note), styles["body"]), *[""] * last] for note in notes]
    first, closing = -len(rows), -len(rows) + len(totals) - 1
    style: list[tuple] = [
        *(("SPAN", (0, row), (last - 2, row)) for row in range(first, closing + 1)),
        *(("SPAN", (last - 1, row), (last, row)) for row in range(first, closing + 1)),
        ("LINEABOVE", (0, first), (-1, first), 0.8, INK),
        ("LINEABOVE", (0, closing), (-1, closing), 0.8, INK),
        ("TOPPADDING", (0, first), (-1, closing), 4),
        ("BOTTOMPADDING", (0, closing), (-1, closing), 6 * mm),
        *(("SPAN", (0, row), (last, row)) for row in range(closing + 1, 0)),
    ]
    return rows, style


def _line_widths(document: InvoiceDocument) -> list[int]:
    return VAT_LINE_WIDTHS if document.vat_treatment else LINE_WIDTHS


def _vat_totals(document: InvoiceDocument, fmt: InvoiceFormats, styles) -> list:
    """The VAT per category and rate as stored (taxable amount, VAT), then the mentions."""
    if not document.vat_treatment:
        return []
    header = [_("VAT category"), _("VAT rate"), _("Taxable amount"), _("VAT")]
    rows = [
        [
            Paragraph(escape(vat_category_label(row.category)), styles["cell"]),
            fmt.vat_total_rate(row.category, row.rate),
            fmt.money(row.taxable_amount),
            fmt.money(row.vat_amount),
        ]
        for row in document.vat_totals
    ]
    mentions = [Paragraph(escape(text), styles["body"]) for text in vat_mentions(document)]
    return [
        *blocks_of_table(header, rows, VAT_TOTAL_WIDTHS, header_size=7.5),
        *([Spacer(1, 3 * mm), *mentions] if mentions else []),
    ]


def _lines(document: InvoiceDocument, fmt: InvoiceFormats, styles) -> list[Table]:
    whole_month = month_bounds(document.period)
    rows = []
    for line in document.lines:
        text = escape(line.description)
        # A plan changing mid-month splits it: say which days such a line is for.
        if (line.starts_on, line.ends_on) != whole_month:
            days = format_interval(line.starts_on, last_day(line), "yMMMd", locale=fmt.locale)
            text += f"<br/><font size=7.5 color='#5b6578'>{escape(days)}</font>"
        cells = line_cells(line, fmt)
        if document.vat_treatment:
            cells.insert(-1, fmt.vat_rate(line.vat_category, line.vat_rate))
        rows.append([Paragraph(text, styles["cell"]), *cells])
    header = [
        _("Description"),
        _("Quantity"),
        _("Included"),
        _("Billing unit"),
        _("Unit price"),
        *([_("VAT")] if document.vat_treatment else []),
        _("Amount"),
    ]
    tail, tail_style = _tail(document, fmt, styles)
    return blocks_of_table(
        header, rows, _line_widths(document), header_size=7.5, tail=tail, tail_style=tail_style
    )


# The payment QR code's side: EPC069-12 asks for at least 2 x 2 cm; larger reads better from
# a screen. Its caption names the standard, so the payer knows which app reads it.
QR_SIZE = 34 * mm
QR_CAPTIONS = {EPC: "EPC QR (SEPA)"}


def iban_printed(iban: str) -> str:
    """An IBAN in groups of four characters (CZ65 0800 0000 ...), as banks print it."""
    compact = "".join(iban.split()).upper()
    return " ".join(compact[i : i + 4] for i in range(0, len(compact), 4))


def amount_to_pay(document: InvoiceDocument) -> Decimal:
    """What the buyer pays: with VAT, or the total of an invoice issued before VAT."""
    return document.total if document.total_with_vat is None else document.total_with_vat


def document_payment_qr(document: InvoiceDocument) -> PaymentQr | None:
    """The payment QR code the document prints (billing.payment_qr), or None: a credit
    note, nothing to pay, no account in its currency, a currency without a standard."""
    if document.kind != KIND_INVOICE:
        return None
    request = PaymentRequest(
        iban=document.issuer.iban,
        bic=document.issuer.bic,
        name=document.issuer.name,
        amount=amount_to_pay(document),
        currency=document.currency,
        reference=document.payment_reference,
        due_on=document.due_on,
        message=f"{document_title(document.kind)} {document.number}",
    )
    try:
        return payment_qr_for(request, payer_country=document.customer.country)
    except PaymentQrError:
        # Beyond what the standard can carry (an amount over its limit, a name over 70
        # characters): the invoice prints the bank details without a code, never fails.
        return None


def qr_drawing(payload: str, size: float) -> Drawing:
    """The QR code as vector squares (sharp at any zoom or print), error correction M as
    EPC069-12 asks, its text in UTF-8 (EPC's character set 1; SPAYD is ASCII)."""
    code = segno.make(payload, error="m", boost_error=False, micro=False, encoding="utf-8")
    rows = list(code.matrix_iter(border=4))
    module = size / len(rows)
    drawing = Drawing(size, size)
    for y, row in enumerate(rows):
        for x, dark in enumerate(row):
            if dark:
                top = size - (y + 1) * module
                drawing.add(Rect(x * module, top, module, module, fillColor=INK, strokeWidth=0))
    return drawing


def _payment(document: InvoiceDocument, fmt: InvoiceFormats, styles) -> list:
    """How to pay an invoice: amount, due date, reference, the account in the invoice's
    currency and its QR code; nothing for a credit note or an invoice with nothing to pay."""
    amount = amount_to_pay(document)
    if document.kind != KIND_INVOICE or amount <= 0:
        return []
    reference = document.payment_reference
    facts = [
        (_("Amount to pay"), fmt.money(amount)),
        # The due date is already the client's local date: formatted as it is.
        (
            _("Due date"),
            format_date(document.due_on, "long", locale=fmt.locale) if document.due_on else "",
        ),
        (
            _("Variable symbol") if variable_symbol(reference) else _("Payment reference"),
            reference,
        ),
        # In groups of four, as on paper (the code holds it compact).
        ("IBAN", iban_printed(document.issuer.iban)),
        ("BIC", document.issuer.bic),
    ]
    rows = [
        [Paragraph(escape(label), styles["muted"]), Paragraph(escape(value), styles["body"])]
        for label, value in facts
        if value
    ]
    if not document.issuer.iban:
        rows.append([Paragraph(escape(_("Bank details will follow.")), styles["body"]), ""])
    details = Table(rows, colWidths=[120, PAGE_WIDTH - 120 - QR_SIZE - 12], hAlign="LEFT")
    details.setStyle(
        TableStyle(
            [
                *CELL_FONT,
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 1),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
            ]
        )
    )
    code = document_payment_qr(document)
    qr_cell: list = []
    if code is not None:
        caption = QR_CAPTIONS.get(code.kind, "QR Platba")
        centred = ParagraphStyle("caption", parent=styles["label"], alignment=TA_CENTER)
        qr_cell = [qr_drawing(code.payload, QR_SIZE), Paragraph(escape(caption), centred)]
    block = Table(
        [[details, qr_cell]], colWidths=[PAGE_WIDTH - QR_SIZE - 12, QR_SIZE + 12], hAlign="LEFT"
    )
    block.setStyle(
        TableStyle(
            [
                *CELL_FONT,
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("ALIGN", (1, 0), (1, 0), "CENTER"),
            ]
        )
    )
    heading = Paragraph(escape(_("Payment")), styles["name"])
    return [Spacer(1, 4 * mm), KeepTogether([heading, Spacer(1, 2 * mm), block])]


def invoice_story(document: InvoiceDocument) -> list:
    """The document's flowables (call inside the document's language)."""
    fonts_register()
    styles = _styles()
    fmt = InvoiceFormats(document.language, document.time_zone, document.currency)
    return [
        Paragraph(escape(f"{document_title(document.kind)} {document.number}"), styles["title"]),
        _parties(document, fmt, styles),
        Spacer(1, 6 * mm),
        _facts(document, fmt, styles),
        Spacer(1, 6 * mm),
        # The lines, then the totals and the notes in the same table (_tail).
        *_lines(document, fmt, styles),
        # The VAT per rate and the legal mention (reverse charge, outside the scope).
        *_vat_totals(document, fmt, styles),
        # How to pay (an invoice with an amount due): after the total, kept on one page.
        *_payment(document, fmt, styles),
    ]


def invoice_pdf(document: InvoiceDocument) -> bytes:
    """The invoice or credit note as PDF bytes, in the document's language."""
    with translation.override(document.language):
        title = f"{document_title(document.kind)} {document.number}"
        return a4_pdf(
            invoice_story(document),
            footer=f"{document.issuer.name} · {title}",
            title=title,
            author=document.issuer.name,
            language=document.language,
        )
