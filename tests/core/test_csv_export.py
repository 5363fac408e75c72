"""CSV downloads: streamed, marked as UTF-8, with no cell a spreadsheet would run."""

import csv
import io

from core.csv_export import csv_response


def test_a_download_is_utf8_csv_and_formulas_are_quoted_but_numbers_are_not():
    response = csv_response("x.csv", ["Name", "Amount"], [["=SUM(A1)", "-12.5"], ["Łódź", None]])
    body = b"".join(response.streaming_content).decode("utf-8")
    assert response["Content-Disposition"] == 'attachment; filename="x.csv"'
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body[1:])))
    assert rows == [["Name", "Amount"], ["'=SUM(A1)", "-12.5"], ["Łódź", ""]]
