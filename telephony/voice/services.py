"""A call's way through a client's menus, queue, voicemail, callback and survey.

Every function runs in the client's schema (the webhook views enter it) and returns the
TwiML to answer with. Twilio retries: each answer is numbered (``Call.step``, carried in
the next webhook's URL) and stored, so a retried request gets the same answer and changes
nothing twice. The call row is locked while a request works on it (``_on_call``).
"""

import functools
import logging
import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from babel.dates import format_datetime
from django.db import connection, transaction
from django.db.models import Avg, F
from django.utils import timezone
from twilio.twiml.voice_response import VoiceResponse

from billing.services import usage_record_call, usage_record_telephony_cost
from conversations.services import conversation_open_inbound
from core.channels import Channel
from core.tasks import task_enqueue_on_commit
from hours.calendar import BusinessCalendar
from hours.selectors import client_calendar
from languages.catalog import CATALOG
from routing.models import WorkItem
from routing.services import item_close, work_cancel_for_source, work_enqueue
from telephony.twilio_api import (
    CallLeg,
    TwilioApiError,
    TwilioUnavailable,
    call_children,
    call_fetch,
)
from telephony.voice.models import (
    FALLBACK_KEY,
    Call,
    Menu,
    NumberMenu,
    Option,
    OutboundCall,
    VoiceSettings,
)
from telephony.voice.twiml import (
    content_lookup,
    hang_up,
    language_name,
    say,
    say_phrase,
    webhook_url,
)

logger = logging.getLogger(__name__)
FINAL_STATUSES = {"completed", "busy", "failed", "no-answer", "canceled"}
CSAT_KEYS = {"1", "2", "3", "4", "5"}
# The Net Promoter answers, as Twilio sends them (the hash key that ends them is not sent).
NPS_ANSWERS = {str(score) for score in range(11)}
# The NPS question is heard twice at most: a wrong entry (or none) is asked once more.
NPS_TRIES = 2


def voice_settings() -> VoiceSettings:
    settings, _ = VoiceSettings.objects.get_or_create(pk=1)
    return settings


def _in_schema(client) -> None:
    if connection.schema_name != client.schema_name:
        raise RuntimeError("telephony.voice services run in the client's schema")


def _answer(call: Call, response: VoiceResponse | str) -> str:
    """Store the answer of this step (a retry of the request gets it again)."""
    call.last_twiml = str(response)
    call.save()
    return call.last_twiml


def _on_call[R](*, locked: bool) -> Callable[[Callable[..., R]], Callable[..., R | None]]:
    """A webhook's service on the call the request names: callers pass ``client`` and
    ``call_sid``, the service gets ``client`` and the ``call`` (``locked``: locked, in one
    transaction with the service). None, without calling it, when the client has no such
    call (the webhook's 404)."""

    def decorate(service: Callable[..., R]) -> Callable[..., R | None]:
        @functools.wraps(service)
        def on_call(*, client, call_sid: str, **kwargs) -> R | None:
            _in_schema(client)
            calls = Call.objects.filter(call_sid=call_sid)
            if locked:
                calls = calls.select_for_update(of=("self",)).select_related("menu")
            call = calls.first()
            if call is None:
                return None
            return service(client=client, call=call, **kwargs)

        return transaction.atomic(on_call) if locked else on_call

    return decorate


def _numbered_step(service: Callable[..., str]) -> Callable[..., str]:
    """A numbered step of a locked call: callers pass the ``step`` their URL carries. The
    request expected now moves the step on and gets the service's answer; a retried (or
    stale) one gets the stored answer again, without calling it."""

    @functools.wraps(service)
    def numbered(*, call: Call, step: int | None, **kwargs) -> str:
        if step is not None and step != call.step:
            return call.last_twiml
        call.step += 1
        return service(call=call, **kwargs)

    return numbered


# --- entering ------------------------------------------------------------------------------


def entry_menu(number: str) -> Menu | None:
    """The number's first menu, else the menu keyed ``main``."""
    row = NumberMenu.objects.select_related("menu").filter(number=number).first()
    return row.menu if row else Menu.objects.filter(key="main").first()


def call_incoming(*, client, number, call_sid: str, from_number: str,
                  now: datetime | None = None) -> str:  # fmt: skip
    """A call rings one of the client's numbers: a Call record, then its first menu.

    The hot path of every call, so it is lean: the answer is built first and the call
    written with it in one INSERT (ON CONFLICT DO NOTHING: a retried request that races
    the first one writes nothing, and both get the same answer).
    """
    _in_schema(client)
    now = now or timezone.now()
    earlier = Call.objects.filter(call_sid=call_sid).values_list("last_twiml", flat=True)
    for twiml in earlier:  # Twilio retried the first request
        return twiml
    call = Call(
        call_sid=call_sid, from_number=from_number[:32], to_number=number.number,
        country=number.country, language=number.default_language, ringing_at=now,
        menu=entry_menu(number.number), step=1,
    )  # fmt: skip
    response = VoiceResponse()
    if call.menu is None:
        logger.warning("No IVR menu for %s (client %s): call %s queued directly",
                       number.number, client.slug, call_sid)  # fmt: skip
        with transaction.atomic():
            call.save()
            return _answer(call, _queue_or_closed(client, call, response, now=now))
    _menu(client, call, response)
    call.last_twiml = str(response)
    Call.objects.bulk_create([call], ignore_conflicts=True)
    return call.last_twiml


def _menu(client, call: Call, response: VoiceResponse) -> None:
    """Say the current menu inside a <Gather>; no key at all comes back without Digits."""
    menu = call.menu
    action = webhook_url(client.pk, "gather", step=call.step)
    # finishOnKey off: "#" is a key a menu may use, not the end of the input.
    gather = response.gather(action=action, method="POST", num_digits=1, finish_on_key="",
                             timeout=menu.timeout_seconds)  # fmt: skip
    say(gather, content_lookup(menu, "prompt"), call.language)
    if menu.language_choice:  # each choice in its own language and voice
        for option in menu.options.filter(action=Option.Action.LANGUAGE):
            say_phrase(gather, "language_option", option.language, key=option.key,
                       language=language_name(option.language))  # fmt: skip
    response.redirect(action, method="POST")


# --- keys ----------------------------------------------------------------------------------


@_on_call(locked=True)
@_numbered_step
def call_gather(*, client, call: Call, digits: str, now: datetime | None = None) -> str:
    """The caller pressed a key (or none): the option's action, or the menu again, or,
    after too many tries, the menu's fallback. None: no such call in this client."""
    now = now or timezone.now()
    response = VoiceResponse()
    menu = call.menu
    if menu is None or call.completed_at or call.menu_left_at:
        return _answer(call, hang_up(response, call.language))
    key = digits[:1]
    option = (
        menu.options.select_related("target").filter(key=key).first()
        if key and key != FALLBACK_KEY else None
    )  # fmt: skip
    call.path = [*call.path, key or "-"]
    if option is None:
        if menu.language_choice and not key:
            # No choice made: the number's language, and on to the menu it leads to.
            return _answer(call, _language_default(client, call, response, menu, now=now))
        call.tries += 1
        if call.tries <= menu.max_retries:
            if key:
                say_phrase(response, "invalid", call.language)
            _menu(client, call, response)
            return _answer(call, response)
        fallback = menu.options.select_related("target").filter(key=FALLBACK_KEY).first()
        if fallback is None:
            if menu.language_choice:
                return _answer(call, _language_default(client, call, response, menu, now=now))
            call.outcome = Call.Outcome.IVR_HANGUP
            call.menu_left_at = now
            return _answer(call, hang_up(response, call.language))
        option = fallback
    call.tries = 0
    return _answer(call, _apply(client, call, option, response, now=now))


def _language_default(client, call: Call, response, menu: Menu, *, now) -> str:
    options = list(menu.options.select_related("target").filter(action=Option.Action.LANGUAGE))
    chosen = next((o for o in options if o.language == call.language), None)
    chosen = chosen or (options[0] if options else None)
    if chosen is None or chosen.target is None:
        call.outcome = Call.Outcome.IVR_HANGUP
        call.menu_left_at = now
        return hang_up(response, call.language)
    call.tries = 0
    return _apply(client, call, chosen, response, now=now, language=call.language)


def _apply(client, call: Call, option: Option, response: VoiceResponse, *, now,
           language: str = "") -> str:  # fmt: skip
    """Do what an option says; returns the TwiML."""
    action = option.action
    if action != Option.Action.INFO:  # an optional sentence before the action
        say(response, content_lookup(option, "message"), call.language)
    if action == Option.Action.SUBMENU:
        call.menu_stack = [*call.menu_stack, call.menu_id]
        call.menu = option.target
    elif action == Option.Action.REPEAT:
        pass
    elif action == Option.Action.BACK:
        if call.menu_stack:
            call.menu = Menu.objects.filter(pk=call.menu_stack[-1]).first() or call.menu
            call.menu_stack = call.menu_stack[:-1]
    elif action == Option.Action.LANGUAGE:
        call.language = language or option.language
        if option.target is None:
            return _queue_or_closed(client, call, response, now=now)
        call.menu_stack = [*call.menu_stack, call.menu_id]
        call.menu = option.target
    elif action == Option.Action.INFO:
        say(response, content_lookup(option, "message"), call.language)
        if option.target is None:
            call.outcome = Call.Outcome.INFORMATION
            call.menu_left_at = now
            return hang_up(response, call.language)
        call.menu_stack = [*call.menu_stack, call.menu_id]
        call.menu = option.target
    elif action == Option.Action.QUEUE:
        call.topic = option.topic
        if option.language:
            call.language = option.language
        return _queue_or_closed(client, call, response, now=now)
    elif action == Option.Action.VOICEMAIL:
        call.menu_left_at = now
        return _voicemail(client, call, response)
    elif action == Option.Action.CALLBACK:
        call.menu_left_at = now
        return _callback(client, call, response, now=now)
    elif action == Option.Action.TRANSFER:
        call.menu_left_at = now
        call.outcome = Call.Outcome.TRANSFERRED
        call.transferred_to = option.transfer_to
        say_phrase(response, "transfer", call.language)
        response.dial(option.transfer_to, caller_id=call.to_number)
        return str(response)
    _menu(client, call, response)
    return str(response)


# --- queue, closed hours -------------------------------------------------------------------


def _queue_or_closed(client, call: Call, response: VoiceResponse, *, now) -> str:
    """Open: into the router's queue and Twilio's <Enqueue>. Closed: the next opening time
    in the caller's language, then voicemail, a callback or goodbye (the client's choice)."""
    call.menu_left_at = now
    calendar = client_calendar(client, country=call.country, language=call.language)
    if not calendar.is_open(now):
        opening = calendar.next_opening(now)
        if opening is None:
            say_phrase(response, "closed_no_opening", call.language)
        else:
            when = format_datetime(opening, "EEEE d MMMM, HH:mm", tzinfo=calendar.zone,
                                   locale=_locale(call.language))  # fmt: skip
            say_phrase(response, "closed", call.language, when=when)
        after = voice_settings().after_hours
        if after == VoiceSettings.AfterHours.VOICEMAIL:
            return _voicemail(client, call, response)
        if after == VoiceSettings.AfterHours.CALLBACK:
            return _callback(client, call, response, now=now, calendar=calendar)
        call.outcome = Call.Outcome.CLOSED
        return hang_up(response, call.language)
    item = work_enqueue(
        client=client, channel=Channel.CALL, language=call.language, source_kind="call",
        source_id=call.pk, summary=" · ".join(filter(None, [call.from_number, call.topic])),
        waiting_since=now,
    )  # fmt: skip
    call.queued_at, call.work_item_id = now, item.pk
    from telephony.tasks import call_route_task

    # Route and ring at once rather than at the next beat (which still runs: a retry net).
    task_enqueue_on_commit(call_route_task)
    response.enqueue(
        call.call_sid, action=webhook_url(client.pk, "queue-exit", step=call.step),
        method="POST", wait_url=webhook_url(client.pk, "wait"), wait_url_method="POST",
    )  # fmt: skip
    return str(response)


def _locale(language: str) -> str:
    tts = CATALOG[language].tts_language if language in CATALOG else ""
    return tts.replace("-", "_") or language


def queue_position(*, client, call: Call) -> int:
    """1 for the first in line: waiting calls of the client in this language before it."""
    item = WorkItem.objects.filter(pk=call.work_item_id).first()
    if item is None or item.status != WorkItem.Status.WAITING:
        return 1
    return WorkItem.objects.filter(
        client=client, channel=Channel.CALL, status=WorkItem.Status.WAITING,
        language=item.language, waiting_since__lte=item.waiting_since,
    ).count()  # fmt: skip


def wait_estimate_minutes(*, now: datetime) -> int | None:
    """What answered callers of this client waited over the last week (None: no data)."""
    average = Call.objects.filter(
        answered_at__gte=now - timedelta(days=7), wait_seconds__isnull=False
    ).aggregate(seconds=Avg("wait_seconds"))["seconds"]
    return None if average is None else max(1, math.ceil(average / 60))


@_on_call(locked=False)
def queue_wait(*, client, call: Call, queue_seconds: int, now: datetime | None = None) -> str:
    """The hold message (Twilio asks again when it ends): position, estimate, and after
    the client's wait, the offer to leave a voice message or be called back."""
    now = now or timezone.now()
    settings = voice_settings()
    response = VoiceResponse()
    say_phrase(response, "position", call.language,
               position=queue_position(client=client, call=call))  # fmt: skip
    minutes = wait_estimate_minutes(now=now)
    if minutes is not None:
        say_phrase(response, "estimate", call.language, minutes=minutes)
    if queue_seconds >= settings.offer_exit_after_seconds:
        gather = response.gather(action=webhook_url(client.pk, "hold-choice"), method="POST",
                                 num_digits=1, timeout=5)  # fmt: skip
        say_phrase(gather, "exit_offer", call.language)
    if settings.hold_music_url:
        response.play(settings.hold_music_url)
    else:
        response.pause(length=20)
    return str(response)


@_on_call(locked=True)
def queue_hold_choice(*, client, call: Call, digits: str) -> str:
    """A key pressed while waiting: 1 voicemail, 2 callback (the caller leaves the queue)."""
    response = VoiceResponse()
    choice = {"1": "voicemail", "2": "callback"}.get(digits[:1])
    if choice is None:
        return str(response)  # back to the hold message
    call.queue_exit = choice
    call.save(update_fields=["queue_exit"])
    response.leave()
    return str(response)


def _cancel_item(client, call: Call, *, now) -> None:
    """The caller is gone: the call's open work leaves the queue (and the load of the agent
    it was offered to) through the router's own cancel."""
    work_cancel_for_source(client=client, source_kind="call", source_id=call.pk, now=now)


@_on_call(locked=True)
@_numbered_step
def queue_exit(*, client, call: Call, result: str, now: datetime | None = None) -> str:
    """The call left Twilio's queue (Enqueue's action): left for voicemail or a callback,
    hung up (abandoned), or its conversation with the agent ended (then the survey)."""
    now = now or timezone.now()
    response = VoiceResponse()
    if result == "bridged":
        call.talk_ended_at = now
        if voice_settings().survey and call.answered_at:
            gather = response.gather(action=webhook_url(client.pk, "survey", step=call.step),
                                     method="POST", num_digits=1, timeout=8)  # fmt: skip
            say_phrase(gather, "survey", call.language)
        return _answer(call, hang_up(response, call.language))
    call.queue_left_at = call.queue_left_at or now
    _cancel_item(client, call, now=now)
    if result == "leave" and call.queue_exit == "voicemail":
        return _answer(call, _voicemail(client, call, response))
    if result == "leave" and call.queue_exit == "callback":
        return _answer(call, _callback(client, call, response, now=now))
    if result == "hangup":
        call.outcome = Call.Outcome.ABANDONED
        response.hangup()
        return _answer(call, response)
    # error, system-error, queue-full, redirected: the caller still gets a way to reach us
    logger.warning("Call %s left the queue with %s", call.call_sid, result)
    say_phrase(response, "technical", call.language)
    return _answer(call, _voicemail(client, call, response))


# --- voicemail, callback, survey -----------------------------------------------------------


def _voicemail(client, call: Call, response: VoiceResponse) -> str:
    call.outcome = Call.Outcome.VOICEMAIL
    say_phrase(response, "voicemail", call.language)
    response.record(
        action=webhook_url(client.pk, "voicemail-done"), method="POST",
        max_length=voice_settings().voicemail_max_seconds, play_beep=True, finish_on_key="#",
        recording_status_callback=webhook_url(client.pk, "recording", kind="voicemail"),
        recording_status_callback_method="POST",
    )  # fmt: skip
    response.hangup()
    return str(response)


@_on_call(locked=False)
def voicemail_done(*, client, call: Call) -> str:
    return hang_up(VoiceResponse(), call.language, "voicemail_thanks")


def _callback(
    client, call: Call, response: VoiceResponse, *, now, calendar: BusinessCalendar | None = None
) -> str:
    """A callback request becomes a conversation due by the client's promise (counted in
    ``calendar`` when the line's hours were just read: they found it closed)."""
    call.outcome = Call.Outcome.CALLBACK
    text = f"Callback requested by {call.from_number}"
    if call.topic:
        text += f" (topic: {call.topic})"
    inbound = conversation_open_inbound(
        client=client, channel=Channel.CALL, text=text, subject=f"Callback {call.from_number}",
        customer_phone=call.from_number, country=call.country, language=call.language,
        external_id=f"callback-{call.call_sid}", now=now, calendar=calendar,
    )  # fmt: skip
    call.conversation = inbound.conversation
    call.customer_id = inbound.conversation.customer_id
    say_phrase(response, "callback", call.language)
    return hang_up(response, call.language)


@_on_call(locked=True)
def recording_received(*, client, call: Call, kind: str, recording_sid: str, url: str,
                       status: str, seconds: int | None,
                       now: datetime | None = None) -> bool:  # fmt: skip
    """Twilio's recording callback: the link on the call; a voicemail becomes a
    conversation (once per recording). None: no such call."""
    now = now or timezone.now()
    if status != "completed" or not url:
        return False
    if kind != "voicemail":
        call.recording_url = url
        call.save(update_fields=["recording_url"])
        return True
    call.voicemail_url, call.voicemail_seconds = url, seconds
    text = f"Voicemail from {call.from_number} ({seconds or 0} s): {url}"
    if call.topic:
        text += f"\nTopic: {call.topic}"
    inbound = conversation_open_inbound(
        client=client, channel=Channel.CALL, text=text, subject=f"Voicemail {call.from_number}",
        customer_phone=call.from_number, country=call.country, language=call.language,
        external_id=recording_sid, now=now,
    )  # fmt: skip
    call.conversation = inbound.conversation
    call.customer_id = inbound.conversation.customer_id
    call.save()
    return True


@_on_call(locked=True)
@_numbered_step
def survey_answer(*, client, call: Call, digits: str) -> str:
    """The caller's rating (1-5) after talking to an agent, stored on the call; then the
    Net Promoter question when the client asks it (VoiceSettings.survey_nps)."""
    response = VoiceResponse()
    if digits[:1] not in CSAT_KEYS:
        return _answer(call, hang_up(response, call.language))
    call.csat = int(digits[:1])
    if not voice_settings().survey_nps:
        return _answer(call, hang_up(response, call.language, "survey_thanks"))
    call.tries = 0  # the menus are behind: the tries count the NPS question's now
    _nps_question(client, call, response)
    return _answer(call, response)


def _nps_question(client, call: Call, response: VoiceResponse) -> None:
    """The Net Promoter question (how likely to recommend the shop): one or two keys,
    ended by the hash key (or by the second key: "10" needs none)."""
    action = webhook_url(client.pk, "nps", step=call.step)
    gather = response.gather(action=action, method="POST", num_digits=2, finish_on_key="#",
                             timeout=8)  # fmt: skip
    say_phrase(gather, "nps", call.language, client=client.name)
    # Silence, or the hash key alone, does not reach the action: Twilio goes on to the
    # next verb, which comes back without Digits (asked once more, as a wrong entry).
    response.redirect(action, method="POST")


@_on_call(locked=True)
@_numbered_step
def nps_answer(*, client, call: Call, digits: str) -> str:
    """The caller's Net Promoter answer (0-10), stored on the call once; anything else is
    asked once more, then the caller is thanked and the call ends without one."""
    response = VoiceResponse()
    if call.nps is None and digits in NPS_ANSWERS:
        call.nps = int(digits)
        return _answer(call, hang_up(response, call.language, "survey_thanks"))
    call.tries += 1
    if call.nps is None and call.tries < NPS_TRIES:
        if digits:
            say_phrase(response, "invalid", call.language)
        _nps_question(client, call, response)
        return _answer(call, response)
    return _answer(call, hang_up(response, call.language))


# --- status, completion --------------------------------------------------------------------


@_on_call(locked=True)
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
        item = (WorkItem.objects.select_related("agent")
                .filter(pk=call.work_item_id, status="assigned").first())  # fmt: skip
        if item is not None and item.agent_id == call.agent_id:
            item_close(item_id=item.pk, agent=item.agent, now=now)
    _cancel_item(client, call, now=now)
    call.save()
    # The handled minutes, written once to the client's usage ledger (same transaction).
    usage_record_call(
        client=client, call_sid=call.call_sid, talk_seconds=call.talk_seconds,
        answered_at=call.answered_at, language=call.language, country=call.country,
        agent=call.agent_id,
    )  # fmt: skip
    from telephony.tasks import call_price_fetch_task

    task_enqueue_on_commit(call_price_fetch_task, args=[call.pk])
    return True


def call_price_fetch(*, call_id: int) -> bool:
    """Store Twilio's price of a finished call and pass it through to the client's usage
    ledger (both or neither); False while Twilio has none yet. Twilio is asked without
    holding the call's lock; the price is written only if nobody wrote it meanwhile."""
    from telephony.twilio_api import call_price
    from tenants.models import Client

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
            call_sid=call.call_sid, amount=price.amount, currency=price.currency,
            occurred_at=call.completed_at or timezone.now(), language=call.language,
        )  # fmt: skip
    return True


# --- a call back's customer leg: its end and its price ------------------------------------


@transaction.atomic
def call_back_status(*, client, outbound_id: int, customer_call_sid: str, status: str,
                     talk_seconds: int | None, now: datetime | None = None,
                     ) -> OutboundCall | None:  # fmt: skip
    """The status callback of a call back's customer leg (the <Number> we dialled); a final
    status completes it, once. None: the client has no such call back (the webhook's 404)."""
    _in_schema(client)
    outbound = (
        OutboundCall.objects.select_for_update(of=("self",)).select_related("call")
        .filter(pk=outbound_id).first()
    )  # fmt: skip
    if outbound is None:
        return None
    if status in FINAL_STATUSES:
        call_back_complete(client=client, outbound=outbound, customer_call_sid=customer_call_sid,
                           status=status, talk_seconds=talk_seconds,
                           now=now or timezone.now())  # fmt: skip
    return outbound


def call_back_complete(*, client, outbound: OutboundCall, customer_call_sid: str, status: str,
                       talk_seconds: int | None, now: datetime) -> bool:  # fmt: skip
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
        client=client, call_sid=customer_call_sid, talk_seconds=seconds,
        answered_at=outbound.answered_at, language=call.language, country=call.country,
        agent=outbound.agent_id, source_kind="callback",
    )  # fmt: skip
    if answered:
        from telephony.tasks import call_back_price_fetch_task

        task_enqueue_on_commit(call_back_price_fetch_task, args=[outbound.pk])
    return True


def call_back_price_fetch(*, outbound_id: int) -> bool:
    """Store Twilio's price of a call back's customer leg and pass it through to the
    client's usage ledger (both or neither), as call_price_fetch does for an inbound call;
    False while Twilio has none yet."""
    from telephony.twilio_api import call_price
    from tenants.models import Client

    outbound = OutboundCall.objects.filter(pk=outbound_id).first()
    if outbound is None or outbound.price is not None or not outbound.customer_call_sid:
        return True  # nothing (more) to fetch
    price = call_price(call_sid=outbound.customer_call_sid)
    if price is None:
        return False
    with transaction.atomic():
        outbound = OutboundCall.objects.select_for_update(of=("self",)).select_related(
            "call"
        ).get(pk=outbound_id)  # fmt: skip
        if outbound.price is not None:
            return True
        outbound.price, outbound.price_currency = price.amount, price.currency
        outbound.save(update_fields=["price", "price_currency"])
        usage_record_telephony_cost(
            client=Client.objects.get(schema_name=connection.schema_name),
            call_sid=outbound.customer_call_sid, amount=price.amount, currency=price.currency,
            occurred_at=outbound.completed_at or timezone.now(),
            language=outbound.call.language, source_kind="callback",
        )  # fmt: skip
    return True


# --- ends that never arrived: the reconciliation sweep --------------------------------------

# Twilio posts a status callback seconds after the call ends; a site restarting for a
# deploy, or a short outage, delays it by a few minutes more. Before this, asking Twilio
# would mostly find calls still going (and spend REST requests on them).
RECONCILE_AFTER = timedelta(minutes=15)
# A call back Twilio refused (no agent leg sid) may still have been placed when only our
# request timed out, and then its status callback bills it; a day later none will come.
# The same wait before believing Twilio's 404 for an agent leg: a new call is not
# visible to its REST API at once.
CALL_BACK_GIVE_UP_AFTER = timedelta(days=1)
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
# A call back whose customer was never rung: the agent's leg ended before its <Dial> (the
# agent did not pick up, or hung up during the whisper), or Twilio never placed it.
NOT_DIALLED = "not-dialled"


@dataclass
class Reconciled:
    """What one sweep of a client did."""

    completed: int = 0  # ended as Twilio reports (billed as their callback would have)
    closed: int = 0  # calls back whose customer was never rung: nothing billed
    left: int = 0  # still going at Twilio, not known there yet, or a Twilio error
    unavailable: bool = False  # Twilio unreachable: the rest waits for the next run
    priced: int = 0  # finished calls whose price task never ran (a broker down), priced now


def calls_reconcile(*, client, now: datetime | None = None) -> Reconciled:
    """Finish the client's calls and calls back whose end never reached us (a status
    callback lost to an outage), from what Twilio's REST API reports: through
    call_complete and call_back_complete, under the row's lock, so the ledger keys are
    the callback's and whichever comes second (the sweep or a late callback) changes
    nothing. Twilio is asked without holding a lock. Calls still going are left for the
    next run, and so is everything once Twilio is unreachable."""
    _in_schema(client)
    now = now or timezone.now()
    done = Reconciled()
    refused = OutboundCall.objects.filter(
        completed_at__isnull=True, agent_call_sid="",
        started_at__lt=now - CALL_BACK_GIVE_UP_AFTER,
    ).order_by("started_at").values_list("pk", flat=True)[:RECONCILE_BATCH]  # fmt: skip
    for outbound_id in refused:
        done.closed += _call_back_finish(client=client, outbound_id=outbound_id, leg=None,
                                         ended_at=None)  # fmt: skip
    window = (now - RECONCILE_WINDOW, now - RECONCILE_AFTER)
    least_recently_asked = F("reconcile_asked_at").asc(nulls_first=True)
    calls_back = OutboundCall.objects.filter(
        completed_at__isnull=True, started_at__range=window
    ).exclude(agent_call_sid="").order_by(least_recently_asked, "started_at").values_list(
        "pk", "agent_call_sid", "started_at"
    )  # fmt: skip
    calls = Call.objects.filter(completed_at__isnull=True, ringing_at__range=window).order_by(
        least_recently_asked, "ringing_at"
    ).values_list("pk", "call_sid")  # fmt: skip
    # Read before this run completes any call (those get their own price task).
    priced_window = (now - RECONCILE_WINDOW, now - PRICE_RECONCILE_AFTER)
    unpriced = list(
        Call.objects.filter(completed_at__range=priced_window, price__isnull=True)
        .order_by(least_recently_asked, "completed_at")
        .values_list("pk", flat=True)[:RECONCILE_BATCH]
    )
    unpriced_back = list(
        OutboundCall.objects.filter(completed_at__range=priced_window, price__isnull=True)
        .exclude(customer_call_sid="")
        .order_by(least_recently_asked, "completed_at")
        .values_list("pk", flat=True)[:RECONCILE_BATCH]
    )
    asked_back, asked = [], []
    try:
        for outbound_id, agent_sid, started_at in calls_back[:RECONCILE_BATCH]:
            asked_back.append(outbound_id)
            _call_back_reconcile(client=client, outbound_id=outbound_id, agent_sid=agent_sid,
                                 given_up=started_at < now - CALL_BACK_GIVE_UP_AFTER,
                                 now=now, done=done)  # fmt: skip
        for call_id, call_sid in calls[:RECONCILE_BATCH]:
            asked.append(call_id)
            _call_reconcile(client=client, call_id=call_id, call_sid=call_sid, now=now,
                            done=done)  # fmt: skip
        for call_id in unpriced:
            asked.append(call_id)
            done.priced += _price_reconcile(call_price_fetch, call_id=call_id)
        for outbound_id in unpriced_back:
            asked_back.append(outbound_id)
            done.priced += _price_reconcile(call_back_price_fetch, outbound_id=outbound_id)
    except TwilioUnavailable as error:
        done.unavailable = True
        logger.warning("Calls of %s not reconciled this time: %s", client.slug, error)
    finally:  # to the back of the line, those still open
        OutboundCall.objects.filter(pk__in=asked_back).update(reconcile_asked_at=now)
        Call.objects.filter(pk__in=asked).update(reconcile_asked_at=now)
    return done


def _price_reconcile(fetch, **row) -> int:
    """1 when the finished call (or call back) got its price now; Twilio's other errors
    leave it for the next run."""
    try:
        return int(bool(fetch(**row)))
    except TwilioUnavailable:
        raise
    except TwilioApiError as error:
        logger.warning("No price for %s yet: %s", row, error)
        return 0


def _ended(leg: CallLeg, now: datetime) -> datetime:
    """When Twilio says the leg ended; never later than now (clocks differ a little)."""
    return min(leg.ended_at or now, now)


def _call_back_reconcile(*, client, outbound_id: int, agent_sid: str, given_up: bool,
                         now: datetime, done: Reconciled) -> None:  # fmt: skip
    """A call back whose customer leg never reported its end. The agent's leg is asked
    first: its <Dial> is its last verb, so once it has ended, its children are all there
    (a child asked for first could appear a moment later, and be lost)."""
    try:
        agent_leg = call_fetch(call_sid=agent_sid)
        if agent_leg is None:  # not visible yet; a day on, Twilio never had it
            if not given_up:
                done.left += 1
                return
            children = []
        elif agent_leg.status not in FINAL_STATUSES:
            done.left += 1
            return
        else:
            children = call_children(parent_sid=agent_sid)
    except TwilioUnavailable:
        done.left += 1
        raise
    except TwilioApiError as error:
        logger.warning("Call back %s not reconciled: %s", outbound_id, error)
        done.left += 1
        return
    if any(child.status not in FINAL_STATUSES for child in children):
        done.left += 1  # the customer's leg is ending right now: the next run
        return
    if not children:  # the customer was never rung
        ended_at = _ended(agent_leg, now) if agent_leg is not None else None
        done.closed += _call_back_finish(client=client, outbound_id=outbound_id, leg=None,
                                         ended_at=ended_at)  # fmt: skip
        return
    # One <Number>, one child; were there more, the answered one is the one to bill.
    leg = next((child for child in children if child.status == "completed"), children[0])
    if _call_back_finish(client=client, outbound_id=outbound_id, leg=leg,
                         ended_at=_ended(leg, now)):  # fmt: skip
        done.completed += 1
        logger.warning("Call back %s ended %s without its status callback: completed from "
                       "Twilio's record of %s", outbound_id, leg.status, leg.sid)  # fmt: skip


@transaction.atomic
def _call_back_finish(*, client, outbound_id: int, leg: CallLeg | None,
                      ended_at: datetime | None) -> bool:  # fmt: skip
    """Complete a call back from Twilio's record of its customer leg, or close one whose
    customer was never rung (``leg`` None; ended when its agent's leg did, else when it
    was started). The row's lock and call_back_complete's once-guard, as for the status
    callback."""
    outbound = (
        OutboundCall.objects.select_for_update(of=("self",)).select_related("call")
        .filter(pk=outbound_id).first()
    )  # fmt: skip
    if outbound is None:
        return False
    if leg is None:
        return call_back_complete(client=client, outbound=outbound, customer_call_sid="",
                                  status=NOT_DIALLED, talk_seconds=0,
                                  now=ended_at or outbound.started_at)  # fmt: skip
    return call_back_complete(client=client, outbound=outbound, customer_call_sid=leg.sid,
                              status=leg.status, talk_seconds=leg.seconds,
                              now=ended_at)  # fmt: skip


def _call_reconcile(*, client, call_id: int, call_sid: str, now: datetime,
                    done: Reconciled) -> None:  # fmt: skip
    """An inbound call whose status callback never came: completed as that callback would
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
    if leg is None or leg.status not in FINAL_STATUSES:
        done.left += 1
        return
    with transaction.atomic():
        call = Call.objects.select_for_update(of=("self",)).filter(pk=call_id).first()
        if call is None or not call_complete(client=client, call=call, status=leg.status,
                                             now=_ended(leg, now)):  # fmt: skip
            return
    done.completed += 1
    logger.warning("Call %s ended %s without its status callback: completed from Twilio's "
                   "record", call_sid, leg.status)  # fmt: skip


# --- the agent's leg -----------------------------------------------------------------------


@transaction.atomic
def agent_connect(*, client, call_id: int, item_id: int, agent,
                  now: datetime | None = None) -> str | None:  # fmt: skip
    """The agent picked up the ringing offer: accept it and bridge them to the caller
    (Twilio's queue named after the call); an offer gone meanwhile is said so."""
    from routing.services import offer_accept

    _in_schema(client)
    now = now or timezone.now()
    call = Call.objects.select_for_update().filter(pk=call_id, work_item_id=item_id).first()
    if call is None:
        return None
    response = VoiceResponse()
    language = agent.language or "en"
    if call.completed_at or (call.answered_at and call.agent_id != agent.pk):
        return hang_up(response, language, "offer_gone")  # ended, or someone else has it
    if call.answered_at is None:
        try:
            offer_accept(item_id=item_id, agent=agent, now=now)
        except (ValueError, WorkItem.DoesNotExist):
            return hang_up(response, language, "offer_gone")
        call.answered_at, call.agent_id = now, agent.pk
        call.queue_left_at = call.queue_left_at or now
        call.save()
    # else: Twilio retried this webhook: the same bridge again, nothing accepted twice.
    say_phrase(response, "agent_whisper", language, client=client.name,
               language=language_name(call.language))  # fmt: skip
    record = {}
    if voice_settings().record_calls:
        record = {
            "record": "record-from-answer-dual",
            # The recording belongs to the agent's leg: its callback names the caller's call.
            "recording_status_callback": webhook_url(
                client.pk, "recording", kind="call", call=call.call_sid
            ),
        }
    dial = response.dial(**record)
    dial.queue(call.call_sid)
    return str(response)


@transaction.atomic
def calls_erase_for_number(*, phone: str) -> int:
    """GDPR erasure of a caller: their number and recordings are removed from every call
    (the rows stay for statistics). Call it before the customer's phone is blanked."""
    if not phone:
        return 0
    return Call.objects.filter(from_number=phone).update(
        from_number="", recording_url="", voicemail_url="", last_twiml="", path=[]
    )


# --- the agent desk: after the call --------------------------------------------------------


@transaction.atomic
def call_wrap_up(*, client, call_id: int, agent, category: str, note: str, resolved: bool,
                 now: datetime | None = None) -> Call:  # fmt: skip
    """The agent's outcome of an answered call: a category and a note on the call, and
    either "resolved on the call" or "needs follow-up", which opens a conversation (channel
    call, in the caller's language) that waits in the queue like any other. Once per call:
    a second wrap-up (a double click) changes nothing."""
    from django.core.exceptions import ValidationError

    _in_schema(client)
    now = now or timezone.now()
    call = Call.objects.select_for_update().filter(pk=call_id).first()
    if call is None:
        raise Call.DoesNotExist(f"No call {call_id}.")
    if call.wrapped_at:
        return call
    if call.agent_id != agent.pk:
        raise ValidationError("Only the agent who answered the call writes its outcome.")
    category, note = category.strip(), note.strip()
    if len(category) > 64:
        raise ValidationError({"category": "At most 64 characters."})
    if not resolved and not note:
        raise ValidationError({"note": "Say what the follow-up is about."})
    call.wrap_category, call.wrap_note = category, note
    call.wrap_resolved, call.wrapped_at = resolved, now
    if not resolved and call.conversation_id is None:
        text = f"Follow-up of the call from {call.from_number}: {note}"
        inbound = conversation_open_inbound(
            client=client, channel=Channel.CALL, text=text, subject=f"Call {call.from_number}",
            customer_phone=call.from_number, country=call.country, language=call.language,
            external_id=f"followup-{call.call_sid}", now=now,
        )  # fmt: skip
        call.conversation = inbound.conversation
        call.customer_id = call.customer_id or inbound.conversation.customer_id
        if category:
            inbound.conversation.category = category
            inbound.conversation.save(update_fields=["category"])
    call.save()
    return call
