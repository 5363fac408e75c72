"""Writes of the public side of telephony: ringing agents for the router's call offers."""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from core.channels import Channel
from outbox.errors import PermanentFailure, TemporaryFailure
from routing.models import WorkItem
from routing.selectors import policy_for
from telephony.models import AgentDevice, OfferDial, PhoneNumber
from telephony.twilio_api import TwilioApiError, TwilioUnavailable, call_create, message_create
from telephony.voice.twiml import webhook_url

logger = logging.getLogger(__name__)
# Ringing starts up to a beat (2 s) after the offer, and the agent's answer must still find
# the offer standing.
RING_MARGIN_SECONDS = 5


def offer_dial(*, item: WorkItem, now: datetime | None = None) -> OfferDial | None:
    """Ring the device of the agent a call was offered to, once per offer (the router may
    offer it again later, to someone else: that is another offer). The agent's answer
    fetches the TwiML that accepts the offer and bridges the caller."""
    now = now or timezone.now()
    if item.status != WorkItem.Status.OFFERED or item.channel != Channel.CALL or not item.agent_id:
        return None
    assert item.offered_at is not None  # offered: it has its offer's time
    try:
        with transaction.atomic():
            dial = OfferDial.objects.create(item=item, offered_at=item.offered_at,
                                            agent_id=item.agent_id, dialed_at=now)  # fmt: skip
    except IntegrityError:  # already rung (another beat run, a retry)
        return None
    device = AgentDevice.objects.filter(agent_id=item.agent_id, active=True).first()
    number = PhoneNumber.objects.filter(client_id=item.client_id, voice=True).first()
    if device is None or number is None:
        dial.error = "no device for the agent" if device is None else "client has no number"
        dial.save(update_fields=["error"])
        logger.warning("Call offer %s not rung: %s", item.pk, dial.error)
        return dial
    base = settings.TWILIO_WEBHOOK_BASE_URL.rstrip("/")
    url = base + webhook_url(item.client_id, "agent", call=item.source_id, item=item.pk,
                             agent=item.agent_id)  # fmt: skip
    try:
        # The phone stops ringing before the offer expires: an answer always finds it.
        ring = max(5, int(policy_for(item.channel, item.client_id).offer_timeout.total_seconds())
                   - RING_MARGIN_SECONDS)  # fmt: skip
        dial.agent_call_sid = call_create(to=device.address, from_=number.number, url=url,
                                          timeout=ring)  # fmt: skip
    except TwilioApiError as error:
        dial.error = str(error)[:300]
        logger.warning("Call offer %s not rung: %s", item.pk, error)
    dial.save(update_fields=["agent_call_sid", "error"])
    return dial


def offers_dial_pending(*, now: datetime | None = None) -> int:
    """Ring the agents of call offers not rung yet (beat, every 2 s); returns how many."""
    rung_already = OfferDial.objects.filter(item_id=OuterRef("pk"),
                                            offered_at=OuterRef("offered_at"))  # fmt: skip
    pending = WorkItem.objects.filter(
        status=WorkItem.Status.OFFERED, channel=Channel.CALL, source_kind="call"
    ).filter(~Exists(rung_already))
    rung = 0
    for item in pending:
        if offer_dial(item=item, now=now):
            rung += 1
    return rung


# --- the agent desk: calling a customer back -----------------------------------------------

# A second click within this time is the same call back, not another one.
CALL_BACK_REPEAT_AFTER = timedelta(minutes=2)


class CallBackError(Exception):
    """The call back cannot start (no device, no number, Twilio refused); said to the agent."""


@dataclass(frozen=True)
class CallBack:
    call: object  # telephony.voice.models.Call
    started: bool  # False: an earlier click's call back stands (a double click)


def call_back_twiml(*, customer_number: str, caller_id: str, client_name: str,
                    agent_language: str, customer_language: str,
                    status_callback: str) -> str:  # fmt: skip
    """What the agent's leg runs once they pick up: whose customer and which language (the
    whisper they hear on offered calls), then the customer rung with the client's number
    as caller ID, so that the customer sees who calls. The customer's leg reports its end
    to ``status_callback`` (absolute: TwiML given inline has no address to resolve against),
    which bills it."""
    from twilio.twiml.voice_response import VoiceResponse

    from telephony.voice.twiml import language_name, say_phrase

    response = VoiceResponse()
    say_phrase(response, "agent_whisper", agent_language, client=client_name,
               language=language_name(customer_language))  # fmt: skip
    dial = response.dial(caller_id=caller_id)
    dial.number(customer_number, status_callback=status_callback,
                status_callback_event="completed", status_callback_method="POST")  # fmt: skip
    return str(response)


def call_back_start(*, client, call_id: int, agent, now: datetime | None = None) -> CallBack:
    """Call a customer back from their voicemail or callback request (run in the client's
    schema): ring the agent's device, then bridge to the caller's number, shown the
    client's number. Recorded on the call (who, when, Twilio's CallSid) and as an
    OutboundCall, billed when the customer's leg ends (its status callback). Idempotent: a
    second click within CALL_BACK_REPEAT_AFTER returns the first call back. The row is
    claimed in a short transaction and Twilio is asked outside it, so no lock waits on
    the network; a refusal releases the claim so that the agent can try again."""
    from django.db import connection

    from telephony.twilio_api import call_create_twiml
    from telephony.voice.models import Call, OutboundCall

    if connection.schema_name != client.schema_name:
        raise RuntimeError("call_back_start runs in the client's schema")
    now = now or timezone.now()
    with transaction.atomic():
        call = Call.objects.select_for_update().filter(pk=call_id).first()
        if call is None:
            raise Call.DoesNotExist(f"No call {call_id}.")
        if call.callback_started_at and now - call.callback_started_at < CALL_BACK_REPEAT_AFTER:
            return CallBack(call, started=False)
        if not call.from_number:
            raise CallBackError(_("The caller's number is unknown (withheld or erased)."))
        device = AgentDevice.objects.filter(agent_id=agent.pk, active=True).first()
        if device is None:
            raise CallBackError(_("You have no phone device to ring; ask an agency admin."))
        caller_id = call.to_number or ""
        if not PhoneNumber.objects.filter(number=caller_id, client=client, voice=True).exists():
            number = PhoneNumber.objects.filter(client=client, voice=True).first()
            if number is None:
                raise CallBackError(_("The client has no phone number to call from."))
            caller_id = number.number
        previous = (call.callback_sid, call.callback_started_at, call.callback_agent_id)
        call.callback_sid, call.callback_started_at, call.callback_agent_id = "", now, agent.pk
        call.save(update_fields=["callback_sid", "callback_started_at", "callback_agent"])
        outbound = OutboundCall.objects.create(call=call, agent_id=agent.pk, started_at=now)
    status_callback = settings.TWILIO_WEBHOOK_BASE_URL.rstrip("/") + webhook_url(
        client.pk, "callback-status", outbound=outbound.pk
    )
    twiml = call_back_twiml(customer_number=call.from_number, caller_id=caller_id,
                            client_name=client.name, agent_language=agent.language or "en",
                            customer_language=call.language,
                            status_callback=status_callback)  # fmt: skip
    try:
        sid = call_create_twiml(to=device.address, from_=caller_id, twiml=twiml)
    except TwilioApiError as error:
        Call.objects.filter(pk=call.pk, callback_started_at=now).update(
            callback_sid=previous[0], callback_started_at=previous[1],
            callback_agent=previous[2],
        )  # fmt: skip
        # The row stays, with the error: a request that timed out on our side may still
        # have started the call, and then its status callback finds the row and bills it.
        OutboundCall.objects.filter(pk=outbound.pk).update(error=str(error)[:300])
        logger.warning("Call back of call %s failed: %s", call.pk, error)
        raise CallBackError(_("Twilio could not start the call; try again.")) from error
    Call.objects.filter(pk=call.pk, callback_started_at=now).update(callback_sid=sid)
    OutboundCall.objects.filter(pk=outbound.pk, agent_call_sid="").update(agent_call_sid=sid)
    call.callback_sid = sid
    if call.conversation_id:
        from conversations.services import conversation_note_add

        conversation_note_add(
            client=client, conversation_id=call.conversation_id, agent=agent,
            text=f"Called back {call.from_number} ({sid}).",
        )  # fmt: skip
    return CallBack(call, started=True)


# --- outgoing SMS ------------------------------------------------------------------------------


def sms_transmit(*, client, delivery) -> str:
    """The outbox's SMS sender: an agent's SMS reply (in the client's schema) from the
    client's SMS number for the customer's country (else any of its SMS numbers), through
    Twilio's REST API; returns the MessageSid. Twilio unreachable, 429 and 5xx are
    temporary failures; any other refusal (an invalid number, 4xx) is permanent."""
    from conversations.models import Message

    message = Message.objects.select_related("conversation__customer").get(pk=delivery.message_id)
    customer = message.conversation.customer
    if not customer.phone:
        raise PermanentFailure("The customer has no phone number.")
    numbers = {
        n.country: n.number
        for n in PhoneNumber.objects.filter(client=client, sms=True).order_by("-number")
    }
    sender = numbers.get(customer.country) or next(iter(numbers.values()), None)
    if sender is None:
        raise PermanentFailure(f"The client {client.slug} has no SMS number.")
    try:
        return message_create(to=customer.phone, from_=sender, body=message.body_text)
    except TwilioUnavailable as error:
        raise TemporaryFailure(str(error)) from error
    except TwilioApiError as error:
        raise PermanentFailure(str(error)) from error
