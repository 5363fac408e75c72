"""Outgoing e-mail: replies and acknowledgements in the client's name, threaded.

A message is written first (in the conversation, with its own Message-ID), then sent by a
Celery task after the commit; the task sends only what is not sent yet, so a retry or a
second run does no harm.
"""

from email.utils import formataddr, make_msgid

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils import timezone

from config.celery import task_enqueue_on_commit
from conversations.models import Conversation, Message
from tenants.models import InboundAddress


def sender_address(client, country: str = "") -> str:
    """The client's identity: its support address for the country (or any), its name."""
    addresses = list(InboundAddress.objects.filter(client=client).order_by("address"))
    chosen = next((a for a in addresses if a.country == country), None) or (
        addresses[0] if addresses else None
    )
    address = chosen.address if chosen else settings.DEFAULT_FROM_EMAIL
    return formataddr((client.name, address)) if chosen else address


def outbound_email_queue(*, client, conversation: Conversation, body: str, subject: str = "",
                         author=None) -> Message:  # fmt: skip
    """Write an outbound e-mail into the conversation and send it after the commit."""
    domain = settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].strip("> ") or "localhost"
    message = Message.objects.create(
        conversation=conversation, direction=Message.Direction.OUTBOUND, channel="email",
        author=author, body_text=body, external_id=make_msgid(domain=domain),
        created_at=timezone.now(),
    )  # fmt: skip
    from conversations.tasks import email_send_task

    task_enqueue_on_commit(email_send_task, args=[message.pk, subject])
    return message


def email_send(*, client, message_id: int, subject: str = "") -> bool:
    """Send one outbound e-mail if it is not sent yet; True when it was sent now."""
    message = Message.objects.select_related("conversation__customer").get(pk=message_id)
    if message.sent_at is not None:
        return False
    conversation = message.conversation
    customer = conversation.customer
    if not customer.email:
        raise ValueError(f"conversation {conversation.pk} has no customer e-mail address")
    earlier = list(
        conversation.messages.filter(channel="email", created_at__lte=message.created_at)
        .exclude(pk=message.pk).exclude(external_id="").values_list("external_id", flat=True)
    )  # fmt: skip
    headers = {"Message-ID": message.external_id}
    if earlier:
        headers["In-Reply-To"] = earlier[-1]
        headers["References"] = " ".join(earlier[-20:])
    email = EmailMessage(
        subject=subject or f"Re: {conversation.subject}".strip(),
        body=message.body_text,
        from_email=sender_address(client, customer.country),
        to=[customer.email],
        headers=headers,
    )
    email.send()
    Message.objects.filter(pk=message.pk, sent_at__isnull=True).update(sent_at=timezone.now())
    return True
