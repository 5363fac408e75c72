"""The survey's second question, the Net Promoter one, through signed webhooks."""

import pytest

from telephony.voice.models import Call, VoiceSettings
from telephony.voice.phrases import PHRASES, phrase_format
from tests.support.tenancy import in_schema
from tests.support.voice import CALLER, CZ_NUMBER, OPEN, SK_NUMBER, first, says, signed_post

pytestmark = pytest.mark.django_db

QUESTION_CS = (
    "S jakou pravděpodobností byste Client A Obuv doporučili přátelům, od 0 do 10? "
    "Zadejte číslo a potom stiskněte mřížku."
)
THANKS_CS = "Děkujeme za hodnocení. Na shledanou."
GOODBYE_CS = "Děkujeme za zavolání. Na shledanou."
INVALID_CS = "Omlouváme se, tato volba není platná."


def call_of(voice, sid: str) -> Call:
    with in_schema(voice.client):
        return Call.objects.get(call_sid=sid)


def nps_on(voice, on: bool = True) -> None:
    with in_schema(voice.client):
        VoiceSettings.objects.update_or_create(pk=1, defaults={"survey_nps": on})


def surveyed(voice, sid: str = "CA1", *, to: str = CZ_NUMBER):
    """A caller queued, answered by an agent, then the bridge ended: the CSAT question."""
    menu = voice.call(sid, to=to)
    if to == CZ_NUMBER:
        menu = voice.press(menu, sid, "1")  # Czech, in the language menu
    queued = voice.press(menu, sid, "1")
    with in_schema(voice.client):
        Call.objects.filter(call_sid=sid).update(answered_at=OPEN)
    return voice.follow(queued, sid, "Enqueue", "action", QueueResult="bridged")


def asked(voice, sid: str = "CA1"):
    """The NPS question, after a CSAT of 4."""
    return voice.press(surveyed(voice, sid), sid, "4")


def silence(response, sid: str = "CA1"):
    """No key, or the hash key alone: Twilio goes on to the <Redirect> after the <Gather>."""
    return signed_post(first(response, "Redirect").text, {"CallSid": sid})


def test_without_the_setting_the_csat_answer_ends_the_survey(voice):
    with in_schema(voice.client):
        assert VoiceSettings.objects.get_or_create(pk=1)[0].survey_nps is False  # the default
    thanks = asked(voice)
    assert [text for text, *_ in says(thanks)] == [THANKS_CS]
    assert b"<Gather" not in thanks.content
    assert (call_of(voice, "CA1").csat, call_of(voice, "CA1").nps) == (4, None)


def test_the_question_follows_the_csat_answer_when_the_client_asks_it(voice):
    nps_on(voice)
    question = asked(voice)
    gather = first(question, "Gather")
    assert (gather.get("numDigits"), gather.get("finishOnKey")) == ("2", "#")
    assert gather.get("action") == first(question, "Redirect").text  # silence comes back
    assert says(question) == [(QUESTION_CS, "cs-CZ", "Google.cs-CZ-Standard-A")]
    assert call_of(voice, "CA1").csat == 4


def test_an_invalid_csat_key_ends_the_survey_without_the_second_question(voice):
    nps_on(voice)
    goodbye = voice.press(surveyed(voice), "CA1", "8")
    assert [text for text, *_ in says(goodbye)] == [GOODBYE_CS]
    assert b"<Gather" not in goodbye.content


@pytest.mark.parametrize("digits", ["10", "0", "9", "6"])
def test_an_answer_from_0_to_10_is_stored_and_the_caller_thanked(voice, digits):
    nps_on(voice)
    thanks = voice.press(asked(voice), "CA1", digits)
    assert [text for text, *_ in says(thanks)] == [THANKS_CS]
    assert b"<Hangup" in thanks.content
    assert call_of(voice, "CA1").nps == int(digits)


@pytest.mark.parametrize("digits", ["11", "", "1*", "01", "#"])
def test_a_wrong_entry_is_asked_once_more_then_the_caller_is_thanked(voice, digits):
    nps_on(voice)
    question = asked(voice)
    again = silence(question) if digits == "" else voice.press(question, "CA1", digits)
    texts = [text for text, *_ in says(again)]
    assert texts == ([QUESTION_CS] if digits == "" else [INVALID_CS, QUESTION_CS])
    assert call_of(voice, "CA1").nps is None
    goodbye = silence(again) if digits == "" else voice.press(again, "CA1", digits)
    assert [text for text, *_ in says(goodbye)] == [GOODBYE_CS]
    assert b"<Gather" not in goodbye.content and b"<Hangup" in goodbye.content
    assert call_of(voice, "CA1").nps is None


def test_the_second_try_can_still_answer(voice):
    nps_on(voice)
    again = voice.press(asked(voice), "CA1", "12")
    assert [text for text, *_ in says(voice.press(again, "CA1", "7"))] == [THANKS_CS]
    assert call_of(voice, "CA1").nps == 7


def test_a_repeated_webhook_stores_once_and_answers_the_same(voice):
    nps_on(voice)
    survey = surveyed(voice)
    question = voice.press(survey, "CA1", "4")
    answer = voice.press(question, "CA1", "9")
    step = call_of(voice, "CA1").step
    repeated = voice.press(question, "CA1", "9")  # Twilio retried the same request
    late = voice.press(question, "CA1", "3")  # the same step with other keys: stale
    assert repeated.content == late.content == answer.content
    voice.press(survey, "CA1", "2")  # the CSAT step again: stale too
    call = call_of(voice, "CA1")
    assert (call.csat, call.nps, call.step) == (4, 9, step)


def test_a_caller_who_hangs_up_at_the_question_leaves_it_empty(voice):
    nps_on(voice)
    asked(voice)
    status = {"CallSid": "CA1", "CallStatus": "completed", "To": CZ_NUMBER, "From": CALLER}
    assert signed_post("/twilio/voice/status", status).status_code == 204
    call = call_of(voice, "CA1")
    assert (call.outcome, call.csat, call.nps) == ("answered", 4, None)


def test_the_question_is_in_the_callers_language_and_falls_back_like_other_phrases(
    voice, monkeypatch
):
    nps_on(voice)
    slovak = asked_on(voice, "CA1")
    assert says(slovak)[0][0].startswith("S akou pravdepodobnosťou by ste Client A Obuv")
    assert says(slovak)[0][1] == "sk-SK"
    # A language without the phrase reads it along its fallback chain (sk -> cs), in the
    # voice of the language it is written in.
    monkeypatch.delitem(PHRASES["sk"], "nps")
    fallen = asked_on(voice, "CA2")
    assert says(fallen) == [(QUESTION_CS, "cs-CZ", "Google.cs-CZ-Standard-A")]


def asked_on(voice, sid: str):
    return voice.press(surveyed(voice, sid, to=SK_NUMBER), sid, "4")


def test_every_ivr_language_asks_the_question_with_the_shops_name():
    for code, phrases in PHRASES.items():
        text = phrase_format(phrases["nps"], code, client="Bohemia Shoes")
        assert "Bohemia Shoes" in text and "10" in text, code
        assert set(phrases) == set(PHRASES["en"]), code  # every phrase in every language


def test_the_answer_is_checked_by_the_database_too(voice):
    from django.db import IntegrityError, transaction

    nps_on(voice)
    asked(voice)
    with in_schema(voice.client), pytest.raises(IntegrityError), transaction.atomic():
        Call.objects.filter(call_sid="CA1").update(nps=11)
