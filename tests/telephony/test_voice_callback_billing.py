"""A call back's own outbound call is billed as an inbound call is: the customer's leg
reports its end on a signed webhook, its talk seconds reach the client's usage ledger once
(whatever Twilio repeats), its Twilio price is fetched and passed through, and the month's
invoice and live figures include both. A call back nobody answers bills nothing."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from email.utils import format_datetime
from xml.etree import ElementTree as ET  # our own TwiML: trusted

import pytest

from billing.models import ExchangeRate, UsageEntry
from billing.selectors import ratings_for_month
from billing.services import invoice_issue, price_plan_create
from telephony.tasks import return_call_price_fetch_task
from telephony.voice.models import Call, OutboundCall
from telephony.voice.services.return_calls import ReturnCallError, return_call_start
from tests.support.tenancy import in_schema
from tests.support.voice import CALLER, OPEN, SATURDAY, SK_NUMBER, signed_post

pytestmark = pytest.mark.django_db
ACCOUNT = "/2010-04-01/Accounts/AC123"
CALLS = f"{ACCOUNT}/Calls.json"
CUSTOMER_LEG = f"{ACCOUNT}/Calls/CAcust1.json"


def a_voicemail(voice, sid="CA1") -> Call:
    with in_schema(voice.client):
        return Call.objects.create(
            call_sid=sid,
            from_number=CALLER,
            to_number=SK_NUMBER,
            country="SK",
            language="sk",
            ringing_at=OPEN - timedelta(hours=1),
            completed_at=OPEN - timedelta(minutes=58),
            outcome="voicemail",
            # Priced by its own task long ago: the reconciliation sweep does not ask again.
            price=Decimal("0.01"),
            price_currency="USD",
        )


def called_back(voice, agent, twilio, *, now=OPEN, sid="CAback1") -> str:
    """Start a call back (the agent's leg is Twilio's `sid`); the path of the status
    callback that the customer's leg will report to."""
    call = a_voicemail(voice)
    twilio.answer(CALLS, 201, {"sid": sid})
    with in_schema(voice.client):
        return_call_start(client=voice.client, call_id=call.pk, agent=agent, now=now)
    twiml = ET.fromstring(twilio.requests[-1][2]["Twiml"])  # noqa: S314
    number = twiml.find("Dial/Number")
    assert number is not None and number.text == CALLER
    assert (number.get("statusCallbackEvent"), number.get("statusCallbackMethod")) == (
        "completed",
        "POST",
    )
    # Absolute: TwiML given inline has no address a relative URL could be resolved against.
    url = number.get("statusCallback")
    assert url.startswith("http://localhost:8000/twilio/voice/c/")
    return url.removeprefix("http://localhost:8000")


def leg_ended(path: str, status: str, seconds: int, *, sid="CAcust1", fired: str = "", **signing):
    """Twilio's status callback of the customer's leg (the <Number>), signed as Twilio signs;
    ``fired``: its Timestamp."""
    params = {
        "CallSid": sid,
        "ParentCallSid": "CAback1",
        "CallStatus": status,
        "CallDuration": str(seconds),
        "From": SK_NUMBER,
        "To": CALLER,
        "Direction": "outbound-dial",
    }
    if fired:
        params["Timestamp"] = fired
    return signed_post(path, params, **signing)


def ledger(client) -> list[tuple]:
    return sorted(
        (e.kind, e.quantity, e.currency, e.source_kind, e.source_ref)
        for e in UsageEntry.objects.filter(client=client)
    )


def test_a_call_back_the_customer_answered_is_billed_once_minutes_and_cost(
    voice, agent, twilio, frozen, django_capture_on_commit_callbacks
):
    path = called_back(voice, agent, twilio)
    twilio.answer(CUSTOMER_LEG, 404, {"message": "not yet"})  # Twilio prices it later
    twilio.answer(CUSTOMER_LEG, 200, {"sid": "CAcust1", "price": "-0.04100", "price_unit": "USD"})
    ended = OPEN + timedelta(minutes=5)
    frozen(ended)

    with django_capture_on_commit_callbacks(execute=True):
        assert leg_ended(path, "completed", 185).status_code == 204
    # Twilio repeats the webhook (even with another duration): nothing is billed twice.
    with django_capture_on_commit_callbacks(execute=True) as repeated:
        assert leg_ended(path, "completed", 185).status_code == 204
        assert leg_ended(path, "completed", 200).status_code == 204
    assert repeated == []  # and no second price fetch is queued

    (minutes,) = UsageEntry.objects.filter(client=voice.client, kind="call_minutes")
    assert (minutes.quantity, minutes.agent_id, minutes.language, minutes.channel) == (
        185,
        agent.pk,
        "sk",
        "call",
    )
    assert minutes.occurred_at == ended - timedelta(seconds=185)  # when the customer answered
    assert not minutes.out_of_hours
    assert ledger(voice.client) == [
        ("call_minutes", Decimal("185"), "", "callback", "CAcust1"),
        ("telephony_cost", Decimal("0.041"), "USD", "callback", "CAcust1"),
    ]
    # The price task run again (a retry, a second worker): still one cost.
    with in_schema(voice.client):
        outbound = OutboundCall.objects.get()
        return_call_price_fetch_task.apply(args=[outbound.pk])
    assert len(ledger(voice.client)) == 2
    assert [p for _, p, _ in twilio.requests] == [CALLS, CUSTOMER_LEG, CUSTOMER_LEG]
    assert (outbound.agent_call_sid, outbound.customer_call_sid, outbound.status) == (
        "CAback1",
        "CAcust1",
        "completed",
    )
    assert (outbound.talk_seconds, outbound.price, outbound.price_currency) == (
        185,
        Decimal("0.041"),
        "USD",
    )


@pytest.mark.parametrize("status", ["no-answer", "busy", "failed", "canceled"])
def test_a_call_back_the_customer_does_not_answer_bills_nothing(
    voice, agent, twilio, status, django_capture_on_commit_callbacks
):
    path = called_back(voice, agent, twilio)
    with django_capture_on_commit_callbacks(execute=True):
        assert leg_ended(path, status, 0).status_code == 204
        assert leg_ended(path, status, 0).status_code == 204
    assert ledger(voice.client) == []
    assert [p for _, p, _ in twilio.requests] == [CALLS]  # Twilio charges no price: none asked
    with in_schema(voice.client):
        outbound = OutboundCall.objects.get()
    assert (outbound.status, outbound.talk_seconds, outbound.answered_at) == (status, 0, None)


def test_the_end_of_a_call_back_must_be_signed_and_be_the_clients_own(voice, agent, twilio):
    path = called_back(voice, agent, twilio)
    assert leg_ended(path, "completed", 60, token="not-our-token").status_code == 403
    assert leg_ended(path, "completed", 60, url="http://elsewhere" + path).status_code == 403
    # Client B's URL for client A's call back: no such call back there.
    other = path.replace(f"/c/{voice.client.pk}/", f"/c/{voice.other.pk}/")
    assert leg_ended(other, "completed", 60).status_code == 404
    assert leg_ended(path.split("?")[0], "completed", 60).status_code == 404
    assert ledger(voice.client) == [] and ledger(voice.other) == []
    assert leg_ended(path, "completed", 60).status_code == 204
    assert [row[0] for row in ledger(voice.client)] == ["call_minutes"]


def test_a_call_back_answered_while_the_client_is_closed_is_out_of_hours(
    voice, agent, twilio, frozen
):
    path = called_back(voice, agent, twilio, now=SATURDAY)
    frozen(SATURDAY + timedelta(minutes=3))
    leg_ended(path, "completed", 90)
    (minutes,) = UsageEntry.objects.filter(client=voice.client, kind="call_minutes")
    assert minutes.out_of_hours


def test_a_late_end_of_a_call_back_is_billed_when_twilio_says_it_ended(
    voice, agent, twilio, frozen
):
    path = called_back(voice, agent, twilio, now=SATURDAY)
    ended = SATURDAY + timedelta(minutes=3)
    frozen(ended + timedelta(days=2, hours=1))  # Monday, open: the callback came late
    assert leg_ended(path, "completed", 90, fired=format_datetime(ended)).status_code == 204
    (minutes,) = UsageEntry.objects.filter(client=voice.client, kind="call_minutes")
    assert (minutes.occurred_at, minutes.out_of_hours) == (ended - timedelta(seconds=90), True)
    with in_schema(voice.client):
        assert OutboundCall.objects.get().completed_at == ended


@pytest.mark.parametrize("fired", ["yesterday-ish", format_datetime(OPEN + timedelta(hours=2))])
def test_an_unreadable_or_future_end_time_counts_from_the_arrival(
    voice, agent, twilio, frozen, fired
):
    path = called_back(voice, agent, twilio)
    arrived = OPEN + timedelta(minutes=5)
    frozen(arrived)
    assert leg_ended(path, "completed", 60, fired=fired).status_code == 204
    with in_schema(voice.client):
        assert OutboundCall.objects.get().completed_at == arrived


def test_a_call_back_whose_start_timed_out_here_is_still_billed_if_twilio_placed_it(
    voice, agent, twilio
):
    call = a_voicemail(voice)
    twilio.answer(CALLS, 500, {"message": "timeout upstream"})
    with in_schema(voice.client), pytest.raises(ReturnCallError):
        return_call_start(client=voice.client, call_id=call.pk, agent=agent, now=OPEN)
    with in_schema(voice.client):
        outbound = OutboundCall.objects.get()
    assert outbound.agent_call_sid == "" and "HTTP 500" in outbound.error
    twiml = ET.fromstring(twilio.requests[0][2]["Twiml"])  # noqa: S314
    url = twiml.find("Dial/Number").get("statusCallback")
    assert leg_ended(url.removeprefix("http://localhost:8000"), "completed", 42).status_code == 204
    assert [row[:2] for row in ledger(voice.client)] == [("call_minutes", Decimal("42"))]


def test_the_months_invoice_and_live_figures_include_the_call_back(
    voice, agent, twilio, frozen, django_capture_on_commit_callbacks
):
    price_plan_create(
        client=voice.client,
        valid_from=date(2026, 1, 1),
        price_per_call_minute=Decimal("12"),
        call_minute_rounding="started_minute",
        telephony_margin_percent=Decimal("10"),
    )
    ExchangeRate.objects.create(
        from_currency="USD", to_currency="CZK", valid_on=date(2026, 11, 30), rate=Decimal("23")
    )
    path = called_back(voice, agent, twilio)
    twilio.answer(CUSTOMER_LEG, 200, {"sid": "CAcust1", "price": "-0.04100", "price_unit": "USD"})
    frozen(OPEN + timedelta(minutes=5))
    with django_capture_on_commit_callbacks(execute=True):
        leg_ended(path, "completed", 185)  # 3 min 5 s: 4 started minutes

    december = date(2026, 12, 1)
    (live,) = ratings_for_month(month=december, clients=[voice.client])
    # 4 minutes at 12 CZK; 0.041 USD at 23 = 0.943 CZK passed through, and its 10 %.
    assert live.rating.cost_by_language["sk"] == Decimal("0.943")
    assert live.rating.revenue_by_language["sk"] == Decimal("48") + Decimal("0.943") * Decimal(
        "1.1"
    )
    invoice = invoice_issue(
        client=voice.client, month=december, now=datetime(2027, 1, 2, tzinfo=UTC)
    ).invoice
    lines = {line.kind: (line.quantity, line.amount) for line in invoice.lines.all()}
    assert lines == {
        "call_minutes": (Decimal("4"), Decimal("48.00")),
        "telephony": (Decimal("0.943"), Decimal("0.94")),
        "telephony_margin": (Decimal("0.943"), Decimal("0.09")),
    }
    assert invoice.total == Decimal("49.03")
