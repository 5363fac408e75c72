"""Outgoing e-mail: replies and acknowledgements in the client's name, threaded.

A message is written first (in the conversation, with its own Message-ID), then sent by a
Celery task after the commit; the task sends only what is not sent yet, so a retry or a
second run does no harm.
"""

from email.utils import formataddr, make_msgid

from babel.dates import format_datetime
from django.conf import settings
from django.core.mail import EmailMessage
from django.utils import timezone

from config.celery import task_enqueue_on_commit
from content.models import MessageTemplate
from content.selectors import translation_for
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


def expected_answer_phrase(conversation: Conversation, client) -> str:
    """The honest due time in the customer's language and the client's time zone."""
    due = conversation.first_response_due_at
    if due is None:
        return ""
    return format_datetime(due, "short", tzinfo=client.tz, locale=conversation.language)


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


def acknowledgement_queue(*, client, conversation: Conversation) -> Message | None:
    """The acknowledgement in the customer's language (or its fallback) with the honest
    expected answer time; outside the client's business hours the after-hours text says
    so. None when the client has no such template."""
    from routing.selectors import client_calendar

    calendar = client_calendar(client, country=conversation.customer.country,
                               language=conversation.language)  # fmt: skip
    kinds = [MessageTemplate.Kind.ACKNOWLEDGEMENT]
    if not calendar.is_open(conversation.created_at):
        kinds.insert(0, MessageTemplate.Kind.AFTER_HOURS)
    templates = {t.kind: t for t in MessageTemplate.objects.filter(kind__in=kinds)}
    template = next((templates[kind] for kind in kinds if kind in templates), None)
    body = template and translation_for(template, "body", conversation.language)
    if not body:
        return None
    subject = translation_for(template, "subject", conversation.language)
    values = _Placeholders(
        expected_answer=expected_answer_phrase(conversation, client),
        shop_name=client.name,
        customer_name=conversation.customer.name,
    )
    return outbound_email_queue(
        client=client, conversation=conversation, body=_filled(body.text, values),
        subject=_filled(subject.text, values) if subject else "",
    )  # fmt: skip


class _Placeholders(dict):
    """Unknown placeholders stay as written: a typo in a template must not stop mail."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def _filled(text: str, values: _Placeholders) -> str:
    try:
        return text.format_map(values)
    except (ValueError, IndexError, AttributeError):  # stray braces: send it as written
        return text


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
