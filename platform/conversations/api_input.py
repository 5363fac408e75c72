"""What the JSON API accepts, checked at the edge: every refusal names its field.

Text is refused, never silently changed: a NUL character or a lone surrogate (``"\\ud800"``
is valid JSON but not Unicode) is a 400 naming the field, and so is a value over its
column's length (cutting an id or a name would file something the caller did not send).
An optional field sent as ``null`` counts as not sent; any other wrong type is refused.
"""

import base64
import binascii
import hashlib
import json
import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from conversations.attachments import MAX_ATTACHMENT_BYTES, IncomingFile

API_CHANNELS = ("api", "chat")
MAX_TEXT = 20_000
MAX_SUBJECT = 300
MAX_EXTERNAL_ID = 255
MAX_FILES = 10
MAX_FILES_BYTES = MAX_ATTACHMENT_BYTES  # the files of one message together, decoded
# The JSON body: the files in base64 (4 bytes for 3) with room for the text around them.
MAX_BODY_BYTES = MAX_FILES_BYTES * 4 // 3 + 1024 * 1024
_JSON_TYPES = {
    dict: "an object",
    list: "a list",
    bool: "a boolean",
    int: "a number",
    float: "a number",
    str: "a string",
    type(None): "null",
}
_CONTENT_TYPE = re.compile(r"[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*")
_PHONE = re.compile(r"\+?[0-9][0-9 ().\-/]*")


class BadRequest(Exception):
    """The body cannot be read at all (not UTF-8, not JSON, not an object)."""


def payload_parse(body: bytes) -> dict:
    """The JSON object of a request body; raises BadRequest with the reason."""
    try:
        text = body.decode("utf-8").removeprefix("\ufeff") if body else "{}"
    except UnicodeDecodeError as error:
        raise BadRequest(f"The body is not valid UTF-8 (byte {error.start}).") from error
    try:
        payload = json.loads(text)
    except json.JSONDecodeError as error:
        raise BadRequest(
            f"The body must be JSON: {error.msg} at line {error.lineno} column {error.colno}."
        ) from error
    except (ValueError, RecursionError) as error:  # a number of 5,000 digits, deep nesting
        raise BadRequest("The body must be JSON within reasonable bounds.") from error
    if not isinstance(payload, dict):
        raise BadRequest("The body must be a JSON object.")
    return payload


def payload_fingerprint(path: str, payload: dict) -> str:
    """A hash of what was asked (the path and the JSON, its key order and spacing aside)."""

    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(f"{path}\n{canonical}".encode()).hexdigest()


@dataclass
class _Reader:
    problems: dict[str, str] = field(default_factory=dict)

    def text(self, value, name: str, *, limit: int, required: str = "") -> str:
        """The string at ``name``, or "" with a problem noted."""
        if value is None:
            if required:
                self.problems[name] = f"Required: {required}."
            return ""
        if not isinstance(value, str):
            self.problems[name] = f"A string, not {_JSON_TYPES.get(type(value), 'that')}."
            return ""
        if "\x00" in value:
            self.problems[name] = "Contains a NUL character (U+0000), which is not allowed."
            return ""
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as error:
            self.problems[name] = (
                f"Contains a lone surrogate at character {error.start}: not valid Unicode."
            )
            return ""
        if len(value) > limit:
            self.problems[name] = f"At most {limit} characters (this has {len(value)})."
            return ""
        if required and not value.strip():
            self.problems[name] = f"Required: {required}."
        return value

    def files(self, value) -> list[IncomingFile]:
        if value is None:
            return []
        if not isinstance(value, list):
            self.problems["attachments"] = "A list of {filename, content_type, data}."
            return []
        if len(value) > MAX_FILES:
            self.problems["attachments"] = f"At most {MAX_FILES} files a message."
            return []
        files, total = [], 0
        for index, item in enumerate(value):
            name = f"attachments[{index}]"
            if not isinstance(item, dict):
                self.problems[name] = "An object: {filename, content_type, data}."
                continue
            filename = self.text(
                item.get("filename"), f"{name}.filename", limit=255, required="the file's name"
            )
            content_type = self.text(item.get("content_type"), f"{name}.content_type", limit=127)
            if content_type and not _CONTENT_TYPE.fullmatch(content_type.split(";")[0].strip()):
                self.problems[f"{name}.content_type"] = "A media type, e.g. image/jpeg."
            data = self._base64(item.get("data"), f"{name}.data")
            if data is None:
                continue
            total += len(data)
            files.append(IncomingFile(filename, content_type or "application/octet-stream", data))
        if total > MAX_FILES_BYTES:
            self.problems["attachments"] = (
                f"At most {MAX_FILES_BYTES} bytes of files a message (these have {total})."
            )
        return files

    def _base64(self, value, name: str) -> bytes | None:
        encoded = self.text(value, name, limit=MAX_BODY_BYTES, required="the file in base64")
        if not encoded:
            return None
        try:
            # Line breaks are common in base64 (MIME wraps it at 76): ignored.
            data = base64.b64decode(re.sub(r"\s+", "", encoded), validate=True)
        except (binascii.Error, ValueError):
            self.problems[name] = "Not base64 (RFC 4648, standard alphabet, with padding)."
            return None
        if len(data) > MAX_ATTACHMENT_BYTES:
            self.problems[name] = f"At most {MAX_ATTACHMENT_BYTES} bytes a file."
            return None
        return data


@dataclass(frozen=True)
class Customer:
    email: str
    phone: str
    name: str
    country: str


@dataclass(frozen=True)
class NewContact:
    text: str
    channel: str
    subject: str
    customer: Customer
    external_id: str
    acknowledge: bool
    files: list[IncomingFile]


@dataclass(frozen=True)
class NextMessage:
    text: str
    external_id: str
    files: list[IncomingFile]


def _message_text(reader: _Reader, payload: dict, files: list[IncomingFile]) -> str:
    # A photo may come alone; a message with neither text nor files says nothing.
    required = "" if files else "the customer's message (or attachments)"
    return reader.text(payload.get("text"), "text", limit=MAX_TEXT, required=required)


def new_contact_read(payload: dict) -> NewContact:
    """``POST /api/v1/messages``; raises ValidationError naming every bad field."""
    reader = _Reader()
    files = reader.files(payload.get("attachments"))
    text = _message_text(reader, payload, files)
    channel = payload.get("channel")
    if channel is None:
        channel = "api"
    elif channel not in API_CHANNELS:
        reader.problems["channel"] = f"One of {list(API_CHANNELS)}."
    subject = reader.text(payload.get("subject"), "subject", limit=MAX_SUBJECT)
    external_id = reader.text(payload.get("external_id"), "external_id", limit=MAX_EXTERNAL_ID)
    acknowledge = payload.get("acknowledge")
    if acknowledge is not None and not isinstance(acknowledge, bool):
        reader.problems["acknowledge"] = "true or false."
    customer = _customer_read(reader, payload.get("customer"))
    if reader.problems:
        raise ValidationError(reader.problems)
    return NewContact(
        text, channel, subject, customer, external_id, acknowledge is not False, files
    )


def _customer_read(reader: _Reader, value) -> Customer:
    if not isinstance(value, dict):
        reader.problems["customer"] = "An object with the customer's email or phone."
        return Customer("", "", "", "")
    email = reader.text(value.get("email"), "customer.email", limit=254).strip()
    phone = reader.text(value.get("phone"), "customer.phone", limit=20).strip()
    name = reader.text(value.get("name"), "customer.name", limit=200)
    country = reader.text(value.get("country"), "customer.country", limit=64)
    if email:
        try:
            validate_email(email)
        except ValidationError:
            reader.problems["customer.email"] = "Not an e-mail address."
    if phone and not (_PHONE.fullmatch(phone) and sum(c.isdigit() for c in phone) >= 3):
        reader.problems["customer.phone"] = "A phone number, e.g. +48 601 234 567."
    if country and not (len(country) == 2 and country.isascii() and country.isalpha()):
        reader.problems["customer.country"] = "An ISO 3166 country code of two letters, e.g. CZ."
    if not (email or phone) and not any(k.startswith("customer.") for k in reader.problems):
        reader.problems["customer"] = "An object with the customer's email or phone."
    return Customer(email, phone, name.strip(), country.upper())


def next_message_read(payload: dict) -> NextMessage:
    """``POST /api/v1/conversations/<id>/messages``; raises ValidationError naming every
    bad field."""
    reader = _Reader()
    files = reader.files(payload.get("attachments"))
    text = _message_text(reader, payload, files)
    external_id = reader.text(payload.get("external_id"), "external_id", limit=MAX_EXTERNAL_ID)
    if reader.problems:
        raise ValidationError(reader.problems)
    return NextMessage(text, external_id, files)
