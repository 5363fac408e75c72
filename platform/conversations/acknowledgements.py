"""Acknowledgements of new contacts, on the contact's own channel.

The text is the client's template in the customer's language (or its fallback) with the
honest expected answer time; outside the client's business hours the after-hours text says
so. E-mail goes out through the e-mail task; a chat, SMS or API contact gets the text as the
conversation's first outbound message (the SMS webhook answers with it, the API returns it).
When detection was unsure of the customer's language (the text is then in the client's
default language) but read another catalog language, a line in that language opens the
text ("We can also answer you in English.", languages.answer_line).
"""

import re
from dataclasses import dataclass

from babel.dates import format_datetime
from django.db import transaction
from django.utils import timezone

from content.models import MessageTemplate
from content.selectors import translation_for
from conversations.email_out import outbound_email_queue
from conversations.models import Conversation, Message
from core.locales import babel_locale
from hours.calendar import BusinessCalendar
from hours.selectors import client_calendar
from languages.answer_line import answer_in_language_line
from outbox.models import Delivery
from outbox.services import delivery_handed_over


@dataclass(frozen=True)
class Acknowledgement:
    subject: str
    body: str


def expected_answer_phrase(conversation: Conversation, client) -> str:
    """The honest due time in the customer's language and the client's time zone."""
    due = conversation.first_response_due_at
    if due is None:
        return ""
    return format_datetime(
        due, "short", tzinfo=client.tz, locale=babel_locale(conversation.language)
    )


def acknowledgement_text(
    *, client, conversation: Conversation, calendar: BusinessCalendar | None = None
) -> Acknowledgement | None:
    """The acknowledgement for a new conversation; None when the client has no template
    (in any language of the customer's fallback chain). ``calendar``: the client's hours
    the contact was counted in (``Inbound.calendar``), when the caller has them."""
    if calendar is None:
        calendar = client_calendar(
            client, country=conversation.customer.country, language=conversation.language
        )
    kinds = [MessageTemplate.Kind.ACKNOWLEDGEMENT]
    if not calendar.is_open(conversation.created_at):
        kinds.insert(0, MessageTemplate.Kind.AFTER_HOURS)
    templates = {t.kind: t for t in MessageTemplate.objects.filter(kind__in=kinds)}
    template = next((templates[kind] for kind in kinds if kind in templates), None)
    body = template and translation_for(template, "body", conversation.language)
    if not body:
        return None
    assert template is not None  # the body is its text
    subject = translation_for(template, "subject", conversation.language)
    values = _Placeholders(
        expected_answer=expected_answer_phrase(conversation, client),
        shop_name=client.name,
        customer_name=conversation.customer.name,
    )
    line = answer_in_language_line(
        language=conversation.language,
        uncertain=conversation.language_uncertain,
        detected=conversation.language_detected,
    )
    filled = _filled(body.text, values)
    return Acknowledgement(
        _filled(subject.text, values) if subject else "", f"{line}\n\n{filled}" if line else filled
    )


@transaction.atomic
def conversation_acknowledge(
    *, client, conversation: Conversation, calendar: BusinessCalendar | None = None
) -> Message | None:
    """Acknowledge a new conversation on its channel; None without a template, and for
    spam (a blocked sender's message) or an automatic conversation: nobody is answered."""
    if conversation.spam or conversation.automatic:
        return None
    text = acknowledgement_text(client=client, conversation=conversation, calendar=calendar)
    if text is None:
        return None
    if conversation.channel == Conversation.Channel.EMAIL:
        return outbound_email_queue(
            client=client,
            conversation=conversation,
            body=text.body,
            subject=text.subject,
            automatic=True,
        )

    now = timezone.now()
    # Handed over with the webhook's or the API call's answer: sent as it is written.
    message = Message.objects.create(
        conversation=conversation,
        direction=Message.Direction.OUTBOUND,
        channel=conversation.channel,
        body_text=text.body,
        created_at=now,
        sent_at=now,
    )
    delivery_handed_over(client=client, message=message, kind=Delivery.Kind.AUTOMATIC, at=now)
    return message


class _Placeholders(dict):
    """Unknown placeholders stay as written: a typo in a template must not stop mail."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def _filled(text: str, values: _Placeholders) -> str:
    try:
        filled = text.format_map(values)
    except (ValueError, IndexError, AttributeError):  # stray braces: send it as written
        return text
    # An empty placeholder (a customer known only by a phone number) leaves no "Hello ,".
    return re.sub(r"[ \t]+([,.!?;:])", r"\1", filled)
