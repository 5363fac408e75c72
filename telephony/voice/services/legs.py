"""Billable legs: an inbound call, and the customer's leg of a return call. One lifecycle for
both: a final status (from the status webhook, or from the sweep when that was lost)
completes the leg once, under its row's lock; its minutes go to the client's usage ledger
in the same transaction; its price is fetched from Twilio later, by a retrying task, and
passed through to the ledger (both or neither). Only what completing means differs: an
inbound call gets an outcome and durations and leaves the queue; a return call's customer
leg gets Twilio's status and talk seconds."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from operator import attrgetter
from typing import Any, cast

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from billing.services import usage_record_call, usage_record_telephony_cost
from core.events import webhook_event_emit
from core.tasks import task_enqueue_on_commit
from routing.models import WorkItem
from routing.services import item_close
from telephony.twilio_api import call_price
from telephony.voice.models import Call, OutboundCall
from telephony.voice.services.queue import call_work_cancel
from telephony.voice.services.steps import on_call, schema_check
from tenants.current import schema_name_current
from tenants.models import Client
from webhooks.payloads import call_data

FINAL_STATUSES = {"completed", "busy", "failed", "no-answer", "canceled"}


@dataclass(frozen=True)
class BillableLeg:
    """What tells one kind of billable leg from the other; the lifecycle is shared."""

    model: type[Call] | type[OutboundCall]
    source_kind: str  # the source of its usage ledger entries (and of their keys)
    sid_field: str  # the CallSid Twilio bills, and prices
    related: tuple[str, ...]  # read with the locked row
    price_task: str  # its price task, in telephony.tasks
    call_of: Callable[[Call | OutboundCall], Call]  # the inbound call: language, country

    def sid(self, row: Call | OutboundCall) -> str:
        sid: str = getattr(row, self.sid_field)
        return sid

    def locked(self) -> QuerySet[Any]:
        """Its rows, each locked as it is read (in a transaction)."""
        rows = self.model.objects.select_for_update(of=("self",))
        return rows.select_related(*self.related) if self.related else rows


INBOUND_LEG = BillableLeg(
    model=Call,
    source_kind="call",
    sid_field="call_sid",
    related=(),
    price_task="call_price_fetch_task",
    call_of=lambda call: cast(Call, call),  # the inbound leg is the call itself
)
RETURN_CALL_LEG = BillableLeg(
    model=OutboundCall,
    source_kind="callback",  # stored in the ledger and its keys: the old word stays
    sid_field="customer_call_sid",
    related=("call",),
    price_task="return_call_price_fetch_task",
    call_of=attrgetter("call"),
)


def leg_is_final(status: str) -> bool:
    """Twilio's status says the leg has ended."""
    return status in FINAL_STATUSES


def _leg_bill(
    leg: BillableLeg,
    *,
    client: Client,
    row: Call | OutboundCall,
    talk_seconds: int | None,
    answered_at: datetime | None,
    agent: int | None,
    priced: bool,
) -> None:
    """A completed leg's minutes, written once to the client's usage ledger (in the
    completing transaction), and, when Twilio charges for it, its price fetched later."""
    call = leg.call_of(row)
    usage_record_call(
        client=client,
        call_sid=leg.sid(row),
        talk_seconds=talk_seconds,
        answered_at=answered_at,
        language=call.language,
        country=call.country,
        agent=agent,
        source_kind=leg.source_kind,
    )
    if priced:
        # Cycle: telephony.tasks imports this module (its price tasks call leg_price_fetch).
        from telephony import tasks

        task_enqueue_on_commit(getattr(tasks, leg.price_task), args=[row.pk])


@transaction.atomic
def leg_finish(leg: BillableLeg, *, pk: int, complete: Callable[..., bool]) -> bool:
    """Complete a leg the status webhook did not (the sweep), under the row's lock as that
    webhook does: ``complete(row)``; False when there is no such row or it was already
    completed (whichever comes second changes nothing)."""
    row = leg.locked().filter(pk=pk).first()
    return row is not None and complete(row)


def leg_price_fetch(leg: BillableLeg, *, pk: int) -> bool:
    """Store Twilio's price of a completed leg and pass it through to the client's usage
    ledger (both or neither); False while Twilio has none yet. Twilio is asked without
    holding the row's lock; the price is written only if nobody wrote it meanwhile."""
    row = leg.model.objects.filter(pk=pk).first()
    if row is None or row.price is not None or not leg.sid(row):
        return True  # nothing (more) to fetch
    price = call_price(call_sid=leg.sid(row))
    if price is None:
        return False
    with transaction.atomic():
        row = leg.locked().get(pk=pk)
        if row.price is not None:
            return True
        row.price, row.price_currency = price.amount, price.currency
        row.save(update_fields=["price", "price_currency"])
        usage_record_telephony_cost(
            client=Client.objects.get(schema_name=schema_name_current()),
            call_sid=leg.sid(row),
            amount=price.amount,
            currency=price.currency,
            occurred_at=row.completed_at or timezone.now(),
            language=leg.call_of(row).language,
            source_kind=leg.source_kind,
        )
    return True


# --- an inbound call -----------------------------------------------------------------------


@on_call(locked=True)
def call_status(*, client: Client, call: Call, status: str, now: datetime | None = None) -> Call:
    """Twilio's status webhook; a final status completes the call (once)."""
    if leg_is_final(status):
        call_complete(client=client, call=call, status=status, now=now or timezone.now())
    return call


def _seconds(start: datetime | None, end: datetime | None) -> int | None:
    if start is None or end is None:
        return None
    return max(0, round((end - start).total_seconds()))


def call_complete(*, client: Client, call: Call, status: str, now: datetime) -> bool:
    """The call ended: outcome, durations, the queue item closed, the price fetched later.

    The single place a call is finished (the caller holds its lock); returns False when it
    was already finished (a retried status webhook). Billing hooks here.
    """
    if call.completed_at:
        return False
    call.completed_at = now
    if status in ("failed", "busy", "no-answer") and call.outcome == Call.Outcome.IN_PROGRESS:
        call.outcome = Call.Outcome.FAILED
    elif call.outcome == Call.Outcome.IN_PROGRESS:
        if call.answered_at:
            call.outcome = Call.Outcome.ANSWERED
        elif call.queued_at:
            call.outcome = Call.Outcome.ABANDONED
        else:
            call.outcome = Call.Outcome.IVR_HANGUP
    menu_end = call.menu_left_at or now
    call.ivr_seconds = _seconds(call.ringing_at, menu_end)
    if call.queued_at:
        call.queue_left_at = call.queue_left_at or call.answered_at or now
        call.wait_seconds = _seconds(call.queued_at, call.queue_left_at)
    if call.answered_at:
        call.talk_seconds = _seconds(call.answered_at, call.talk_ended_at or now)
    if call.work_item_id and call.agent_id:  # the agent's call is done, not cancelled
        item = (
            WorkItem.objects.select_related("agent")
            .filter(pk=call.work_item_id, status="assigned")
            .first()
        )
        if item is not None and item.agent_id == call.agent_id:
            assert item.agent is not None  # assigned: it has its agent
            item_close(item_id=item.pk, agent=item.agent, now=now)
    call_work_cancel(client, call, now=now)
    call.save()
    webhook_event_emit(client, "call.completed", call_data(call))
    # Twilio prices every inbound call, answered or not.
    _leg_bill(
        INBOUND_LEG,
        client=client,
        row=call,
        talk_seconds=call.talk_seconds,
        answered_at=call.answered_at,
        agent=call.agent_id,
        priced=True,
    )
    return True


def call_price_fetch(*, call_id: int) -> bool:
    """Store Twilio's price of a finished call (leg_price_fetch)."""
    return leg_price_fetch(INBOUND_LEG, pk=call_id)


# --- a return call's customer leg ------------------------------------------------------------


@transaction.atomic
def return_call_status(
    *,
    client: Client,
    outbound_id: int,
    customer_call_sid: str,
    status: str,
    talk_seconds: int | None,
    now: datetime | None = None,
) -> OutboundCall | None:
    """The status webhook of a return call's customer leg (the <Number> we dialled); a final
    status completes it, once. None: the client has no such return call (the webhook's 404)."""
    schema_check(client)
    outbound: OutboundCall | None = RETURN_CALL_LEG.locked().filter(pk=outbound_id).first()
    if outbound is None:
        return None
    if leg_is_final(status):
        return_call_complete(
            client=client,
            outbound=outbound,
            customer_call_sid=customer_call_sid,
            status=status,
            talk_seconds=talk_seconds,
            now=now or timezone.now(),
        )
    return outbound


def return_call_complete(
    *,
    client: Client,
    outbound: OutboundCall,
    customer_call_sid: str,
    status: str,
    talk_seconds: int | None,
    now: datetime,
) -> bool:
    """The customer's leg of a return call ended: its status and talk seconds, the minutes
    written once to the client's usage ledger, the price fetched later. The caller holds
    the row's lock; False when it was already completed (Twilio retried).

    Only a leg the customer answered is billed: Twilio charges nothing for an outbound leg
    that was busy, not answered, failed or cancelled, and there was no conversation.
    """
    if outbound.completed_at:
        return False
    answered = status == "completed"
    seconds = max(0, talk_seconds or 0) if answered else 0
    outbound.customer_call_sid = customer_call_sid
    outbound.status, outbound.completed_at, outbound.talk_seconds = status, now, seconds
    # Twilio tells the leg's duration at its end; the answer was that long before.
    outbound.answered_at = now - timedelta(seconds=seconds) if answered else None
    outbound.save()
    _leg_bill(
        RETURN_CALL_LEG,
        client=client,
        row=outbound,
        talk_seconds=seconds,
        answered_at=outbound.answered_at,
        agent=outbound.agent_id,
        priced=answered,
    )
    return True


def return_call_price_fetch(*, outbound_id: int) -> bool:
    """Store Twilio's price of a return call's customer leg (leg_price_fetch); nothing to
    fetch before the leg has a CallSid."""
    return leg_price_fetch(RETURN_CALL_LEG, pk=outbound_id)
