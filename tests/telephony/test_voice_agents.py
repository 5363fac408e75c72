"""A queued call offered to an agent: their device rings (Twilio REST, a local fake),
they pick up and are bridged; then the caller's survey, the completion and the price."""

from datetime import timedelta
from decimal import Decimal

import pytest

from billing.models import UsageEntry
from conversations.services import conversation_open_inbound
from languages.models import AgentSkill
from routing.models import WorkItem
from routing.services import (
    agent_next_item,
    agent_presence_set,
    agents_release_stale,
    route_waiting,
)
from telephony.models import AgentDevice, OfferDial
from telephony.services import offers_dial_pending
from telephony.tasks import call_price_fetch_task
from telephony.voice.models import Call, VoiceSettings
from telephony.voice.selectors import caller_history
from telephony.voice.services.erasure import calls_erase_for_number
from tests.support.factories import CustomerFactory, UserFactory
from tests.support.tenancy import in_schema
from tests.support.voice import CALLER, CZ_NUMBER, OPEN, first, says, signed_post, verbs

pytestmark = pytest.mark.django_db
CALLS = "/2010-04-01/Accounts/AC123/Calls.json"


@pytest.fixture
def agent(voice):
    user = UserFactory(language="cs")
    user.served_clients.add(voice.client)
    AgentSkill.objects.create(agent=user, language_id="cs", proficiency="native")
    AgentDevice.objects.create(agent=user, address="+420777000111")
    agent_presence_set(agent=user, presence="available", now=OPEN - timedelta(minutes=5))
    return user


def queued(voice, sid="CA1"):
    menu = voice.press(voice.call(sid), sid, "1")
    return voice.press(menu, sid, "1")


def completed(sid="CA1"):
    status = {"CallSid": sid, "CallStatus": "completed", "To": CZ_NUMBER, "From": CALLER}
    return signed_post("/twilio/voice/status", status)


def test_an_offered_call_rings_the_agent_once_who_is_bridged_and_surveyed(
    voice, agent, twilio, frozen
):
    enqueued = queued(voice)
    assert route_waiting(now=OPEN) == 1
    item = WorkItem.objects.get(channel="call")
    assert (item.status, item.agent_id) == ("offered", agent.pk)

    twilio.answer(CALLS, 201, {"sid": "CAagent1"})
    assert offers_dial_pending() == 1
    assert offers_dial_pending() == 0  # the next beat run: already rung
    ((method, path, form),) = twilio.requests
    assert (method, path, form["To"], form["From"]) == ("POST", CALLS, "+420777000111", CZ_NUMBER)
    assert OfferDial.objects.get().agent_call_sid == "CAagent1"

    frozen(OPEN + timedelta(seconds=15))  # within the 20 s the offer stands
    agent_path = form["Url"].removeprefix("http://localhost:8000")
    with in_schema(voice.client):
        VoiceSettings.objects.update_or_create(pk=1, defaults={"record_calls": True})
    bridge = signed_post(agent_path, {"CallSid": "CAagent1"})
    assert first(bridge, "Queue").text == "CA1"
    # Twilio retried the agent's webhook: the same bridge, nothing accepted twice.
    assert first(signed_post(agent_path, {"CallSid": "CAagent1"}), "Queue").text == "CA1"
    # The recording is made on the agent's leg; its callback names the caller's call.
    assert "call=CA1" in first(bridge, "Dial").get("recordingStatusCallback")
    assert says(bridge)[0][0] == "Hovor pro Client A Obuv, jazyk čeština."
    item.refresh_from_db()
    assert item.status == "assigned"

    # The agent's desk goes silent mid-call: the connected call stays theirs.
    assert agents_release_stale(now=OPEN + timedelta(minutes=5), silence_seconds=90) == 0
    item.refresh_from_db()
    assert (item.status, item.agent_id) == ("assigned", agent.pk)
    frozen(OPEN + timedelta(seconds=340))
    survey = voice.follow(enqueued, "CA1", "Enqueue", "action", QueueResult="bridged")
    assert "Ohodnoťte" in says(survey)[0][0]
    thanks = voice.press(survey, "CA1", "4")
    assert says(thanks)[0][0] == "Děkujeme za hodnocení. Na shledanou."
    frozen(OPEN + timedelta(seconds=350))
    assert completed().status_code == 204
    assert completed().status_code == 204  # Twilio retried

    with in_schema(voice.client):
        call = Call.objects.get()
    assert (call.outcome, call.csat, call.agent_id) == ("answered", 4, agent.pk)
    assert (call.wait_seconds, call.talk_seconds) == (15, 325)
    item.refresh_from_db()
    assert item.status == "done"
    # The talk seconds are billed once, to the agent, in the call's language.
    (usage,) = UsageEntry.objects.filter(kind="call_minutes")
    assert (usage.client_id, usage.quantity, usage.agent_id, usage.language) == (
        voice.client.pk,
        325,
        agent.pk,
        call.language,
    )
    assert usage.source_ref == "CA1" and not usage.out_of_hours


def test_an_offer_picked_up_after_the_caller_left_says_so(voice, agent, twilio):
    queued(voice)
    route_waiting(now=OPEN)
    twilio.answer(CALLS, 201, {"sid": "CAagent1"})
    offers_dial_pending()
    completed()  # the caller hung up while the agent's phone rang
    ((_, _, form),) = twilio.requests
    answer = signed_post(form["Url"].removeprefix("http://localhost:8000"), {"CallSid": "CAagent1"})
    assert says(answer)[0][0] == "Tento volající už nečeká."
    assert verbs(answer)[-1] == "Hangup"
    assert call_of_outcome(voice) == "abandoned"


def call_of_outcome(voice) -> str:
    with in_schema(voice.client):
        return Call.objects.get().outcome


def test_an_agent_without_a_device_is_not_rung_and_it_is_noted(voice, agent, twilio):
    AgentDevice.objects.all().delete()
    queued(voice)
    route_waiting(now=OPEN)
    offers_dial_pending()
    assert OfferDial.objects.get().error == "no device for the agent"
    assert twilio.requests == []


def test_the_price_arrives_late_and_is_fetched_again(
    voice, twilio, django_capture_on_commit_callbacks
):
    path = "/2010-04-01/Accounts/AC123/Calls/CA1.json"
    twilio.answer(path, 404, {"message": "not yet"})
    twilio.answer(path, 200, {"sid": "CA1", "price": None, "price_unit": "USD"})
    twilio.answer(path, 200, {"sid": "CA1", "price": "-0.01750", "price_unit": "EUR"})
    queued(voice)
    with django_capture_on_commit_callbacks(execute=True):
        completed()
    with in_schema(voice.client):
        call = Call.objects.get()
    assert [p for _, p, _ in twilio.requests] == [path, path, path]

    assert (call.price, call.price_currency) == (Decimal("0.01750"), "EUR")
    # Passed through to the ledger once; a call no agent answered bills no minutes.
    (cost,) = UsageEntry.objects.filter(client=voice.client)
    assert (cost.kind, cost.quantity, cost.currency) == ("telephony_cost", Decimal("0.0175"), "EUR")
    with in_schema(voice.client):
        call_price_fetch_task.apply(args=[call.pk])
    assert UsageEntry.objects.filter(client=voice.client).count() == 1


def test_a_price_already_known_is_not_fetched_again(voice, twilio):
    queued(voice)
    with in_schema(voice.client):
        call = Call.objects.get()
        Call.objects.filter(pk=call.pk).update(price="0.02", price_currency="USD")
        call_price_fetch_task.apply(args=[call.pk])
    assert twilio.requests == []


def test_screen_pop_shows_the_callers_history(voice, frozen):
    with in_schema(voice.client):
        customer = CustomerFactory(phone=CALLER, name="Petra Černá")
    queued(voice, "CA1")
    completed("CA1")
    frozen(OPEN + timedelta(hours=2))
    queued(voice, "CA2")
    with in_schema(voice.client):
        ringing = Call.objects.get(call_sid="CA2")
        history = caller_history(call_id=ringing.pk)
    assert history.customer == customer
    assert [c.call_sid for c in history.earlier_calls] == ["CA1"]


def test_a_queued_call_is_routed_and_rung_at_once(
    voice, agent, twilio, django_capture_on_commit_callbacks
):
    twilio.answer(CALLS, 201, {"sid": "CAagent1"})
    menu = voice.press(voice.call("CA1"), "CA1", "1")
    with django_capture_on_commit_callbacks(execute=True):
        voice.press(menu, "CA1", "1")  # queue: routing and ringing follow the commit
    item = WorkItem.objects.get(channel="call")
    assert (item.status, item.agent_id) == ("offered", agent.pk)
    assert OfferDial.objects.get(item=item).agent_call_sid == "CAagent1"


def test_erasing_a_caller_removes_their_number_and_recordings(voice):
    queued(voice, "CA1")
    with in_schema(voice.client):
        Call.objects.update(voicemail_url="https://api.twilio.com/rec/RE1")
        assert calls_erase_for_number(phone=CALLER) == 1
        call = Call.objects.get()
        assert (call.from_number, call.voicemail_url, call.outcome) == ("", "", "in_progress")
        assert calls_erase_for_number(phone="") == 0


def test_a_voicemail_is_assigned_as_work_not_rung_as_a_call(voice, agent, twilio):
    with in_schema(voice.client):
        conversation_open_inbound(
            client=voice.client,
            channel="call",
            text="Voicemail from +420601000111 (20 s)",
            customer_phone="+420601000111",
            language="cs",
            now=OPEN,
        )
    item = agent_next_item(agent=agent, now=OPEN)
    assert (item.source_kind, item.status, item.offer_expires_at) == (
        "conversation",
        "assigned",
        None,
    )
    assert offers_dial_pending() == 0 and twilio.requests == []


def test_a_withheld_number_recognises_nobody(voice):
    with in_schema(voice.client):
        CustomerFactory(phone="", name="Someone without a phone")
        Call.objects.create(
            call_sid="CAold",
            from_number="",
            to_number=CZ_NUMBER,
            language="cs",
            ringing_at=OPEN - timedelta(days=1),
        )
        ringing = Call.objects.create(
            call_sid="CAnew", from_number="", to_number=CZ_NUMBER, language="cs", ringing_at=OPEN
        )
        history = caller_history(call_id=ringing.pk)
    assert (history.customer, history.earlier_calls, history.conversations) == (None, [], [])
