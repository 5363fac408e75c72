"""Outgoing e-mail: replies and acknowledgements in the client's name, threaded.

A message is written first (in the conversation, with its own Message-ID) together with its
outbox delivery row; the outbox sends it after the commit (``email_transmit`` is its e-mail
sender) and marks it sent once the mail server accepted it. A retried send carries the same
Message-ID, so a receiver that sees it twice can tell it is one message.
"""

import contextlib
import smtplib
import threading
from datetime import datetime
from email.utils import formataddr, make_msgid

from django.conf import settings
from django.core.mail import EmailMessage, mailers
from django.db import transaction
from django.utils import timezone

from conversations.attachments import attachment_open
from conversations.models import Conversation, Message
from outbox.errors import PermanentFailure, TemporaryFailure
from outbox.models import Delivery
from outbox.services import delivery_queue
from tenants.models import InboundAddress


def sender_address(client, country: str = "") -> str:
    """The client's identity: its support address for the country (or any), its name."""
    addresses = list(InboundAddress.objects.filter(client=client).order_by("address"))
    chosen = next((a for a in addresses if a.country == country), None) or (
        addresses[0] if addresses else None
    )
    address = chosen.address if chosen else settings.DEFAULT_FROM_EMAIL
    return formataddr((client.name, address)) if chosen else address


@transaction.atomic
def outbound_email_queue(
    *,
    client,
    conversation: Conversation,
    body: str,
    subject: str = "",
    author=None,
    automatic: bool = False,
    forward_to: str = "",
    not_before: datetime | None = None,
) -> Message:
    """Write an outbound e-mail into the conversation with its delivery row (same
    transaction); the outbox sends it after the commit. ``automatic``: written by Polydesk
    (an acknowledgement, a survey), sent as an automatic reply. ``forward_to``: an agent's
    forward to that address, kept in the thread as an internal note (the customer gets
    nothing). ``not_before``: not sent before then (the outbox's sweep sends it)."""
    domain = settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].strip("> ") or "localhost"
    message = Message.objects.create(
        conversation=conversation,
        direction=Message.Direction.NOTE if forward_to else Message.Direction.OUTBOUND,
        channel="email",
        author=author,
        body_text=body,
        external_id=make_msgid(domain=domain),
        created_at=timezone.now(),
    )
    kind = Delivery.Kind.AUTOMATIC if automatic else Delivery.Kind.REPLY
    if forward_to:
        kind = Delivery.Kind.FORWARD
    delivery_queue(
        client=client,
        message=message,
        kind=kind,
        subject=subject,
        recipient=forward_to,
        not_before=not_before,
    )
    return message


def email_build(
    *,
    client,
    message: Message,
    subject: str = "",
    automatic: bool = False,
    recipient: str = "",
) -> EmailMessage:
    """The e-mail of an outbound message: from the client, threaded (In-Reply-To and
    References from the conversation's earlier mails), its attachments attached. A
    ``recipient`` other than the customer (a forward) gets a thread of its own."""
    conversation = message.conversation
    customer = conversation.customer
    if not recipient and not customer.email:
        raise PermanentFailure("The customer has no e-mail address.")
    earlier = (
        []
        if recipient
        else list(
            conversation.messages.filter(channel="email", created_at__lte=message.created_at)
            .exclude(pk=message.pk)
            .exclude(external_id="")
            .values_list("external_id", flat=True)
        )
    )
    headers = {"Message-ID": message.external_id}
    if earlier:
        headers["In-Reply-To"] = earlier[-1]
        headers["References"] = " ".join(earlier[-20:])
    if automatic:
        # RFC 3834: an automatic reply, so that the customer's own auto-responder stays
        # silent (no out-of-office ping-pong).
        headers["Auto-Submitted"] = "auto-replied"
    email = EmailMessage(
        subject=subject or f"Re: {conversation.subject}".strip(),
        body=message.body_text,
        from_email=sender_address(client, customer.country),
        to=[recipient or customer.email],
        headers=headers,
    )
    for attachment in message.attachments.all():
        with attachment_open(attachment) as stored:
            email.attach(attachment.filename, stored.read(), attachment.content_type)
    return email


def email_transmit(*, client, delivery: Delivery) -> str:
    """The outbox's e-mail sender: build and send the delivery's message; the provider's
    id (an e-mail service's message id through anymail, else our Message-ID). SMTP 5xx
    and unusable addresses are permanent failures; 4xx, refused connections and timeouts
    temporary ones."""
    message = Message.objects.select_related("conversation__customer").get(pk=delivery.message_pk)
    automatic = delivery.kind == Delivery.Kind.AUTOMATIC
    try:
        email = email_build(
            client=client,
            message=message,
            subject=delivery.subject,
            automatic=automatic,
            recipient=delivery.recipient,
        )
        _send(email)
    except smtplib.SMTPRecipientsRefused as error:
        codes = [code for code, _ in error.recipients.values()]
        reason = "; ".join(f"{code} {_text(answer)}" for code, answer in error.recipients.values())
        failure = PermanentFailure if codes and min(codes) >= 500 else TemporaryFailure
        raise failure(f"Recipient refused: {reason}") from error
    except smtplib.SMTPResponseException as error:  # sender refused, data refused, ...
        failure = PermanentFailure if error.smtp_code >= 500 else TemporaryFailure
        raise failure(f"{error.smtp_code} {_text(error.smtp_error)}") from error
    except (smtplib.SMTPException, OSError) as error:  # disconnected, refused, timed out
        raise TemporaryFailure(f"Mail server: {error!r}") from error
    except ValueError as error:  # an address Django cannot put in a header
        raise PermanentFailure(f"Unusable address: {error}") from error
    status = getattr(email, "anymail_status", None)
    return (status and status.message_id and str(status.message_id)) or message.external_id


# One open connection per worker thread, kept between messages: no connect and QUIT round
# trips per message, and the message is marked sent right after the server's "250" (a
# QUIT first would widen the window in which a killed worker leaves a sent message
# unmarked, to be sent again).
_mailer = threading.local()


def _send(email: EmailMessage) -> None:
    config = repr(settings.MAILERS.get("default"))
    reused = getattr(_mailer, "backend", None) is not None and _mailer.config == config
    try:
        try:
            _mailer_backend(config, anew=not reused).send_messages([email])
        except (smtplib.SMTPServerDisconnected, ConnectionError):
            if not reused:
                raise
            # The kept connection was closed by the server while idle: once more, anew.
            _mailer_backend(config, anew=True).send_messages([email])
    except BaseException:
        _mailer_drop()
        raise


def _mailer_backend(config: str, *, anew: bool):
    if anew:
        _mailer_drop()
        backend = mailers.default
        backend.open()  # opened here, so that sending does not close it
        _mailer.backend, _mailer.config = backend, config
    return _mailer.backend


def _mailer_drop() -> None:
    backend = getattr(_mailer, "backend", None)
    _mailer.backend = None
    if backend is not None:
        with contextlib.suppress(Exception):  # a broken connection is dropped either way
            backend.close()


def _text(answer) -> str:
    return answer.decode(errors="replace") if isinstance(answer, bytes) else str(answer)
