"""Twilio's request signature (X-Twilio-Signature), checked on every webhook."""

from django.conf import settings
from django.http import HttpRequest
from twilio.request_validator import RequestValidator


def twilio_request_valid(request: HttpRequest) -> bool:
    """True when the request is signed with our auth token for the URL Twilio called.

    The URL is rebuilt from the request; behind a TLS-terminating proxy set
    BEHIND_TLS_PROXY so that it is https:// as Twilio saw it.
    """
    token = settings.TWILIO_AUTH_TOKEN
    signature = request.headers.get("X-Twilio-Signature", "")
    if not token or not signature:
        return False
    url = request.build_absolute_uri()
    return RequestValidator(token).validate(url, request.POST.dict(), signature)
