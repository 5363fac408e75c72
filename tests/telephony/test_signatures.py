"""The webhooks' signature check accepts exactly what twilio's RequestValidator accepts:
the same HMAC, computed once for the URL the request was made to (and once more for the
other port variant only when that fails)."""

import pytest
from django.test import RequestFactory
from twilio.request_validator import RequestValidator

from telephony.signatures import twilio_request_valid

TOKEN = "signatures-test-token"
PARAMS = {"CallSid": "CA1", "From": "+420601000001", "To": "+420228880000", "Digits": "2"}


@pytest.fixture
def signing(settings):
    settings.TWILIO_AUTH_TOKEN = TOKEN
    settings.ALLOWED_HOSTS = ["hooks.example"]
    return RequestValidator(TOKEN)


def _request(host: str, path: str, params: dict, signature: str, *, secure: bool = False):
    return RequestFactory().post(
        path,
        params,
        HTTP_HOST=host,
        HTTP_X_TWILIO_SIGNATURE=signature,
        secure=secure,
    )


@pytest.mark.parametrize(
    ("host", "signed_url", "secure"),
    [
        # The URL as called, and the default port Twilio's signing may add or leave out.
        ("hooks.example", "http://hooks.example/twilio/voice/incoming", False),
        ("hooks.example", "http://hooks.example:80/twilio/voice/incoming", False),
        ("hooks.example", "https://hooks.example:443/twilio/voice/incoming", True),
        ("hooks.example:8443", "https://hooks.example:8443/twilio/voice/incoming", True),
        ("hooks.example:8443", "https://hooks.example/twilio/voice/incoming", True),
    ],
)
def test_a_signature_twilio_accepts_is_accepted(signing, host, signed_url, secure):
    signature = signing.compute_signature(signed_url, PARAMS)
    request = _request(host, "/twilio/voice/incoming", PARAMS, signature, secure=secure)
    assert signing.validate(request.build_absolute_uri(), request.POST.dict(), signature)
    assert twilio_request_valid(request)


@pytest.mark.parametrize(
    ("host", "signed_url", "secure"),
    [
        ("hooks.example", "https://hooks.example/twilio/voice/incoming", False),
        ("hooks.example", "http://hooks.example:8080/twilio/voice/incoming", False),
        ("hooks.example:8443", "https://hooks.example:443/twilio/voice/incoming", True),
        ("hooks.example", "http://hooks.example/twilio/voice/status", False),
    ],
)
def test_a_signature_twilio_refuses_is_refused(signing, host, signed_url, secure):
    signature = signing.compute_signature(signed_url, PARAMS)
    request = _request(host, "/twilio/voice/incoming", PARAMS, signature, secure=secure)
    assert not signing.validate(request.build_absolute_uri(), request.POST.dict(), signature)
    assert not twilio_request_valid(request)


def test_the_query_and_every_parameter_are_signed_as_twilio_signs_them(signing):
    path = "/twilio/voice/c/7/gather?step=3&kind=a%20b"
    params = {**PARAMS, "SpeechResult": "dobrý den & <ahoj>", "Empty": ""}
    signature = signing.compute_signature(f"http://hooks.example{path}", params)
    assert twilio_request_valid(_request("hooks.example", path, params, signature))
    tampered = {**params, "Digits": "9"}
    assert not twilio_request_valid(_request("hooks.example", path, tampered, signature))


def test_a_repeated_parameter_is_signed_with_its_last_value_as_before(signing):
    """The form's last value, as the check always passed ``request.POST.dict()``."""
    url = "http://hooks.example/twilio/voice/incoming"
    signature = signing.compute_signature(url, {**PARAMS, "Digits": "9"})
    request = RequestFactory().post(
        "/twilio/voice/incoming",
        "CallSid=CA1&From=%2B420601000001&To=%2B420228880000&Digits=2&Digits=9",
        content_type="application/x-www-form-urlencoded",
        HTTP_HOST="hooks.example",
        HTTP_X_TWILIO_SIGNATURE=signature,
    )
    assert twilio_request_valid(request)


@pytest.mark.parametrize("signature", ["", "not base64 at all", "ščř", "A" * 28])
def test_a_missing_or_malformed_signature_is_refused(signing, signature):
    request = _request("hooks.example", "/twilio/voice/incoming", PARAMS, signature)
    assert not twilio_request_valid(request)


def test_without_a_token_nothing_is_valid(signing, settings):
    signature = signing.compute_signature("http://hooks.example/twilio/voice/incoming", PARAMS)
    settings.TWILIO_AUTH_TOKEN = ""
    request = _request("hooks.example", "/twilio/voice/incoming", PARAMS, signature)
    assert not twilio_request_valid(request)
