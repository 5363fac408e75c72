"""The sweep and a late status callback at the same moment, on two connections, against
real PostgreSQL: whoever locks the call back second changes nothing."""

import threading
import time
from decimal import Decimal

from django.db import connection, transaction

from telephony.voice.models import Call, OutboundCall
from telephony.voice.services.legs import return_call_status
from telephony.voice.services.reconcile import Reconciled, calls_reconcile
from tests.support.billing import billing_tables_truncate
from tests.support.tenancy import in_schema
from tests.support.voice import CALLER, OPEN, SK_NUMBER
from tests.telephony.test_calls_reconcile import (
    AGENT_LEG,
    CHILDREN,
    CUSTOMER_LEG,
    ENDED,
    LATER,
    PRICE,
    page,
    record,
)
from tests.telephony.test_voice_callback_billing import ledger


def someone_waits_for_a_lock(seconds: float = 10) -> bool:
    deadline = time.monotonic() + seconds
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute("SELECT count(*) FROM pg_locks WHERE NOT granted")
            if cursor.fetchone()[0]:
                return True
            time.sleep(0.02)
    return False


def test_a_sweep_meeting_the_late_callback_on_the_row_bills_once(
    two_clients, django_db_blocker, twilio
):
    client = two_clients.a
    with django_db_blocker.unblock():
        with in_schema(client):
            call = Call.objects.create(
                call_sid="CArace",
                from_number=CALLER,
                to_number=SK_NUMBER,
                language="sk",
                country="SK",
                ringing_at=OPEN,
                completed_at=OPEN,
            )
            outbound = OutboundCall.objects.create(
                call=call, started_at=OPEN, agent_call_sid="CAback1"
            )
        twilio.answer(AGENT_LEG, 200, record("CAback1", "completed", seconds=200, ended=ENDED))
        twilio.answer(
            CHILDREN,
            200,
            page(record("CAcust1", "completed", parent="CAback1", seconds=185, ended=ENDED)),
        )
        twilio.answer(CUSTOMER_LEG, 200, PRICE)  # for the callback's price fetch
        swept, errors = [], []

        def sweep() -> None:
            try:
                with in_schema(client):
                    swept.append(calls_reconcile(client=client, now=LATER))
            except BaseException as error:  # reported below, in the main thread
                errors.append(error)
            finally:
                connection.close()

        sweeper = threading.Thread(target=sweep)
        try:
            with in_schema(client):
                with transaction.atomic():  # the late callback, holding the row's lock
                    return_call_status(
                        client=client,
                        outbound_id=outbound.pk,
                        customer_call_sid="CAcust1",
                        status="completed",
                        talk_seconds=190,
                        now=ENDED,
                    )
                    sweeper.start()
                    assert someone_waits_for_a_lock()  # the sweep, on the call back's row
                sweeper.join(timeout=30)
                assert errors == []
                assert swept == [Reconciled()]  # found it completed: nothing to do
                outbound.refresh_from_db()
                assert (outbound.talk_seconds, outbound.customer_call_sid) == (190, "CAcust1")
            # Other tests may have committed the client's ledger rows: only this leg's count.
            assert [row[:2] for row in ledger(client) if row[4] == "CAcust1"] == [
                ("call_minutes", 190),
                ("telephony_cost", Decimal("0.041")),
            ]
        finally:
            sweeper.join(timeout=30)
            with in_schema(client):
                OutboundCall.objects.all().delete()
                Call.objects.all().delete()
            billing_tables_truncate()
