"""The A4 page kit: long tables in blocks that repeat their header, the embedded font."""

import io

from pypdf import PdfReader
from reportlab.platypus import Paragraph

from core.pdf import TABLE_BLOCK_ROWS, a4_pdf, blocks_of_table, paragraph_styles


def test_long_tables_are_cut_into_blocks_with_their_header():
    rows = [[str(n), "1"] for n in range(TABLE_BLOCK_ROWS * 3 + 1)]
    tables = blocks_of_table(["", "Received"], rows, [100, 50])
    assert len(tables) == 4
    assert all(table._cellvalues[0][1].text == "Received" for table in tables)
    assert blocks_of_table(["", "Received"], [], [100, 50]) == []


def test_a_page_embeds_dejavu_and_prints_every_letter_and_the_footer():
    story = [Paragraph("Příliš žluťoučký kůň, łódź, őrült, știință", paragraph_styles()["body"])]
    pdf = a4_pdf(story, footer="Shop · 2026", title="T", author="Polydesk", language="cs")
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    text = page.extract_text()
    assert "žluťoučký" in text and "łódź" in text and "őrült" in text and "știință" in text
    assert "Shop · 2026" in text and "Page 1" in text
    fonts = {str(f["/BaseFont"]) for f in page["/Resources"]["/Font"].values()}
    assert fonts and all("DejaVuSans" in name for name in fonts)
