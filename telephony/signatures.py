"""Twilio's request signature (X-Twilio-Signature), checked on every webhook."""

import base64
import hashlib
import hmac
from collections.abc import Iterator
from urllib.parse import urlparse

from django.conf import settings
from django.http import HttpRequest
from twilio.request_validator import add_port, remove_port


def _url_variants(url: str) -> Iterator[str]:
    """The URLs a signature may cover, as twilio's RequestValidator accepts them: without
    the port and with it (Twilio's signing has added the default port inconsistently). The
    one the request was made to comes first, so a valid request computes one HMAC, not two."""
    parsed = urlparse(url)
    variants = (add_port, remove_port) if parsed.port else (remove_port, add_port)
    for variant in variants:
        yield variant(parsed)


def _signed_text(url: str, params: dict[str, str]) -> bytes:
    """What Twilio signs: the URL, then each parameter's name and value, by name."""
    return (url + "".join(name + params[name] for name in sorted(params))).encode()


def _signature(token: bytes, text: bytes) -> bytes:
    return base64.b64encode(hmac.new(token, text, hashlib.sha1).digest())


def twilio_request_valid(request: HttpRequest) -> bool:
    """True when the request is signed with our auth token for the URL Twilio called.

    The URL is rebuilt from the request; behind a TLS-terminating proxy set
    BEHIND_TLS_PROXY so that it is https:// as Twilio saw it. The rules are twilio's
    RequestValidator's (HMAC-SHA1 of the URL with or without its port and the form's last
    value of each parameter), its HMAC computed directly: the validator computed both URL
    variants' on every request (tests/telephony/test_signatures.py holds the two alike).
    """
    token = settings.TWILIO_AUTH_TOKEN
    signature = request.headers.get("X-Twilio-Signature", "")
    if not token or not signature:
        return False
    params = request.POST.dict()
    expected = signature.encode()
    return any(
        hmac.compare_digest(_signature(token.encode(), _signed_text(url, params)), expected)
        for url in _url_variants(request.build_absolute_uri())
    )


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
