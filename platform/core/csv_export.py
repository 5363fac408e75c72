"""CSV downloads of the client's pages (portal tables, invoices, the usage ledger)."""

import csv
from collections.abc import Iterable, Iterator, Sequence

from django.http import StreamingHttpResponse


class _Echo:
    """csv.writer's file: hands each row back instead of buffering the whole file."""

    def write(self, value: str) -> str:
        return value


def _safe(value: object) -> str:
    """A cell a spreadsheet will not run: text starting like a formula gets a quote."""
    text = "" if value is None else str(value)
    if text[:1] in ("=", "+", "-", "@", "\t", "\r") and not _is_number(text):
        return "'" + text
    return text


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def csv_response(
    filename: str, header: list[str], rows: Iterable[Sequence[object]], *, utf8_mark: bool = True
) -> StreamingHttpResponse:
    """A CSV download streamed row by row, with no cell a spreadsheet would run as a
    formula; with ``utf8_mark`` it starts with the byte-order mark spreadsheets read as
    UTF-8."""
    writer = csv.writer(_Echo())

    def lines() -> Iterator[str]:
        if utf8_mark:
            yield "\ufeff"
        yield writer.writerow([_safe(h) for h in header])
        for row in rows:
            yield writer.writerow([_safe(v) for v in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
