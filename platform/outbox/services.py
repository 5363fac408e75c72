"""Writes on deliveries: queue, claim, mark sent / retry / failed / bounced, retry by hand.

The life of a delivery: written ``queued`` in the transaction that writes its message;
after the commit a task (carrying the client's schema) claims it with a lease
(``sending``), transmits it through the channel's sender, and marks it ``sent`` in its own
short transaction right after the provider accepted it. A temporary failure puts it back to
``queued`` with a backoff; a permanent one, or too many attempts, makes it ``failed`` with
the reason. A bounce reported later makes it ``bounced``. The beat sweep sends again what
is due and what a dead worker held. Two duplicate windows: a worker killed after the
provider accepted and before the mark committed (its lease expires, another worker sends),
and a provider that kept the message but whose answer was lost (a timeout after the data),
which counts as a temporary failure and is sent again.
"""

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, Protocol

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django_tenants.utils import schema_context

from core.tasks import task_send
from outbox import registry
from outbox.errors import SendFailed, TemporaryFailure
from outbox.models import Delivery
from outbox.selectors import deliveries_due_public, deliveries_effects_due_public
from tenants.models import Client

logger = logging.getLogger(__name__)

State = Delivery.State
# One quick second try to reach the broker, not kombu's default four: the row is safe in
# the database and the sweep sends it later, so a request must not wait on a dead broker.
PUBLISH_RETRY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.1, "interval_max": 0.1}
_REASON_LENGTH = 2000


class OutboundMessage(Protocol):
    """What the outbox needs of a message (``conversations.models.Message``, a higher
    room)."""

    pk: Any
    conversation_id: int
    channel: str
    external_id: str


def delivery_queue(
    *,
    client: Client,
    message: OutboundMessage,
    kind: str = Delivery.Kind.REPLY,
    subject: str = "",
    recipient: str = "",
    now: datetime | None = None,
    not_before: datetime | None = None,
) -> Delivery:
    """Record that ``message`` (just written, in the client's schema) must go out, in the
    caller's transaction; its task is sent after the commit. ``recipient``: an address
    other than the conversation's customer's (a forward). ``not_before``: not sent before
    then (an SMS written in the client's quiet hours): no task now, the sweep sends it when
    it is due."""
    now = now or timezone.now()
    due = max(now, not_before or now)
    later = due > now
    delivery = Delivery.objects.create(
        client=client,
        message_id=message.pk,
        conversation_id=message.conversation_id,
        channel=message.channel,
        kind=kind,
        subject=subject[:300],
        recipient=recipient,
        external_id=message.external_id if message.channel == "email" else "",
        queued_at=now,
        next_attempt_at=due,
        dispatched_at=None if later else now,
    )
    if not later:
        _dispatch_on_commit(client=client, delivery_id=delivery.pk)
    return delivery


def webhook_delivery_queue(
    *, client: Client, webhook_delivery_id: int, subject: str = "", now: datetime | None = None
) -> Delivery:
    """Record that a webhook delivery (``webhooks.WebhookDelivery``, just written in the
    client's schema) must go out, in the caller's transaction: channel "webhook", an
    automatic message of no conversation; its task is sent after the commit."""
    now = now or timezone.now()
    delivery = Delivery.objects.create(
        client=client,
        webhook_delivery_id=webhook_delivery_id,
        channel="webhook",
        kind=Delivery.Kind.AUTOMATIC,
        subject=subject[:300],
        queued_at=now,
        next_attempt_at=now,
        dispatched_at=now,
    )
    _dispatch_on_commit(client=client, delivery_id=delivery.pk)
    return delivery


def _dispatch_on_commit(*, client: Client, delivery_id: int) -> None:
    schema_name = client.schema_name
    transaction.on_commit(
        lambda: delivery_dispatch(delivery_id=delivery_id, schema_name=schema_name)
    )


def delivery_handed_over(
    *,
    client: Client,
    message: OutboundMessage,
    kind: str = Delivery.Kind.REPLY,
    at: datetime | None = None,
) -> Delivery:
    """A message handed over at once (a chat or API reply returned by the API, an SMS
    acknowledgement in the webhook's answer): sent as it is written, in the caller's
    transaction, with what being sent means (``registry.ON_SENT``)."""
    at = at or timezone.now()
    delivery = Delivery.objects.create(
        client=client,
        message_id=message.pk,
        conversation_id=message.conversation_id,
        channel=message.channel,
        kind=kind,
        state=State.SENT,
        queued_at=at,
        next_attempt_at=at,
        sent_at=at,
        effects_applied_at=at,
    )
    _hooks(registry.ON_SENT, client, client=client, delivery=delivery, at=at)
    return delivery


def delivery_dispatch(*, delivery_id: int, schema_name: str) -> bool:
    """Send the delivery's task to the broker now; when it cannot be reached, the row is
    left for the sweep (False)."""
    # Here, not at the top: outbox.tasks imports this module (its tasks call these services).
    from outbox.tasks import delivery_send_task

    if task_send(
        delivery_send_task, schema_name=schema_name, args=[delivery_id], retry_policy=PUBLISH_RETRY
    ):
        return True
    Delivery.objects.filter(pk=delivery_id, state=State.QUEUED).update(dispatched_at=None)
    return False


def delivery_claim(*, delivery_id: int, now: datetime | None = None) -> Delivery | None:
    """Take a delivery for sending, in one statement (its own transaction when called
    outside one): a queued one whose time has come, or one whose sender's lease ran out.
    None when another worker has it, or it is sent, failed or not due."""
    now = now or timezone.now()
    claimed = Delivery.objects.filter(
        Q(state=State.QUEUED, next_attempt_at__lte=now)
        | Q(state=State.SENDING, lease_until__lt=now),
        pk=delivery_id,
    ).update(
        state=State.SENDING,
        attempts=F("attempts") + 1,
        sending_started_at=now,
        lease_until=now + timedelta(seconds=settings.OUTBOX_LEASE_SECONDS),
    )
    return Delivery.objects.select_related("client").get(pk=delivery_id) if claimed else None


def delivery_send(*, delivery_id: int, now: datetime | None = None) -> str:
    """Claim, transmit, mark: the delivery's state afterwards ("" when it was not ours to
    send). Runs outside a transaction, so that the claim and the mark each commit at once;
    the channel's sender runs in the delivery's client schema."""
    delivery = delivery_claim(delivery_id=delivery_id, now=now)
    if delivery is None:
        return ""
    client = delivery.client
    reason, held_until = _before_sending(delivery, now or timezone.now())
    if reason:
        Delivery.objects.filter(
            pk=delivery.pk, state=State.SENDING, attempts=delivery.attempts
        ).update(**_withdrawn(reason, now))
        return State.WITHDRAWN
    if held_until is not None:
        Delivery.objects.filter(
            pk=delivery.pk, state=State.SENDING, attempts=delivery.attempts
        ).update(
            state=State.QUEUED,
            attempts=F("attempts") - 1,
            lease_until=None,
            dispatched_at=None,
            next_attempt_at=held_until,
        )
        return State.QUEUED
    transmit = registry.SENDERS.get(delivery.channel)
    try:
        if transmit is None:
            raise TemporaryFailure(f"No sender for channel {delivery.channel!r}.")
        with schema_context(client.schema_name):  # the row knows its client
            provider_id = transmit(client=client, delivery=delivery)
    except SendFailed as error:
        return delivery_mark_unsent(
            delivery=delivery, reason=str(error) or repr(error), permanent=error.permanent
        )
    except Exception as error:  # a bug or an unforeseen error: retried, then shown failed
        logger.exception("Delivery %s: sending failed", delivery.pk)
        return delivery_mark_unsent(delivery=delivery, reason=repr(error), permanent=False)
    delivery_mark_sent(delivery=delivery, provider_id=provider_id)
    return State.SENT


def _before_sending(delivery: Delivery, now: datetime) -> tuple[str, datetime | None]:
    """What the channels' hooks say just before a delivery is transmitted, asked in its
    client's schema at once: the first reason to send it no more (``registry.WITHDRAWS``;
    a hook that fails is logged and the delivery goes as asked), else the latest "not
    before" still ahead (``registry.HOLDS``), if any."""
    if delivery.channel in registry.OWN_CHANNELS or not (registry.WITHDRAWS or registry.HOLDS):
        return "", None
    client = delivery.client
    with schema_context(client.schema_name):
        for withdraw in registry.WITHDRAWS:
            try:
                reason = withdraw(client=client, delivery=delivery)
            except Exception:  # a hook's bug must not stop the sending: it goes as asked
                logger.exception("Delivery %s: a withdraw hook failed; sending", delivery.pk)
                continue
            if reason:
                return reason, None
        times = [hold(client=client, delivery=delivery, now=now) for hold in registry.HOLDS]
    later = [at for at in times if at is not None and at > now]
    return "", max(later) if later else None


def _withdrawn(reason: str, now: datetime | None) -> dict[str, Any]:
    """The fields of a delivery withdrawn now with ``reason`` (never sent)."""
    return {
        "state": State.WITHDRAWN,
        "withdrawn_at": now or timezone.now(),
        "lease_until": None,
        "last_error": " ".join(reason.split())[:_REASON_LENGTH],
    }


def delivery_mark_sent(
    *, delivery: Delivery, provider_id: str = "", at: datetime | None = None
) -> bool:
    """The provider accepted the message: marked sent at once, in one statement (its own
    transaction when called outside one: the shortest window in which a killed worker
    leaves a sent message unmarked), then what that means for the channel
    (``delivery_effects_apply``). True when this call marked it; a second call changes
    nothing."""
    at = at or timezone.now()
    # A slow worker whose lease another one took over still sent it: that counts.
    marked = Delivery.objects.filter(
        pk=delivery.pk, state__in=[State.QUEUED, State.SENDING, State.FAILED]
    ).update(
        state=State.SENT, sent_at=at, provider_id=provider_id[:255], lease_until=None, last_error=""
    )
    if marked:
        delivery_effects_apply(delivery_id=delivery.pk)
    return bool(marked)


def delivery_effects_apply(*, delivery_id: int, now: datetime | None = None) -> bool:
    """What a sent message means for its channel (``registry.ON_SENT``: the message's
    sent_at, the first response, billing, all at the moment it was sent), once, in one
    transaction under the row's lock. The sweep calls it again for a row whose worker died
    between the mark and this. True when it applied them now."""
    with transaction.atomic():
        delivery = (
            Delivery.objects.select_for_update(of=("self",))
            .select_related("client")
            .filter(pk=delivery_id, sent_at__isnull=False, effects_applied_at__isnull=True)
            .first()
        )
        if delivery is None:
            return False
        _hooks(
            registry.ON_SENT,
            delivery.client,
            client=delivery.client,
            delivery=delivery,
            at=delivery.sent_at,
        )
        delivery.effects_applied_at = now or timezone.now()
        delivery.save(update_fields=["effects_applied_at"])
    return True


def retry_delay(attempts: int) -> timedelta:
    """30 s, 60 s, 120 s, ... after the 1st, 2nd, 3rd attempt; at most an hour."""
    seconds = settings.OUTBOX_RETRY_BASE_SECONDS * 2 ** max(attempts - 1, 0)
    return timedelta(seconds=min(seconds, settings.OUTBOX_RETRY_MAX_SECONDS))


def delivery_mark_unsent(
    *, delivery: Delivery, reason: str, permanent: bool, now: datetime | None = None
) -> str:
    """The attempt failed: queued again after a backoff, or failed for good (permanent,
    or the last attempt) with the reason. Only the attempt that holds the row may say so
    (a worker whose lease was taken over says nothing). Returns the new state."""
    now = now or timezone.now()
    reason = reason.strip()[:_REASON_LENGTH] or "Unknown error."
    schedule = registry.RETRY_SCHEDULES.get(delivery.channel)
    most = len(schedule) + 1 if schedule else settings.OUTBOX_MAX_ATTEMPTS
    final = permanent or delivery.attempts >= most
    if not final:
        delay = (
            timedelta(seconds=schedule[delivery.attempts - 1])
            if schedule
            else retry_delay(delivery.attempts)
        )
        updated = Delivery.objects.filter(
            pk=delivery.pk, state=State.SENDING, attempts=delivery.attempts
        ).update(
            state=State.QUEUED,
            lease_until=None,
            last_error=reason,
            dispatched_at=None,
            next_attempt_at=now + delay,
        )
        logger.info(
            "Delivery %s: attempt %s failed, again later: %s",
            delivery.pk,
            delivery.attempts,
            reason,
        )
        return State.QUEUED if updated else ""
    with transaction.atomic():
        updated = Delivery.objects.filter(
            pk=delivery.pk, state=State.SENDING, attempts=delivery.attempts
        ).update(state=State.FAILED, lease_until=None, last_error=reason, failed_at=now)
        if updated:
            logger.warning("Delivery %s failed: %s", delivery.pk, reason)
            delivery.state, delivery.failed_at, delivery.last_error = State.FAILED, now, reason
            _hooks(
                registry.ON_UNDELIVERED,
                delivery.client,
                client=delivery.client,
                delivery=delivery,
                reason=reason,
            )
    return State.FAILED if updated else ""


def delivery_bounced(
    *, client: Client, message_external_id: str, reason: str, now: datetime | None = None
) -> Delivery | None:
    """A bounce (a delivery report) names our message by its Message-ID: the message is
    marked bounced with the reason and its owner alerted (``registry.ON_UNDELIVERED``: a
    note, the conversation back in the queue). Once: a second report changes nothing.
    None when no outbound message of the client has that id."""
    now = now or timezone.now()
    external_id = message_external_id.strip()
    if not external_id:
        return None
    if not external_id.startswith("<"):
        external_id = f"<{external_id}>"
    with transaction.atomic():
        delivery = (
            Delivery.objects.select_for_update()
            .select_related("client")
            .filter(client=client, external_id=external_id)
            .first()
        )
        if delivery is None:
            logger.info("Bounce for %s of %s: no such message", external_id, client.slug)
            return None
        if delivery.state != State.SENT:
            # Bounced already (a second report), failed, or sent again since (Retry): a
            # report about an earlier attempt must not mark the new one.
            return delivery
        reason = " ".join(reason.split())[:_REASON_LENGTH] or "Bounced."
        delivery.state, delivery.bounced_at, delivery.last_error = State.BOUNCED, now, reason
        delivery.lease_until = None
        delivery.save(update_fields=["state", "bounced_at", "last_error", "lease_until"])
        _hooks(registry.ON_UNDELIVERED, client, client=client, delivery=delivery, reason=reason)
    return delivery


def delivery_retry(*, client: Client, delivery_id: int, now: datetime | None = None) -> Delivery:
    """Someone asks to send a failed or bounced message again: queued now (its attempts
    counted afresh) and dispatched after the commit. Raises Delivery.DoesNotExist for a
    delivery of another client, ValueError for one that is not failed or bounced."""
    now = now or timezone.now()
    with transaction.atomic():
        delivery = Delivery.objects.select_for_update().get(pk=delivery_id, client=client)
        if delivery.state not in (State.FAILED, State.BOUNCED):
            raise ValueError(
                f"Only a failed or bounced message is sent again, not a {delivery.state} one."
            )
        delivery.state, delivery.attempts, delivery.next_attempt_at = State.QUEUED, 0, now
        delivery.dispatched_at, delivery.lease_until = now, None
        delivery.save(
            update_fields=["state", "attempts", "next_attempt_at", "dispatched_at", "lease_until"]
        )
        schema_name = client.schema_name
        transaction.on_commit(
            lambda: delivery_dispatch(delivery_id=delivery.pk, schema_name=schema_name)
        )
    return delivery


def delivery_withdraw(*, delivery_id: int, reason: str, now: datetime | None = None) -> bool:
    """Withdraw one delivery still waiting in the queue (never sent, with the reason); one
    already being sent or sent is left as it is. True when this call withdrew it."""
    return bool(
        Delivery.objects.filter(pk=delivery_id, state=State.QUEUED).update(
            **_withdrawn(reason, now)
        )
    )


def deliveries_withdraw(
    *, client: Client, conversation_id: int, reason: str, now: datetime | None = None
) -> int:
    """Withdraw the automatic messages (acknowledgements, surveys) of a conversation that
    are still queued: they are never sent, and say why. One already being sent or sent is
    left as it is: it may have reached the customer. Returns how many were withdrawn."""
    return Delivery.objects.filter(
        client=client,
        conversation_id=conversation_id,
        kind=Delivery.Kind.AUTOMATIC,
        state=State.QUEUED,
    ).update(**_withdrawn(reason, now))


def deliveries_sweep(*, now: datetime | None = None, limit: int = 1000) -> int:
    """Beat: send again what is due and nobody is sending (one public query for every
    client): queued rows whose time came and whose task is not on its way (the broker was
    down, a retry's backoff ended, or the task was lost long ago), and rows whose sender's
    lease ran out (a worker died); and applies what being sent means to rows marked sent
    whose worker died before it could. Returns how many tasks were sent."""

    now = now or timezone.now()
    redispatch = timedelta(seconds=settings.OUTBOX_REDISPATCH_SECONDS)
    sent = 0
    for delivery_id, schema_name in deliveries_due_public(
        now=now, redispatch_after=redispatch, limit=limit
    ):
        if not delivery_dispatch(delivery_id=delivery_id, schema_name=schema_name):
            break  # the broker is down: the next sweep tries again
        Delivery.objects.filter(pk=delivery_id).update(dispatched_at=now)
        sent += 1
    for delivery_id in deliveries_effects_due_public(now=now, limit=limit):
        try:
            delivery_effects_apply(delivery_id=delivery_id)
        except Exception as error:  # one broken row must not hold back the others
            logger.exception("Delivery %s: what being sent means could not be applied", delivery_id)
            Delivery.objects.filter(pk=delivery_id).update(
                last_error=f"Sent; recording it failed: {error!r}"[:_REASON_LENGTH]
            )
    return sent


def _hooks(hooks: list[Callable[..., Any]], tenant: Client, **arguments: Any) -> None:
    if arguments["delivery"].channel in registry.OWN_CHANNELS:
        return  # no customer's message: what being sent means is the channel's own
    with schema_context(tenant.schema_name):
        for hook in hooks:
            hook(**arguments)
