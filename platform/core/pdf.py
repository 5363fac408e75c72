"""The A4 PDF page kit (reportlab platypus): the embedded fonts, colours, paragraph and table
styles, long tables cut into blocks, and the page with its footer. The monthly report
(``reporting.layout``) and the invoice (``billing.document``) are built on it.

DejaVu Sans is embedded so that every letter of the clients' languages (č ř ů ő ł ș ț ...)
renders. Long tables are cut into blocks of ``TABLE_BLOCK_ROWS`` rows, each with its header,
so that layout time grows linearly with the rows.
"""

import functools
import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

FONTS = Path(__file__).resolve().parent / "fonts"
FONT, FONT_BOLD = "DejaVuSans", "DejaVuSans-Bold"
TABLE_BLOCK_ROWS = 60
INK = colors.HexColor("#1d2433")
MUTED = colors.HexColor("#5b6578")
ACCENT = colors.HexColor("#2457c5")
RULE = colors.HexColor("#e3e7ee")
# One colour per channel, the same in every chart.
CHANNEL_COLOURS = {
    "email": colors.HexColor("#2457c5"),
    "chat": colors.HexColor("#2a9d8f"),
    "sms": colors.HexColor("#e9c46a"),
    "api": colors.HexColor("#8d99ae"),
    "call": colors.HexColor("#e76f51"),
}
PAGE_WIDTH = A4[0] - 40 * mm


@functools.cache
def fonts_register() -> None:
    """Register the bundled DejaVu Sans (regular and bold) with reportlab, once."""
    pdfmetrics.registerFont(TTFont(FONT, str(FONTS / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont(FONT_BOLD, str(FONTS / "DejaVuSans-Bold.ttf")))
    pdfmetrics.registerFontFamily(
        FONT, normal=FONT, bold=FONT_BOLD, italic=FONT, boldItalic=FONT_BOLD
    )


def paragraph_styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("body", fontName=FONT, fontSize=9.5, leading=13, textColor=INK)
    return {
        "body": base,
        "muted": ParagraphStyle("muted", parent=base, textColor=MUTED),
        # A heading never ends a page: it stays with what follows it.
        "h1": ParagraphStyle(
            "h1",
            parent=base,
            fontName=FONT_BOLD,
            fontSize=16,
            leading=20,
            spaceBefore=6,
            spaceAfter=8,
            keepWithNext=1,
        ),
        "h2": ParagraphStyle(
            "h2",
            parent=base,
            fontName=FONT_BOLD,
            fontSize=12,
            leading=16,
            spaceBefore=10,
            spaceAfter=6,
            keepWithNext=1,
        ),
        "title": ParagraphStyle(
            "title",
            parent=base,
            fontName=FONT_BOLD,
            fontSize=28,
            leading=34,
            alignment=TA_CENTER,
            spaceAfter=12,
        ),
        "subtitle": ParagraphStyle(
            "subtitle", parent=base, fontSize=16, leading=22, alignment=TA_CENTER, spaceAfter=6
        ),
        "cell": ParagraphStyle("cell", parent=base, fontSize=8.5, leading=11),
    }


def escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def table_style(numeric_from: int = 1, *, last_ruled: int = -1) -> TableStyle:
    """The tables' look: a bold header over a line, a thin rule under each row up to
    ``last_ruled`` (rows after it, a total or a note, have their own), numbers right."""
    return TableStyle(
        [
            ("FONT", (0, 0), (-1, -1), FONT, 8.5),
            ("FONT", (0, 0), (-1, 0), FONT_BOLD, 8.5),
            ("TEXTCOLOR", (0, 0), (-1, -1), INK),
            ("LINEBELOW", (0, 0), (-1, 0), 0.8, INK),
            ("LINEBELOW", (0, 1), (-1, last_ruled), 0.3, RULE),
            ("ALIGN", (numeric_from, 0), (-1, -1), "RIGHT"),
            ("VALIGN", (0, 0), (-1, 0), "BOTTOM"),
            ("VALIGN", (0, 1), (-1, -1), "TOP"),
            ("TOPPADDING", (0, 0), (-1, -1), 2.5),
            ("LEFTPADDING", (0, 0), (-1, -1), 2.5),
            ("RIGHTPADDING", (0, 0), (-1, -1), 2.5),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
        ]
    )


def blocks_of_table(
    header: Sequence[object],
    rows: Sequence[Sequence[Any]],
    widths: Sequence[float],
    *,
    header_size: float = 6,
    tail: Sequence[Sequence[Any]] = (),
    tail_style: Sequence[tuple[Any, ...]] = (),
) -> list[Table]:
    """The rows as tables of at most TABLE_BLOCK_ROWS rows, each repeating the header (and
    splitting across pages with it): layout time stays linear in the number of rows. The
    report's wide tables need the small header; an invoice's few columns take a larger one.

    ``tail``: rows after the last block's (an invoice's total and notes), styled by
    ``tail_style`` (commands on negative row indices) and kept on one page with the last
    row, so that a page break never leaves them alone at the top of a page."""
    if not rows and not tail:
        return []
    fonts_register()
    header_style = ParagraphStyle(
        "th",
        fontName=FONT_BOLD,
        fontSize=header_size,
        leading=header_size * 1.25,
        textColor=INK,
        alignment=TA_RIGHT,
    )
    header = [
        Paragraph(
            escape(str(text)),
            header_style
            if column
            else ParagraphStyle("th0", parent=header_style, alignment=TA_LEFT),
        )
        for column, text in enumerate(header)
    ]
    tables = []
    starts = range(0, len(rows), TABLE_BLOCK_ROWS) or range(1)
    for first in starts:
        block = [header, *rows[first : first + TABLE_BLOCK_ROWS]]
        style = table_style()
        if first == starts[-1] and tail:
            block += tail
            style = table_style(last_ruled=-len(tail) - 1)
            for command in (("NOSPLIT", (0, -len(tail) - 1), (-1, -1)), *tail_style):
                style.add(*command)
        table = Table(block, colWidths=widths, repeatRows=1, hAlign="LEFT")
        table.setStyle(style)
        tables.append(table)
    return tables


def a4_pdf(story: list[Any], *, footer: str, title: str, author: str, language: str) -> bytes:
    """``story`` on A4 pages with the footer and a page number on each, as PDF bytes (the
    report's and the invoice's page); call it with the document's language active."""
    buffer = io.BytesIO()
    page_label = _("Page %(page)s")

    def on_page(canvas: Any, document: Any) -> None:
        canvas.saveState()
        canvas.setFont(FONT, 7.5)
        canvas.setFillColor(MUTED)
        canvas.drawString(20 * mm, 10 * mm, footer)
        canvas.drawRightString(A4[0] - 20 * mm, 10 * mm, page_label % {"page": document.page})
        canvas.restoreState()

    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
        title=title,
        author=author,
        lang=language,
        initialFontName=FONT,
    )
    document.build(story, onFirstPage=on_page, onLaterPages=on_page)
    return buffer.getvalue()
