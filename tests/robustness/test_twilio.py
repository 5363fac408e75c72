"""Twilio's webhooks never answer 5xx, whatever the parameters of a signed request say, and
an SMS that was answered 200 is filed.

The sender of an SMS controls its text; Twilio fills the rest, but a webhook must not trust
that: odd From and To, NumMedia and MessageSid values, and every voice callback with odd
keys, steps, durations, statuses and ids, for calls that exist and calls that do not.
"""

from urllib.parse import urlencode

import pytest
from django.test import Client as HttpClient
from hypothesis import event, example, given, settings
from hypothesis import strategies as st
from twilio.request_validator import RequestValidator

from conversations.models import Message
from telephony.models import PhoneNumber
from tests.support.fuzz import FUZZ, rolled_back, server_error
from tests.support.tenancy import in_schema
from tests.support.voice import CALLER, CZ_NUMBER, TOKEN

pytestmark = pytest.mark.django_db
SMS_NUMBER = "+48221234567"

# Text as a phone sends it, and what no phone should: NUL, controls, lone surrogates
# (they reach us as their UTF-8-like bytes, %ED%A0%80, which Django decodes to U+FFFD).
_text = st.one_of(
    st.text(max_size=300),
    st.text(st.characters(codec=None), max_size=40),  # with surrogates
    st.sampled_from(["", " ", "\x00", "a\x00b", "\ud800", "\udfff x", "\u202e", "\ufeff"]),
    st.text(max_size=3).map(lambda t: t * 3000),
)
_odd = st.one_of(
    _text,
    st.sampled_from(["-1", "0", "abc", "999", "1e9", "99999999999999999999", " 2", "½", "٣"]),
)
_number = st.one_of(
    st.sampled_from(
        [
            SMS_NUMBER,
            CZ_NUMBER,
            CALLER,
            "",
            "+",
            "client:jana",
            "sip:a@b",
            "whatsapp:+48601234567",
            "+4860123456789012345678901",
            "anonymous",
        ]
    ),
    _odd,
)
# Hypothesis draws U+0000 often; a NUL is refused at the door, so most values go without.
_without_nul = _odd.map(lambda value: value.replace("\x00", ""))
_sid = st.one_of(
    st.sampled_from(["SM1", "", "x" * 34, "x" * 64, "x" * 255, "x" * 256, "x" * 5000]),
    st.text(min_size=1, max_size=40),
    _odd,
)


def _wire(value: str) -> bytes:
    return value.encode("utf-8", "surrogatepass")


def _as_django_reads(value: str) -> str:
    return _wire(value).decode("utf-8", "replace")


def twilio_post(path: str, params: dict[str, str]):
    """POST signed as Twilio signs: over the URL and the parameters as they are read."""
    signature = RequestValidator(TOKEN).compute_signature(
        f"http://localhost{path}", {k: _as_django_reads(v) for k, v in params.items()}
    )
    body = urlencode({_wire(k): _wire(v) for k, v in params.items()})
    return HttpClient(HTTP_HOST="localhost").post(
        path,
        body,
        content_type="application/x-www-form-urlencoded",
        HTTP_X_TWILIO_SIGNATURE=signature,
    )


@pytest.fixture
def sms_number(two_clients, settings):
    settings.TWILIO_AUTH_TOKEN = TOKEN
    PhoneNumber.objects.create(
        number=SMS_NUMBER, client=two_clients.b, country="PL", default_language="pl"
    )
    return two_clients.b


@st.composite
def sms_params(draw) -> dict[str, str]:
    params = {
        "MessageSid": draw(_sid),
        "From": draw(_number),
        "To": draw(st.one_of(st.just(SMS_NUMBER), _number)),
        "Body": draw(_text),
    }
    if draw(st.booleans()):
        params["NumMedia"] = draw(_odd)
        for index in range(draw(st.integers(0, 3))):
            params[f"MediaUrl{index}"] = draw(st.one_of(st.just("https://api.twilio.com/m"), _odd))
            params[f"MediaContentType{index}"] = draw(st.one_of(st.just("image/jpeg"), _odd))
    extra = draw(st.dictionaries(st.text(min_size=1, max_size=20), _odd, max_size=3))
    return {**extra, **params}


@FUZZ
@given(params=sms_params())
@example(params={"MessageSid": "SM\x00", "From": "+48601234567", "To": SMS_NUMBER, "Body": "x"})
@example(params={"MessageSid": "SM2", "From": "\x00", "To": SMS_NUMBER, "Body": "\ud800"})
@example(params={"MessageSid": "SM3", "From": "+1", "To": "+48\x00", "Body": ""})
@example(params={"MessageSid": "SM4", "From": "", "To": SMS_NUMBER, "Body": "", "NumMedia": "-1"})
def test_odd_sms_webhooks(sms_number, params):
    with rolled_back():
        response = twilio_post("/twilio/messaging", params)
        assert response.status_code < 500, server_error(response)
        filed = (
            params["To"] == SMS_NUMBER
            and response.status_code == 200
            and 0 < len(params["MessageSid"]) <= 255
        )
        event("to our number, answered 200" if filed else str(response.status_code))
        if filed:  # what the customer sent is kept
            with in_schema(sms_number):
                sid = _as_django_reads(params["MessageSid"])
                assert Message.objects.filter(channel="sms", external_id=sid).exists(), params


# --- voice ----------------------------------------------------------------------------------

_FOLLOW_UPS = [
    "gather",
    "wait",
    "hold-choice",
    "queue-exit",
    "voicemail-done",
    "recording",
    "survey",
    "nps",
    "agent",
    "callback-status",
]
_QUERY = st.dictionaries(
    st.sampled_from(["step", "call", "kind", "item", "agent", "outbound"]), _odd, max_size=4
)
_VOICE_PARAMS = [
    "Digits",
    "QueueTime",
    "QueueResult",
    "RecordingDuration",
    "RecordingSid",
    "RecordingUrl",
    "RecordingStatus",
    "CallStatus",
    "CallDuration",
    "Timestamp",
    "From",
    "To",
    "Caller",
    "SpeechResult",
]
_ANSWERS = {
    "Digits": st.sampled_from(["1", "2", "5", "9", "*", "#", "10", "0", "1111111111"]),
    "QueueResult": st.sampled_from(["bridged", "hangup", "leave", "error", "system-error"]),
    "RecordingStatus": st.just("completed"),
    "RecordingUrl": st.just("https://api.twilio.com/rec/RE1"),
    "CallStatus": st.sampled_from(["completed", "busy", "no-answer", "failed", "canceled"]),
    "Timestamp": st.sampled_from(
        [
            "Tue, 01 Dec 2026 08:59:00 +0000",
            "Mon, 1 Jan 1 0:0:0 +9999",
            "Fri, 31 Dec 9999 23:59:59 -0000",
            "-1",
        ]
    ),
}


@st.composite
def voice_requests(draw, client_ids: tuple[int, ...]) -> tuple[str, dict[str, str]]:
    where = draw(st.sampled_from(["incoming", "status", *_FOLLOW_UPS]))
    params = {
        # Mostly the call that exists (when it does), so that the follow-ups reach the services.
        "CallSid": draw(st.one_of(st.just("CAfuzz"), st.just("CAfuzz"), _sid)),
        **{
            name: draw(st.one_of(*[_ANSWERS.get(name, _odd)] * 2, _without_nul, _odd))
            for name in draw(st.lists(st.sampled_from(_VOICE_PARAMS), unique=True))
        },
    }
    if where in ("incoming", "status"):
        params["To"] = draw(st.one_of(st.just(CZ_NUMBER), _number))
        return f"/twilio/voice/{where}", params
    ours, others = client_ids
    client_id = draw(
        st.one_of(st.just(ours), st.just(ours), st.just(others), st.integers(0, 2**70))
    )
    query = draw(_QUERY)
    path = f"/twilio/voice/c/{client_id}/{where}"
    query_string = urlencode({name: _wire(value) for name, value in query.items()})
    return (f"{path}?{query_string}" if query else path), params


@pytest.mark.parametrize("with_a_call", [True, False])
def test_odd_voice_webhooks(voice, with_a_call):
    client_ids = (voice.client.pk, voice.other.pk)

    @settings(FUZZ, max_examples=80)
    @given(request=voice_requests(client_ids))
    @example(
        request=(
            f"/twilio/voice/c/{voice.client.pk}/gather?step=99999999999999999999",
            {"CallSid": "CAfuzz", "Digits": "1"},
        )
    )
    @example(
        request=(
            f"/twilio/voice/c/{voice.client.pk}/agent?call=1&item=1&agent=9999999999999",
            {"CallSid": "CAfuzz"},
        )
    )
    @example(
        request=(
            f"/twilio/voice/c/{voice.client.pk}/callback-status?outbound=99999999999999",
            {"CallSid": "CAfuzz"},
        )
    )
    @example(request=("/twilio/voice/incoming", {"CallSid": "CA\x00", "To": CZ_NUMBER}))
    @example(request=("/twilio/voice/status", {"CallSid": "CAfuzz", "To": "+420\x00"}))
    def odd_request(request):
        path, params = request
        with rolled_back():
            if with_a_call:  # the call the follow-ups name exists, in its first menu
                started = twilio_post(
                    "/twilio/voice/incoming", {"CallSid": "CAfuzz", "From": CALLER, "To": CZ_NUMBER}
                )
                assert started.status_code == 200
            response = twilio_post(path, params)
            event(f"{path.split('?')[0].rsplit('/', 1)[1]}: {response.status_code}")
            assert response.status_code < 500, f"{path} {params!r} -> {server_error(response)}"

    odd_request()


# --- what the generated requests found, kept as plain regressions ---------------------------


def test_a_nul_in_a_twilio_parameter_is_a_400_naming_it_not_a_500(voice):
    for path, params in [
        ("/twilio/messaging", {"MessageSid": "SM1", "From": "+1", "To": "+48\x00"}),
        ("/twilio/voice/incoming", {"CallSid": "CA\x00", "To": CZ_NUMBER}),
        ("/twilio/voice/status", {"CallSid": "CA1", "To": "+420\x00"}),
    ]:
        response = twilio_post(path, params)
        assert response.status_code == 400 and b"NUL" in response.content, (path, response)


def test_an_sms_without_text_is_filed_not_dropped(sms_number):
    for sid, body in [("SMempty", ""), ("SMblank", " \n"), ("SMnul", "\x00")]:
        response = twilio_post(
            "/twilio/messaging",
            {"MessageSid": sid, "From": "+48601234567", "To": SMS_NUMBER, "Body": body},
        )
        assert response.status_code == 200
        with in_schema(sms_number):
            assert Message.objects.get(external_id=sid).body_text == "[SMS without text]"
