"""Inbound e-mail: reading an RFC 822 message as received, and filing it in its client's schema.

The write-ahead around it (the original kept with a receipt before anything here runs, the
refusals and the unreadable items) is ``intake.services``. This module reads what a sender
may send: any bytes at all. The standard ``email`` package with its modern policy reads the
structure; charset-normalizer decides text that is unlabelled or mislabelled; inscriptis turns
HTML-only mail into text with its paragraphs and lists; nh3 sanitises the HTML shown. Nothing
stored keeps a NUL or a lone surrogate (PostgreSQL and UTF-8 refuse them).

A message is classified as normal, an auto-reply (RFC 3834 and the usual vendor headers) or a
bounce (an RFC 3464 delivery report). Automatic messages are filed without reopening a
conversation, restarting a clock, a work item or an acknowledgement.
"""

import binascii
import dataclasses
import logging
import re
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass, field
from email import policy
from email.feedparser import BytesFeedParser
from email.header import decode_header, make_header
from email.message import Message as MimePart
from email.parser import BytesHeaderParser
from email.utils import getaddresses
from typing import cast

import nh3
import psycopg
from charset_normalizer import from_bytes
from django.conf import settings
from django.db import IntegrityError, connection, models, transaction
from django.utils import timezone
from django_tenants.utils import schema_context
from inscriptis import get_text
from inscriptis.css_profiles import CSS_PROFILES
from inscriptis.model.config import ParserConfig
from psycopg import sql

from conversations.acknowledgements import conversation_acknowledge
from conversations.attachments import MAX_ATTACHMENT_BYTES, IncomingFile, attachment_store
from conversations.merge import merged_target_locked
from conversations.models import Conversation, Message
from conversations.services import conversation_customer_wrote, conversation_open_inbound
from core.events import webhook_event_emit
from customers.models import Customer
from customers.selectors import customer_current, identity_of
from tenants.current import schema_name_current
from tenants.models import InboundAddress
from webhooks.payloads import message_data

logger = logging.getLogger(__name__)

MAX_BYTES = 25 * 1024 * 1024  # the common providers' limit for a whole message
NO_TEXT = "(no text)"
MAX_ATTACHMENTS = 200  # files kept of one message; the others are named in its text
_MESSAGE_ID = re.compile(r"<[^<>\s]+>")
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
_C1_CONTROLS = re.compile("[\x80-\x9f]")
_PARSE_SLICE = 64 * 1024
_SINGLE_BYTE = (
    "cp1250",
    "iso8859_2",
    "cp1252",
    "iso8859_15",
    "cp1257",
    "iso8859_13",
    "cp1251",
    "koi8_r",
    "iso8859_5",
    "cp1253",
    "iso8859_7",
    "cp1254",
    "iso8859_9",
)
# Browsers read these labels as their Windows supersets (WHATWG Encoding); Czech and Polish
# mail labelled ISO-8859-2 but written in Windows-1250 is the common case.
_WINDOWS_SIBLING = {
    "iso-8859-1": "cp1252",
    "latin-1": "cp1252",
    "us-ascii": "cp1252",
    "iso-8859-2": "cp1250",
    "latin-2": "cp1250",
}
# Out-of-office subjects of the usual mail programs, in the languages served; only asked when
# a header already hints at an automatic reply (a subject alone is the customer's choice).
_AUTO_SUBJECT = re.compile(
    r"^(automatic reply|auto(matic)?[- ]?reply|out of (the )?office|abwesenheitsnotiz|"
    r"automatische antwort|automatická odpověď|automatická odpoveď|nepřítomnost|"
    r"odpowiedź automatyczna|automatikus válasz|răspuns automat|réponse automatique)",
    re.IGNORECASE,
)
_HTML_TO_TEXT = ParserConfig(css=CSS_PROFILES["strict"], display_links=False)


class EmailRejected(ValueError):
    """The message cannot be filed; the reason is meant for the sender's postmaster."""


class NoRecipient(EmailRejected):
    """No client receives mail at any of the message's recipient addresses."""


@dataclass(frozen=True)
class BounceReport:
    """What a delivery report (RFC 3464) says about one of our messages."""

    original_message_id: str
    recipient: str
    status: str
    diagnostic: str
    action: str = ""


@dataclass
class ParsedMail:
    """One inbound message, read: everything in it is safe to store."""

    message_id: str
    sender_email: str
    sender_name: str
    recipients: list[str]
    subject: str
    text: str
    html: str
    references: list[str]
    kind: str  # "normal", "bulk" (a list's or a mass mailing's), "auto_reply" or "bounce"
    attachments: list[IncomingFile] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # parts that could not be kept, and why
    bounce: BounceReport | None = None


@dataclass(frozen=True)
class Filed:
    client_slug: str
    conversation_id: int
    threaded: bool  # True when it joined an existing conversation
    duplicate: bool = False  # the same delivery came before: nothing new was filed
    message_pk: int | None = None


# Called for each bounce that names one of our messages, in the client's schema and the
# filing's transaction, as ``hook(client=..., message_id=<our Message-ID>, reason=...)``.
# The outbox app registers its own at start-up (AppConfig.ready); a failing hook is logged and
# does not stop the bounce from being filed.
on_bounce: list[Callable[..., None]] = []


def raw_store(model: type[models.Model], pk: int, raw: bytes | None) -> None:
    """Write ``raw`` into ``model.raw`` of row ``pk`` (in the connection's current schema) as
    a binary parameter. Through the ORM the driver binds it client-side, as hex text: a
    25 MB message became some 150 MB of Python memory to write it."""
    table = sql.Identifier(schema_name_current(), model._meta.db_table)
    statement = sql.SQL("UPDATE {} SET raw = %b WHERE id = %s").format(table)
    connection.ensure_connection()
    with psycopg.Cursor(connection.connection) as cursor:  # server-side binding
        cursor.execute(statement, [raw, pk])


# --- reading ---------------------------------------------------------------------------------


def storable(text: str) -> str:
    """``text`` without what PostgreSQL or UTF-8 refuse: NUL and lone surrogates."""
    return _UNSTORABLE.sub("", text)


def _bytes_to_text(data: bytes, declared: str = "") -> str:
    """Decode text whose label may be missing, wrong or unknown (``unknown-8bit``)."""
    declared = (declared or "").strip().strip('"').lower()
    if declared.startswith(("utf-16", "utf-32")):  # its zero bytes would pass for UTF-8
        with suppress(LookupError, UnicodeDecodeError):
            return data.decode(declared)
    try:
        text = data.decode("utf-8")
        return text  # valid UTF-8 with 8-bit bytes is UTF-8 whatever the label says
    except UnicodeDecodeError:
        pass
    for label in (declared, _WINDOWS_SIBLING.get(declared, "")):
        if not label or label in ("us-ascii", "ascii", "unknown-8bit", "x-unknown", "utf-8"):
            continue
        try:
            text = data.decode(label)
        except (LookupError, UnicodeDecodeError):
            continue
        if not _C1_CONTROLS.search(text):  # C1 controls: the label is not the text's
            return text
    return _detected(data)


def _detected(data: bytes) -> str:
    """Text in an unknown charset: charset-normalizer's answer, except between the 8-bit
    European charsets, where it errs on short texts (a Polish ISO-8859-2 mail read as
    Windows-1252: "Dzieñ ... dotar³o"); there the decoding whose 8-bit characters are
    letters wins (in charset-normalizer's order when even)."""
    best = from_bytes(data).best()
    if best is not None and best.encoding not in _SINGLE_BYTE:
        return str(best)
    order = ([best.encoding] if best is not None else []) + list(_SINGLE_BYTE)
    scored = []
    for rank, encoding in enumerate(dict.fromkeys(order)):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        letters = sum(1 if c.isalpha() else -1 for c in text if ord(c) > 127 and not c.isspace())
        scored.append((-letters, rank, text))
    return min(scored)[2] if scored else data.decode("utf-8", errors="replace")


def _header(message: MimePart, name: str) -> str:
    """One header as text, whatever its encoding: never raises."""
    values = _headers(message, name)
    return values[0] if values else ""


def _headers(message: MimePart, name: str) -> list[str]:
    values = []
    try:
        found = message.get_all(name) or []
    except Exception:  # the modern policy's parser gave up on it: its raw value below
        found = [value for key, value in message.raw_items() if key.lower() == name.lower()]
    for value in found:
        values.append(storable(_repair(str(value))))
    return values


def _repair(value: str) -> str:
    """A header value with 8-bit bytes (kept as surrogate escapes) decoded as text."""
    if not _UNSTORABLE.search(value) and "=?" not in value:
        return value
    if "=?" in value:
        with suppress(Exception):  # a broken encoded word stays as it came
            value = str(make_header(decode_header(value)))
    try:
        data = value.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        return value
    return _bytes_to_text(data)


def _addresses(values: list[str]) -> list[tuple[str, str]]:
    try:
        return [(name, address) for name, address in getaddresses(values) if name or address]
    except Exception:
        return []


def _sender(message: MimePart) -> tuple[str, str]:
    """(name, address) of who wrote it: the first From with a domain, else Reply-To or
    Sender; a From without any (``From: foo``, ``<>``) gives its name and no address."""
    name = ""
    for header in ("From", "Reply-To", "Sender"):
        for display, address in _addresses(_headers(message, header)):
            name = name or display or (address if "@" not in address else "")
            if "@" in address and " " not in address.strip():
                return (name or display).strip()[:200], address.strip().lower()[:254]
    return name.strip()[:200], ""


def _message_ids(value: str) -> list[str]:
    return [found for found in _MESSAGE_ID.findall(value) if len(found) <= 255]


def _part_bytes(part: MimePart) -> bytes:
    payload = part.get_payload()
    if isinstance(payload, str) and part.get("Content-Transfer-Encoding", "").lower() == "base64":
        # binascii skips the line ends itself; the standard library first splits the payload
        # into lines and joins them again (another 60 MB for a 25 MB photo). Broken base64
        # is left to its more forgiving decoder.
        with suppress(binascii.Error, ValueError):
            return binascii.a2b_base64(payload)
    try:
        data = part.get_payload(decode=True)
    except Exception:
        data = None
    if isinstance(data, bytes):
        return data
    payload = part.get_payload()
    return payload.encode("utf-8", "surrogateescape") if isinstance(payload, str) else b""


def _part_text(part: MimePart) -> str:
    return storable(_bytes_to_text(_part_bytes(part), part.get_content_charset() or ""))


def _html_to_text(html: str) -> str:
    """The words of an HTML mail with its paragraphs, line breaks and lists."""
    text = get_text(html, _HTML_TO_TEXT)
    lines = [line.rstrip() for line in text.splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _filename(part: MimePart) -> str:
    try:
        name = part.get_filename() or ""
    except Exception:
        name = ""
    return storable(_repair(str(name)))


def _walk(
    part: MimePart, parsed: ParsedMail, texts: list[str], htmls: list[str], depth: int = 0
) -> None:
    """Collect the body (the first text and HTML parts not meant as files) and the files; an
    attached message is one file (``.eml``), not its parts."""
    content_type = part.get_content_type()
    if content_type == "message/rfc822" and depth:
        _attachment_add(part, parsed, _filename(part))
        return
    if part.is_multipart():
        payload = part.get_payload()
        # A multipart's payload is its list of parts.
        for sub in cast(list[MimePart], payload) if isinstance(payload, list) else []:
            if depth < 20:  # a message nested deeper than any mail program makes
                _walk(sub, parsed, texts, htmls, depth + 1)
        return
    disposition = (part.get_content_disposition() or "").lower()
    filename = _filename(part)
    is_body = disposition != "attachment" and not filename
    if content_type == "text/plain" and is_body and not texts:
        texts.append(_part_text(part))
    elif content_type == "text/html" and is_body and not htmls:
        htmls.append(_part_text(part))
    elif content_type.startswith("multipart/") and not texts:
        # Its boundary never came (a broken mail program): its text as it is.
        texts.append(_part_text(part))
    elif content_type in ("message/delivery-status", "text/rfc822-headers") and is_body:
        return  # read by the bounce report
    else:
        _attachment_add(part, parsed, filename)


def _attachment_add(part: MimePart, parsed: ParsedMail, filename: str) -> None:
    content_type = part.get_content_type()
    if content_type == "message/rfc822":
        inner = _inner_message(part)
        data = _as_bytes(inner) if inner is not None else b""
        filename = filename or f"{_header(inner, 'Subject')[:100] if inner else ''}.eml"
    else:
        data = _part_bytes(part)
    if not data:
        return
    if len(data) > MAX_ATTACHMENT_BYTES:
        parsed.notes.append(f"{filename or content_type}: {len(data)} bytes, not kept")
        return
    if len(parsed.attachments) >= MAX_ATTACHMENTS:
        # 25 MB of tiny parts would be tens of thousands of files and rows for one message.
        parsed.notes.append(f"{filename or content_type}: over {MAX_ATTACHMENTS} files, not kept")
        return
    content_id = "".join(_message_ids(_header(part, "Content-ID"))).strip("<>")
    parsed.attachments.append(
        IncomingFile(filename=filename, content_type=content_type, data=data, content_id=content_id)
    )


def _inner_message(part: MimePart) -> MimePart | None:
    inner = part.get_payload()
    inner = inner[0] if isinstance(inner, list) and inner else inner
    return inner if isinstance(inner, MimePart) else None


def _as_bytes(message: MimePart) -> bytes:
    try:
        return message.as_bytes(policy=policy.compat32)
    except Exception:  # what the serialiser refuses: the text as it was read
        return message.as_string(policy=policy.compat32).encode("utf-8", "surrogateescape")


def _forwarded_text(message: MimePart, depth: int) -> str:
    """A forward without words of its own: the forwarded message's sender, subject and text
    (a forward of a forward too, three deep at most)."""
    if depth >= 3:
        return ""
    for part in message.walk():
        inner = _inner_message(part) if part.get_content_type() == "message/rfc822" else None
        if inner is not None:
            forwarded = email_parse(_as_bytes(inner), _depth=depth + 1)
            return (
                f"---------- Forwarded message ----------\nFrom: "
                f"{forwarded.sender_name} <{forwarded.sender_email}>\nSubject: "
                f"{forwarded.subject}\n\n{forwarded.text}"
            ).strip()
    return ""


_DAEMON_NAME = re.compile(r"mailer[- _]?daemon|postmaster|mail delivery", re.IGNORECASE)


def _classify(message: MimePart, sender_email: str, subject: str) -> str:
    # A bounce comes from the null sender (Return-Path <>, From <>) or a mail server's own
    # mailbox; "From: foo" without a domain is a person whose mail program is broken.
    from_header = _header(message, "From")
    null_sender = _header(message, "Return-Path").strip() == "<>" or not _addresses(
        _headers(message, "From")
    )
    daemon = (
        null_sender
        or bool(_DAEMON_NAME.search(from_header))
        or sender_email.split("@")[0] in ("mailer-daemon", "postmaster", "mail-daemon")
    )
    content_type = message.get_content_type()
    # A plain token: only an RFC 2231 value would come as a tuple.
    report_type = cast(str, message.get_param("report-type") or "").lower()
    if content_type == "multipart/report" and report_type == "delivery-status":
        return "bounce"
    if daemon and any(p.get_content_type() == "message/delivery-status" for p in message.walk()):
        return "bounce"
    auto_submitted = _header(message, "Auto-Submitted").strip().lower()
    precedence = _header(message, "Precedence").strip().lower()
    if (
        (auto_submitted and not auto_submitted.startswith("no"))
        or precedence == "auto_reply"
        or _header(message, "X-Autoreply")
        or _header(message, "X-Autorespond")
        or _header(message, "X-Autoresponder")
    ):
        return "auto_reply"
    # Exchange sets X-Auto-Response-Suppress on its own automatic replies, but also on many
    # ordinary messages (meeting answers, some clients' every mail): with an automatic
    # reply's subject only.
    if _header(message, "X-Auto-Response-Suppress") and _AUTO_SUBJECT.match(subject):
        return "auto_reply"
    if daemon:
        return "bounce"  # an old-style bounce: plain text, no report to read
    # A mailing list or a mass mailing: never answered by a machine (RFC 3834), but a person
    # may well write through one (a shop's support address that is a Google group), so it is
    # filed as a contact like any other.
    if precedence in ("bulk", "junk", "list") or _header(message, "List-Id"):
        return "bulk"
    return "normal"


def bounce_report(parsed: "ParsedMail | bytes") -> BounceReport | None:
    """What a bounce says: the Message-ID of our message it returns, the recipient, the
    status and the reason; None for a message that is not a bounce or carries no report."""
    if isinstance(parsed, bytes):
        parsed = email_parse(parsed)
    return parsed.bounce


def _delivery_report(message: MimePart) -> BounceReport | None:
    """The delivery report's first recipient, status and reason, and the Message-ID of the
    message it is about (from the returned message or its headers); None without one."""
    fields: dict[str, str] = {}
    original = ""
    for part in message.walk():
        content_type = part.get_content_type()
        if content_type == "message/delivery-status":
            fields = fields or _delivery_status_fields(part)
        elif content_type in ("message/rfc822", "text/rfc822-headers") and not original:
            original = _original_message_id(part)
    if not fields and not original:
        return None
    diagnostic = fields.get("diagnostic-code", "")
    if ";" in diagnostic:  # "smtp; 550 5.1.1 ..."
        diagnostic = diagnostic.split(";", 1)[1]
    recipient = fields.get("final-recipient") or fields.get("original-recipient", "")
    return BounceReport(
        original_message_id=original,
        recipient=recipient.split(";", 1)[-1].strip()[:254],
        status=fields.get("status", "").strip()[:32],
        diagnostic=" ".join(diagnostic.split())[:500],
        action=fields.get("action", "").strip().lower()[:32],
    )


def _delivery_status_fields(part: MimePart) -> dict[str, str]:
    """The per-recipient fields of a message/delivery-status part (the first recipient)."""
    blocks = part.get_payload()
    if isinstance(blocks, list):
        texts = [block.as_string(policy=policy.compat32) for block in cast(list[MimePart], blocks)]
    else:
        texts = re.split(r"\r?\n\r?\n", _bytes_to_text(_part_bytes(part)))
    fields: dict[str, str] = {}
    for text in texts:
        block = BytesHeaderParser(policy=policy.compat32).parsebytes(
            text.encode("utf-8", "surrogateescape")
        )
        if not block.get("Final-Recipient") and not block.get("Action"):
            continue  # the per-message block (Reporting-MTA, Arrival-Date)
        for name in (
            "Final-Recipient",
            "Original-Recipient",
            "Action",
            "Status",
            "Diagnostic-Code",
        ):
            if block.get(name):
                fields[name.lower()] = storable(" ".join(str(block[name]).split()))
        break
    return fields


def _original_message_id(part: MimePart) -> str:
    if part.get_content_type() == "message/rfc822":
        inner = part.get_payload()
        inner = inner[0] if isinstance(inner, list) and inner else inner
        value = _header(inner, "Message-ID") if isinstance(inner, MimePart) else ""
    else:
        headers = BytesHeaderParser(policy=policy.compat32).parsebytes(_part_bytes(part))
        value = str(headers.get("Message-ID", ""))
    return (_message_ids(value) or [""])[0]


def _message_from_bytes(raw: bytes) -> MimePart:
    """``email.message_from_bytes`` fed in slices: given the whole message at once, the
    parser holds it decoded and split into lines at the same time (190 MB at the peak for a
    25 MB message, against 66 MB)."""
    parser = BytesFeedParser(policy=policy.default)
    for start in range(0, len(raw), _PARSE_SLICE):
        parser.feed(raw[start : start + _PARSE_SLICE])
    return parser.close()


def email_parse(raw: bytes, *, _depth: int = 0) -> ParsedMail:
    """Read one RFC 822 message as received: never refuses what a mail program would show."""
    message = _message_from_bytes(raw)
    sender_name, sender_email = _sender(message)
    subject = " ".join(_header(message, "Subject").split())[:300]  # no line breaks in replies
    recipients: list[str] = []
    for header in ("Delivered-To", "X-Original-To", "To", "Cc"):
        recipients += [
            address.strip().lower()
            for _, address in _addresses(_headers(message, header))
            if "@" in address
        ]
    references: list[str] = []
    for header in ("In-Reply-To", "References"):
        references += _message_ids(" ".join(_headers(message, header)))
    parsed = ParsedMail(
        message_id=(_message_ids(_header(message, "Message-ID")) or [""])[0],
        sender_email=sender_email,
        sender_name=sender_name,
        recipients=recipients,
        subject=subject,
        text="",
        html="",
        references=references,
        kind=_classify(message, sender_email, subject),
    )
    texts: list[str] = []
    htmls: list[str] = []
    _walk(message, parsed, texts, htmls)
    html = htmls[0] if htmls else ""
    text = texts[0].strip() if texts else ""
    if not text and html:
        text = _html_to_text(html)
    if not text:
        text = _forwarded_text(message, _depth)
    parsed.text = storable(text)
    parsed.html = storable(nh3.clean(html)) if html.strip() else ""
    if parsed.kind == "bounce":
        parsed.bounce = _delivery_report(message)
    return parsed


# --- filing ----------------------------------------------------------------------------------


def recipient_address(parsed: ParsedMail, envelope: str = "") -> InboundAddress:
    """The client's mailbox this delivery is for.

    The envelope recipient (providers and MTAs report it) first; the headers only when it is
    unknown (a copy to two clients is then one delivery to each)."""
    candidates = [envelope.strip().lower()] if envelope else []
    candidates += parsed.recipients
    found = {
        row.address: row
        for row in InboundAddress.objects.select_related("client").filter(address__in=candidates)
    }
    for address in candidates:
        if address in found and found[address].client.portal_open:
            return found[address]
    raise NoRecipient(f"no client receives mail for {', '.join(candidates) or 'nobody'}")


def _own_address(client, address: str) -> bool:
    """Mail from one of our own sending addresses (a loop): never acknowledged."""

    if not address:
        return False
    default = settings.DEFAULT_FROM_EMAIL.rsplit("<", 1)[-1].strip("> ").lower()
    return address == default or InboundAddress.objects.filter(address=address).exists()


def email_file(parsed: ParsedMail, *, mailbox: InboundAddress, raw: bytes | None) -> Filed:
    """File one read message in its client's schema: a new conversation, a reply, or an
    automatic message (auto-reply, bounce) that changes nothing of the conversation's."""
    client = mailbox.client
    with schema_context(client.schema_name):
        if parsed.message_id:
            earlier = Message.objects.filter(channel="email", external_id=parsed.message_id).first()
            if earlier is not None and earlier.direction == Message.Direction.INBOUND:
                return Filed(
                    client.slug,
                    earlier.conversation_id,
                    threaded=False,
                    duplicate=True,
                    message_pk=earlier.pk,
                )  # the provider retried
            if earlier is not None:
                # One of our own messages' ids on mail coming in (a mail program's Redirect,
                # a forwarding rule keep it): a new message, filed without that id.
                parsed = dataclasses.replace(parsed, message_id="")
        try:
            with transaction.atomic():
                return _file_in_schema(client, mailbox, parsed, raw)
        except IntegrityError:
            # A parallel delivery of the same Message-ID filed it first (the unique
            # constraint on channel and external id): that one stands.
            same_id = Message.objects.filter(channel="email", external_id=parsed.message_id)
            if parsed.message_id and (earlier := same_id.first()):
                return Filed(
                    client.slug,
                    earlier.conversation_id,
                    threaded=False,
                    duplicate=True,
                    message_pk=earlier.pk,
                )
            raise


def _file_in_schema(
    client, mailbox: InboundAddress, parsed: ParsedMail, raw: bytes | None
) -> Filed:
    if parsed.kind in ("auto_reply", "bounce"):
        return _automatic_file(client, mailbox, parsed, raw)
    # A reply joins its conversation only when it comes from that conversation's customer:
    # a forged In-Reply-To must not file a stranger's mail into it.
    # The sender may be the customer under an identity merged into them (customers.merge).
    parent = (
        Message.objects.filter(
            identity_of(email=parsed.sender_email, path="conversation__customer"),
            channel="email",
            external_id__in=parsed.references,
        )
        .select_related("conversation")
        .order_by("-created_at")
        .first()
        if parsed.references and parsed.sender_email
        else None
    )
    text = parsed.text or parsed.subject or NO_TEXT
    if parent is not None:
        now = timezone.now()
        # A reply in the thread of a merged conversation lands in the one it was merged into.
        conversation = merged_target_locked(conversation_id=parent.conversation_id)
        message = Message.objects.create(
            conversation=conversation,
            direction=Message.Direction.INBOUND,
            channel="email",
            body_text=text,
            body_html=parsed.html,
            external_id=parsed.message_id,
            created_at=now,
        )
        raw_store(Message, message.pk, raw)
        _attachments_store(message, parsed)
        conversation_customer_wrote(client=client, conversation=conversation, now=now)
        webhook_event_emit(client, "message.created", message_data(message))
        return Filed(client.slug, conversation.pk, threaded=True, message_pk=message.pk)
    inbound = conversation_open_inbound(
        client=client,
        channel="email",
        text=text,
        subject=parsed.subject,
        customer_email=parsed.sender_email,
        customer_name=parsed.sender_name,
        country=mailbox.country,
        external_id=parsed.message_id,
    )
    Message.objects.filter(pk=inbound.message.pk).update(body_html=parsed.html)
    raw_store(Message, inbound.message.pk, raw)
    _attachments_store(inbound.message, parsed)
    customer = inbound.conversation.customer
    if customer.email and parsed.kind == "normal" and not _own_address(client, parsed.sender_email):
        conversation_acknowledge(
            client=client, conversation=inbound.conversation, calendar=inbound.calendar
        )
    return Filed(
        client.slug, inbound.conversation.pk, threaded=False, message_pk=inbound.message.pk
    )


def _attachments_store(message: Message, parsed: ParsedMail) -> None:
    for file in parsed.attachments:
        try:
            with transaction.atomic():
                attachment_store(message=message, file=file)
        except (ValueError, OSError) as problem:  # noted on the message, never a crash
            parsed.notes.append(f"{file.filename or file.content_type}: {problem}")
    if parsed.notes:
        shown = parsed.notes[:20]
        note = "\n".join(f"[attachment not kept: {note}]" for note in shown)
        if len(parsed.notes) > len(shown):
            note += f"\n[and {len(parsed.notes) - len(shown)} more attachments not kept]"
        Message.objects.filter(pk=message.pk).update(body_text=f"{message.body_text}\n\n{note}")


def _automatic_file(
    client, mailbox: InboundAddress, parsed: ParsedMail, raw: bytes | None
) -> Filed:
    """An auto-reply or a bounce: into the conversation of ours it refers to, without
    reopening it, a clock, a work item or an acknowledgement; else into a conversation of its
    own that is closed at once (in the client's history, never in the work queue)."""
    report = parsed.bounce
    ours = [report.original_message_id] if report and report.original_message_id else []
    ours += parsed.references
    outbound = Message.objects.filter(
        channel="email", direction=Message.Direction.OUTBOUND, external_id__in=ours
    ).select_related("conversation")
    if parsed.kind == "auto_reply":
        # An auto-reply comes from the customer's own mailbox; a bounce from a mail server,
        # named by the report of our message it returns.
        outbound = outbound.filter(
            identity_of(email=parsed.sender_email, path="conversation__customer")
        )
    parent = outbound.order_by("-created_at").first() if ours else None
    text = parsed.text or parsed.subject or NO_TEXT
    if report is not None:
        text = f"{_bounce_summary(report)}\n\n{text}"
    now = timezone.now()
    if parent is not None:
        conversation = merged_target_locked(conversation_id=parent.conversation_id)
    else:
        known = (
            Customer.objects.filter(
                email__iexact=parsed.sender_email, erased_at__isnull=True
            ).first()
            if parsed.sender_email
            else None
        )
        customer = (known and customer_current(customer=known)) or Customer.objects.create(
            name=parsed.sender_name, email=parsed.sender_email, country=mailbox.country.upper()
        )
        conversation = Conversation.objects.create(
            customer=customer,
            channel="email",
            subject=parsed.subject,
            language=client.default_language,
            status=Conversation.Status.CLOSED,
            created_at=now,
            resolved_at=now,
            resolved_automatically=True,
            automatic=True,
        )
    # Only a report of failure bounces our message: "delayed" (still trying), "delivered",
    # "relayed" and "expanded" reports are filed and change nothing. Told before the report
    # is written into the conversation, so that the outbox locks its delivery and then the
    # conversation, in the order in which marking a message sent takes them (no deadlock).
    if report is not None and parent is not None and report.action.lower() in ("failed", ""):
        _bounce_hooks(client, parent.external_id, _bounce_summary(report))
    message = Message.objects.create(
        conversation=conversation,
        direction=Message.Direction.INBOUND,
        channel="email",
        body_text=text,
        body_html=parsed.html,
        external_id=parsed.message_id,
        created_at=now,
        automatic=True,
    )
    raw_store(Message, message.pk, raw)
    _attachments_store(message, parsed)
    return Filed(client.slug, conversation.pk, threaded=parent is not None, message_pk=message.pk)


def _bounce_summary(report: BounceReport) -> str:
    parts = [report.recipient, report.status, report.diagnostic]
    return "Not delivered: " + " ".join(part for part in parts if part)


def _bounce_hooks(client, message_id: str, reason: str) -> None:
    for hook in on_bounce:
        try:
            with transaction.atomic():
                hook(client=client, message_id=message_id, reason=reason)
        except Exception:
            logger.exception("bounce hook %r failed for %s", hook, message_id)


def email_file_raw(raw: bytes, *, envelope: str = "") -> Filed:
    """Read and file an RFC 822 message (without the write-ahead receipt: callers that
    receive mail use ``intake.services``). Raises EmailRejected with the reason."""
    if len(raw) > MAX_BYTES:
        raise EmailRejected(f"message of {len(raw)} bytes is over {MAX_BYTES}")
    parsed = email_parse(raw)
    return email_file(parsed, mailbox=recipient_address(parsed, envelope), raw=raw)
