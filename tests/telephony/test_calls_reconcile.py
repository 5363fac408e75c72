"""The sweep that finishes calls whose end never reached us: a call back's customer leg, or
an inbound call, whose signed status callback was lost (our site down, a network split).
Twilio's REST API (a local fake) tells how each one ended; the sweep completes it through
the same path as the callback, once, at the end Twilio reports, and leaves alone what is
still going or cannot be asked now."""

from datetime import timedelta
from decimal import Decimal
from email.utils import format_datetime

import pytest

from billing.models import UsageEntry
from routing.models import WorkItem
from telephony.tasks import calls_reconcile_task
from telephony.voice.models import Call, OutboundCall
from telephony.voice.services import reconcile
from telephony.voice.services.reconcile import NOT_DIALLED, Reconciled, calls_reconcile
from telephony.voice.services.return_calls import ReturnCallError, return_call_start
from tests.support.tenancy import in_schema
from tests.support.voice import CALLER, CZ_NUMBER, OPEN, signed_post
from tests.telephony.test_voice_callback_billing import a_voicemail, called_back, ledger, leg_ended

pytestmark = pytest.mark.django_db
ACCOUNT = "/2010-04-01/Accounts/AC123"
AGENT_LEG = f"{ACCOUNT}/Calls/CAback1.json"
CHILDREN = f"{ACCOUNT}/Calls.json?ParentCallSid=CAback1"
CUSTOMER_LEG = f"{ACCOUNT}/Calls/CAcust1.json"
ENDED = OPEN + timedelta(minutes=5)  # the call back's end, as Twilio recorded it
LATER = OPEN + timedelta(minutes=40)  # the sweep runs: the status callback never came
PRICE = {"sid": "CAcust1", "status": "completed", "price": "-0.04100", "price_unit": "USD"}


def record(
    sid: str,
    status: str,
    *,
    parent: str | None = None,
    seconds: int | None = None,
    ended=None,
    updated=None,
) -> dict:
    """A Call resource as Twilio's REST API gives it (the fields the sweep reads, and some)."""
    return {
        "sid": sid,
        "account_sid": "AC123",
        "parent_call_sid": parent,
        "status": status,
        "direction": "outbound-dial" if parent else "outbound-api",
        "start_time": format_datetime(OPEN),
        "date_updated": format_datetime(updated or ended or OPEN),
        "end_time": format_datetime(ended) if ended else None,
        "duration": None if seconds is None else str(seconds),
        "price": None,
        "price_unit": "USD",
    }


def page(*calls: dict) -> dict:
    """A page of `GET Calls.json`: the calls under the key `calls`, and the paging."""
    uri = f"{CHILDREN}&PageSize=50&Page=0"
    return {
        "calls": list(calls),
        "page": 0,
        "page_size": 50,
        "start": 0,
        "end": len(calls) - 1,
        "uri": uri,
        "first_page_uri": uri,
        "next_page_uri": None,
        "previous_page_uri": None,
    }


def sweep(client, now=LATER) -> Reconciled:
    with in_schema(client):
        return calls_reconcile(client=client, now=now)


def outbound_of(client) -> OutboundCall:
    with in_schema(client):
        return OutboundCall.objects.get()


def twilio_reports_the_call_back_ended(twilio, *, seconds=185, status="completed") -> None:
    twilio.answer(AGENT_LEG, 200, record("CAback1", "completed", seconds=seconds + 20, ended=ENDED))
    twilio.answer(
        CHILDREN,
        200,
        page(record("CAcust1", status, parent="CAback1", seconds=seconds, ended=ENDED)),
    )


def test_a_call_back_whose_end_was_lost_is_billed_once_when_twilio_says_it_ended(
    voice, agent, twilio, frozen, django_capture_on_commit_callbacks
):
    called_back(voice, agent, twilio)
    twilio_reports_the_call_back_ended(twilio)
    twilio.answer(CUSTOMER_LEG, 200, PRICE)
    frozen(LATER)

    with django_capture_on_commit_callbacks(execute=True):
        assert sweep(voice.client) == Reconciled(completed=1)

    outbound = outbound_of(voice.client)
    assert (outbound.customer_call_sid, outbound.status, outbound.talk_seconds) == (
        "CAcust1",
        "completed",
        185,
    )
    assert outbound.completed_at == ENDED  # Twilio's end, not the sweep's time
    assert ledger(voice.client) == [
        ("call_minutes", Decimal("185"), "", "callback", "CAcust1"),
        ("telephony_cost", Decimal("0.041"), "USD", "callback", "CAcust1"),
    ]
    (minutes,) = UsageEntry.objects.filter(client=voice.client, kind="call_minutes")
    assert (minutes.occurred_at, minutes.agent_id) == (ENDED - timedelta(seconds=185), agent.pk)
    asked = [path for _, path, _ in twilio.requests][1:]
    assert asked == [AGENT_LEG, CHILDREN, CUSTOMER_LEG]  # the agent's leg first, then its child

    # The next run: nothing is open, nothing is asked, nothing billed again.
    with django_capture_on_commit_callbacks(execute=True):
        assert sweep(voice.client, now=LATER + timedelta(minutes=5)) == Reconciled()
    assert len(twilio.requests) == 4
    assert len(ledger(voice.client)) == 2


def test_the_real_callback_arriving_after_the_sweep_changes_nothing(
    voice, agent, twilio, frozen, django_capture_on_commit_callbacks
):
    path = called_back(voice, agent, twilio)
    twilio_reports_the_call_back_ended(twilio)
    twilio.answer(CUSTOMER_LEG, 200, PRICE)
    frozen(LATER)
    with django_capture_on_commit_callbacks(execute=True):
        sweep(voice.client)

    frozen(LATER + timedelta(hours=2))  # our site is back; Twilio's callback finally arrives
    with django_capture_on_commit_callbacks(execute=True) as queued:
        assert leg_ended(path, "completed", 185, fired=format_datetime(ENDED)).status_code == 204
        assert leg_ended(path, "completed", 190).status_code == 204
    assert queued == []  # no second price fetch
    assert [row[:2] for row in ledger(voice.client)] == [
        ("call_minutes", Decimal("185")),
        ("telephony_cost", Decimal("0.041")),
    ]
    outbound = outbound_of(voice.client)
    assert (outbound.completed_at, outbound.talk_seconds) == (ENDED, 185)


def test_a_call_back_whose_callback_arrived_is_not_asked_about(voice, agent, twilio, frozen):
    path = called_back(voice, agent, twilio)
    frozen(ENDED)
    assert leg_ended(path, "completed", 60).status_code == 204
    frozen(LATER)

    assert sweep(voice.client) == Reconciled()
    assert len(twilio.requests) == 1  # only the call back's start
    assert [row[:2] for row in ledger(voice.client)] == [("call_minutes", Decimal("60"))]


@pytest.mark.parametrize(
    ("agent_leg", "children"),
    [
        ("in-progress", None),  # still talking: its child is not even asked for
        ("completed", "in-progress"),  # the customer's leg is ending this very moment
    ],
)
def test_a_call_back_still_going_at_twilio_is_left_for_the_next_run(
    voice, agent, twilio, frozen, agent_leg, children
):
    called_back(voice, agent, twilio)
    twilio.answer(AGENT_LEG, 200, record("CAback1", agent_leg, updated=ENDED))
    if children:
        twilio.answer(
            CHILDREN, 200, page(record("CAcust1", children, parent="CAback1", updated=ENDED))
        )
    frozen(LATER)

    assert sweep(voice.client) == Reconciled(left=1)
    asked = [path for _, path, _ in twilio.requests][1:]
    assert asked == ([AGENT_LEG, CHILDREN] if children else [AGENT_LEG])
    assert outbound_of(voice.client).completed_at is None
    assert ledger(voice.client) == []

    twilio_reports_the_call_back_ended(twilio, seconds=3600)  # an hour later, it has ended
    assert sweep(voice.client, now=LATER + timedelta(hours=1)) == Reconciled(completed=1)
    assert [row[:2] for row in ledger(voice.client)] == [("call_minutes", Decimal("3600"))]


@pytest.mark.parametrize("down", ["unreachable", 503, 429])
def test_when_twilio_cannot_be_asked_nothing_changes_and_the_next_run_asks_again(
    voice, agent, twilio, frozen, settings, down
):
    called_back(voice, agent, twilio)
    with in_schema(voice.client):  # an inbound call, also open: not asked once Twilio is down
        Call.objects.create(
            call_sid="CAin1",
            from_number=CALLER,
            to_number=CZ_NUMBER,
            language="cs",
            country="CZ",
            ringing_at=OPEN,
        )
    frozen(LATER)
    if down == "unreachable":
        settings.TWILIO_API_BASE_URL = "http://127.0.0.1:9"  # nothing listens there
    else:
        twilio.answer(AGENT_LEG, down, {"message": "try later"})

    assert sweep(voice.client) == Reconciled(left=1, unavailable=True)
    assert len(twilio.requests) == (1 if down == "unreachable" else 2)
    assert outbound_of(voice.client).completed_at is None
    assert ledger(voice.client) == []

    settings.TWILIO_API_BASE_URL = twilio.url
    twilio_reports_the_call_back_ended(twilio)
    twilio.answer(f"{ACCOUNT}/Calls/CAin1.json", 200, record("CAin1", "in-progress"))
    assert sweep(voice.client, now=LATER + timedelta(minutes=5)) == Reconciled(completed=1, left=1)
    assert [row[:2] for row in ledger(voice.client)] == [("call_minutes", Decimal("185"))]


@pytest.mark.parametrize("agent_leg", ["no-answer", "busy", "completed"])
def test_a_call_back_that_never_rang_the_customer_is_closed_billing_nothing(
    voice, agent, twilio, frozen, agent_leg, django_capture_on_commit_callbacks
):
    """The agent did not pick up (or hung up during the whisper): no <Dial>, no customer
    leg, and so no status callback would ever come."""
    called_back(voice, agent, twilio)
    agent_ended = OPEN + timedelta(seconds=25)
    twilio.answer(AGENT_LEG, 200, record("CAback1", agent_leg, updated=agent_ended))
    # A call of another parent, as if Twilio had ignored the filter: never taken as ours.
    twilio.answer(
        CHILDREN,
        200,
        page(record("CAother", "completed", parent="CAelse", seconds=99, ended=ENDED)),
    )
    frozen(LATER)

    with django_capture_on_commit_callbacks(execute=True) as queued:
        assert sweep(voice.client) == Reconciled(closed=1)
    assert queued == []  # no price to fetch
    outbound = outbound_of(voice.client)
    assert (outbound.status, outbound.customer_call_sid, outbound.talk_seconds) == (
        NOT_DIALLED,
        "",
        0,
    )
    assert (outbound.completed_at, outbound.answered_at) == (agent_ended, None)
    assert ledger(voice.client) == []


def test_a_customer_who_did_not_answer_the_call_back_is_billed_nothing(
    voice, agent, twilio, frozen, django_capture_on_commit_callbacks
):
    called_back(voice, agent, twilio)
    gave_up = OPEN + timedelta(seconds=55)
    twilio.answer(AGENT_LEG, 200, record("CAback1", "completed", seconds=58, ended=gave_up))
    # Twilio leaves end_time and duration empty for a leg nobody answered.
    twilio.answer(
        CHILDREN, 200, page(record("CAcust1", "no-answer", parent="CAback1", updated=gave_up))
    )
    frozen(LATER)

    with django_capture_on_commit_callbacks(execute=True) as queued:
        assert sweep(voice.client) == Reconciled(completed=1)
    assert queued == []
    outbound = outbound_of(voice.client)
    assert (outbound.status, outbound.customer_call_sid, outbound.completed_at) == (
        "no-answer",
        "CAcust1",
        gave_up,
    )
    assert ledger(voice.client) == []


def test_a_call_back_twilio_refused_is_closed_after_a_day_without_asking_twilio(
    voice, agent, twilio
):
    call = a_voicemail(voice)
    twilio.answer(f"{ACCOUNT}/Calls.json", 500, {"message": "timeout upstream"})
    with in_schema(voice.client), pytest.raises(ReturnCallError):
        return_call_start(client=voice.client, call_id=call.pk, agent=agent, now=OPEN)

    # Its status callback may still come (our request may have placed the call): wait.
    assert sweep(voice.client, now=OPEN + timedelta(hours=20)) == Reconciled()
    assert outbound_of(voice.client).completed_at is None

    assert sweep(voice.client, now=OPEN + timedelta(hours=25)) == Reconciled(closed=1)
    outbound = outbound_of(voice.client)
    assert (outbound.status, outbound.completed_at) == (NOT_DIALLED, OPEN)
    assert "HTTP 500" in outbound.error  # the refusal stays on the row
    assert len(twilio.requests) == 1  # only the refused start: nothing to ask about
    assert ledger(voice.client) == []


def test_an_agent_leg_twilio_does_not_know_is_closed_only_after_a_day(voice, agent, twilio):
    called_back(voice, agent, twilio)  # no answers queued: the fake says 404 to every GET

    assert sweep(voice.client, now=OPEN + timedelta(hours=2)) == Reconciled(left=1)
    assert outbound_of(voice.client).completed_at is None
    assert sweep(voice.client, now=OPEN + timedelta(hours=25)) == Reconciled(closed=1)
    outbound = outbound_of(voice.client)
    assert (outbound.status, outbound.completed_at) == (NOT_DIALLED, OPEN)
    assert ledger(voice.client) == []


def a_lost_call_back_of_client_b(voice, agent) -> None:
    with in_schema(voice.other):
        call = Call.objects.create(
            call_sid="CAb1",
            from_number="+48601234567",
            to_number="+48223334444",
            country="PL",
            language="pl",
            ringing_at=OPEN - timedelta(hours=1),
            completed_at=OPEN - timedelta(minutes=58),
            outcome="voicemail",
        )
        OutboundCall.objects.create(
            call=call, agent_id=agent.pk, started_at=OPEN, agent_call_sid="CAbackB"
        )


def test_a_clients_sweep_leaves_another_clients_calls_alone(voice, agent, twilio, frozen):
    called_back(voice, agent, twilio)
    a_lost_call_back_of_client_b(voice, agent)
    twilio_reports_the_call_back_ended(twilio)
    frozen(LATER)

    assert sweep(voice.client) == Reconciled(completed=1)
    assert "CAbackB" not in str(twilio.requests)
    assert outbound_of(voice.other).completed_at is None
    assert ledger(voice.other) == []


def test_beat_sweeps_every_client_in_its_own_schema(voice, agent, twilio, frozen):
    called_back(voice, agent, twilio)
    a_lost_call_back_of_client_b(voice, agent)
    twilio_reports_the_call_back_ended(twilio)
    twilio.answer(f"{ACCOUNT}/Calls/CAbackB.json", 200, record("CAbackB", "completed", ended=ENDED))
    twilio.answer(
        f"{ACCOUNT}/Calls.json?ParentCallSid=CAbackB",
        200,
        {
            "calls": [record("CAcustB", "completed", parent="CAbackB", seconds=70, ended=ENDED)],
        },
    )
    frozen(LATER)

    assert calls_reconcile_task.delay().get() >= 2
    assert ledger(voice.client) == [("call_minutes", Decimal("185"), "", "callback", "CAcust1")]
    assert ledger(voice.other) == [("call_minutes", Decimal("70"), "", "callback", "CAcustB")]
    (b_minutes,) = UsageEntry.objects.filter(client=voice.other)
    assert b_minutes.idempotency_key == f"callback:{voice.other.schema_name}:CAcustB"


def test_beat_asks_nobody_without_a_twilio_account(voice, agent, twilio, settings):
    settings.TWILIO_ACCOUNT_SID = ""  # the demo: no Twilio at all
    assert calls_reconcile_task.delay().get() == 0
    assert twilio.requests == []


# --- inbound calls -------------------------------------------------------------------------


def queued_call(voice, sid="CA1"):
    menu = voice.press(voice.call(sid), sid, "1")
    return voice.press(menu, sid, "1")


def test_an_inbound_call_whose_end_was_lost_is_completed_and_billed_once(
    voice, agent, twilio, frozen, django_capture_on_commit_callbacks
):
    with in_schema(voice.client):
        Call.objects.create(
            call_sid="CAin1",
            from_number=CALLER,
            to_number=CZ_NUMBER,
            country="CZ",
            language="cs",
            ringing_at=OPEN,
            menu_left_at=OPEN + timedelta(seconds=20),
            queued_at=OPEN + timedelta(seconds=20),
            answered_at=OPEN + timedelta(seconds=50),
            agent_id=agent.pk,
        )
    path = f"{ACCOUNT}/Calls/CAin1.json"
    twilio.answer(path, 200, record("CAin1", "completed", seconds=350, ended=ENDED))
    twilio.answer(
        path,
        200,
        {
            **record("CAin1", "completed", seconds=350, ended=ENDED),
            "price": "-0.01750",
            "price_unit": "EUR",
        },
    )
    frozen(LATER)

    with django_capture_on_commit_callbacks(execute=True):
        assert sweep(voice.client) == Reconciled(completed=1)
    with in_schema(voice.client):
        call = Call.objects.get()
    assert (call.outcome, call.completed_at, call.wait_seconds, call.talk_seconds) == (
        "answered",
        ENDED,
        30,
        250,  # answered 50 s in, ended at Twilio's end_time
    )
    assert ledger(voice.client) == [
        ("call_minutes", Decimal("250"), "", "call", "CAin1"),
        ("telephony_cost", Decimal("0.0175"), "EUR", "call", "CAin1"),
    ]

    # Twilio's status callback arrives at last: the call was finished once already.
    status = {"CallSid": "CAin1", "CallStatus": "completed", "To": CZ_NUMBER, "From": CALLER}
    with django_capture_on_commit_callbacks(execute=True) as queued_tasks:
        assert signed_post("/twilio/voice/status", status).status_code == 204
    assert queued_tasks == []
    with in_schema(voice.client):
        assert Call.objects.get().completed_at == ENDED
    assert len(ledger(voice.client)) == 2


def test_a_caller_who_hung_up_in_the_queue_unseen_leaves_it(voice, twilio, frozen):
    """Both the queue's exit and the status callback were lost: the work item would wait
    (and be offered to agents) for a caller long gone."""
    queued_call(voice)
    with in_schema(voice.client):
        item_id = Call.objects.get().work_item_id
    assert WorkItem.objects.get(pk=item_id).status == "waiting"
    twilio.answer(
        f"{ACCOUNT}/Calls/CA1.json",
        200,
        record("CA1", "completed", seconds=95, ended=OPEN + timedelta(seconds=95)),
    )
    frozen(LATER)

    assert sweep(voice.client) == Reconciled(completed=1)
    with in_schema(voice.client):
        call = Call.objects.get()
    assert (call.outcome, call.completed_at) == ("abandoned", OPEN + timedelta(seconds=95))
    assert WorkItem.objects.get(pk=item_id).status == "cancelled"
    assert ledger(voice.client) == []  # nobody answered: no minutes


def test_an_inbound_call_still_going_or_unknown_is_left_alone(voice, twilio, frozen):
    with in_schema(voice.client):
        for sid, rang in [
            ("CAlong", OPEN),
            ("CAsim", OPEN),
            ("CAnew", LATER),
            ("CAold", OPEN - timedelta(days=8)),
        ]:
            Call.objects.create(
                call_sid=sid,
                from_number=CALLER,
                to_number=CZ_NUMBER,
                language="cs",
                ringing_at=rang,
            )
    twilio.answer(f"{ACCOUNT}/Calls/CAlong.json", 200, record("CAlong", "in-progress"))
    frozen(LATER)

    # CAsim: Twilio has no such call (404); CAnew rang just now; CAold is past the window.
    assert sweep(voice.client) == Reconciled(left=2)
    assert sorted(path for _, path, _ in twilio.requests) == [
        f"{ACCOUNT}/Calls/CAlong.json",
        f"{ACCOUNT}/Calls/CAsim.json",
    ]
    with in_schema(voice.client):
        assert not Call.objects.filter(completed_at__isnull=False).exists()


def test_calls_twilio_answers_without_an_end_do_not_hold_newer_ones_back(
    voice, twilio, frozen, monkeypatch
):
    """Each run asks the least recently asked first: rows Twilio keeps answering about
    without an end go to the back of the line."""
    monkeypatch.setattr(reconcile, "RECONCILE_BATCH", 2)
    with in_schema(voice.client):
        for sid, rang in [
            ("CAstuck1", OPEN),
            ("CAstuck2", OPEN + timedelta(minutes=1)),
            ("CAlost", OPEN + timedelta(minutes=2)),
        ]:
            Call.objects.create(
                call_sid=sid,
                from_number=CALLER,
                to_number=CZ_NUMBER,
                language="cs",
                ringing_at=rang,
            )
    twilio.answer(
        f"{ACCOUNT}/Calls/CAlost.json", 200, record("CAlost", "completed", seconds=60, ended=ENDED)
    )
    frozen(LATER)

    assert sweep(voice.client) == Reconciled(left=2)  # the two oldest: unknown to Twilio
    assert sweep(voice.client, now=LATER + timedelta(minutes=5)) == Reconciled(completed=1, left=1)
    assert twilio.requests[2][1] == f"{ACCOUNT}/Calls/CAlost.json"  # first in the 2nd run
    with in_schema(voice.client):
        assert Call.objects.get(call_sid="CAlost").completed_at == ENDED
