"""Calls on the agent desk: the screen pop as a call rings, the call's page and its outcome,
voicemails played and customers called back through Twilio (a local fake), and nothing of
it for an agent of another client."""

from datetime import timedelta
from xml.etree import ElementTree as ET  # our own TwiML: trusted

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conversations.models import Conversation
from conversations.services import conversation_open_inbound
from desk.selectors import SCREEN_POP_SECONDS
from languages.models import AgentSkill
from routing.models import WorkItem
from routing.services import agent_presence_set, route_waiting
from telephony.models import AgentDevice
from telephony.services import offers_dial_pending
from telephony.voice.models import Call
from tests.support.desk import agent_with, signed_in
from tests.support.factories import UserFactory
from tests.support.tenancy import in_schema
from tests.support.voice import CALLER, CZ_NUMBER, OPEN, first, signed_post

pytestmark = pytest.mark.django_db
CALLS = "/2010-04-01/Accounts/AC123/Calls.json"
DEVICE = "+420777000111"


@pytest.fixture
def agent(voice):
    user = UserFactory(language="cs")
    user.served_clients.add(voice.client)
    AgentSkill.objects.create(agent=user, language_id="cs", proficiency="native")
    AgentDevice.objects.create(agent=user, address=DEVICE)
    agent_presence_set(agent=user, presence="available", now=OPEN - timedelta(minutes=5))
    return user


@pytest.fixture
def outsider(voice):
    """An agent of client B only: every call of client A is a 404 for them."""
    return agent_with([voice.other], {"cs": "native", "pl": "native"})


@pytest.fixture
def earlier(voice):
    """The caller wrote before: their e-mail, known by their number."""
    with in_schema(voice.client):
        conversation = conversation_open_inbound(
            client=voice.client,
            channel="email",
            subject="Boty nepřišly",
            text="Kde jsou boty?",
            customer_email="jana@example.cz",
            customer_phone=CALLER,
            customer_name="Jana Nováková",
        ).conversation
    WorkItem.objects.filter(source_kind="conversation", source_id=conversation.pk).delete()
    return conversation


def offered(voice, sid="CA1"):
    """A caller pressed 1 (orders) and waits; the router offered the call to the agent."""
    menu = voice.press(voice.call(sid), sid, "1")
    enqueued = voice.press(menu, sid, "1")
    assert route_waiting(now=OPEN) == 1
    return enqueued, WorkItem.objects.get(channel="call", source_kind="call")


def pick_up(twilio, frozen):
    """The offered call rings the agent's phone; they pick up 15 s later: it is theirs."""
    twilio.answer(CALLS, 201, {"sid": "CAagent1"})
    offers_dial_pending()
    form = twilio.requests[-1][2]
    frozen(OPEN + timedelta(seconds=15))
    signed_post(form["Url"].removeprefix("http://localhost:8000"), {"CallSid": "CAagent1"})


def answered(voice, twilio, frozen, sid="CA1"):
    """The agent picked up, talked for five minutes, the caller hung up."""
    enqueued, item = offered(voice, sid)
    pick_up(twilio, frozen)
    frozen(OPEN + timedelta(seconds=315))
    voice.follow(enqueued, sid, "Enqueue", "action", QueueResult="bridged")
    status = {"CallSid": sid, "CallStatus": "completed", "To": CZ_NUMBER, "From": CALLER}
    assert signed_post("/twilio/voice/status", status).status_code == 204
    item.refresh_from_db()
    return item


def test_a_ringing_call_pops_up_on_the_live_inbox_with_the_callers_history(voice, agent, earlier):
    _, item = offered(voice)
    assert item.agent_id == agent.pk and item.status == "offered"

    html = signed_in(agent).get("/desk/live").json()["html"]

    assert 'class="card client-banner screen-pop ringing"' in html
    assert CALLER in html and "Jana Nováková" in html
    assert "Boty nepřišly" in html  # the earlier e-mail
    assert "orders" in html  # the IVR topic
    assert f"/desk/items/{item.pk}" in html


def test_without_a_call_the_inbox_has_no_screen_pop(voice, agent, earlier):
    html = signed_in(agent).get("/desk/live").json()["html"]
    assert "screen-pop" not in html


def test_the_call_page_shows_the_timeline_and_the_caller(voice, agent, earlier, twilio, frozen):
    item = answered(voice, twilio, frozen)
    page = signed_in(agent).get(f"/desk/items/{item.pk}").content.decode()

    assert 'id="call-view"' in page
    for moment in ("ringing", "queued", "answered", "completed"):
        assert f'data-moment="{moment}"' in page
    assert '<dd id="call-talk">5:00</dd>' in page and '<dd id="call-wait">0:15</dd>' in page
    assert "Boty nepřišly" in page and "Jana Nováková" in page
    assert 'id="call-outcome-form"' in page  # the agent who answered writes the outcome


def test_resolved_on_the_call_is_written_on_the_call_once(voice, agent, twilio, frozen):
    item = answered(voice, twilio, frozen)
    http = signed_in(agent)
    data = {"outcome": "resolved", "category": "delivery", "note": "Balík je na cestě."}

    assert http.post(f"/desk/items/{item.pk}/call-outcome", data).status_code == 302
    again = {"outcome": "follow_up", "category": "other", "note": "double click"}
    assert http.post(f"/desk/items/{item.pk}/call-outcome", again).status_code == 302

    with in_schema(voice.client):
        call = Call.objects.get(call_sid="CA1")
        assert (call.wrap_resolved, call.wrap_category, call.wrap_note) == (
            True,
            "delivery",
            "Balík je na cestě.",
        )
        assert call.conversation_id is None and not Conversation.objects.exists()
    page = http.get(f"/desk/items/{item.pk}").content.decode()
    assert 'id="call-wrap-up"' in page and 'id="call-outcome-form"' not in page


def test_needs_follow_up_opens_a_conversation_item_in_the_callers_language(
    voice, agent, earlier, twilio, frozen
):
    item = answered(voice, twilio, frozen)
    data = {"outcome": "follow_up", "category": "returns", "note": "Poslat štítek na vrácení."}
    assert signed_in(agent).post(f"/desk/items/{item.pk}/call-outcome", data).status_code == 302

    with in_schema(voice.client):
        call = Call.objects.get(call_sid="CA1")
        follow_up = call.conversation
        assert call.wrap_resolved is False
        assert (follow_up.channel, follow_up.language, follow_up.category) == (
            "call",
            "cs",
            "returns",
        )
        assert follow_up.customer_id == earlier.customer_id
        assert "Poslat štítek" in follow_up.messages.get().body_text
    assert WorkItem.objects.get(source_kind="conversation", source_id=follow_up.pk).status == (
        "waiting"
    )


@pytest.mark.parametrize(
    "data",
    [
        {"outcome": "follow_up", "category": "x", "note": ""},  # a follow-up says what about
        {"outcome": "maybe", "note": "x"},
        {"outcome": "resolved", "category": "x" * 65},
    ],
)
def test_a_wrong_outcome_is_refused_and_nothing_is_written(voice, agent, twilio, frozen, data):
    item = answered(voice, twilio, frozen)
    assert signed_in(agent).post(f"/desk/items/{item.pk}/call-outcome", data).status_code == 400
    with in_schema(voice.client):
        assert Call.objects.get(call_sid="CA1").wrapped_at is None
        assert not Conversation.objects.exists()


def test_only_the_agent_who_answered_writes_the_outcome(voice, agent, twilio, frozen):
    item = answered(voice, twilio, frozen)
    colleague = agent_with([voice.client], {"cs": "native"})
    data = {"outcome": "resolved", "note": "x"}
    assert signed_in(colleague).post(f"/desk/items/{item.pk}/call-outcome", data).status_code == 400
    with in_schema(voice.client):
        assert Call.objects.get(call_sid="CA1").wrapped_at is None


def voicemail(voice, sid="CA7"):
    """The caller left a 31-second voicemail: a conversation item waits."""
    menu = voice.press(voice.call(sid), sid, "1")
    record = first(voice.press(menu, sid, "4"), "Record")
    callback = {
        "CallSid": sid,
        "RecordingSid": "RE7",
        "RecordingStatus": "completed",
        "RecordingUrl": "https://api.twilio.com/rec/RE7",
        "RecordingDuration": "31",
    }
    assert signed_post(record.get("recordingStatusCallback"), callback).status_code == 204
    with in_schema(voice.client):
        conversation = Conversation.objects.get(channel="call")
    return WorkItem.objects.get(source_kind="conversation", source_id=conversation.pk)


def test_a_voicemail_item_has_a_player_behind_a_checked_address(voice, agent):
    item = voicemail(voice)
    http = signed_in(agent)
    page = http.get(f"/desk/items/{item.pk}").content.decode()

    assert f'src="/desk/items/{item.pk}/recording" id="voicemail-player"' in page
    assert 'id="call-back-form"' in page
    assert (
        "https://api.twilio.com/rec/RE7"
        not in page.split('id="source-call"')[1].split("</section>")[0]
    )  # the player's address is ours, not Twilio's
    recording = http.get(f"/desk/items/{item.pk}/recording")
    assert (recording.status_code, recording["Location"]) == (302, "https://api.twilio.com/rec/RE7")


def test_calling_back_rings_the_agent_then_the_customer_once(voice, agent, twilio):
    item = voicemail(voice)
    twilio.answer(CALLS, 201, {"sid": "CAback1"})
    http = signed_in(agent)

    assert http.post(f"/desk/items/{item.pk}/call-back").status_code == 302
    assert http.post(f"/desk/items/{item.pk}/call-back").status_code == 302  # double click

    ((method, path, form),) = twilio.requests
    assert (method, path, form["To"], form["From"]) == ("POST", CALLS, DEVICE, CZ_NUMBER)
    twiml = ET.fromstring(form["Twiml"])  # noqa: S314
    dial = twiml.find("Dial")
    assert dial is not None and dial.get("callerId") == CZ_NUMBER
    assert dial.find("Number").text == CALLER
    assert twiml.find("Say").text == "Hovor pro Client A Obuv, jazyk čeština."
    with in_schema(voice.client):
        call = Call.objects.get(call_sid="CA7")
        assert (call.callback_sid, call.callback_agent_id) == ("CAback1", agent.pk)
        note = call.conversation.messages.get(direction="note")
        assert "CAback1" in note.body_text
    page = http.get(f"/desk/items/{item.pk}").content.decode()
    assert 'id="call-back-state"' in page


def test_a_refused_call_back_is_said_and_can_be_tried_again(voice, agent, twilio):
    item = voicemail(voice)
    twilio.answer(CALLS, 500, {"message": "down"})
    twilio.answer(CALLS, 201, {"sid": "CAback2"})
    http = signed_in(agent)

    refused = http.post(f"/desk/items/{item.pk}/call-back", follow=True)
    assert "Twilio nemohlo hovor zahájit" in refused.content.decode()
    with in_schema(voice.client):
        assert Call.objects.get(call_sid="CA7").callback_started_at is None

    http.post(f"/desk/items/{item.pk}/call-back")
    assert len(twilio.requests) == 2
    with in_schema(voice.client):
        assert Call.objects.get(call_sid="CA7").callback_sid == "CAback2"


def test_an_agent_without_a_device_is_told_and_nothing_is_dialled(voice, agent, twilio):
    item = voicemail(voice)
    AgentDevice.objects.filter(agent=agent).delete()
    page = signed_in(agent).post(f"/desk/items/{item.pk}/call-back", follow=True)
    assert "Nemáte telefon" in page.content.decode()
    assert twilio.requests == []


def test_an_agent_of_another_client_gets_404_on_every_call_endpoint(
    voice, agent, outsider, twilio, frozen
):
    call_item = answered(voice, twilio, frozen)
    voicemail_item = voicemail(voice)
    http = signed_in(outsider)
    for item in (call_item, voicemail_item):
        assert http.get(f"/desk/items/{item.pk}").status_code == 404
        assert http.get(f"/desk/items/{item.pk}/recording").status_code == 404
        assert http.post(f"/desk/items/{item.pk}/call-back").status_code == 404
        assert (
            http.post(f"/desk/items/{item.pk}/call-outcome", {"outcome": "resolved"}).status_code
            == 404
        )
    requests_before = len(twilio.requests)
    with in_schema(voice.client):
        call = Call.objects.get(call_sid="CA7")
        assert call.callback_started_at is None and call.wrapped_at is None
    assert len(twilio.requests) == requests_before
    assert "screen-pop" not in http.get("/desk/live").json()["html"]


def test_agency_admins_find_billing_on_the_desk(voice):
    admin = agent_with([voice.client], {"cs": "native"}, role="admin")
    plain = agent_with([voice.client], {"cs": "native"})
    assert 'id="billing-link" href="/billing/"' not in signed_in(plain).get("/").content.decode()
    page = signed_in(admin).get("/").content.decode()
    assert 'href="/billing/" id="billing-link"' in page
    assert signed_in(admin).get("/billing/").status_code == 200
    assert signed_in(plain).get("/billing/").status_code in (403, 404)


def test_the_screen_pop_costs_the_same_few_queries_however_long_the_history(
    voice, agent, earlier, frozen
):
    offered(voice)
    http = signed_in(agent)
    http.get("/desk/live")  # the agent's reach cached, as on an open desk
    # Each measured poll comes after the screen pop's cache window, so that it reads the
    # caller's history.
    frozen(OPEN + timedelta(seconds=SCREEN_POP_SECONDS))
    with CaptureQueriesContext(connection) as short:
        http.get("/desk/live")
    with in_schema(voice.client):
        for n in range(15):
            conversation_open_inbound(
                client=voice.client,
                channel="sms",
                text="Dobrý den",
                subject=f"Zpráva {n}",
                customer_phone=CALLER,
                now=OPEN - timedelta(minutes=n + 1),
            )
    # Only the history grows: the queue stays as it was (the inbox's head costs a query more
    # when something waits).
    WorkItem.objects.filter(source_kind="conversation").delete()
    frozen(OPEN + timedelta(seconds=2 * SCREEN_POP_SECONDS))
    with CaptureQueriesContext(connection) as long:
        html = http.get("/desk/live").json()["html"]
    assert "Zpráva 0" in html  # the newest ten are shown
    assert reads_of_the_client_schema(long)
    assert len(long) == len(short)
    assert len(long) <= 20, [q["sql"] for q in long.captured_queries]


def reads_of_the_client_schema(queries: CaptureQueriesContext) -> list[str]:
    """What a request read of client A's schema (calls, customers, conversations)."""
    tenant_tables = ('"voice_call"', '"customers_customer"', '"conversations_conversation"')
    return [
        q["sql"]
        for q in queries.captured_queries
        if any(table in q["sql"] for table in tenant_tables)
    ]


def test_a_ringing_call_is_read_from_its_client_schema_once_not_on_every_poll(
    voice, agent, earlier, frozen
):
    offered(voice)
    http = signed_in(agent)
    with CaptureQueriesContext(connection) as first:
        http.get("/desk/live")
    frozen(OPEN + timedelta(seconds=5))  # the next poll, and the one after
    with CaptureQueriesContext(connection) as again:
        html = http.get("/desk/live").json()["html"]
        http.get("/desk/live")

    assert reads_of_the_client_schema(first)
    assert reads_of_the_client_schema(again) == []
    assert len(again) < 2 * len(first)
    # The pop is whole all the same.
    assert 'class="card client-banner screen-pop ringing"' in html
    assert CALLER in html and "Jana Nováková" in html and "Boty nepřišly" in html


def test_an_answered_call_is_read_again_at_once(voice, agent, earlier, twilio, frozen):
    _, item = offered(voice)
    http = signed_in(agent)
    assert "screen-pop ringing" in http.get("/desk/live").json()["html"]
    with in_schema(voice.client):  # the caller wrote meanwhile
        conversation_open_inbound(
            client=voice.client,
            channel="sms",
            text="Volám kvůli botám",
            subject="Zase boty",
            customer_phone=CALLER,
            now=OPEN,
        )
    WorkItem.objects.filter(source_kind="conversation").delete()

    pick_up(twilio, frozen)  # 15 s later: within the cache window, another state
    item.refresh_from_db()
    assert (item.status, item.agent_id) == ("assigned", agent.pk)
    with CaptureQueriesContext(connection) as queries:
        html = http.get("/desk/live").json()["html"]

    assert reads_of_the_client_schema(queries)
    assert "screen-pop ringing" not in html and f'data-item="{item.pk}"' in html
    assert "Zase boty" in html


def test_a_call_offered_again_is_read_again(voice, agent, earlier, frozen):
    _, item = offered(voice)
    http = signed_in(agent)
    http.get("/desk/live")
    # The offer lapsed and the router offered the call to the same agent again.
    WorkItem.objects.filter(pk=item.pk).update(offered_at=OPEN + timedelta(seconds=20))
    with CaptureQueriesContext(connection) as queries:
        assert "screen-pop ringing" in http.get("/desk/live").json()["html"]
    assert reads_of_the_client_schema(queries)
