"""Twilio webhooks (agency domain): signed, idempotent, quick."""

import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseForbidden
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from django_tenants.utils import schema_context
from twilio.twiml.messaging_response import MessagingResponse

from conversations.acknowledgements import conversation_acknowledge
from conversations.services import conversation_sms_receive
from core.tasks import task_enqueue_on_commit
from telephony.messaging import media_count, mms_media_pending, sms_text
from telephony.models import PhoneNumber
from telephony.signatures import twilio_param_with_nul, twilio_request_valid
from telephony.tasks import mms_media_fetch_task

logger = logging.getLogger(__name__)


def _twiml(response) -> HttpResponse:
    return HttpResponse(str(response), content_type="text/xml")


@csrf_exempt
@require_POST
def messaging_inbound(request: HttpRequest) -> HttpResponse:
    """An SMS to one of our numbers: filed in the number's client, once per MessageSid."""
    if not twilio_request_valid(request):
        return HttpResponseForbidden("Invalid Twilio signature.")
    if (name := twilio_param_with_nul(request)) is not None:
        logger.warning("SMS with a NUL in %r refused: %r", name, request.POST.dict())
        return HttpResponseBadRequest(f"{name!r} contains a NUL character.")
    to, sender = request.POST.get("To", ""), request.POST.get("From", "")
    number = PhoneNumber.objects.select_related("client").filter(number=to, sms=True).first()
    if number is None or not number.client.portal_open:
        # Answer 200 so that Twilio does not retry; the message is logged, not lost.
        logger.warning(
            "SMS to unknown number %s from %s: %r", to, sender, request.POST.get("Body", "")[:500]
        )
        return _twiml(MessagingResponse())
    if not request.POST.get("MessageSid"):
        logger.warning("SMS from %s without a MessageSid: %r", sender, request.POST.get("Body"))
        return _twiml(MessagingResponse())
    response = MessagingResponse()
    with schema_context(number.client.schema_name):
        sid = request.POST["MessageSid"]
        try:
            with transaction.atomic():
                # The text first, answered at once; an MMS's media are fetched afterwards
                # (Twilio waits 15 s for this answer).
                inbound = conversation_sms_receive(
                    client=number.client,
                    sender=sender,
                    text=sms_text(request.POST),
                    message_sid=sid,
                    country=number.country,
                    has_media=media_count(request.POST) > 0,
                )
                if mms_media_pending(message=inbound.message, params=request.POST):
                    task_enqueue_on_commit(mms_media_fetch_task, args=[inbound.message.pk, sid])
                if inbound.created:  # a new contact, not a follow-up nor Twilio's retry
                    ack = conversation_acknowledge(
                        client=number.client,
                        conversation=inbound.conversation,
                        calendar=inbound.calendar,
                    )
                    if ack is not None:
                        response.message(ack.body_text)
        except ValidationError as error:
            logger.warning("SMS from %s not filed: %s", sender, error)
    return _twiml(response)
