"""Small real files for the demo's e-mails (and the tests): a photo of a damaged parcel as a
PNG written byte by byte (no imaging library needed), and a one-page PDF receipt drawn with
reportlab. Both are made here, offline, and the same every time."""

import io
import struct
import zlib

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from core.pdf import FONT, FONT_BOLD, fonts_register


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return (
        struct.pack(">I", len(data))
        + kind
        + data
        + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    )


def parcel_photo_png(*, width: int = 320, height: int = 240, seed: int = 0) -> bytes:
    """A PNG picture: a brown parcel with a dark dent on a grey floor, shaded like a photo.
    ``seed`` moves the dent, so two customers' photos are two files."""
    dent_x, dent_y = width * (0.45 + (seed % 5) * 0.04), height * 0.42
    rows = bytearray()
    for y in range(height):
        rows.append(0)  # filter: none
        for x in range(width):
            inside = width * 0.2 < x < width * 0.8 and height * 0.2 < y < height * 0.8
            if inside:
                shade = 1 - 0.25 * (y / height)
                red, green, blue = 176 * shade, 124 * shade, 72 * shade
                if (x - dent_x) ** 2 + ((y - dent_y) * 1.6) ** 2 < (width * 0.08) ** 2:
                    red, green, blue = red * 0.45, green * 0.45, blue * 0.45
                if abs(y - height * 0.5) < 3:  # the tape
                    red, green, blue = 222, 200, 150
            else:
                grey = 150 + 60 * (y / height) + ((x * 7 + y * 13) % 9)
                red = green = blue = grey
            rows += bytes((int(red), int(green), int(blue)))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", zlib.compress(bytes(rows), 9))
        + _png_chunk(b"IEND", b"")
    )


def receipt_pdf(*, shop: str, order: str, lines: list[tuple[str, str]]) -> bytes:
    """A one-page PDF receipt of an order (title, order number, item lines with prices),
    with the DejaVu font the reports use, so č ř ł ő ș print."""

    fonts_register()
    regular, bold = FONT, FONT_BOLD
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4, invariant=1)
    page.setTitle(f"{shop} {order}")
    page.setFont(bold, 18)
    page.drawString(60, 770, shop)
    page.setFont(regular, 12)
    page.drawString(60, 745, order)
    y = 700
    for label, price in lines:
        page.drawString(60, y, label)
        page.drawRightString(530, y, price)
        y -= 20
    page.showPage()
    page.save()
    return buffer.getvalue()
