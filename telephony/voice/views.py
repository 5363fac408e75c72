"""Twilio voice webhooks (agency domain): signed, idempotent, quick.

The first request names the client by the number called; every later one carries the
client in its URL (we wrote that URL into our own TwiML, and Twilio signs it), and the
call by its CallSid. Views parse and check; the services of each call phase
(telephony.voice.services) decide.
"""

import email.utils
import functools
import logging
from datetime import datetime, timedelta

import phonenumbers
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseForbidden,
)
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from django_tenants.utils import schema_context
from twilio.twiml.voice_response import VoiceResponse

from accounts.models import User
from languages.catalog import CATALOG
from telephony.selectors import phone_number_with_client
from telephony.signatures import twilio_param_with_nul, twilio_request_valid
from telephony.voice.services import agent_leg, ivr, legs, queue, recordings, voicemail
from telephony.voice.services.survey import nps_answer, survey_answer
from telephony.voice.twiml import hang_up
from tenants.domains import client_by_id
from tenants.models import Client

logger = logging.getLogger(__name__)


def _twiml(body: str | None) -> HttpResponse:
    if body is None:
        raise Http404("No such call.")
    return HttpResponse(body, content_type="text/xml")


def _no_content(found: object | None) -> HttpResponse:
    """A webhook Twilio wants no TwiML for; None from the service: no such call."""
    if found is None:
        raise Http404("No such call.")
    return HttpResponse(status=204)


def twilio_webhook(view):
    """POST only, CSRF-free (Twilio has no token), and signed with our auth token."""

    @csrf_exempt
    @require_POST
    @functools.wraps(view)
    def checked(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not twilio_request_valid(request):
            return HttpResponseForbidden("Invalid Twilio signature.")
        if (name := twilio_param_with_nul(request)) is not None:
            return HttpResponseBadRequest(f"{name!r} contains a NUL character.")
        if not request.POST.get("CallSid"):
            return HttpResponseBadRequest("CallSid is missing.")
        return view(request, *args, **kwargs)

    return checked


def client_webhook(view):
    """A follow-up webhook of a call, checked as twilio_webhook: the open client its URL
    names (404 for any other), and the view run in that client's schema, given the client."""

    @twilio_webhook
    @functools.wraps(view)
    def in_client(request: HttpRequest, client_id: int) -> HttpResponse:
        client = client_by_id(client_id)  # from the process's cache (tenants.domains)
        if client is None or not client.portal_open:
            raise Http404("No such client.")
        with schema_context(client.schema_name):
            return view(request, client)

    return in_client


def _step(request: HttpRequest) -> int | None:
    try:
        return int(request.GET["step"])
    except (KeyError, ValueError):
        return None


def _guess_language(number: str) -> str:
    """The language of the country a number belongs to (for numbers nobody owns)."""
    try:
        region = phonenumbers.region_code_for_number(phonenumbers.parse(number, None))
    except phonenumbers.NumberParseException:
        return "en"
    return next((code for code, lang in CATALOG.items() if region in lang.countries), "en")


@twilio_webhook
def incoming(request: HttpRequest) -> HttpResponse:
    """A call to one of our numbers (the number's Voice URL)."""
    to, caller = request.POST.get("To", ""), request.POST.get("From", "")
    number = phone_number_with_client(to)
    if number is None or not number.voice or not number.client.portal_open:
        # Answer politely (never an error Twilio would read out); logged for the staff.
        logger.warning(
            "Call to unknown number %s from %s (%s)", to, caller, request.POST["CallSid"]
        )
        return _twiml(hang_up(VoiceResponse(), _guess_language(to), "unknown_number"))
    with schema_context(number.client.schema_name):
        return _twiml(
            ivr.call_incoming(
                client=number.client,
                number=number,
                call_sid=request.POST["CallSid"],
                from_number=caller,
            )
        )


def _key_pressed(service):
    """A key pressed (or none) at a numbered step: the menu's, the survey's (CSAT, NPS)."""

    @client_webhook
    def pressed(request: HttpRequest, client: Client) -> HttpResponse:
        return _twiml(
            service(
                client=client,
                call_sid=request.POST["CallSid"],
                step=_step(request),
                digits=request.POST.get("Digits", ""),
            )
        )

    return pressed


gather = _key_pressed(ivr.call_gather)
survey = _key_pressed(survey_answer)
nps = _key_pressed(nps_answer)


@client_webhook
def wait(request: HttpRequest, client: Client) -> HttpResponse:
    try:
        queue_seconds = int(request.POST.get("QueueTime", "0"))
    except ValueError:
        queue_seconds = 0
    return _twiml(
        queue.queue_wait(
            client=client, call_sid=request.POST["CallSid"], queue_seconds=queue_seconds
        )
    )


@client_webhook
def hold_choice(request: HttpRequest, client: Client) -> HttpResponse:
    return _twiml(
        queue.queue_hold_choice(
            client=client, call_sid=request.POST["CallSid"], digits=request.POST.get("Digits", "")
        )
    )


@client_webhook
def queue_exit(request: HttpRequest, client: Client) -> HttpResponse:
    return _twiml(
        queue.queue_exit(
            client=client,
            call_sid=request.POST["CallSid"],
            step=_step(request),
            result=request.POST.get("QueueResult", ""),
        )
    )


@client_webhook
def voicemail_done(request: HttpRequest, client: Client) -> HttpResponse:
    return _twiml(voicemail.voicemail_done(client=client, call_sid=request.POST["CallSid"]))


@client_webhook
def recording(request: HttpRequest, client: Client) -> HttpResponse:
    try:
        seconds = int(request.POST.get("RecordingDuration", ""))
    except ValueError:
        seconds = None
    return _no_content(
        recordings.recording_received(
            # A recording of the agent's leg names the caller's call in its (signed) URL.
            client=client,
            call_sid=request.GET.get("call") or request.POST["CallSid"],
            kind=request.GET.get("kind", ""),
            recording_sid=request.POST.get("RecordingSid", ""),
            url=request.POST.get("RecordingUrl", ""),
            status=request.POST.get("RecordingStatus", ""),
            seconds=seconds,
        )
    )


@twilio_webhook
def status(request: HttpRequest) -> HttpResponse:
    """The number's status webhook: the client by the number called, the call by its sid."""
    number = phone_number_with_client(request.POST.get("To", ""))
    if number is None:
        logger.warning("Status of a call to unknown number %s", request.POST.get("To"))
        return HttpResponse(status=204)
    with schema_context(number.client.schema_name):
        return _no_content(
            legs.call_status(
                client=number.client,
                call_sid=request.POST["CallSid"],
                status=request.POST.get("CallStatus", ""),
            )
        )


@client_webhook
def agent(request: HttpRequest, client: Client) -> HttpResponse:
    """The agent answered the ringing offer (the URL we gave when ringing them)."""
    try:
        call_id, item_id = int(request.GET["call"]), int(request.GET["item"])
        user = User.objects.get(pk=int(request.GET["agent"]))
    except (KeyError, ValueError, User.DoesNotExist) as error:
        raise Http404("No such offer.") from error
    return _twiml(
        agent_leg.agent_connect(client=client, call_id=call_id, item_id=item_id, agent=user)
    )


@client_webhook
def return_call_status(request: HttpRequest, client: Client) -> HttpResponse:
    """The customer's leg of a return call ended (the status webhook of the <Number> we
    dialled, whose signed URL names the return call): it is billed, once."""
    try:
        outbound_id = int(request.GET["outbound"])
    except (KeyError, ValueError) as error:
        raise Http404("No such return call.") from error
    try:
        seconds = int(request.POST.get("CallDuration", ""))
    except ValueError:
        seconds = None
    return _no_content(
        legs.return_call_status(
            client=client,
            outbound_id=outbound_id,
            customer_call_sid=request.POST["CallSid"],
            status=request.POST.get("CallStatus", ""),
            talk_seconds=seconds,
            now=_fired_at(request),
        )
    )


def _fired_at(request: HttpRequest) -> datetime | None:
    """When Twilio says the event fired (its Timestamp, RFC 2822): a status webhook retried
    or delayed still bills the minutes when, and in the month, they were talked. None (the
    arrival then counts) when it is missing, unreadable or in the future."""
    try:
        fired = email.utils.parsedate_to_datetime(request.POST.get("Timestamp", ""))
    except (TypeError, ValueError):
        return None
    if fired.tzinfo is None or fired > timezone.now() + timedelta(minutes=5):
        return None
    return fired
