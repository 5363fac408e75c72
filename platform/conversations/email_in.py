"""Inbound e-mail: any provider's webhook (django-anymail normalises them) or raw RFC 822.

The recipient address names the client; Message-ID / In-Reply-To / References thread a
reply into its conversation; the HTML part is sanitised with nh3 for display; the original
bytes are kept with the message. A message is never dropped silently: what cannot be filed
raises ``EmailRejected`` with the reason (the webhook answers 4xx, an MTA pipe bounces).
"""

import logging
import re
from dataclasses import dataclass
from email.utils import getaddresses

import nh3
from anymail.inbound import AnymailInboundMessage
from django.db import transaction
from django.utils import timezone
from django_tenants.utils import schema_context

from conversations.acknowledgements import conversation_acknowledge
from conversations.models import Conversation, Message
from conversations.services import conversation_customer_wrote, conversation_open_inbound
from languages.cleaning import text_for_detection
from tenants.models import InboundAddress

logger = logging.getLogger(__name__)

MAX_BYTES = 25 * 1024 * 1024  # the common providers' limit for a whole message
_MESSAGE_ID = re.compile(r"<[^<>\s]+>")


class EmailRejected(ValueError):
    """The message cannot be filed; the reason is meant for the sender's postmaster."""


@dataclass(frozen=True)
class Filed:
    client_slug: str
    conversation_id: int
    threaded: bool  # True when it joined an existing conversation


def _recipient_address(message: AnymailInboundMessage) -> InboundAddress:
    # The envelope recipient (providers report it) is who this delivery is for; the headers
    # only when it is unknown (a copy to two clients is then one delivery to each).
    envelope = getattr(message, "envelope_recipient", None)
    candidates = [envelope.lower()] if envelope else []
    for header in ("Delivered-To", "X-Original-To", "To", "Cc"):
        candidates += [address.lower() for _, address in getaddresses(message.get_all(header, []))]
    found = {row.address: row for row in InboundAddress.objects.select_related("client")
             .filter(address__in=candidates)}  # fmt: skip
    for address in candidates:
        if address in found and found[address].client.portal_open:
            return found[address]
    raise EmailRejected(f"no client receives mail for {', '.join(candidates) or 'nobody'}")


def _is_automatic(message: AnymailInboundMessage) -> bool:
    """Bounces, auto-replies and lists: filed, never acknowledged (no mail loops)."""
    sender = (message.from_email.addr_spec if message.from_email else "").lower()
    return (
        message.get("Auto-Submitted", "no").strip().lower() != "no"
        or message.get("Precedence", "").strip().lower() in {"bulk", "junk", "list",
                                                               "auto_reply"}
        or bool(message.get("X-Autoreply") or message.get("X-Autorespond"))
        or sender.startswith(("mailer-daemon@", "postmaster@"))
        or not sender
    )  # fmt: skip


def _referenced_ids(message: AnymailInboundMessage) -> list[str]:
    ids = []
    for header in ("In-Reply-To", "References"):
        ids += _MESSAGE_ID.findall(" ".join(message.get_all(header, [])))
    return ids


def _text_of(message: AnymailInboundMessage) -> tuple[str, str]:
    html = message.html or ""
    text = message.text or ""
    if not text and html:
        text = nh3.clean(html, tags=set()).strip()  # no tags at all: the words
    return text, nh3.clean(html) if html else ""


@transaction.atomic
def email_file(message: AnymailInboundMessage, raw: bytes | None = None) -> Filed:
    """File one inbound e-mail in its client's schema: a new conversation, or a reply."""
    if raw is not None and len(raw) > MAX_BYTES:
        raise EmailRejected(f"message of {len(raw)} bytes is over {MAX_BYTES}")
    mailbox = _recipient_address(message)
    client = mailbox.client
    message_id = (_MESSAGE_ID.findall(message.get("Message-ID", "")) or [""])[0]
    if len(message_id) > 255:  # not a real one: it cannot identify a retry either
        message_id = ""
    text, html = _text_of(message)
    subject = " ".join((message.subject or "").split())[:300]  # no line breaks in replies
    sender = message.from_email
    sender_email = (sender.addr_spec if sender else "")[:254]
    with schema_context(client.schema_name):
        if message_id:
            earlier = Message.objects.filter(channel="email", external_id=message_id).first()
            if earlier:  # the provider retried
                return Filed(client.slug, earlier.conversation_id, threaded=False)
        references = _referenced_ids(message)
        # A reply joins its conversation only when it comes from that conversation's
        # customer: a forged In-Reply-To must not file a stranger's mail into it.
        parent = (
            Message.objects.filter(channel="email", external_id__in=references,
                                   conversation__customer__email__iexact=sender_email)
            .select_related("conversation").order_by("-created_at").first()
            if references and sender_email else None
        )  # fmt: skip
        if parent is not None:
            _reply_file(client, parent.conversation, text.replace("\x00", ""), html,
                        message_id, raw)  # fmt: skip
            return Filed(client.slug, parent.conversation_id, threaded=True)
        if not text_for_detection(text) and not subject:
            raise EmailRejected("the message has no text")
        inbound = conversation_open_inbound(
            client=client, channel="email", text=(text or subject).replace("\x00", ""),
            subject=subject, customer_email=sender_email,
            customer_name=(sender.display_name if sender else "")[:200],
            country=mailbox.country, external_id=message_id,
        )  # fmt: skip
        Message.objects.filter(pk=inbound.message.pk).update(body_html=html, raw=raw)
        if inbound.conversation.customer.email and not _is_automatic(message):
            conversation_acknowledge(client=client, conversation=inbound.conversation)
        return Filed(client.slug, inbound.conversation.pk, threaded=False)


def _reply_file(client, conversation: Conversation, text: str, html: str, message_id: str,
                raw: bytes | None) -> None:  # fmt: skip
    now = timezone.now()
    Message.objects.create(
        conversation=conversation, direction=Message.Direction.INBOUND, channel="email",
        body_text=text, body_html=html, external_id=message_id, raw=raw, created_at=now,
    )  # fmt: skip
    conversation_customer_wrote(client=client, conversation=conversation, now=now)


def email_file_raw(raw: bytes) -> Filed:
    """File an RFC 822 message as received (an MTA pipe, the intake endpoint)."""
    return email_file(AnymailInboundMessage.parse_raw_mime_bytes(raw), raw)


def anymail_inbound_received(sender, event, esp_name, **kwargs) -> None:
    """django-anymail's inbound signal (any provider's webhook, normalised)."""
    message = event.message
    try:
        filed = email_file(message, message.as_bytes())
    except EmailRejected as rejection:
        # Answered 200 so that the provider does not retry for ever; the reason and the
        # envelope are logged for the postmaster.
        logger.warning("e-mail from %s via %s refused: %s (to %s, subject %r)",
                       message.from_email, esp_name, rejection,
                       getattr(message, "envelope_recipient", None) or message.get("To"),
                       message.subject)  # fmt: skip
        return
    logger.info("e-mail from %s filed for %s (conversation %s)", esp_name, filed.client_slug,
                filed.conversation_id)  # fmt: skip
