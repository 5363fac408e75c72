"""Recordings: Twilio's recording status webhook (a voicemail, or the recording of an answered
call), and their deletion at Twilio (a customer's erasure, a retention rule).

A deletion is reliable the way the outbox is: the decision writes a pending
``RecordingDeletion`` row in its own transaction, a task sends it after the commit, and a
beat sweep sends again whatever is still due (Twilio down, the broker down, a worker killed),
with a growing pause between tries and no last try: a recording is never left at Twilio
because Twilio was away for a while.
"""

import logging
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from conversations.services import conversation_open_inbound
from core.channels import Channel
from core.formats import system_subject, system_text
from core.tasks import task_enqueue_on_commit
from customers.models import Customer
from telephony.twilio_api import TwilioApiError, TwilioUnavailable, recording_delete
from telephony.voice.models import Call, RecordingDeletion
from telephony.voice.services.steps import on_call
from tenants.models import Client


@on_call(locked=True)
def recording_received(
    *,
    client: Client,
    call: Call,
    kind: str,
    recording_sid: str,
    url: str,
    status: str,
    seconds: int | None,
    now: datetime | None = None,
) -> bool:
    """Twilio's recording webhook: the link on the call; a voicemail becomes a
    conversation (once per recording). None: no such call."""
    now = now or timezone.now()
    if status != "completed" or not url:
        return False
    if (
        call.customer_id is not None
        and Customer.objects.filter(pk=call.customer_id, erased_at__isnull=False).exists()
    ):
        # The caller was erased before Twilio finished the recording: it is not kept, and
        # Twilio's copy is deleted like the others (its link is never stored).
        recordings_delete(recording_sids=[recording_sid], now=now)
        return True
    if kind != "voicemail":
        call.recording_url = url
        call.save(update_fields=["recording_url"])
        return True
    call.voicemail_url, call.voicemail_seconds = url, seconds
    text = system_text(
        client,
        gettext_noop("Voicemail from %(number)s (%(seconds)s s): %(link)s"),
        number=call.from_number,
        seconds=seconds or 0,
        link=url,
    )
    if call.topic:
        text += "\n" + system_text(client, gettext_noop("Topic: %(topic)s"), topic=call.topic)
    inbound = conversation_open_inbound(
        client=client,
        channel=Channel.CALL,
        text=text,
        subject=system_subject(client, gettext_noop("Voicemail"), call.from_number),
        customer_phone=call.from_number,
        country=call.country,
        language=call.language,
        external_id=recording_sid,
        now=now,
    )
    call.conversation = inbound.conversation
    call.customer_id = inbound.conversation.customer_id
    call.save()
    return True


logger = logging.getLogger(__name__)

# After a failed try the next waits 1 minute, then 2, 4, ... at most 6 hours.
RETRY_FIRST = timedelta(minutes=1)
RETRY_MAX = timedelta(hours=6)


def recording_sid_from_url(url: str) -> str:
    """The recording's SID at the end of its Twilio URL (``.../Recordings/RE...``, perhaps
    with an extension); "" when the URL names none."""
    last = url.split("?")[0].rstrip("/").rsplit("/", 1)[-1].split(".")[0]
    return last if last.startswith("RE") else ""


def call_recording_sids(*, call: Call) -> list[str]:
    """The SIDs of a call's recording and voicemail (those it has)."""
    urls = (call.recording_url, call.voicemail_url)
    return [sid for sid in map(recording_sid_from_url, urls) if sid]


def call_recordings_delete(*, call: Call, now: datetime | None = None) -> list[str]:
    """Have the call's recording and voicemail deleted at Twilio, and drop our links to
    them; returns their SIDs. The deletion is written now and sent after the commit (see
    the module's docstring); the caller holds the transaction."""
    sids = call_recording_sids(call=call)
    recordings_delete(recording_sids=sids, now=now)
    if call.recording_url or call.voicemail_url:
        call.recording_url = call.voicemail_url = ""
        call.save(update_fields=["recording_url", "voicemail_url"])
    return sids


def recordings_delete(*, recording_sids: Iterable[str], now: datetime | None = None) -> int:
    """Write the pending deletions of these recordings (once each: asking again keeps the
    first) and send them after the commit; returns how many were new."""
    now = now or timezone.now()
    new = 0
    for sid in recording_sids:
        _, created = RecordingDeletion.objects.get_or_create(
            recording_sid=sid, defaults={"requested_at": now, "due_at": now}
        )
        new += created
    if new:
        # Cycle: telephony.tasks imports this module (its sweep calls the sender below).
        from telephony import tasks

        task_enqueue_on_commit(tasks.recording_deletions_send_task)
    return new


def recording_deletions_send(*, now: datetime | None = None, limit: int = 200) -> int:
    """Send this schema's due deletions to Twilio, one row at a time under its lock (a second
    sender skips it); returns how many Twilio has gone. Twilio unreachable: the rest wait
    for the next sweep."""
    done = 0
    for _ in range(limit):
        outcome = _deletion_send_next(now=now or timezone.now())
        if outcome is None:
            break
        done += outcome == "deleted"
        if outcome == "unavailable":
            break
    return done


@transaction.atomic
def _deletion_send_next(*, now: datetime) -> str | None:
    row = (
        RecordingDeletion.objects.select_for_update(skip_locked=True)
        .filter(deleted_at__isnull=True, due_at__lte=now)
        .order_by("due_at", "id")
        .first()
    )
    if row is None:
        return None
    row.attempts += 1
    try:
        recording_delete(recording_sid=row.recording_sid)
    except TwilioApiError as error:
        pause = min(RETRY_FIRST * 2 ** min(row.attempts - 1, 20), RETRY_MAX)
        row.due_at, row.last_error = now + pause, str(error)[:300]
        row.save(update_fields=["attempts", "due_at", "last_error"])
        logger.warning("Recording %s not deleted yet: %s", row.recording_sid, error)
        return "unavailable" if isinstance(error, TwilioUnavailable) else "refused"
    row.deleted_at, row.due_at, row.last_error = now, None, ""
    row.save(update_fields=["attempts", "deleted_at", "due_at", "last_error"])
    return "deleted"
