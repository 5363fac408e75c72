"""Voice webhooks, signed the way Twilio signs them, through a client's real menus."""

import pytest

from conversations.models import Conversation
from routing.models import WorkItem
from telephony.voice.models import Call
from tests.support.tenancy import in_schema
from tests.support.voice import (
    CALLER,
    CHRISTMAS_EVE,
    CZ_NUMBER,
    OPEN,
    SATURDAY,
    SK_NUMBER,
    first,
    says,
    signed_post,
    verbs,
)

pytestmark = pytest.mark.django_db


def call_of(voice, sid: str) -> Call:
    with in_schema(voice.client):
        return Call.objects.select_related("menu").get(call_sid=sid)


# --- signatures ------------------------------------------------------------------------------


def test_unsigned_or_wrongly_signed_calls_are_refused_and_record_nothing(voice):
    params = {"CallSid": "CA1", "From": CALLER, "To": CZ_NUMBER}
    assert signed_post("/twilio/voice/incoming", params, token="someone-else").status_code == 403
    from django.test import Client as HttpClient

    unsigned = HttpClient(HTTP_HOST="localhost").post("/twilio/voice/incoming", params)
    assert unsigned.status_code == 403
    with in_schema(voice.client):
        assert not Call.objects.exists()


def test_a_signature_replayed_on_another_url_or_with_other_parameters_is_refused(voice):
    params = {"CallSid": "CA1", "From": CALLER, "To": CZ_NUMBER}
    replayed = signed_post(
        "/twilio/voice/status", params, url="http://localhost/twilio/voice/incoming"
    )
    assert replayed.status_code == 403
    tampered = signed_post(
        "/twilio/voice/incoming",
        {**params, "To": SK_NUMBER},
        url="http://localhost/twilio/voice/incoming",
    )
    assert tampered.status_code == 200  # signed over what it sends: fine
    from twilio.request_validator import RequestValidator

    signature = RequestValidator("test-auth-token").compute_signature(
        "http://localhost/twilio/voice/incoming", params
    )
    from django.test import Client as HttpClient

    forged = HttpClient(HTTP_HOST="localhost").post(
        "/twilio/voice/incoming",
        {**params, "From": "+420700000000"},
        HTTP_X_TWILIO_SIGNATURE=signature,
    )
    assert forged.status_code == 403


def test_behind_a_tls_proxy_the_https_url_is_the_signed_one(voice, settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    params = {"CallSid": "CA1", "From": CALLER, "To": CZ_NUMBER}
    response = signed_post(
        "/twilio/voice/incoming",
        params,
        url="https://localhost/twilio/voice/incoming",
        HTTP_X_FORWARDED_PROTO="https",
        secure=False,
    )
    assert response.status_code == 200
    plain = signed_post("/twilio/voice/incoming", params, HTTP_X_FORWARDED_PROTO="https")
    assert plain.status_code == 403  # signed for http://, but Twilio called https://


# --- entry -------------------------------------------------------------------------------------


def test_an_unknown_number_is_answered_politely_and_logged(voice, caplog):
    response = voice.call("CA9", to="+48221234567")
    assert response.status_code == 200
    assert verbs(response) == ["Say", "Hangup"]
    ((text, language, _),) = says(response)
    assert language == "pl-PL" and "nieaktywny" in text  # the number's country's language
    assert "Call to unknown number +48221234567" in caplog.text


def test_a_number_serving_two_languages_starts_with_the_language_choice(voice):
    response = voice.call("CA1")
    assert response.status_code == 200 and response["Content-Type"] == "text/xml"
    spoken = says(response)
    assert spoken[0] == ("Vítejte.", "cs-CZ", "Google.cs-CZ-Standard-A")
    assert ("Pro češtinu stiskněte 1.", "cs-CZ", "Google.cs-CZ-Standard-A") in spoken
    assert ("Pre slovenčinu stlačte 2.", "sk-SK", "Google.sk-SK-Standard-A") in spoken
    call = call_of(voice, "CA1")
    assert (call.language, call.menu.key, call.country) == ("cs", "language", "CZ")


def test_a_retried_incoming_request_gets_the_same_answer_and_one_call(voice):
    first_answer = voice.call("CA1").content
    assert voice.call("CA1").content == first_answer
    with in_schema(voice.client):
        assert Call.objects.count() == 1


def test_choosing_slovak_speaks_the_main_menu_in_slovak(voice):
    response = voice.press(voice.call("CA1"), "CA1", "2")
    assert says(response) == [("Objednávky jednotka.", "sk-SK", "Google.sk-SK-Standard-A")]
    assert call_of(voice, "CA1").language == "sk"


def test_no_choice_keeps_the_numbers_language(voice):
    response = voice.press(voice.call("CA1"), "CA1")  # silence
    assert says(response)[0][0] == "Objednávky jednička, vrácení dvojka."
    call = call_of(voice, "CA1")
    assert (call.language, call.menu.key) == ("cs", "main")


def test_a_number_without_a_language_menu_starts_with_main_in_its_language(voice):
    response = voice.call("CA2", to=SK_NUMBER)
    assert says(response) == [("Objednávky jednotka.", "sk-SK", "Google.sk-SK-Standard-A")]


# --- actions ----------------------------------------------------------------------------------


def main_menu(voice, sid: str):
    return voice.press(voice.call(sid), sid, "1")  # Czech


def test_queue_puts_the_call_in_the_routers_queue_and_twilios(voice):
    response = voice.press(main_menu(voice, "CA1"), "CA1", "1")
    enqueue = first(response, "Enqueue")
    assert enqueue.text == "CA1" and "/wait" in enqueue.get("waitUrl")
    call = call_of(voice, "CA1")
    item = WorkItem.objects.get(pk=call.work_item_id)
    assert (item.channel, item.language, item.source_kind, item.source_id) == (
        "call",
        "cs",
        "call",
        call.pk,
    )
    assert (call.topic, call.path, call.queued_at is not None) == ("orders", ["1", "1"], True)


def test_a_retried_key_does_not_queue_twice(voice):
    menu = main_menu(voice, "CA1")
    answer = voice.press(menu, "CA1", "1")
    assert voice.press(menu, "CA1", "1").content == answer.content
    assert WorkItem.objects.filter(channel="call").count() == 1
    assert call_of(voice, "CA1").path == ["1", "1"]


def test_submenu_and_back(voice):
    returns = voice.press(main_menu(voice, "CA1"), "CA1", "2")
    assert says(returns)[0][0] == "Vrácení zboží jednička."
    back = voice.press(returns, "CA1", "*")
    assert says(back)[0][0] == "Objednávky jednička, vrácení dvojka."
    queued = voice.press(voice.press(back, "CA1", "2"), "CA1", "1")
    assert first(queued, "Enqueue") is not None
    assert call_of(voice, "CA1").topic == "returns"


def test_information_is_played_then_goodbye(voice):
    response = voice.press(main_menu(voice, "CA1"), "CA1", "3")
    texts = [text for text, _, _ in says(response)]
    assert texts[0] == "Otevřeno máme ve všední dny od osmi do čtyř."
    assert verbs(response)[-1] == "Hangup"
    assert call_of(voice, "CA1").outcome == "information"


def test_voicemail_records_and_becomes_a_conversation_once(voice):
    response = voice.press(main_menu(voice, "CA1"), "CA1", "4")
    record = first(response, "Record")
    assert record.get("recordingStatusCallback").endswith("recording?kind=voicemail")
    callback = {
        "CallSid": "CA1",
        "RecordingSid": "RE1",
        "RecordingStatus": "completed",
        "RecordingUrl": "https://api.twilio.com/rec/RE1",
        "RecordingDuration": "31",
    }
    assert signed_post(record.get("recordingStatusCallback"), callback).status_code == 204
    assert signed_post(record.get("recordingStatusCallback"), callback).status_code == 204
    with in_schema(voice.client):
        conversation = Conversation.objects.get()
        call = Call.objects.get(call_sid="CA1")
        assert (conversation.channel, conversation.language) == ("call", "cs")
        assert conversation.subject == f"Hlasová zpráva {CALLER}"
        assert conversation.first_response_due_at is not None
        # Written by Polydesk in the client's language, as its portal and agents read it.
        assert conversation.messages.get().body_text.startswith(
            f"Hlasová zpráva od {CALLER} (31 s): https://api.twilio.com/rec/RE1"
        )
        assert (call.outcome, call.voicemail_seconds, call.conversation_id) == (
            "voicemail",
            31,
            conversation.pk,
        )
    assert WorkItem.objects.filter(source_kind="conversation").count() == 1
    done = signed_post(record.get("action"), {"CallSid": "CA1"})
    assert says(done)[0][0] == "Děkujeme za vzkaz. Ozveme se vám. Na shledanou."


def test_callback_request_becomes_a_conversation_due_in_business_hours(voice):
    response = voice.press(main_menu(voice, "CA1"), "CA1", "5")
    assert "Zavoláme vám zpět" in says(response)[0][0]
    with in_schema(voice.client):
        conversation = Conversation.objects.get()
        assert conversation.customer.phone == CALLER
        assert conversation.subject == f"Žádost o zpětné volání {CALLER}"
        assert conversation.messages.get().body_text.startswith(
            f"Žádost o zpětné volání z čísla {CALLER}"
        )
        assert conversation.language == "cs" and not conversation.language_uncertain
        assert conversation.first_response_due_at > conversation.created_at
        assert Call.objects.get().outcome == "callback"


def test_transfer_dials_the_external_number_with_our_caller_id(voice):
    response = voice.press(main_menu(voice, "CA1"), "CA1", "6")
    dial = first(response, "Dial")
    assert (dial.text, dial.get("callerId")) == ("+420222111333", CZ_NUMBER)
    assert call_of(voice, "CA1").outcome == "transferred"


def test_repeat_says_the_menu_again(voice):
    response = voice.press(main_menu(voice, "CA1"), "CA1", "9")
    assert says(response)[0][0] == "Objednávky jednička, vrácení dvojka."


def test_invalid_keys_repeat_then_the_fallback(voice):
    menu = main_menu(voice, "CA1")
    once = voice.press(menu, "CA1", "7")
    assert says(once)[0][0] == "Omlouváme se, tato volba není platná."
    assert says(once)[1][0] == "Objednávky jednička, vrácení dvojka."
    twice = voice.press(once, "CA1")  # silence counts as a try too
    assert first(twice, "Gather") is not None
    fallback = voice.press(twice, "CA1", "8")
    assert first(fallback, "Enqueue") is not None
    assert call_of(voice, "CA1").topic == "other"


def test_without_a_fallback_option_the_call_ends_politely(voice):
    with in_schema(voice.client):
        voice.menus["main"].options.filter(key="fallback").delete()
    response = main_menu(voice, "CA1")
    for _ in range(3):
        response = voice.press(response, "CA1", "7")
    assert verbs(response)[-1] == "Hangup"
    assert call_of(voice, "CA1").outcome == "ivr_hangup"


# --- hours ------------------------------------------------------------------------------------


def test_closed_on_saturday_says_the_next_opening_then_voicemail(voice, frozen):
    frozen(SATURDAY)
    response = voice.press(main_menu(voice, "CA1"), "CA1", "1")
    closed = says(response)[0][0]
    assert closed == "Nyní máme zavřeno. Znovu otevíráme pondělí 7. prosince v 8:00."
    assert first(response, "Record") is not None
    assert not WorkItem.objects.filter(channel="call").exists()


def test_closed_on_a_public_holiday_and_after_hours_callback(voice, frozen):
    from telephony.voice.models import VoiceSettings

    frozen(CHRISTMAS_EVE)
    with in_schema(voice.client):
        VoiceSettings.objects.create(after_hours="callback")
    response = voice.press(main_menu(voice, "CA1"), "CA1", "1")
    # 24, 25 and 26 December are Czech holidays, the 27th a Sunday.
    assert says(response)[0][0].endswith("pondělí 28. prosince v 8:00.")
    assert call_of(voice, "CA1").outcome == "callback"


# --- queue, agent, survey, completion ---------------------------------------------------------


def queued(voice, sid: str = "CA1"):
    return voice.press(main_menu(voice, sid), sid, "1")


def test_hold_message_gives_the_position_and_later_offers_a_way_out(voice):
    queued(voice, "CA1")
    response = queued(voice, "CA2")
    early = voice.follow(response, "CA2", "Enqueue", "waitUrl", QueueTime="10")
    assert says(early)[0][0] == "Jste 2. v pořadí."
    assert len(says(early)) == 1  # no answered calls this week: no estimate to give
    with in_schema(voice.client):
        Call.objects.filter(call_sid="CA1").update(answered_at=OPEN, wait_seconds=150)
    estimated = voice.follow(response, "CA2", "Enqueue", "waitUrl", QueueTime="10")
    assert says(estimated)[1][0] == "Předpokládaná doba čekání v minutách: asi 3."
    assert b"<Gather" not in early.content  # no way out offered yet
    late = voice.follow(response, "CA2", "Enqueue", "waitUrl", QueueTime="130")
    assert "stiskněte 1" in says(late)[-1][0]
    leave = voice.follow(late, "CA2", Digits="2")
    assert verbs(leave) == ["Leave"]
    exit_ = voice.follow(response, "CA2", "Enqueue", "action", QueueResult="leave")
    assert "Zavoláme vám zpět" in says(exit_)[0][0]
    call = call_of(voice, "CA2")
    assert call.outcome == "callback"
    assert WorkItem.objects.get(pk=call.work_item_id).status == "cancelled"


def test_a_caller_hanging_up_in_the_queue_is_abandoned(voice, frozen):
    from datetime import timedelta

    response = queued(voice)
    frozen(OPEN + timedelta(seconds=95))
    voice.follow(response, "CA1", "Enqueue", "action", QueueResult="hangup")
    status = {"CallSid": "CA1", "CallStatus": "completed", "To": CZ_NUMBER, "From": CALLER}
    assert signed_post("/twilio/voice/status", status).status_code == 204
    call = call_of(voice, "CA1")
    assert (call.outcome, call.wait_seconds, call.talk_seconds) == ("abandoned", 95, None)
    assert WorkItem.objects.get(pk=call.work_item_id).status == "cancelled"


def test_a_webhook_works_on_the_call_its_sid_names_not_the_latest(voice, frozen):
    from datetime import timedelta

    earlier = queued(voice, "CA1")
    frozen(OPEN + timedelta(seconds=30))
    queued(voice, "CA2")  # calls are listed latest first: CA2 would be found by mistake
    hold = voice.follow(earlier, "CA1", "Enqueue", "waitUrl", QueueTime="10")
    assert says(hold)[0][0] == "Jste 1. v pořadí."
    voice.follow(earlier, "CA1", "Enqueue", "action", QueueResult="hangup")
    outcomes = (call_of(voice, "CA1").outcome, call_of(voice, "CA2").outcome)
    assert outcomes == ("abandoned", "in_progress")


def test_hanging_up_in_the_menu(voice):
    main_menu(voice, "CA1")
    status = {"CallSid": "CA1", "CallStatus": "completed", "To": CZ_NUMBER, "From": CALLER}
    signed_post("/twilio/voice/status", status)
    assert call_of(voice, "CA1").outcome == "ivr_hangup"


def test_another_clients_url_does_not_reach_the_call(voice):
    menu = main_menu(voice, "CA1")
    path = (
        first(menu, "Gather")
        .get("action")
        .replace(f"/c/{voice.client.pk}/", f"/c/{voice.other.pk}/")
    )
    assert signed_post(path, {"CallSid": "CA1", "Digits": "1"}).status_code == 404
    assert call_of(voice, "CA1").path == ["1"]


def test_a_language_without_a_voice_uses_its_voice_fallback_or_says_nothing(voice, caplog):
    from languages.models import Language

    Language.objects.filter(code="sk").update(tts_voice="", voice_fallback_id="cs")
    response = voice.press(voice.call("CA1"), "CA1", "2")  # Slovak chosen
    # Spoken in Czech, by the Czech voice: the voice fallback's text and voice.
    assert says(response) == [
        ("Objednávky jednička, vrácení dvojka.", "cs-CZ", "Google.cs-CZ-Standard-A")
    ]
    from django.core.cache import cache

    cache.clear()
    Language.objects.filter(code="sk").update(voice_fallback_id=None)
    silent = voice.press(voice.call("CA2"), "CA2", "2")
    assert says(silent) == []
    assert "no voice for sk" in caplog.text


def test_the_hash_key_is_a_key_not_the_end_of_input(voice):
    with in_schema(voice.client):
        voice.menus["main"].options.filter(key="9").update(key="#")
    menu = main_menu(voice, "CA1")
    assert first(menu, "Gather").get("finishOnKey") == ""
    assert says(voice.press(menu, "CA1", "#"))[0][0] == "Objednávky jednička, vrácení dvojka."


def test_other_keys_while_waiting_keep_the_caller_in_line(voice):
    response = voice.press(main_menu(voice, "CA1"), "CA1", "1")
    late = voice.follow(response, "CA1", "Enqueue", "waitUrl", QueueTime="500")
    assert verbs(voice.follow(late, "CA1", Digits="7")) == []
    assert call_of(voice, "CA1").queue_exit == ""


def test_a_survey_without_a_valid_rating_stores_none(voice):
    response = voice.press(main_menu(voice, "CA1"), "CA1", "1")
    with in_schema(voice.client):
        Call.objects.filter(call_sid="CA1").update(answered_at=OPEN)
    survey = voice.follow(response, "CA1", "Enqueue", "action", QueueResult="bridged")
    assert says(voice.press(survey, "CA1", "8"))[0][0] == "Děkujeme za zavolání. Na shledanou."
    assert call_of(voice, "CA1").csat is None


def test_a_failed_call_and_an_agent_call_recording(voice):
    menu = main_menu(voice, "CA1")
    # Recorded on the agent's leg (its own CallSid); the URL names the caller's call.
    path = first(menu, "Gather").get("action").split("/gather")[0] + "/recording?kind=call&call=CA1"
    recording = {
        "CallSid": "CAagent1",
        "RecordingSid": "RE9",
        "RecordingStatus": "completed",
        "RecordingUrl": "https://api.twilio.com/rec/RE9",
        "RecordingDuration": "300",
    }
    assert signed_post(path, recording).status_code == 204
    status = {"CallSid": "CA1", "CallStatus": "failed", "To": CZ_NUMBER, "From": CALLER}
    signed_post("/twilio/voice/status", status)
    call = call_of(voice, "CA1")
    assert (call.outcome, call.recording_url) == ("failed", "https://api.twilio.com/rec/RE9")
    with in_schema(voice.client):
        assert not Conversation.objects.exists()  # a call recording is not a voicemail


@pytest.mark.parametrize(
    "endpoint",
    [
        "gather?step=1",
        "wait",
        "hold-choice",
        "queue-exit?step=1",
        "voicemail-done",
        "recording?kind=voicemail",
        "survey?step=1",
        "nps?step=1",
        "agent?call=1&item=1&agent=1",
    ],
)
def test_every_follow_up_webhook_of_another_client_is_a_404(voice, endpoint):
    main_menu(voice, "CA1")  # client A's call
    params = {
        "CallSid": "CA1",
        "Digits": "1",
        "QueueResult": "hangup",
        "QueueTime": "5",
        "RecordingSid": "RE1",
        "RecordingStatus": "completed",
        "RecordingUrl": "https://api.twilio.com/rec/RE1",
    }
    response = signed_post(f"/twilio/voice/c/{voice.other.pk}/{endpoint}", params)
    assert response.status_code == 404
    unsigned = signed_post(f"/twilio/voice/c/{voice.client.pk}/{endpoint}", params, token="x")
    assert unsigned.status_code == 403
    call = call_of(voice, "CA1")
    assert (call.path, call.outcome, call.step) == (["1"], "in_progress", 2)
