"""Recordings deleted at Twilio (erasure, retention): sent after the commit, against the local
fake of Twilio's API, and sent again by the beat sweep while Twilio is down."""

from datetime import timedelta

import pytest
from django.db import transaction

from customers.services import customer_erase
from telephony.tasks import recording_deletions_sweep_task
from telephony.voice.models import Call, RecordingDeletion
from telephony.voice.services.erasure import calls_erase_for_number
from telephony.voice.services.recordings import (
    RETRY_MAX,
    call_recordings_delete,
    recording_deletions_send,
    recording_received,
    recording_sid_from_url,
)
from tests.support.factories import CustomerFactory
from tests.support.tenancy import in_schema
from tests.support.voice import CALLER, CZ_NUMBER, OPEN

RECORDING = "RE" + "a" * 32
VOICEMAIL = "RE" + "b" * 32
BASE = "https://api.twilio.com/2010-04-01/Accounts/AC123/Recordings"
DELETE_PATH = f"/2010-04-01/Accounts/AC123/Recordings/{RECORDING}.json"


def a_recorded_call(sid="CA1", *, recording=RECORDING, voicemail=VOICEMAIL) -> Call:
    return Call.objects.create(
        call_sid=sid,
        from_number=CALLER,
        to_number=CZ_NUMBER,
        language="cs",
        ringing_at=OPEN,
        recording_url=f"{BASE}/{recording}" if recording else "",
        voicemail_url=f"{BASE}/{voicemail}.mp3" if voicemail else "",
        wrap_note="Paní Nováková chce vrátit boty",
    )


def pending() -> list[tuple[str, int]]:
    return list(
        RecordingDeletion.objects.filter(deleted_at__isnull=True)
        .order_by("recording_sid")
        .values_list("recording_sid", "attempts")
    )


@pytest.mark.parametrize(
    ("url", "sid"),
    [
        (f"{BASE}/{RECORDING}", RECORDING),
        (f"{BASE}/{RECORDING}.mp3?Download=true", RECORDING),
        ("https://api.twilio.com/rec/RE1", "RE1"),
        ("https://example.com/calls/CA1", ""),
        ("", ""),
    ],
)
def test_the_sid_is_read_from_twilios_recording_url(url, sid):
    assert recording_sid_from_url(url) == sid


def test_a_calls_recording_and_voicemail_are_deleted_at_twilio_after_the_commit(
    voice, twilio, django_capture_on_commit_callbacks
):
    twilio.recording_add(RECORDING, b"ID3 call")
    twilio.recording_add(VOICEMAIL, b"ID3 voicemail")
    with in_schema(voice.client):
        call = a_recorded_call()
        with django_capture_on_commit_callbacks(execute=True):
            assert call_recordings_delete(call=call) == [RECORDING, VOICEMAIL]
            assert twilio.deleted() == []  # nothing leaves before the commit
        call.refresh_from_db()
        assert (call.recording_url, call.voicemail_url) == ("", "")
        assert pending() == []
        assert RecordingDeletion.objects.filter(deleted_at__isnull=False).count() == 2
    assert sorted(twilio.deleted()) == [RECORDING, VOICEMAIL]
    assert twilio.recordings == {}


def test_a_recording_twilio_no_longer_has_counts_as_deleted(voice, twilio):
    with in_schema(voice.client):
        call_recordings_delete(call=a_recorded_call(voicemail=""))
        assert recording_deletions_send() == 1  # 404: already gone
        assert pending() == []
    assert twilio.deleted() == [RECORDING]


def test_asking_twice_sends_one_deletion(voice, twilio):
    twilio.recording_add(RECORDING, b"ID3")
    with in_schema(voice.client):
        call = a_recorded_call(voicemail="")
        call_recordings_delete(call=call)
        call_recordings_delete(call=a_recorded_call("CA2", voicemail=""))
        assert recording_deletions_send() == 1
        assert recording_deletions_send() == 0
    assert twilio.deleted() == [RECORDING]


def test_twilio_down_keeps_the_deletion_and_the_sweep_sends_it_later(voice, twilio, frozen):
    twilio.recording_add(RECORDING, b"ID3")
    twilio.answer(DELETE_PATH, 503, {"message": "Service Unavailable"})
    twilio.answer(DELETE_PATH, 503, {"message": "Service Unavailable"})
    with in_schema(voice.client):
        call_recordings_delete(call=a_recorded_call(voicemail=""))
        assert recording_deletions_send(now=OPEN) == 0
        row = RecordingDeletion.objects.get()
        assert (row.attempts, row.due_at, row.deleted_at) == (1, OPEN + timedelta(minutes=1), None)
        assert "503" in row.last_error
        # Not due yet: nothing is asked.
        assert recording_deletions_send(now=OPEN + timedelta(seconds=30)) == 0
        assert len(twilio.deleted()) == 1
        assert recording_deletions_send(now=OPEN + timedelta(minutes=1)) == 0
        row.refresh_from_db()
        assert (row.attempts, row.due_at) == (2, OPEN + timedelta(minutes=3))
    # Twilio is back: the beat's sweep, in every client's schema, gets it done.
    frozen(OPEN + timedelta(minutes=3))
    assert recording_deletions_sweep_task.delay().get() >= 2
    with in_schema(voice.client):
        row.refresh_from_db()
        assert row.deleted_at == OPEN + timedelta(minutes=3) and row.last_error == ""
    assert twilio.deleted() == [RECORDING] * 3
    assert twilio.recordings == {}


def test_twilio_unreachable_never_drops_the_deletion(voice, settings):
    settings.TWILIO_ACCOUNT_SID = "AC123"  # and nothing listens at the API's address
    with in_schema(voice.client):
        call_recordings_delete(call=a_recorded_call(voicemail=""))
        now = OPEN
        for _ in range(30):
            assert recording_deletions_send(now=now) == 0
            row = RecordingDeletion.objects.get()
            pause, now = row.due_at - now, row.due_at
        assert row.deleted_at is None and row.attempts == 30
        assert "unreachable" in row.last_error
        assert pause == RETRY_MAX  # the pauses grow to six hours, and stay there


def test_a_rolled_back_erasure_deletes_nothing(voice, twilio):
    twilio.recording_add(RECORDING, b"ID3")
    with in_schema(voice.client):
        call = a_recorded_call(voicemail="")
        with pytest.raises(RuntimeError), transaction.atomic():
            call_recordings_delete(call=call)
            raise RuntimeError
        assert RecordingDeletion.objects.count() == 0
        call.refresh_from_db()
        assert call.recording_url
    assert twilio.deleted() == []


def test_erasing_a_number_deletes_its_recordings_and_the_after_call_note(voice, twilio):
    with in_schema(voice.client):
        a_recorded_call()
        assert calls_erase_for_number(phone=CALLER) == 1
        call = Call.objects.get()
        assert (call.from_number, call.wrap_note, call.recording_url, call.voicemail_url) == (
            "",
            "",
            "",
            "",
        )
        assert pending() == [(RECORDING, 0), (VOICEMAIL, 0)]


def test_beat_asks_nobody_without_a_twilio_account(voice, settings):
    settings.TWILIO_ACCOUNT_SID = ""
    assert recording_deletions_sweep_task.delay().get() == 0


def test_a_recording_that_arrives_after_the_callers_erasure_is_deleted_not_kept(
    voice, twilio, django_capture_on_commit_callbacks
):
    """Twilio finishes a recording a minute after the caller was erased: its link is never
    stored, and Twilio's copy is deleted like the others."""
    twilio.recording_add(RECORDING, b"ID3 late call")
    with in_schema(voice.client):
        customer = CustomerFactory(phone=CALLER)
        call = a_recorded_call(recording="", voicemail="")
        Call.objects.filter(pk=call.pk).update(customer=customer)
        customer_erase(customer_id=customer.pk)
        with django_capture_on_commit_callbacks(execute=True):
            assert recording_received(
                client=voice.client,
                call_sid=call.call_sid,
                kind="recording",
                recording_sid=RECORDING,
                url=f"{BASE}/{RECORDING}",
                status="completed",
                seconds=42,
            )
        call.refresh_from_db()
        assert call.recording_url == ""
    assert twilio.deleted() == [RECORDING]
