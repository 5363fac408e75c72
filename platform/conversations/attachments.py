"""Attachments' bytes in Django's storage, once per content hash and client schema.

Files are kept under ``attachments/<schema>/<sha256[:2]>/<sha256>``: the schema keeps one
client's files apart from another's (exporting or erasing a client is one folder), the hash
stores a file sent twice once. The storage is Django's default one (files under
``var/media`` locally; an S3-compatible store through django-storages when configured).
"""

import hashlib
import io
import mimetypes
import os
import re
import tempfile
import unicodedata
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import connection, transaction
from django.http import FileResponse
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from conversations.models import Attachment, Message
from tenants.current import schema_name_current

MAX_ATTACHMENT_BYTES = 25 * 1024 * 1024
# Types a browser would run or render as a page if served inline: always downloaded as
# application/octet-stream.
_ACTIVE_TYPES = re.compile(r"html|xml|javascript|ecmascript|svg|x-sh|x-msdownload", re.I)
_UNSAFE_NAME = re.compile(r"[\x00-\x1f\x7f/\\:*?\"<>|]+")
_MAX_EXTENSION = 16


@dataclass(frozen=True)
class IncomingFile:
    """A file as it arrived, before it is stored."""

    filename: str
    content_type: str
    data: bytes
    content_id: str = ""


def safe_filename(name: str, content_type: str = "") -> str:
    """A file name fit for a Content-Disposition header and a file system: no paths, no
    control characters, at most 255 characters (an extension of up to 16 kept)."""
    name = unicodedata.normalize("NFC", name or "").replace("\x00", "")
    name = _UNSAFE_NAME.sub("_", name.rsplit("/", 1)[-1].rsplit("\\", 1)[-1]).strip(" ._")
    if not name:
        extension = mimetypes.guess_extension(content_type or "") or ".bin"
        name = f"attachment{extension}"
    if len(name) > 255:
        # NFC can lengthen a name the API measured before; a part after the last dot longer
        # than an extension ever is is not one, and is cut like the rest.
        stem, dot, extension = name.rpartition(".")
        if dot and stem and len(extension) <= _MAX_EXTENSION:
            name = stem[: 254 - len(extension)] + dot + extension
    return name[:255]


def safe_content_type(content_type: str) -> str:
    """The type to serve the file with: its own unless a browser could run it."""
    content_type = (content_type or "").split(";")[0].strip().lower()
    if not re.fullmatch(r"[a-z0-9.+-]+/[a-z0-9.+-]+", content_type):
        return "application/octet-stream"
    return "application/octet-stream" if _ACTIVE_TYPES.search(content_type) else content_type


def blob_name(sha256: str, schema_name: str | None = None) -> str:
    schema_name = schema_name or schema_name_current()
    return f"attachments/{schema_name}/{sha256[:2]}/{sha256}"


def _blob_lock(digest: str, *, shared: bool) -> None:
    """Hold the lock of one blob of the current schema until the transaction ends.

    Storers take it shared (they never wait for each other, so two messages storing the
    same files in another order cannot deadlock); a deletion takes it exclusive, so it
    waits until every transaction that took the blob up has committed, and sees its row."""
    function = "pg_advisory_xact_lock_shared" if shared else "pg_advisory_xact_lock"
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {function}(hashtextextended(%s, 0))",
            [f"blob:{schema_name_current()}:{digest}"],
        )


def _blob_write(name: str, data: bytes) -> None:
    """Write ``data`` under ``name``, whole or not at all: a crash half way must not leave
    a short file that the next store takes for the blob."""
    if isinstance(default_storage, FileSystemStorage):  # local files: write aside, then move
        path = Path(default_storage.path(name))
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(
            dir=path.parent, prefix=".partial-", delete=False
        ) as temporary:
            try:
                temporary.write(data)
                temporary.flush()
                os.fsync(temporary.fileno())
                os.chmod(temporary.name, default_storage.file_permissions_mode or 0o644)
                os.replace(temporary.name, path)  # atomic: the old copy or the new one
            except BaseException:
                Path(temporary.name).unlink(missing_ok=True)
                raise
        return
    # An object store writes an object whole (a PUT); the name is overwritten in place.
    if default_storage.exists(name):
        default_storage.delete(name)
    saved = default_storage.save(name, ContentFile(data))
    if saved != name:  # a concurrent writer won the name with the same bytes: drop ours
        default_storage.delete(saved)


def attachment_store(*, message: Message, file: IncomingFile) -> Attachment:
    """Keep one file of ``message`` (in the message's client schema): the bytes once per
    hash, a row per message. Raises ValueError over MAX_ATTACHMENT_BYTES."""
    if len(file.data) > MAX_ATTACHMENT_BYTES:
        raise ValueError(f"{file.filename}: {len(file.data)} bytes, over {MAX_ATTACHMENT_BYTES}")
    digest = hashlib.sha256(file.data).hexdigest()
    name = blob_name(digest)
    with transaction.atomic():
        # Held until the caller's transaction commits: an erasure deleting this blob waits,
        # then finds this row.
        _blob_lock(digest, shared=True)
        try:
            whole = default_storage.size(name) == len(file.data)
        except FileNotFoundError:
            whole = False
        if not whole:  # missing, or short from a write that never finished
            _blob_write(name, file.data)
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
    how many were deleted. Each hash in its own short transaction, under its blob's lock:
    a transaction that took the file up meanwhile is waited for, and keeps it."""
    deleted = 0
    for digest in sorted(sha256s):
        with transaction.atomic():
            _blob_lock(digest, shared=False)
            if Attachment.objects.filter(sha256=digest).exists():
                continue
            name = blob_name(digest)
            if default_storage.exists(name):
                default_storage.delete(name)
                deleted += 1
    return deleted


# --- serving -------------------------------------------------------------------------------

# Raster images a browser only draws: the one kind shown inline (a preview). SVG can carry
# script and HTML is a page, so they are always downloaded.
PREVIEW_TYPES = frozenset({"image/jpeg", "image/png", "image/gif", "image/webp"})


def attachment_previewable(attachment: Attachment) -> bool:
    return safe_content_type(attachment.content_type) in PREVIEW_TYPES


def attachment_response(attachment: Attachment, *, inline: bool = False) -> FileResponse:
    """The file as an HTTP response, streamed from the storage in blocks (never read whole):
    a download (RFC 6266 ``filename*`` for non-ASCII names) unless ``inline`` is asked for a
    previewable image. Raises FileNotFoundError when the bytes are gone."""
    inline = inline and attachment_previewable(attachment)
    response = FileResponse(
        attachment_open(attachment),
        as_attachment=not inline,
        filename=attachment.filename,
        content_type=safe_content_type(attachment.content_type),
    )
    response["X-Content-Type-Options"] = "nosniff"
    # Even a file a browser would render cannot run script or reach anything from our origin.
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    response["Cache-Control"] = "private, max-age=3600"
    return response


# --- an agent's files on a reply ----------------------------------------------------------

MAX_UPLOAD_FILE_BYTES = 10 * 1024 * 1024
MAX_UPLOAD_TOTAL_BYTES = 25 * 1024 * 1024
MAX_UPLOAD_FILES = 20
# What an agent may send a customer: pictures, PDF, office documents, text, ZIP.
UPLOAD_EXTENSIONS = frozenset(
    {
        "jpg",
        "jpeg",
        "png",
        "gif",
        "webp",
        "heic",
        "heif",
        "bmp",
        "tif",
        "tiff",
        "pdf",
        "doc",
        "docx",
        "xls",
        "xlsx",
        "ppt",
        "pptx",
        "odt",
        "ods",
        "odp",
        "rtf",
        "txt",
        "csv",
        "md",
        "log",
        "zip",
    }
)
# Programs and scripts: refused by name even inside a ZIP, and by content whatever the name.
PROGRAM_EXTENSIONS = frozenset(
    {
        "exe",
        "bat",
        "cmd",
        "com",
        "js",
        "jse",
        "vbs",
        "vbe",
        "wsf",
        "wsh",
        "scr",
        "msi",
        "msp",
        "jar",
        "ps1",
        "psm1",
        "sh",
        "app",
        "dll",
        "cpl",
        "hta",
        "lnk",
        "class",
    }
)
# The first bytes of programs: Windows (MZ), Linux (ELF), macOS (Mach-O, and Java class
# files, which share its fat-binary magic), and scripts (#!). A short table of our own: a
# sniffing library would tell many types apart, but this decision needs only these. "MZ"
# and "#!" are printable, so a text file may start with them and is not held to them.
_TEXT_MAGIC = (b"MZ", b"#!")
_BINARY_MAGIC = (
    b"\x7fELF",
    b"\xfe\xed\xfa\xce",
    b"\xfe\xed\xfa\xcf",
    b"\xce\xfa\xed\xfe",
    b"\xcf\xfa\xed\xfe",
    b"\xca\xfe\xba\xbe",
)
TEXT_EXTENSIONS = frozenset({"txt", "csv", "md", "log", "rtf"})
# ZIP's local file header: a ZIP, and the container of docx/xlsx/pptx/odt/ods/odp alike.
_ZIP_MAGIC = b"PK\x03\x04"
# The OLE container holds old Office files and Windows installers (.msi) alike.
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_OLE_EXTENSIONS = frozenset({"doc", "xls", "ppt"})
# Channels whose replies carry files: e-mail. An SMS carries text only (MMS is not sent),
# and chat and API replies are read through the JSON API, which lists no files yet.
FILE_CHANNELS = frozenset({"email"})


def _extension(name: str) -> str:
    return name.rpartition(".")[2].lower() if "." in name else ""


def _looks_like_a_program(data: bytes, extension: str) -> bool:
    # "MZ" and "#!" are also how a line of text may start: a text file is judged by its name
    # (a .sh or .py is refused as one), the rest by these bytes too.
    magic = _TEXT_MAGIC + _BINARY_MAGIC if extension not in TEXT_EXTENSIONS else _BINARY_MAGIC
    if data.startswith(magic):
        return True
    if data.startswith(_OLE_MAGIC):
        return extension not in _OLE_EXTENSIONS
    if data.startswith(_ZIP_MAGIC):  # a ZIP, or an office file (one too), whatever its name
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = archive.namelist()
        except (zipfile.BadZipFile, ValueError, OSError):
            return False  # not a readable archive: the customer's mail program will say so
        return any(_extension(name) in PROGRAM_EXTENSIONS for name in names) or (
            "META-INF/MANIFEST.MF" in names
        )
    return False


def _size(size: int) -> str:
    """A size as people read it, in the active language (e.g. "12,5 MB" in Czech)."""
    return str(filesizeformat(size)).replace("\xa0", " ")


def upload_hint() -> str:
    """What an agent may attach, in the active language."""
    return _(
        "Pictures, PDF, office documents, text and ZIP; at most %(file)s a file and %(total)s "
        "together. Your text stays here if a file is refused."
    ) % {"file": _size(MAX_UPLOAD_FILE_BYTES), "total": _size(MAX_UPLOAD_TOTAL_BYTES)}


def upload_files_check(files: Sequence[UploadedFile]) -> list[IncomingFile]:
    """An agent's files, read and checked: count, size per file and in total, type by name
    and by content. Raises ValidationError naming every refused file, in the active
    language, before anything is read into memory beyond the limits."""
    problems = []
    if len(files) > MAX_UPLOAD_FILES:
        raise ValidationError(
            _("At most %(count)s files can be attached to one reply.") % {"count": MAX_UPLOAD_FILES}
        )
    total = sum(file.size or 0 for file in files)
    if total > MAX_UPLOAD_TOTAL_BYTES:
        problems.append(
            _("The files together are %(size)s; at most %(limit)s can be sent.")
            % {"size": _size(total), "limit": _size(MAX_UPLOAD_TOTAL_BYTES)}
        )
    accepted = []
    for file in files:
        name = safe_filename(file.name or "")
        extension = _extension(name)
        if extension in PROGRAM_EXTENSIONS:
            problems.append(_("%(name)s: programs and scripts cannot be sent.") % {"name": name})
            continue
        if extension not in UPLOAD_EXTENSIONS:
            problems.append(
                _(
                    "%(name)s: this type of file cannot be sent (pictures, PDF, office "
                    "documents, text and ZIP can)."
                )
                % {"name": name}
            )
            continue
        if (file.size or 0) > MAX_UPLOAD_FILE_BYTES:
            problems.append(
                _("%(name)s: %(size)s; at most %(limit)s a file.")
                % {
                    "name": name,
                    "size": _size(file.size or 0),
                    "limit": _size(MAX_UPLOAD_FILE_BYTES),
                }
            )
            continue
        if problems:
            continue  # refused anyway: the rest is not read
        data = file.read()
        if not data:
            problems.append(_("%(name)s is empty.") % {"name": name})
        elif _looks_like_a_program(data, extension):
            problems.append(_("%(name)s: programs and scripts cannot be sent.") % {"name": name})
        else:
            # Our type from the name we allowed, not the browser's word for it.
            content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
            accepted.append(IncomingFile(filename=name, content_type=content_type, data=data))
    if problems:
        raise ValidationError(problems)
    return accepted


@transaction.atomic
def conversation_reply_with_files(
    *, client, conversation_id: int, agent, text: str, files: Sequence[IncomingFile] = ()
) -> Message:
    """An agent's reply (``conversations.services.conversation_reply``) and its files, in one
    transaction: the message is never sent without them, nor they kept without it."""
    # Here, not at the top: conversations.services imports this module (attachment_store).
    from conversations.models import Conversation
    from conversations.services import conversation_reply

    if files:
        channel = Conversation.objects.values_list("channel", flat=True).get(pk=conversation_id)
        if channel not in FILE_CHANNELS:
            raise ValidationError(
                _("Files can be sent by e-mail only: remove them to answer this conversation.")
            )
    message = conversation_reply(
        client=client, conversation_id=conversation_id, agent=agent, text=text
    )
    for file in files:
        attachment_store(message=message, file=file)
    return message
