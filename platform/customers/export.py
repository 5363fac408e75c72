"""One customer's data as a zip (GDPR art. 15 and 20: a subject access request).

The zip holds ``customer.json`` (the customer and what every room keeps of them), the files
(attachments, recordings) under their own folders, and a README.txt in the client's language
saying what is inside. It is written to a temporary file as it is read (the files are copied
in chunks), never held in memory: a customer with 25 MB attachments costs the web process a
file on disk, not its memory.

Customers sit low: each room above that keeps a customer's data registered an exporter
(``customers.registry.EXPORTERS``), as it registered an eraser. An exporter is called with
``customer=`` and ``archive=`` in the client's schema and returns its part of
customer.json, a dict of named sections.
"""

import json
import re
import tempfile
import time
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.serializers.json import DjangoJSONEncoder
from django.http import FileResponse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from audit.models import AuditEvent
from audit.services import audit_record
from customers.models import Customer
from customers.registry import EXPORTERS
from tenants.current import schema_name_current
from tenants.models import Client

_UNSAFE = re.compile(r"[^\w.\-]+")
# A page's export fetches recordings from Twilio for at most this long (each request may
# take up to Twilio's own 10 s timeout more), so the answer comes before gunicorn's 30 s.
WEB_FETCH_SECONDS = 15.0


class ExportArchive:
    """The zip being written; exporters add their files with ``file_add``."""

    def __init__(self, archive: zipfile.ZipFile, *, fetch_seconds: float | None = None) -> None:
        self._zip = archive
        self.names: set[str] = set()
        self.files = 0
        # Files fetched from outside (Twilio's recordings) are asked for only while this
        # budget lasts: a page's export must answer before the web worker's timeout.
        self._fetch_until = None if fetch_seconds is None else time.monotonic() + fetch_seconds

    def fetching_allowed(self) -> bool:
        """May one more outside file be fetched now (the budget is not spent)?"""
        return self._fetch_until is None or time.monotonic() < self._fetch_until

    def file_add(self, *, folder: str, name: str, chunks: Iterable[bytes]) -> str:
        """Copy a file into ``folder/`` chunk by chunk, under a safe name not used yet;
        returns its path in the zip (what customer.json names)."""
        stem, dot, extension = (_UNSAFE.sub("_", name).strip("._") or "file").rpartition(".")
        if not dot:
            stem, extension = extension, ""
        path = f"{folder}/{stem[:100]}{dot}{extension[:16]}"
        number = 1
        while path in self.names:
            number += 1
            path = f"{folder}/{stem[:100]}-{number}{dot}{extension[:16]}"
        self.names.add(path)
        with self._zip.open(path, "w", force_zip64=True) as out:
            for chunk in chunks:
                out.write(chunk)
        self.files += 1
        return path


@dataclass(frozen=True)
class CustomerExport:
    """A finished export: the zip on disk (the caller deletes it when sent)."""

    path: Path
    filename: str
    size: int
    files: int


def customer_json(customer: Customer) -> dict[str, Any]:
    """The customer's own row, and the identities merged into them."""
    merged = Customer.objects.filter(merged_into=customer).order_by("pk")
    return {
        "id": customer.pk,
        "name": customer.name,
        "email": customer.email,
        "phone": customer.phone,
        "language": customer.language,
        "country": customer.country,
        "shop_reference": customer.shop_reference,
        "created_at": customer.created_at,
        "erased_at": customer.erased_at,
        "other_identities": [
            {"id": other.pk, "name": other.name, "email": other.email, "phone": other.phone}
            for other in merged
        ],
    }


def customer_export(
    *,
    customer_id: int,
    actor: AbstractBaseUser | None = None,
    site: str = "",
    via: str = "",
    directory: str | None = None,
    now: datetime | None = None,
    fetch_seconds: float | None = None,
) -> CustomerExport:
    """Write customer ``customer_id``'s data as a zip to a temporary file (in ``directory``,
    else the system's) and record the export in the client's audit log (who, where, the
    customer's id). A merged customer's export is the person's: the one they were merged
    into. ``fetch_seconds``: how long files may be fetched from outside (Twilio's
    recordings); those not fetched in time are named in customer.json with the reason
    (a page passes ``WEB_FETCH_SECONDS``; the command has no limit). Raises
    Customer.DoesNotExist."""
    now = now or timezone.now()
    asked = Customer.objects.get(pk=customer_id)
    customer = Customer.objects.get(pk=asked.merged_into_id or asked.pk)
    client = Client.objects.get(schema_name=schema_name_current())
    filename = f"customer-{customer.pk}-{now:%Y%m%d}.zip"
    handle = tempfile.NamedTemporaryFile(  # noqa: SIM115  # the caller deletes it once sent
        dir=directory, prefix="customer-export-", suffix=".zip", delete=False
    )
    path = Path(handle.name)
    try:
        with handle, zipfile.ZipFile(handle, "w", zipfile.ZIP_DEFLATED) as zipped:
            archive = ExportArchive(zipped, fetch_seconds=fetch_seconds)
            # No transaction around it: the recordings come from Twilio while this runs, and
            # a transaction held open that long would hold back the database's clean-up.
            data: dict[str, Any] = {
                "exported_at": now,
                "client": client.name,
                "customer": customer_json(customer),
            }
            for exporter in EXPORTERS:
                data.update(exporter(customer=customer, archive=archive))
            zipped.writestr(
                "customer.json",
                json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
            )
            zipped.writestr("README.txt", _readme(client=client, customer=customer, now=now))
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    size = path.stat().st_size
    audit_record(
        action=AuditEvent.Action.EXPORTED,
        actor=actor,
        client=client,
        object_type="customer",
        object_id=customer.pk,
        label=f"customer-{customer.pk}.zip",
        details={"bytes": size, "files": archive.files, **({"via": via} if via else {})},
        site=site,
        at=now,
    )
    return CustomerExport(path=path, filename=filename, size=size, files=archive.files)


def _readme(*, client: Client, customer: Customer, now: datetime) -> str:
    """What is inside, in the client's language."""
    with translation.override(client.default_language):
        lines = [
            _("Personal data of customer %(id)s held for %(client)s, exported on %(date)s.")
            % {"id": customer.pk, "client": client.name, "date": f"{now:%Y-%m-%d %H:%M} UTC"},
            "",
            _(
                "customer.json: the customer (name, e-mail, phone, language, country, the shop's "
                "customer number) and other identities merged into them; their conversations "
                "and messages (internal notes of the support agency are not included); "
                "satisfaction surveys; calls with the caller's number, times and answers; "
                "whether they asked for no more surveys."
            ),
            _("attachments/: the files of the messages."),
            _(
                "recordings/: the recordings of calls and voicemails, as kept by the telephone "
                "provider."
            ),
            "",
            _("Times are in UTC. The files are named in customer.json where they belong."),
        ]
    return "\n".join(lines) + "\n"


def customer_export_response(export: CustomerExport) -> FileResponse:
    """The zip as a download (Content-Length: its size); the file is removed from the disk
    at once, and its last handle is closed when the response has been sent."""
    handle = export.path.open("rb")
    export.path.unlink()
    return FileResponse(
        handle, as_attachment=True, filename=export.filename, content_type="application/zip"
    )
