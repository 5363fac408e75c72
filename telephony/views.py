"""Twilio webhooks (agency domain): signed, idempotent, quick."""

import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from django_tenants.utils import schema_context
from twilio.twiml.messaging_response import MessagingResponse

from conversations.acknowledgements import conversation_acknowledge
from conversations.models import Message
from conversations.services import conversation_sms_receive
from telephony.messaging import Media, sms_media_fetch
from telephony.models import PhoneNumber
from telephony.signatures import twilio_request_valid

logger = logging.getLogger(__name__)


def _twiml(response) -> HttpResponse:
    return HttpResponse(str(response), content_type="text/xml")


@csrf_exempt
@require_POST
def messaging_inbound(request: HttpRequest) -> HttpResponse:
    """An SMS to one of our numbers: filed in the number's client, once per MessageSid."""
    if not twilio_request_valid(request):
        return HttpResponseForbidden("Invalid Twilio signature.")
    to, sender = request.POST.get("To", ""), request.POST.get("From", "")
    number = PhoneNumber.objects.select_related("client").filter(number=to, sms=True).first()
    if number is None or not number.client.portal_open:
        # Answer 200 so that Twilio does not retry; the message is logged, not lost.
        logger.warning("SMS to unknown number %s from %s: %r", to, sender,
                       request.POST.get("Body", "")[:500])  # fmt: skip
        return _twiml(MessagingResponse())
    if not request.POST.get("MessageSid"):
        logger.warning("SMS from %s without a MessageSid: %r", sender, request.POST.get("Body"))
        return _twiml(MessagingResponse())
    response = MessagingResponse()
    with schema_context(number.client.schema_name):
        sid = request.POST["MessageSid"]
        # Fetched before the transaction (no lock held while Twilio answers), and not for
        # a retry of a message already filed.
        filed = Message.objects.filter(channel="sms", external_id=sid).exists()
        media = Media() if filed else sms_media_fetch(request.POST)
        try:
            with transaction.atomic():
                inbound = conversation_sms_receive(
                    client=number.client, sender=sender, text=request.POST.get("Body", ""),
                    message_sid=sid, country=number.country, files=media.files,
                    media_missing=media.missing,
                )  # fmt: skip
                if inbound.created:  # a new contact, not a follow-up nor Twilio's retry
                    ack = conversation_acknowledge(
                        client=number.client, conversation=inbound.conversation
                    )
                    if ack is not None:
                        response.message(ack.body_text)
        except ValidationError as error:
            logger.warning("SMS from %s not filed: %s", sender, error)
    return _twiml(response)
