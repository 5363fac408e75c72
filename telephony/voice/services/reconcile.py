"""Ends that never arrived: asking Twilio about calls and return calls whose status
webhook was lost, and about finished ones still without a price."""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import F
from django.utils import timezone

from telephony.twilio_api import (
    CallLeg,
    TwilioApiError,
    TwilioUnavailable,
    call_children,
    call_fetch,
)
from telephony.voice.models import Call, OutboundCall
from telephony.voice.services.legs import (
    INBOUND_LEG,
    RETURN_CALL_LEG,
    BillableLeg,
    call_complete,
    leg_finish,
    leg_is_final,
    leg_price_fetch,
    return_call_complete,
)
from telephony.voice.services.steps import schema_check
from tenants.models import Client

logger = logging.getLogger(__name__)


# Twilio posts a status webhook seconds after the call ends; a site restarting for a
# deploy, or a short outage, delays it by a few minutes more. Before this, asking Twilio
# would mostly find calls still going (and spend REST requests on them).
RECONCILE_AFTER = timedelta(minutes=15)
# A return call Twilio refused (no agent leg sid) may still have been placed when only our
# request timed out, and then its status webhook bills it; a day later none will come.
# The same wait before believing Twilio's 404 for an agent leg: a new call is not
# visible to its REST API at once.
RETURN_CALL_GIVE_UP_AFTER = timedelta(days=1)
# Twilio has long ended any call by then: an open row older than this is one Twilio does
# not know (records deleted, a simulated call kept) or an outage for a person to look at,
# and asking about it every run would only spend requests.
RECONCILE_WINDOW = timedelta(days=7)
# Rows per table and run, oldest first: a backlog (after an outage) drains over a few runs
# instead of holding one worker for its length.
RECONCILE_BATCH = 100
# A finished call's price is fetched by a retrying task (queued when it ends); one still
# without a price this long after (its task could not be queued: the broker was down) is
# asked for by the sweep.
PRICE_RECONCILE_AFTER = timedelta(hours=1)
# A return call whose customer was never rung: the agent's leg ended before its <Dial> (the
# agent did not pick up, or hung up during the whisper), or Twilio never placed it.
NOT_DIALLED = "not-dialled"


@dataclass
class Reconciled:
    """What one sweep of a client did."""

    completed: int = 0  # ended as Twilio reports (billed as their status webhook would have)
    closed: int = 0  # return calls whose customer was never rung: nothing billed
    left: int = 0  # still going at Twilio, not known there yet, or a Twilio error
    unavailable: bool = False  # Twilio unreachable: the rest waits for the next run
    priced: int = 0  # finished calls whose price task never ran (a broker down), priced now


def calls_reconcile(*, client: Client, now: datetime | None = None) -> Reconciled:
    """Finish the client's calls and return calls whose end never reached us (a status
    callback lost to an outage), from what Twilio's REST API reports: through
    call_complete and return_call_complete, under the row's lock, so the ledger keys are
    the status webhook's and whichever comes second (the sweep or a late one) changes
    nothing. Twilio is asked without holding a lock. Calls still going are left for the
    next run, and so is everything once Twilio is unreachable."""
    schema_check(client)
    now = now or timezone.now()
    done = Reconciled()
    refused = (
        OutboundCall.objects.filter(
            completed_at__isnull=True,
            agent_call_sid="",
            started_at__lt=now - RETURN_CALL_GIVE_UP_AFTER,
        )
        .order_by("started_at")
        .values_list("pk", flat=True)[:RECONCILE_BATCH]
    )
    for outbound_id in refused:
        done.closed += _return_call_finish(
            client=client, outbound_id=outbound_id, leg=None, ended_at=None
        )
    window = (now - RECONCILE_WINDOW, now - RECONCILE_AFTER)
    least_recently_asked = F("reconcile_asked_at").asc(nulls_first=True)
    return_calls = (
        OutboundCall.objects.filter(completed_at__isnull=True, started_at__range=window)
        .exclude(agent_call_sid="")
        .order_by(least_recently_asked, "started_at")
        .values_list("pk", "agent_call_sid", "started_at")
    )
    calls = (
        Call.objects.filter(completed_at__isnull=True, ringing_at__range=window)
        .order_by(least_recently_asked, "ringing_at")
        .values_list("pk", "call_sid")
    )
    # Read before this run completes any call (those get their own price task).
    priced_window = (now - RECONCILE_WINDOW, now - PRICE_RECONCILE_AFTER)
    unpriced = _unpriced(INBOUND_LEG, priced_window)
    unpriced_return = _unpriced(RETURN_CALL_LEG, priced_window)
    asked_return, asked = [], []
    try:
        for outbound_id, agent_sid, started_at in return_calls[:RECONCILE_BATCH]:
            asked_return.append(outbound_id)
            _return_call_reconcile(
                client=client,
                outbound_id=outbound_id,
                agent_sid=agent_sid,
                given_up=started_at < now - RETURN_CALL_GIVE_UP_AFTER,
                now=now,
                done=done,
            )
        for call_id, call_sid in calls[:RECONCILE_BATCH]:
            asked.append(call_id)
            _call_reconcile(client=client, call_id=call_id, call_sid=call_sid, now=now, done=done)
        for call_id in unpriced:
            asked.append(call_id)
            done.priced += _price_reconcile(INBOUND_LEG, pk=call_id)
        for outbound_id in unpriced_return:
            asked_return.append(outbound_id)
            done.priced += _price_reconcile(RETURN_CALL_LEG, pk=outbound_id)
    except TwilioUnavailable as error:
        done.unavailable = True
        logger.warning("Calls of %s not reconciled this time: %s", client.slug, error)
    finally:  # to the back of the line, those still open
        OutboundCall.objects.filter(pk__in=asked_return).update(reconcile_asked_at=now)
        Call.objects.filter(pk__in=asked).update(reconcile_asked_at=now)
    return done


def _unpriced(leg: BillableLeg, window: tuple[datetime, datetime]) -> list[int]:
    """Legs completed in the window that still have no price (and a CallSid to ask for),
    the least recently asked first."""
    return list(
        leg.model.objects.filter(completed_at__range=window, price__isnull=True)
        .exclude(**{leg.sid_field: ""})
        .order_by(F("reconcile_asked_at").asc(nulls_first=True), "completed_at")
        .values_list("pk", flat=True)[:RECONCILE_BATCH]
    )


def _price_reconcile(leg: BillableLeg, *, pk: int) -> int:
    """1 when the finished call (or return call) got its price now; Twilio's other errors
    leave it for the next run."""
    try:
        return int(bool(leg_price_fetch(leg, pk=pk)))
    except TwilioUnavailable:
        raise
    except TwilioApiError as error:
        logger.warning("No price for %s %s yet: %s", leg.model.__name__, pk, error)
        return 0


def _ended(leg: CallLeg, now: datetime) -> datetime:
    """When Twilio says the leg ended; never later than now (clocks differ a little)."""
    return min(leg.ended_at or now, now)


def _return_call_reconcile(
    *,
    client: Client,
    outbound_id: int,
    agent_sid: str,
    given_up: bool,
    now: datetime,
    done: Reconciled,
) -> None:
    """A return call whose customer leg never reported its end. The agent's leg is asked
    first: its <Dial> is its last verb, so once it has ended, its children are all there
    (a child asked for first could appear a moment later, and be lost)."""
    try:
        agent_leg = call_fetch(call_sid=agent_sid)
        if agent_leg is None:  # not visible yet; a day on, Twilio never had it
            if not given_up:
                done.left += 1
                return
            children = []
        elif not leg_is_final(agent_leg.status):
            done.left += 1
            return
        else:
            children = call_children(parent_sid=agent_sid)
    except TwilioUnavailable:
        done.left += 1
        raise
    except TwilioApiError as error:
        logger.warning("Return call %s not reconciled: %s", outbound_id, error)
        done.left += 1
        return
    if any(not leg_is_final(child.status) for child in children):
        done.left += 1  # the customer's leg is ending right now: the next run
        return
    if not children:  # the customer was never rung
        ended_at = _ended(agent_leg, now) if agent_leg is not None else None
        done.closed += _return_call_finish(
            client=client, outbound_id=outbound_id, leg=None, ended_at=ended_at
        )
        return
    # One <Number>, one child; were there more, the answered one is the one to bill.
    leg = next((child for child in children if child.status == "completed"), children[0])
    if _return_call_finish(
        client=client, outbound_id=outbound_id, leg=leg, ended_at=_ended(leg, now)
    ):
        done.completed += 1
        logger.warning(
            "Return call %s ended %s without its status webhook: completed from "
            "Twilio's record of %s",
            outbound_id,
            leg.status,
            leg.sid,
        )


def _return_call_finish(
    *, client: Client, outbound_id: int, leg: CallLeg | None, ended_at: datetime | None
) -> bool:
    """Complete a return call from Twilio's record of its customer leg, or close one whose
    customer was never rung (``leg`` None; ended when its agent's leg did, else when it
    was started). The row's lock and return_call_complete's once-guard, as for the status
    callback."""

    def complete(outbound: OutboundCall) -> bool:
        if leg is None:
            return return_call_complete(
                client=client,
                outbound=outbound,
                customer_call_sid="",
                status=NOT_DIALLED,
                talk_seconds=0,
                now=ended_at or outbound.started_at,
            )
        assert ended_at is not None  # a leg's end: _ended gave it
        return return_call_complete(
            client=client,
            outbound=outbound,
            customer_call_sid=leg.sid,
            status=leg.status,
            talk_seconds=leg.seconds,
            now=ended_at,
        )

    return leg_finish(RETURN_CALL_LEG, pk=outbound_id, complete=complete)


def _call_reconcile(
    *, client: Client, call_id: int, call_sid: str, now: datetime, done: Reconciled
) -> None:
    """An inbound call whose status webhook never came: completed as that webhook would
    have done it, at the end Twilio reports."""
    try:
        leg = call_fetch(call_sid=call_sid)
    except TwilioUnavailable:
        done.left += 1
        raise
    except TwilioApiError as error:
        logger.warning("Call %s not reconciled: %s", call_sid, error)
        done.left += 1
        return
    if leg is None or not leg_is_final(leg.status):
        done.left += 1
        return
    ended_at = _ended(leg, now)

    def complete(call: Call) -> bool:
        return call_complete(client=client, call=call, status=leg.status, now=ended_at)

    if not leg_finish(INBOUND_LEG, pk=call_id, complete=complete):
        return
    done.completed += 1
    logger.warning(
        "Call %s ended %s without its status webhook: completed from Twilio's record",
        call_sid,
        leg.status,
    )
