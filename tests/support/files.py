"""Files for the attachment tests."""

import io
import zipfile


def zip_of(names: list[str]) -> bytes:
    """A zip archive of ``names`` (each holding b"data"), the same bytes on every call: its
    bytes appear in the tests' parameter ids, which every xdist worker must collect alike."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in names:
            archive.writestr(zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0)), b"data")
    return buffer.getvalue()
