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


# Parameters carrying what a caller or texter typed or said; their NULs are the services'
# to remove. Any other parameter (numbers, sids, statuses, our own URLs' query) is Twilio's.
_TEXT_PARAMS = frozenset({"Body", "SpeechResult", "UnstableSpeechResult"})


def twilio_param_with_nul(request: HttpRequest) -> str | None:
    """The name of a parameter other than text that holds a NUL (U+0000), or None.

    Twilio never sends one; PostgreSQL refuses it in any query, so such a request (signed,
    but not Twilio's doing) is answered 400 naming it rather than failing as a 500.
    """
    for params in (request.GET, request.POST):
        for name, values in params.lists():
            if "\x00" in name or (
                name not in _TEXT_PARAMS and any("\x00" in value for value in values)
            ):
                return name
    return None
