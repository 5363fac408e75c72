"""The desk's services on a call: the outcome written once by the agent who answered, and
calling a customer back through the REST client (a local fake), once per double click."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from conversations.models import Conversation
from telephony.voice.models import Call
from telephony.voice.services.return_calls import (
    RETURN_CALL_REPEAT_AFTER,
    ReturnCallError,
    return_call_start,
)
from telephony.voice.services.wrap_up import call_wrap_up
from tests.support.factories import UserFactory
from tests.support.tenancy import in_schema
from tests.support.voice import CALLER, OPEN, SK_NUMBER

pytestmark = pytest.mark.django_db
CALLS = "/2010-04-01/Accounts/AC123/Calls.json"


def a_call(voice, *, agent=None, to=SK_NUMBER, sid="CA1", caller=CALLER) -> Call:
    with in_schema(voice.client):
        return Call.objects.create(
            call_sid=sid,
            from_number=caller,
            to_number=to,
            country="SK",
            language="sk",
            ringing_at=OPEN,
            answered_at=OPEN + timedelta(seconds=20),
            completed_at=OPEN + timedelta(minutes=4),
            outcome="answered",
            agent=agent,
        )


def test_the_outcome_is_written_once_and_only_by_the_agent_who_answered(voice, agent):
    call = a_call(voice, agent=agent)
    colleague = UserFactory()
    with in_schema(voice.client):
        with pytest.raises(ValidationError):
            call_wrap_up(
                client=voice.client,
                call_id=call.pk,
                agent=colleague,
                category="x",
                note="",
                resolved=True,
            )
        first = call_wrap_up(
            client=voice.client,
            call_id=call.pk,
            agent=agent,
            now=OPEN,
            category=" returns ",
            note=" ok ",
            resolved=True,
        )
        again = call_wrap_up(
            client=voice.client,
            call_id=call.pk,
            agent=agent,
            category="other",
            note="later",
            resolved=False,
        )
        assert (first.wrap_category, first.wrap_note, first.wrapped_at) == ("returns", "ok", OPEN)
        assert (again.wrap_category, again.wrap_resolved) == ("returns", True)
        assert not Conversation.objects.exists()
        with pytest.raises(Call.DoesNotExist):
            call_wrap_up(
                client=voice.client,
                call_id=call.pk + 99,
                agent=agent,
                category="",
                note="x",
                resolved=True,
            )


def test_a_follow_up_is_a_conversation_in_the_callers_language(voice, agent):
    call = a_call(voice, agent=agent)
    with in_schema(voice.client):
        done = call_wrap_up(
            client=voice.client,
            call_id=call.pk,
            agent=agent,
            category="",
            note="Poslať štítok.",
            resolved=False,
        )
        conversation = done.conversation
        assert (conversation.channel, conversation.language) == ("call", "sk")
        assert conversation.customer.phone == CALLER and done.customer_id


def test_a_call_back_dials_once_within_the_window_and_again_after_it(voice, agent, twilio):
    call = a_call(voice)
    twilio.answer(CALLS, 201, {"sid": "CAb1"})
    twilio.answer(CALLS, 201, {"sid": "CAb2"})
    with in_schema(voice.client):
        first = return_call_start(client=voice.client, call_id=call.pk, agent=agent, now=OPEN)
        double = return_call_start(
            client=voice.client, call_id=call.pk, agent=agent, now=OPEN + timedelta(seconds=3)
        )
        later = return_call_start(
            client=voice.client, call_id=call.pk, agent=agent, now=OPEN + RETURN_CALL_REPEAT_AFTER
        )
        call.refresh_from_db()
    assert (first.started, double.started, later.started) == (True, False, True)
    assert [form["To"] for _, _, form in twilio.requests] == ["client:jana", "client:jana"]
    assert {form["From"] for _, _, form in twilio.requests} == {SK_NUMBER}
    assert "Hovor pre Client A Obuv, jazyk slovenčina." in twilio.requests[0][2]["Twiml"]
    assert (call.callback_sid, call.callback_started_at) == (
        "CAb2",
        OPEN + RETURN_CALL_REPEAT_AFTER,
    )


def test_a_call_to_a_number_no_longer_the_clients_is_returned_from_another_of_its_numbers(
    voice, agent, twilio
):
    call = a_call(voice, to="+420999000111")
    twilio.answer(CALLS, 201, {"sid": "CAb1"})
    with in_schema(voice.client):
        return_call_start(client=voice.client, call_id=call.pk, agent=agent)
    assert twilio.requests[0][2]["From"] in ("+420228880000", SK_NUMBER)


def test_an_erased_caller_cannot_be_called_back(voice, agent, twilio):
    call = a_call(voice, caller="")
    with in_schema(voice.client), pytest.raises(ReturnCallError):
        return_call_start(client=voice.client, call_id=call.pk, agent=agent)
    assert twilio.requests == []


def test_the_call_back_runs_in_the_calls_schema(voice, agent):
    call = a_call(voice)
    with pytest.raises(RuntimeError):
        return_call_start(client=voice.client, call_id=call.pk, agent=agent)
