"""Twilio voice webhooks (agency domain): signed, idempotent, quick.

The first request names the client by the number called; every later one carries the
client in its URL (we wrote that URL into our own TwiML, and Twilio signs it), and the
call by its CallSid. Views parse and check; telephony.voice.services decides.
"""

import functools
import logging

import phonenumbers
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseForbidden,
)
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from django_tenants.utils import schema_context
from twilio.twiml.voice_response import VoiceResponse

from accounts.models import User
from languages.catalog import CATALOG
from telephony.models import PhoneNumber
from telephony.signatures import twilio_request_valid
from telephony.voice import services
from telephony.voice.twiml import hang_up
from tenants.models import Client

logger = logging.getLogger(__name__)


def _twiml(body: str | None) -> HttpResponse:
    if body is None:
        raise Http404("No such call.")
    return HttpResponse(body, content_type="text/xml")


def twilio_webhook(view):
    """POST only, CSRF-free (Twilio has no token), and signed with our auth token."""

    @csrf_exempt
    @require_POST
    @functools.wraps(view)
    def checked(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not twilio_request_valid(request):
            return HttpResponseForbidden("Invalid Twilio signature.")
        if not request.POST.get("CallSid"):
            return HttpResponseBadRequest("CallSid is missing.")
        return view(request, *args, **kwargs)

    return checked


def _client(client_id: int) -> Client:
    client = Client.objects.clients().filter(pk=client_id).first()
    if client is None or not client.portal_open:
        raise Http404("No such client.")
    return client


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
    number = PhoneNumber.objects.select_related("client").filter(number=to, voice=True).first()
    if number is None or not number.client.portal_open:
        # Answer politely (never an error Twilio would read out); logged for the staff.
        logger.warning("Call to unknown number %s from %s (%s)", to, caller,
                       request.POST["CallSid"])  # fmt: skip
        return _twiml(hang_up(VoiceResponse(), _guess_language(to), "unknown_number"))
    with schema_context(number.client.schema_name):
        return _twiml(services.call_incoming(
            client=number.client, number=number, call_sid=request.POST["CallSid"],
            from_number=caller,
        ))  # fmt: skip


@twilio_webhook
def gather(request: HttpRequest, client_id: int) -> HttpResponse:
    client = _client(client_id)
    with schema_context(client.schema_name):
        return _twiml(services.call_gather(
            client=client, call_sid=request.POST["CallSid"], step=_step(request),
            digits=request.POST.get("Digits", ""),
        ))  # fmt: skip


@twilio_webhook
def wait(request: HttpRequest, client_id: int) -> HttpResponse:
    client = _client(client_id)
    try:
        queue_seconds = int(request.POST.get("QueueTime", "0"))
    except ValueError:
        queue_seconds = 0
    with schema_context(client.schema_name):
        return _twiml(services.queue_wait(client=client, call_sid=request.POST["CallSid"],
                                          queue_seconds=queue_seconds))  # fmt: skip


@twilio_webhook
def hold_choice(request: HttpRequest, client_id: int) -> HttpResponse:
    client = _client(client_id)
    with schema_context(client.schema_name):
        return _twiml(services.queue_hold_choice(
            client=client, call_sid=request.POST["CallSid"], digits=request.POST.get("Digits", "")
        ))  # fmt: skip


@twilio_webhook
def queue_exit(request: HttpRequest, client_id: int) -> HttpResponse:
    client = _client(client_id)
    with schema_context(client.schema_name):
        return _twiml(services.queue_exit(
            client=client, call_sid=request.POST["CallSid"], step=_step(request),
            result=request.POST.get("QueueResult", ""),
        ))  # fmt: skip


@twilio_webhook
def voicemail_done(request: HttpRequest, client_id: int) -> HttpResponse:
    client = _client(client_id)
    with schema_context(client.schema_name):
        return _twiml(services.voicemail_done(client=client, call_sid=request.POST["CallSid"]))


@twilio_webhook
def recording(request: HttpRequest, client_id: int) -> HttpResponse:
    client = _client(client_id)
    try:
        seconds = int(request.POST.get("RecordingDuration", ""))
    except ValueError:
        seconds = None
    with schema_context(client.schema_name):
        found = services.recording_received(
            # A recording of the agent's leg names the caller's call in its (signed) URL.
            client=client, call_sid=request.GET.get("call") or request.POST["CallSid"],
            kind=request.GET.get("kind", ""),
            recording_sid=request.POST.get("RecordingSid", ""),
            url=request.POST.get("RecordingUrl", ""),
            status=request.POST.get("RecordingStatus", ""), seconds=seconds,
        )  # fmt: skip
    if found is None:
        raise Http404("No such call.")
    return HttpResponse(status=204)


@twilio_webhook
def survey(request: HttpRequest, client_id: int) -> HttpResponse:
    client = _client(client_id)
    with schema_context(client.schema_name):
        return _twiml(services.survey_answer(
            client=client, call_sid=request.POST["CallSid"], step=_step(request),
            digits=request.POST.get("Digits", ""),
        ))  # fmt: skip


@twilio_webhook
def status(request: HttpRequest) -> HttpResponse:
    """The number's status callback: the client by the number called, the call by its sid."""
    number = PhoneNumber.objects.select_related("client").filter(
        number=request.POST.get("To", "")
    ).first()  # fmt: skip
    if number is None:
        logger.warning("Status of a call to unknown number %s", request.POST.get("To"))
        return HttpResponse(status=204)
    with schema_context(number.client.schema_name):
        found = services.call_status(client=number.client, call_sid=request.POST["CallSid"],
                                     status=request.POST.get("CallStatus", ""))  # fmt: skip
    if found is None:
        raise Http404("No such call.")
    return HttpResponse(status=204)


@twilio_webhook
def agent(request: HttpRequest, client_id: int) -> HttpResponse:
    """The agent answered the ringing offer (the URL we gave when ringing them)."""
    client = _client(client_id)
    try:
        call_id, item_id = int(request.GET["call"]), int(request.GET["item"])
        user = User.objects.get(pk=int(request.GET["agent"]))
    except (KeyError, ValueError, User.DoesNotExist) as error:
        raise Http404("No such offer.") from error
    with schema_context(client.schema_name):
        return _twiml(services.agent_connect(client=client, call_id=call_id, item_id=item_id,
                                             agent=user))  # fmt: skip
