"""A PDF's text and fonts, for the invoice and report tests."""

import io
import subprocess
import tempfile
from pathlib import Path

from pypdf import PdfReader


def text_of(pdf: bytes) -> str:
    """The PDF's text in reading order, every run of white space (a cell's end, a wrapped
    description, babel's non-breaking space) one space: tests read it whatever the wrapping."""
    pages = PdfReader(io.BytesIO(pdf)).pages
    return " ".join(" ".join(page.extract_text() for page in pages).split())


def text_by_page(pdf: bytes) -> str:
    """The PDF's text as extracted, page after page."""
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def assert_only_dejavu_embedded(pdf: bytes) -> None:
    """Every font of ``pdf`` is DejaVu (regular or bold), embedded: no base-14 font slipped
    in, which a reader would draw without the Central-European letters."""
    reader = PdfReader(io.BytesIO(pdf))
    fonts = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            fonts.add(font["/BaseFont"].split("+")[-1])
            descendant = (
                font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
            )
            assert "/FontFile2" in descendant["/FontDescriptor"].get_object()
    assert fonts == {"DejaVuSans", "DejaVuSans-Bold"}


def qr_codes_of(pdf: bytes, *, dpi: int = 200) -> list[str]:
    """The texts of the QR codes drawn on the PDF's pages, as a phone would read them:
    every page rendered to an image (poppler's pdftoppm), then read with zbar's zbarimg."""

    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "document.pdf"
        source.write_bytes(pdf)
        subprocess.run(
            ["pdftoppm", "-r", str(dpi), "-png", str(source), str(Path(folder) / "page")],
            check=True,
            timeout=60,
        )
        codes = []
        for image in sorted(Path(folder).glob("page*.png")):
            read = subprocess.run(
                # Only QR codes: a line of text read as a 1D barcode would add a code.
                [
                    "zbarimg",
                    "--quiet",
                    "--raw",
                    "-Sdisable",
                    "-Sqrcode.enable",
                    "-Sbinary",
                    str(image),
                ],
                capture_output=True,
                timeout=60,
                check=False,
            )
            if read.returncode == 0:  # 4: no code on the page
                codes.append(read.stdout.decode("utf-8").removesuffix("\n"))
    return codes
