"""A call ends while the broker is unreachable: Twilio's status callback is still answered
(a 500 would make Twilio retry into a completed call, and the price would never be asked
for), and the reconciliation sweep fetches the price the task could not."""

from datetime import timedelta
from decimal import Decimal

import pytest

from billing.models import UsageEntry
from telephony.voice.models import Call
from telephony.voice.services.reconcile import Reconciled, calls_reconcile
from tests.support.tenancy import in_schema
from tests.support.voice import CALLER, CZ_NUMBER, OPEN, signed_post

pytestmark = pytest.mark.django_db
CALL = "/2010-04-01/Accounts/AC123/Calls/CA1.json"


def test_a_call_ended_while_the_broker_is_down_gets_its_price_from_the_sweep(
    voice,
    twilio,
    frozen,
    broker_down,
    django_capture_on_commit_callbacks,
):
    voice.call("CA1")
    status = {"CallSid": "CA1", "CallStatus": "completed", "To": CZ_NUMBER, "From": CALLER}
    with django_capture_on_commit_callbacks(execute=True):  # the price task: not queued
        assert signed_post("/twilio/voice/status", status).status_code == 204
    with in_schema(voice.client):
        call = Call.objects.get(call_sid="CA1")
    assert call.completed_at is not None and call.price is None

    twilio.answer(
        CALL, 200, {"sid": "CA1", "status": "completed", "price": "-0.01300", "price_unit": "USD"}
    )
    with in_schema(voice.client):
        # Within the hour the price task would still be retrying: the sweep leaves it.
        assert calls_reconcile(client=voice.client, now=OPEN + timedelta(minutes=30)) == (
            Reconciled()
        )
        done = calls_reconcile(client=voice.client, now=OPEN + timedelta(hours=2))
        call.refresh_from_db()
    assert done == Reconciled(priced=1)
    assert (call.price, call.price_currency) == (Decimal("0.01300"), "USD")
    cost = UsageEntry.objects.get(client=voice.client, kind="telephony_cost", source_ref="CA1")
    assert cost.quantity == Decimal("0.013")
    with in_schema(voice.client):  # asked once: priced, nothing more to ask
        assert calls_reconcile(client=voice.client, now=OPEN + timedelta(hours=3)) == (Reconciled())
    assert [path for _, path, _ in twilio.requests] == [CALL]
