"""Attachments' bytes in Django's storage, once per content hash and client schema.

Files are kept under ``attachments/<schema>/<sha256[:2]>/<sha256>``: the schema keeps one
client's files apart from another's (exporting or erasing a client is one folder), the hash
stores a file sent twice once. The storage is Django's default one (files under
``var/media`` locally; an S3-compatible store through django-storages when configured).
"""

import hashlib
import mimetypes
import re
import unicodedata
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection

from conversations.models import Attachment, Message

MAX_ATTACHMENT_BYTES = 25 * 1024 * 1024
# Types a browser would run or render as a page if served inline: always downloaded as
# application/octet-stream.
_ACTIVE_TYPES = re.compile(r"html|xml|javascript|ecmascript|svg|x-sh|x-msdownload", re.I)
_UNSAFE_NAME = re.compile(r"[\x00-\x1f\x7f/\\:*?\"<>|]+")


@dataclass(frozen=True)
class IncomingFile:
    """A file as it arrived, before it is stored."""

    filename: str
    content_type: str
    data: bytes
    content_id: str = ""


def safe_filename(name: str, content_type: str = "") -> str:
    """A file name fit for a Content-Disposition header and a file system: no paths, no
    control characters, at most 255 characters (the extension kept)."""
    name = unicodedata.normalize("NFC", name or "").replace("\x00", "")
    name = _UNSAFE_NAME.sub("_", name.rsplit("/", 1)[-1].rsplit("\\", 1)[-1]).strip(" ._")
    if not name:
        extension = mimetypes.guess_extension(content_type or "") or ".bin"
        name = f"attachment{extension}"
    if len(name) > 255:
        stem, dot, extension = name.rpartition(".")
        name = (stem[: 254 - len(extension)] + dot + extension) if dot else name[:255]
    return name


def safe_content_type(content_type: str) -> str:
    """The type to serve the file with: its own unless a browser could run it."""
    content_type = (content_type or "").split(";")[0].strip().lower()
    if not re.fullmatch(r"[a-z0-9.+-]+/[a-z0-9.+-]+", content_type):
        return "application/octet-stream"
    return "application/octet-stream" if _ACTIVE_TYPES.search(content_type) else content_type


def blob_name(sha256: str, schema_name: str | None = None) -> str:
    schema_name = schema_name or connection.schema_name
    return f"attachments/{schema_name}/{sha256[:2]}/{sha256}"


def attachment_store(*, message: Message, file: IncomingFile) -> Attachment:
    """Keep one file of ``message`` (in the message's client schema): the bytes once per
    hash, a row per message. Raises ValueError over MAX_ATTACHMENT_BYTES."""
    if len(file.data) > MAX_ATTACHMENT_BYTES:
        raise ValueError(f"{file.filename}: {len(file.data)} bytes, over {MAX_ATTACHMENT_BYTES}")
    digest = hashlib.sha256(file.data).hexdigest()
    name = blob_name(digest)
    if not default_storage.exists(name):
        # A concurrent writer of the same hash writes the same bytes: either copy is right.
        saved = default_storage.save(name, ContentFile(file.data))
        if saved != name:  # the storage renamed it: the first copy won, drop ours
            default_storage.delete(saved)
    return Attachment.objects.create(
        message=message,
        filename=safe_filename(file.filename, file.content_type),
        content_type=(file.content_type or "application/octet-stream")[:127],
        size=len(file.data),
        sha256=digest,
        content_id=file.content_id[:255],
    )


def attachment_open(attachment: Attachment):
    """The stored bytes of ``attachment``, as a file opened for reading."""
    return default_storage.open(blob_name(attachment.sha256), "rb")


def attachments_delete_unused(sha256s: set[str]) -> int:
    """Delete the files of these hashes that no attachment row of the schema still uses;
    how many were deleted."""
    used = set(Attachment.objects.filter(sha256__in=sha256s).values_list("sha256", flat=True))
    deleted = 0
    for digest in sha256s - used:
        name = blob_name(digest)
        if default_storage.exists(name):
            default_storage.delete(name)
            deleted += 1
    return deleted
