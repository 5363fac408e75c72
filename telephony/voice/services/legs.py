"""Billable legs: a status webhook's final status completes a leg once, bills its minutes,
and its price is fetched from Twilio later."""

from datetime import datetime, timedelta

from django.db import connection, transaction
from django.utils import timezone

from billing.services import usage_record_call, usage_record_telephony_cost
from core.tasks import task_enqueue_on_commit
from routing.models import WorkItem
from routing.services import item_close
from telephony.twilio_api import call_price
from telephony.voice.models import Call, OutboundCall
from telephony.voice.services.queue import call_work_cancel
from telephony.voice.services.steps import on_call, schema_check
from tenants.models import Client

FINAL_STATUSES = {"completed", "busy", "failed", "no-answer", "canceled"}


@on_call(locked=True)
def call_status(*, client, call: Call, status: str, now: datetime | None = None) -> Call:
    """Twilio's status callback; a final status completes the call (once)."""
    if status in FINAL_STATUSES:
        call_complete(client=client, call=call, status=status, now=now or timezone.now())
    return call


def _seconds(start: datetime | None, end: datetime | None) -> int | None:
    if start is None or end is None:
        return None
    return max(0, round((end - start).total_seconds()))


def call_complete(*, client, call: Call, status: str, now: datetime) -> bool:
    """The call ended: outcome, durations, the queue item closed, the price fetched later.

    The single place a call is finished (the caller holds its lock); returns False when it
    was already finished (a retried callback). Billing hooks here.
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
            item_close(item_id=item.pk, agent=item.agent, now=now)
    call_work_cancel(client, call, now=now)
    call.save()
    # The handled minutes, written once to the client's usage ledger (same transaction).
    usage_record_call(
        client=client,
        call_sid=call.call_sid,
        talk_seconds=call.talk_seconds,
        answered_at=call.answered_at,
        language=call.language,
        country=call.country,
        agent=call.agent_id,
    )
    # Cycle: telephony.tasks imports this module (its price tasks call these services).
    from telephony.tasks import call_price_fetch_task

    task_enqueue_on_commit(call_price_fetch_task, args=[call.pk])
    return True


def call_price_fetch(*, call_id: int) -> bool:
    """Store Twilio's price of a finished call and pass it through to the client's usage
    ledger (both or neither); False while Twilio has none yet. Twilio is asked without
    holding the call's lock; the price is written only if nobody wrote it meanwhile."""
    call = Call.objects.filter(pk=call_id).first()
    if call is None or call.price is not None:
        return True  # nothing (more) to fetch
    price = call_price(call_sid=call.call_sid)
    if price is None:
        return False
    with transaction.atomic():
        call = Call.objects.select_for_update().get(pk=call_id)
        if call.price is not None:
            return True
        call.price, call.price_currency = price.amount, price.currency
        call.save(update_fields=["price", "price_currency"])
        usage_record_telephony_cost(
            client=Client.objects.get(schema_name=connection.schema_name),
            call_sid=call.call_sid,
            amount=price.amount,
            currency=price.currency,
            occurred_at=call.completed_at or timezone.now(),
            language=call.language,
        )
    return True


# --- a call back's customer leg: its end and its price ------------------------------------


@transaction.atomic
def call_back_status(
    *,
    client,
    outbound_id: int,
    customer_call_sid: str,
    status: str,
    talk_seconds: int | None,
    now: datetime | None = None,
) -> OutboundCall | None:
    """The status callback of a call back's customer leg (the <Number> we dialled); a final
    status completes it, once. None: the client has no such call back (the webhook's 404)."""
    schema_check(client)
    outbound = (
        OutboundCall.objects.select_for_update(of=("self",))
        .select_related("call")
        .filter(pk=outbound_id)
        .first()
    )
    if outbound is None:
        return None
    if status in FINAL_STATUSES:
        call_back_complete(
            client=client,
            outbound=outbound,
            customer_call_sid=customer_call_sid,
            status=status,
            talk_seconds=talk_seconds,
            now=now or timezone.now(),
        )
    return outbound


def call_back_complete(
    *,
    client,
    outbound: OutboundCall,
    customer_call_sid: str,
    status: str,
    talk_seconds: int | None,
    now: datetime,
) -> bool:
    """The customer's leg of a call back ended: its status and talk seconds, the minutes
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
    call = outbound.call
    usage_record_call(
        client=client,
        call_sid=customer_call_sid,
        talk_seconds=seconds,
        answered_at=outbound.answered_at,
        language=call.language,
        country=call.country,
        agent=outbound.agent_id,
        source_kind="callback",
    )
    if answered:
        # Cycle: telephony.tasks imports this module (as above).
        from telephony.tasks import call_back_price_fetch_task

        task_enqueue_on_commit(call_back_price_fetch_task, args=[outbound.pk])
    return True


def call_back_price_fetch(*, outbound_id: int) -> bool:
    """Store Twilio's price of a call back's customer leg and pass it through to the
    client's usage ledger (both or neither), as call_price_fetch does for an inbound call;
    False while Twilio has none yet."""
    outbound = OutboundCall.objects.filter(pk=outbound_id).first()
    if outbound is None or outbound.price is not None or not outbound.customer_call_sid:
        return True  # nothing (more) to fetch
    price = call_price(call_sid=outbound.customer_call_sid)
    if price is None:
        return False
    with transaction.atomic():
        outbound = (
            OutboundCall.objects.select_for_update(of=("self",))
            .select_related("call")
            .get(pk=outbound_id)
        )
        if outbound.price is not None:
            return True
        outbound.price, outbound.price_currency = price.amount, price.currency
        outbound.save(update_fields=["price", "price_currency"])
        usage_record_telephony_cost(
            client=Client.objects.get(schema_name=connection.schema_name),
            call_sid=outbound.customer_call_sid,
            amount=price.amount,
            currency=price.currency,
            occurred_at=outbound.completed_at or timezone.now(),
            language=outbound.call.language,
            source_kind="callback",
        )
    return True
