"""Callback requests: the caller asks to be called back (a conversation due by the
client's promise). The agent's call to them is a return call (return_calls)."""

from datetime import datetime

from django.utils.translation import gettext_noop
from twilio.twiml.voice_response import VoiceResponse

from conversations.services import conversation_open_inbound
from core.channels import Channel
from core.formats import system_subject, system_text
from hours.calendar import BusinessCalendar
from telephony.voice.models import Call
from telephony.voice.twiml import hang_up, say_phrase
from tenants.models import Client


def callback_request_take(
    client: Client,
    call: Call,
    response: VoiceResponse,
    *,
    now: datetime,
    calendar: BusinessCalendar | None = None,
) -> str:
    """A callback request becomes a conversation due by the client's promise (counted in
    ``calendar`` when the line's hours were just read: they found it closed)."""
    call.outcome = Call.Outcome.CALLBACK
    text = system_text(
        client, gettext_noop("Callback requested by %(number)s"), number=call.from_number
    )
    if call.topic:
        text += "\n" + system_text(client, gettext_noop("Topic: %(topic)s"), topic=call.topic)
    inbound = conversation_open_inbound(
        client=client,
        channel=Channel.CALL,
        text=text,
        subject=system_subject(client, gettext_noop("Callback requested"), call.from_number),
        customer_phone=call.from_number,
        country=call.country,
        language=call.language,
        external_id=f"callback-{call.call_sid}",
        now=now,
        calendar=calendar,
    )
    call.conversation = inbound.conversation
    call.customer_id = inbound.conversation.customer_id
    say_phrase(response, "callback", call.language)
    return hang_up(response, call.language)
