"""Return calls: an agent calls a customer back from the desk (their voicemail or callback
request). Twilio rings the agent's device, then the customer; the customer's leg is billed
as a billable leg (legs.RETURN_CALL_LEG) when its status webhook reports its end."""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from twilio.twiml.voice_response import VoiceResponse

from accounts.models import User
from conversations.services import conversation_note_add
from telephony.models import AgentDevice, PhoneNumber
from telephony.twilio_api import TwilioApiError, call_create_twiml
from telephony.voice.models import Call, OutboundCall
from telephony.voice.twiml import language_name, say_phrase, webhook_url
from tenants.current import schema_name_current
from tenants.models import Client

logger = logging.getLogger(__name__)

# A second click within this time is the same return call, not another one.
RETURN_CALL_REPEAT_AFTER = timedelta(minutes=2)


class ReturnCallError(Exception):
    """The return call cannot start (no device, no number, Twilio refused); said to the agent."""


@dataclass(frozen=True)
class ReturnCall:
    call: object  # telephony.voice.models.Call
    started: bool  # False: an earlier click's return call stands (a double click)


def return_call_twiml(
    *,
    customer_number: str,
    caller_id: str,
    client_name: str,
    agent_language: str,
    customer_language: str,
    status_callback: str,
) -> str:
    """What the agent's leg runs once they pick up: whose customer and which language (the
    whisper they hear on offered calls), then the customer rung with the client's number
    as caller ID, so that the customer sees who calls. The customer's leg reports its end
    to ``status_callback`` (absolute: TwiML given inline has no address to resolve against),
    which bills it."""
    response = VoiceResponse()
    say_phrase(
        response,
        "agent_whisper",
        agent_language,
        client=client_name,
        language=language_name(customer_language),
    )
    dial = response.dial(caller_id=caller_id)
    dial.number(
        customer_number,
        status_callback=status_callback,
        status_callback_event="completed",
        status_callback_method="POST",
    )
    return str(response)


def return_call_start(
    *, client: Client, call_id: int, agent: User, now: datetime | None = None
) -> ReturnCall:
    """Call a customer back from their voicemail or callback request (run in the client's
    schema): ring the agent's device, then bridge to the caller's number, shown the
    client's number. Recorded on the call (who, when, Twilio's CallSid) and as an
    OutboundCall, billed when the customer's leg ends (its status webhook). Idempotent: a
    second click within RETURN_CALL_REPEAT_AFTER returns the first return call. The row is
    claimed in a short transaction and Twilio is asked outside it, so no lock waits on
    the network; a refusal releases the claim so that the agent can try again."""
    if schema_name_current() != client.schema_name:
        raise RuntimeError("return_call_start runs in the client's schema")
    now = now or timezone.now()
    with transaction.atomic():
        call = Call.objects.select_for_update().filter(pk=call_id).first()
        if call is None:
            raise Call.DoesNotExist(f"No call {call_id}.")
        if call.callback_started_at and now - call.callback_started_at < RETURN_CALL_REPEAT_AFTER:
            return ReturnCall(call, started=False)
        if not call.from_number:
            raise ReturnCallError(_("The caller's number is unknown (withheld or erased)."))
        device = AgentDevice.objects.filter(agent_id=agent.pk, active=True).first()
        if device is None:
            raise ReturnCallError(_("You have no phone device to ring; ask an agency admin."))
        caller_id = call.to_number or ""
        if not PhoneNumber.objects.filter(number=caller_id, client=client, voice=True).exists():
            number = PhoneNumber.objects.filter(client=client, voice=True).first()
            if number is None:
                raise ReturnCallError(_("The client has no phone number to call from."))
            caller_id = number.number
        previous = (call.callback_sid, call.callback_started_at, call.callback_agent_id)
        call.callback_sid, call.callback_started_at, call.callback_agent_id = "", now, agent.pk
        call.save(update_fields=["callback_sid", "callback_started_at", "callback_agent"])
        outbound = OutboundCall.objects.create(call=call, agent_id=agent.pk, started_at=now)
    status_callback = settings.TWILIO_WEBHOOK_BASE_URL.rstrip("/") + webhook_url(
        client.pk, "return-call-status", outbound=outbound.pk
    )
    twiml = return_call_twiml(
        customer_number=call.from_number,
        caller_id=caller_id,
        client_name=client.name,
        agent_language=agent.language or "en",
        customer_language=call.language,
        status_callback=status_callback,
    )
    try:
        sid = call_create_twiml(to=device.address, from_=caller_id, twiml=twiml)
    except TwilioApiError as error:
        Call.objects.filter(pk=call.pk, callback_started_at=now).update(
            callback_sid=previous[0],
            callback_started_at=previous[1],
            callback_agent=previous[2],
        )
        # The row stays, with the error: a request that timed out on our side may still
        # have started the call, and then its status webhook finds the row and bills it.
        OutboundCall.objects.filter(pk=outbound.pk).update(error=str(error)[:300])
        logger.warning("Return call of call %s failed: %s", call.pk, error)
        raise ReturnCallError(_("Twilio could not start the call; try again.")) from error
    Call.objects.filter(pk=call.pk, callback_started_at=now).update(callback_sid=sid)
    OutboundCall.objects.filter(pk=outbound.pk, agent_call_sid="").update(agent_call_sid=sid)
    call.callback_sid = sid
    if call.conversation_id:
        conversation_note_add(
            client=client,
            conversation_id=call.conversation_id,
            agent=agent,
            text=f"Called back {call.from_number} ({sid}).",
        )
    return ReturnCall(call, started=True)
