"""Write-ahead intake of inbound mail, whatever the path (MTA pipe, raw HTTP, provider webhook).

1. The original bytes are stored with a receipt, in one transaction of their own.
2. Then the message is read and filed in its client's schema (``conversations.email_in``);
   the receipt says so and gives its bytes up (the client's ``Message.raw`` keeps them).
3. If reading or filing fails for any reason, the receipt keeps the reason; when the client
   is known, an "unreadable message" item carrying the original is filed for its agents.
   Mail nobody receives stays refused, its bytes kept for the postmaster until the purge.

Once step 1 is committed, the message is accepted: whatever fails later is retried by the
sweep (``receipts_refile``) or shown to someone, never dropped.
"""

import hashlib
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from email import encoders, policy
from email.message import Message as EmailMessage
from email.parser import BytesHeaderParser
from email.utils import getaddresses
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_noop
from django_tenants.utils import schema_context

from conversations.email_in import (
    MAX_BYTES,
    Filed,
    NoRecipient,
    ParsedMail,
    email_file,
    email_parse,
    raw_store,
    recipient_address,
    storable,
)
from conversations.models import Message
from conversations.services import conversation_open_inbound
from core.formats import system_subject, system_text
from intake.models import InboundReceipt
from tenants.models import Client, InboundAddress

logger = logging.getLogger(__name__)

# A delivery without a Message-ID is the same delivery when its bytes are the same within
# this window (a provider's retry); later, the same bytes are a new message.
DUPLICATE_WINDOW = timedelta(hours=1)
State = InboundReceipt.State


class MailTooLarge(Exception):
    """A provider delivered a message over ``MAX_BYTES``: its webhook is answered 413."""


@dataclass(frozen=True)
class Outcome:
    """What became of one delivery; ``status`` is what the path answers."""

    status: str  # filed, duplicate, unreadable, accepted, no_recipient, unparseable, too_large
    receipt_id: int | None
    reason: str = ""
    filed: Filed | None = None

    @property
    def accepted(self) -> bool:
        """The sender's part is done: filed, or kept and to be filed or looked at."""
        return self.status in ("filed", "duplicate", "unreadable", "accepted")


def _sha256(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


@transaction.atomic
def receipt_write(
    *,
    raw: bytes | None,
    source: str,
    size: int,
    envelope: str = "",
    state: str = State.RECEIVED,
    reason: str = "",
) -> InboundReceipt:
    """Step 1: the delivery as received, committed before anything reads it."""
    receipt = InboundReceipt.objects.create(
        received_at=timezone.now(),
        source=source[:64],
        size=size,
        sha256=_sha256(raw) if raw is not None else "",
        envelope_recipient=envelope[:254],
        state=state,
        reason=reason[:500],
    )
    if raw is not None:
        with schema_context("public"):
            raw_store(InboundReceipt, receipt.pk, raw)
        receipt.raw = raw
    return receipt


def mail_receive(*, raw: bytes, source: str, envelope: str = "") -> Outcome:
    """Receive one RFC 822 message: keep it, then file it. Raises only when the database
    cannot store the receipt (the caller answers "try again later")."""
    envelope = storable(envelope or "").strip()
    if len(raw) > MAX_BYTES:
        reason = f"message of {len(raw)} bytes is over the limit of {MAX_BYTES}"
        receipt = receipt_write(
            raw=None,
            source=source,
            size=len(raw),
            envelope=envelope,
            state=State.REFUSED,
            reason=reason,
        )
        logger.warning("inbound mail via %s refused: %s", source, reason)
        return Outcome("too_large", receipt.pk, reason)
    if not raw.strip():
        receipt = receipt_write(
            raw=raw,
            source=source,
            size=len(raw),
            envelope=envelope,
            state=State.REFUSED,
            reason="an empty message",
        )
        return Outcome("unparseable", receipt.pk, "an empty message")
    receipt = receipt_write(raw=raw, source=source, size=len(raw), envelope=envelope)
    return receipt_process(receipt=receipt)


def receipt_process(*, receipt: InboundReceipt) -> Outcome:
    """Steps 2 and 3 for one receipt still ``received``: file it, or say why not."""
    assert receipt.raw is not None, "a received receipt keeps its bytes"
    raw = bytes(receipt.raw)
    try:
        parsed: ParsedMail | None = email_parse(raw)
    except Exception as problem:  # any bytes at all may arrive: the original is kept
        parsed, reason = None, f"could not be read: {type(problem).__name__}: {problem}"
        # Nesting past the parser's depth is a known limit of the input, not a bug to trace.
        logger.log(
            logging.WARNING if isinstance(problem, RecursionError) else logging.ERROR,
            "inbound mail (receipt %s) %s",
            receipt.pk,
            reason,
            exc_info=not isinstance(problem, RecursionError),
        )
    try:
        mailbox = (
            recipient_address(parsed, receipt.envelope_recipient)
            if parsed
            else _recipient_from_headers(raw, receipt.envelope_recipient)
        )
    except NoRecipient as refusal:
        assert parsed is not None  # only recipient_address says NoRecipient
        return _refused(receipt, "no_recipient", str(refusal), parsed.message_id)
    if mailbox is None:
        return _refused(receipt, "unparseable", reason)
    if parsed is not None:
        try:
            return _file(receipt, parsed, mailbox, raw)
        except Exception as problem:
            logger.exception("inbound mail (receipt %s) could not be filed", receipt.pk)
            reason = f"could not be filed: {type(problem).__name__}: {problem}"
    try:
        return _unreadable_file(receipt, mailbox, raw, reason, parsed)
    except Exception:
        logger.exception("inbound mail (receipt %s) kept, to be filed again", receipt.pk)
        InboundReceipt.objects.filter(pk=receipt.pk).update(reason=storable(reason)[:500])
        return Outcome("accepted", receipt.pk, reason)


def _refused(receipt: InboundReceipt, status: str, reason: str, message_id: str = "") -> Outcome:
    reason = storable(reason)[:500]
    InboundReceipt.objects.filter(pk=receipt.pk).update(
        state=State.REFUSED, reason=reason, message_id=message_id
    )
    logger.warning(
        "inbound mail (receipt %s, via %s) refused: %s", receipt.pk, receipt.source, reason
    )
    return Outcome(status, receipt.pk, reason)


def _lock(key: str) -> None:
    """Parallel deliveries of one message wait for each other here, so that the second sees
    what the first filed (held to the end of the transaction)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", [key])


@transaction.atomic
def _file(
    receipt: InboundReceipt, parsed: ParsedMail, mailbox: InboundAddress, raw: bytes
) -> Outcome:
    client = mailbox.client
    _lock(f"inbound-mail:{client.pk}:{parsed.message_id or receipt.sha256}")
    if taken := _taken_meanwhile(receipt, client):
        return taken
    earlier = None if parsed.message_id else _same_bytes_before(receipt, client, State.FILED)
    if earlier is not None:
        filed = _duplicate_of(client, earlier.conversation_id)
    else:
        filed = email_file(parsed, mailbox=mailbox, raw=raw)
    InboundReceipt.objects.filter(pk=receipt.pk).update(
        state=State.DUPLICATE if filed.duplicate else State.FILED,
        client=client,
        conversation_id=filed.conversation_id,
        message_id=parsed.message_id,
        filed_at=timezone.now(),
        raw=None,
        reason="; ".join(parsed.notes)[:500],
    )
    return Outcome("duplicate" if filed.duplicate else "filed", receipt.pk, filed=filed)


def _duplicate_of(client: Client, conversation_id: int | None) -> Filed:
    """What an earlier receipt of the same delivery filed (a filed receipt names its
    conversation)."""
    assert conversation_id is not None, "a filed receipt names its conversation"
    return Filed(client.slug, conversation_id, threaded=False, duplicate=True)


def _taken_meanwhile(receipt: InboundReceipt, client: Client) -> Outcome | None:
    """Under the lock: the receipt filed by another process meanwhile (the sweep and a slow
    first try met) is a duplicate of what that one filed; None while it is still ours."""
    state, conversation_id = (
        InboundReceipt.objects.filter(pk=receipt.pk).values_list("state", "conversation_id").get()
    )
    if state == State.RECEIVED:
        return None
    filed = _duplicate_of(client, conversation_id)
    return Outcome("duplicate", receipt.pk, filed=filed)


def _same_bytes_before(
    receipt: InboundReceipt, client: Client, state: str
) -> InboundReceipt | None:
    """The first receipt of the same bytes for this client within the duplicate window that
    ended in ``state``: a retried delivery of what has no Message-ID to tell it by."""
    return (
        InboundReceipt.objects.filter(
            client=client,
            sha256=receipt.sha256,
            state=state,
            received_at__gte=receipt.received_at - DUPLICATE_WINDOW,
        )
        .exclude(pk=receipt.pk)
        .order_by("received_at")
        .first()
    )


def _recipient_from_headers(raw: bytes, envelope: str) -> InboundAddress | None:
    """The client of a message that could not be read, from its bare headers; None when
    even those name nobody we know."""
    try:
        headers = BytesHeaderParser(policy=policy.compat32).parsebytes(raw)
        values = [
            str(value)
            for name in ("Delivered-To", "X-Original-To", "To", "Cc")
            for value in headers.get_all(name, [])
        ]
        addresses = [address.lower() for _, address in getaddresses(values) if "@" in address]
    except Exception:
        addresses = []
    candidates = ([envelope.lower()] if envelope else []) + addresses
    found = {
        row.address: row
        for row in InboundAddress.objects.select_related("client").filter(address__in=candidates)
    }
    return next((found[a] for a in candidates if a in found and found[a].client.portal_open), None)


@transaction.atomic
def _unreadable_file(
    receipt: InboundReceipt,
    mailbox: InboundAddress,
    raw: bytes,
    reason: str,
    parsed: ParsedMail | None,
) -> Outcome:
    """An item in the client's work queue that says the message could not be read, with the
    original to download: agents see it, nothing is dropped silently."""
    client = mailbox.client
    # The same bytes again (the MTA or provider retried): the first item stands.
    _lock(f"inbound-mail:{client.pk}:{receipt.sha256}")
    if taken := _taken_meanwhile(receipt, client):
        return taken
    earlier = _same_bytes_before(receipt, client, State.UNREADABLE)
    if earlier is not None:
        InboundReceipt.objects.filter(pk=receipt.pk).update(
            state=State.DUPLICATE,
            client=client,
            conversation_id=earlier.conversation_id,
            filed_at=timezone.now(),
            raw=None,
            reason=storable(reason)[:500],
        )
        filed = _duplicate_of(client, earlier.conversation_id)
        return Outcome("duplicate", receipt.pk, filed=filed)
    reason = storable(reason)[:500]
    subject = (parsed.subject if parsed else "") or system_subject(
        client, gettext_noop("Unreadable message")
    )
    with schema_context(client.schema_name):
        inbound = conversation_open_inbound(
            client=client,
            channel="email",
            subject=subject,
            text=system_text(
                client,
                gettext_noop(
                    "This message could not be read (%(reason)s). The original is attached."
                ),
                reason=reason,
            ),
            customer_email=parsed.sender_email if parsed else "",
            customer_name=parsed.sender_name if parsed else "",
            country=mailbox.country,
            language=client.default_language,
        )
        Message.objects.filter(pk=inbound.message.pk).update(unreadable_reason=reason)
        raw_store(Message, inbound.message.pk, raw)
    InboundReceipt.objects.filter(pk=receipt.pk).update(
        state=State.UNREADABLE,
        reason=reason,
        client=client,
        conversation_id=inbound.conversation.pk,
        filed_at=timezone.now(),
        raw=None,
        message_id=parsed.message_id if parsed else "",
    )
    filed = Filed(
        client.slug, inbound.conversation.pk, threaded=False, message_pk=inbound.message.pk
    )
    return Outcome("unreadable", receipt.pk, reason, filed=filed)


def receipts_refile(
    *, now: datetime | None = None, older_than: timedelta = timedelta(minutes=2), limit: int = 100
) -> int:
    """Receipts left ``received`` (the process died, the database went away between the two
    steps) are filed again; how many were taken."""
    now = now or timezone.now()
    ids = list(
        InboundReceipt.objects.filter(state=State.RECEIVED, received_at__lt=now - older_than)
        .order_by("received_at")
        .values_list("pk", flat=True)[:limit]
    )
    for receipt_id in ids:
        with transaction.atomic():
            receipt = (
                InboundReceipt.objects.select_for_update(skip_locked=True)
                .filter(pk=receipt_id, state=State.RECEIVED)
                .first()
            )
        if receipt is None:
            continue
        try:
            receipt_process(receipt=receipt)
        except Exception as error:  # the next receipts are still filed; this one stays
            logger.exception("inbound mail (receipt %s) could not be filed again", receipt_id)
            InboundReceipt.objects.filter(pk=receipt_id).update(
                reason=storable(f"could not be filed again: {error!r}")[:500]
            )
    return len(ids)


def receipts_purge(*, now: datetime | None = None, days: int | None = None) -> int:
    """Receipts older than ``POLYDESK_INBOUND_RECEIPT_DAYS`` are deleted (with the bytes of
    refused mail); those never filed stay for the sweep. How many were deleted."""
    days = settings.POLYDESK_INBOUND_RECEIPT_DAYS if days is None else days
    cutoff = (now or timezone.now()) - timedelta(days=days)
    deleted, _ = (
        InboundReceipt.objects.filter(received_at__lt=cutoff).exclude(state=State.RECEIVED).delete()
    )
    return deleted


def anymail_inbound_received(sender: object, event: Any, esp_name: str, **kwargs: object) -> None:
    """django-anymail's inbound signal (any provider's webhook, normalised): the message as
    bytes goes through the same write-ahead as the MTA's."""
    message = event.message
    _binary_parts_encode(message)
    try:
        raw = message.as_bytes()
    except Exception:  # a header the serialiser refuses: its text as it was parsed
        raw = message.as_string(policy=policy.compat32).encode("utf-8", "surrogateescape")
    envelope = getattr(message, "envelope_recipient", None) or ""
    outcome = mail_receive(raw=raw, source=f"provider:{esp_name}"[:64], envelope=envelope)
    logger.info("inbound mail via %s: %s %s", esp_name, outcome.status, outcome.reason)
    if outcome.status == "too_large":
        raise MailTooLarge(outcome.reason)  # 413 (intake.middleware), as on the other paths
    # Any other refusal is answered 200, so that the provider does not retry for ever; the
    # receipt keeps the reason (and the bytes) for the postmaster.


def _binary_parts_encode(message: EmailMessage) -> None:
    """Base64 for the parts a provider's fields were built into as bare bytes (anymail's
    ``construct_attachment``): written out raw, a CR LF inside a photo would be read back as
    a line end and the file would come back shorter."""
    for part in message.walk():
        if part.is_multipart() or part.get_content_maintype() == "message":
            continue
        encoding = str(part.get("Content-Transfer-Encoding", "")).strip().lower()
        if encoding in ("base64", "quoted-printable", "7bit") and encoding:
            continue
        data = part.get_payload(decode=True)
        if not isinstance(data, bytes) or (data.isascii() and b"\r" not in data):
            continue
        del part["Content-Transfer-Encoding"]
        part.set_payload(data)
        encoders.encode_base64(part)
