"""The queue: into the router's queue and Twilio's <Enqueue> (or, closed, the next opening
time), the hold message, the caller's choice to leave it, and how the call left it."""

import logging
import math
from datetime import datetime, timedelta

from django.db.models import Avg
from django.utils import timezone
from twilio.twiml.voice_response import VoiceResponse

from core.channels import Channel
from core.tasks import task_enqueue_on_commit
from hours.selectors import client_calendar
from routing.models import WorkItem
from routing.services import work_cancel_for_source, work_enqueue
from telephony.voice.models import Call, VoiceSettings
from telephony.voice.services.callback_requests import callback_request_take
from telephony.voice.services.steps import numbered_step, on_call, step_answer, voice_settings
from telephony.voice.services.survey import survey_ask
from telephony.voice.services.voicemail import voicemail_offer
from telephony.voice.spoken_dates import locale_of, spoken_date, spoken_time
from telephony.voice.twiml import hang_up, say_phrase, webhook_url
from tenants.models import Client

logger = logging.getLogger(__name__)


def queue_or_closed(client: Client, call: Call, response: VoiceResponse, *, now: datetime) -> str:
    """Open: into the router's queue and Twilio's <Enqueue>. Closed: the next opening time
    in the caller's language, then voicemail, a callback or goodbye (the client's choice)."""
    call.menu_left_at = now
    calendar = client_calendar(client, country=call.country, language=call.language)
    if not calendar.is_open(now):
        opening = calendar.next_opening(now)
        if opening is None:
            say_phrase(response, "closed_no_opening", call.language)
        else:
            say_phrase(
                response,
                "closed",
                call.language,
                date=lambda language: spoken_date(
                    opening, zone=calendar.zone, locale=locale_of(language)
                ),
                time=lambda language: spoken_time(
                    opening, zone=calendar.zone, locale=locale_of(language)
                ),
            )
        after = voice_settings().after_hours
        if after == VoiceSettings.AfterHours.VOICEMAIL:
            return voicemail_offer(client, call, response)
        if after == VoiceSettings.AfterHours.CALLBACK:
            return callback_request_take(client, call, response, now=now, calendar=calendar)
        call.outcome = Call.Outcome.CLOSED
        return hang_up(response, call.language)
    item = work_enqueue(
        client=client,
        channel=Channel.CALL,
        language=call.language,
        source_kind="call",
        source_id=call.pk,
        summary=" · ".join(filter(None, [call.from_number, call.topic])),
        waiting_since=now,
    )
    call.queued_at, call.work_item_id = now, item.pk
    # Cycle: telephony.tasks imports the legs and the sweep, which import this module.
    from telephony.tasks import call_route_task

    # Route and ring at once rather than at the next beat (which still runs: a retry net).
    task_enqueue_on_commit(call_route_task)
    response.enqueue(
        call.call_sid,
        action=webhook_url(client.pk, "queue-exit", step=call.step),
        method="POST",
        wait_url=webhook_url(client.pk, "wait"),
        wait_url_method="POST",
    )
    return str(response)


def queue_position(*, client: Client, call: Call) -> int:
    """1 for the first in line: waiting calls of the client in this language before it."""
    # A call without its item yet finds none (pk=None): the stubs want an int.
    item = WorkItem.objects.filter(pk=call.work_item_id).first()  # type: ignore[misc]
    if item is None or item.status != WorkItem.Status.WAITING:
        return 1
    return WorkItem.objects.filter(
        client=client,
        channel=Channel.CALL,
        status=WorkItem.Status.WAITING,
        language=item.language,
        waiting_since__lte=item.waiting_since,
    ).count()


def wait_estimate_minutes(*, now: datetime) -> int | None:
    """What answered callers of this client waited over the last week (None: no data)."""
    average = Call.objects.filter(
        answered_at__gte=now - timedelta(days=7), wait_seconds__isnull=False
    ).aggregate(seconds=Avg("wait_seconds"))["seconds"]
    return None if average is None else max(1, math.ceil(average / 60))


@on_call(locked=False)
def queue_wait(
    *, client: Client, call: Call, queue_seconds: int, now: datetime | None = None
) -> str:
    """The hold message (Twilio asks again when it ends): position, estimate, and after
    the client's wait, the offer to leave a voice message or be called back."""
    now = now or timezone.now()
    settings = voice_settings()
    response = VoiceResponse()
    say_phrase(
        response, "position", call.language, position=queue_position(client=client, call=call)
    )
    minutes = wait_estimate_minutes(now=now)
    if minutes is not None:
        say_phrase(response, "estimate", call.language, minutes=minutes)
    if queue_seconds >= settings.offer_exit_after_seconds:
        gather = response.gather(
            action=webhook_url(client.pk, "hold-choice"), method="POST", num_digits=1, timeout=5
        )
        say_phrase(gather, "exit_offer", call.language)
    if settings.hold_music_url:
        response.play(settings.hold_music_url)
    else:
        response.pause(length=20)
    return str(response)


@on_call(locked=True)
def queue_hold_choice(*, client: Client, call: Call, digits: str) -> str:
    """A key pressed while waiting: 1 voicemail, 2 callback (the caller leaves the queue)."""
    response = VoiceResponse()
    choice = {"1": "voicemail", "2": "callback"}.get(digits[:1])
    if choice is None:
        return str(response)  # back to the hold message
    call.queue_exit = choice
    call.save(update_fields=["queue_exit"])
    response.leave()
    return str(response)


def call_work_cancel(client: Client, call: Call, *, now: datetime) -> None:
    """The caller is gone: the call's open work leaves the queue (and the load of the agent
    it was offered to) through the router's own cancel."""
    work_cancel_for_source(client=client, source_kind="call", source_id=call.pk, now=now)


@on_call(locked=True)
@numbered_step
def queue_exit(*, client: Client, call: Call, result: str, now: datetime | None = None) -> str:
    """The call left Twilio's queue (Enqueue's action): left for voicemail or a callback,
    hung up (abandoned), or its conversation with the agent ended (then the survey)."""
    now = now or timezone.now()
    response = VoiceResponse()
    if result == "bridged":
        call.talk_ended_at = now
        if voice_settings().survey and call.answered_at:
            survey_ask(client, call, response)
        return step_answer(call, hang_up(response, call.language))
    call.queue_left_at = call.queue_left_at or now
    call_work_cancel(client, call, now=now)
    if result == "leave" and call.queue_exit == "voicemail":
        return step_answer(call, voicemail_offer(client, call, response))
    if result == "leave" and call.queue_exit == "callback":
        return step_answer(call, callback_request_take(client, call, response, now=now))
    if result == "hangup":
        call.outcome = Call.Outcome.ABANDONED
        response.hangup()
        return step_answer(call, response)
    # error, system-error, queue-full, redirected: the caller still gets a way to reach us
    logger.warning("Call %s left the queue with %s", call.call_sid, result)
    say_phrase(response, "technical", call.language)
    return step_answer(call, voicemail_offer(client, call, response))
