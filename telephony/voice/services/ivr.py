"""The IVR: a call rings, its menus, the keys pressed, the language chosen, the option's
action (a submenu, information, the queue, voicemail, a callback request, a transfer)."""

import logging
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from twilio.twiml.voice_response import VoiceResponse

from telephony.models import PhoneNumber
from telephony.voice.models import FALLBACK_KEY, Call, Menu, NumberMenu, Option
from telephony.voice.services.callback_requests import callback_request_take
from telephony.voice.services.queue import queue_or_closed
from telephony.voice.services.steps import numbered_step, on_call, schema_check, step_answer
from telephony.voice.services.voicemail import voicemail_offer
from telephony.voice.twiml import (
    content_lookup,
    hang_up,
    language_name,
    say,
    say_phrase,
    webhook_url,
)
from tenants.models import Client

logger = logging.getLogger(__name__)


def entry_menu(number: str) -> Menu | None:
    """The number's first menu, else the menu keyed ``main``."""
    row = NumberMenu.objects.select_related("menu").filter(number=number).first()
    return row.menu if row else Menu.objects.filter(key="main").first()


def call_incoming(
    *,
    client: Client,
    number: PhoneNumber,
    call_sid: str,
    from_number: str,
    now: datetime | None = None,
) -> str:
    """A call rings one of the client's numbers: a Call record, then its first menu.

    The hot path of every call, so it is lean: the answer is built first and the call
    written with it in one INSERT (ON CONFLICT DO NOTHING: a retried request that races
    the first one writes nothing, and both get the same answer).
    """
    schema_check(client)
    now = now or timezone.now()
    earlier = Call.objects.filter(call_sid=call_sid).values_list("last_twiml", flat=True)
    for twiml in earlier:  # Twilio retried the first request
        return twiml
    call = Call(
        call_sid=call_sid,
        from_number=from_number[:32],
        to_number=number.number,
        country=number.country,
        language=number.default_language,
        ringing_at=now,
        menu=entry_menu(number.number),
        step=1,
    )
    response = VoiceResponse()
    if call.menu is None:
        logger.warning(
            "No IVR menu for %s (client %s): call %s queued directly",
            number.number,
            client.slug,
            call_sid,
        )
        with transaction.atomic():
            call.save()
            return step_answer(call, queue_or_closed(client, call, response, now=now))
    _menu(client, call, response)
    call.last_twiml = str(response)
    Call.objects.bulk_create([call], ignore_conflicts=True)
    return call.last_twiml


def _menu(client: Client, call: Call, response: VoiceResponse) -> None:
    """Say the current menu inside a <Gather>; no key at all comes back without Digits."""
    menu = call.menu
    assert menu is not None  # said only while the call is in one
    action = webhook_url(client.pk, "gather", step=call.step)
    # finishOnKey off: "#" is a key a menu may use, not the end of the input.
    gather = response.gather(
        action=action, method="POST", num_digits=1, finish_on_key="", timeout=menu.timeout_seconds
    )
    say(gather, content_lookup(menu, "prompt"), call.language)
    if menu.language_choice:  # each choice in its own language and voice
        for option in menu.options.filter(action=Option.Action.LANGUAGE):
            say_phrase(
                gather,
                "language_option",
                option.language,
                key=option.key,
                language=language_name(option.language),
            )
    response.redirect(action, method="POST")


# --- keys ----------------------------------------------------------------------------------


@on_call(locked=True)
@numbered_step
def call_gather(*, client: Client, call: Call, digits: str, now: datetime | None = None) -> str:
    """The caller pressed a key (or none): the option's action, or the menu again, or,
    after too many tries, the menu's fallback. None: no such call in this client."""
    now = now or timezone.now()
    response = VoiceResponse()
    menu = call.menu
    if menu is None or call.completed_at or call.menu_left_at:
        return step_answer(call, hang_up(response, call.language))
    key = digits[:1]
    option = (
        menu.options.select_related("target").filter(key=key).first()
        if key and key != FALLBACK_KEY
        else None
    )
    call.path = [*call.path, key or "-"]
    if option is None:
        if menu.language_choice and not key:
            # No choice made: the number's language, and on to the menu it leads to.
            return step_answer(call, _language_default(client, call, response, menu, now=now))
        call.tries += 1
        if call.tries <= menu.max_retries:
            if key:
                say_phrase(response, "invalid", call.language)
            _menu(client, call, response)
            return step_answer(call, response)
        fallback = menu.options.select_related("target").filter(key=FALLBACK_KEY).first()
        if fallback is None:
            if menu.language_choice:
                return step_answer(call, _language_default(client, call, response, menu, now=now))
            call.outcome = Call.Outcome.IVR_HANGUP
            call.menu_left_at = now
            return step_answer(call, hang_up(response, call.language))
        option = fallback
    call.tries = 0
    return step_answer(call, _apply(client, call, option, response, now=now))


def _language_default(
    client: Client, call: Call, response: VoiceResponse, menu: Menu, *, now: datetime
) -> str:
    options = list(menu.options.select_related("target").filter(action=Option.Action.LANGUAGE))
    chosen = next((o for o in options if o.language == call.language), None)
    chosen = chosen or (options[0] if options else None)
    if chosen is None or chosen.target is None:
        call.outcome = Call.Outcome.IVR_HANGUP
        call.menu_left_at = now
        return hang_up(response, call.language)
    call.tries = 0
    return _apply(client, call, chosen, response, now=now, language=call.language)


def _apply(
    client: Client,
    call: Call,
    option: Option,
    response: VoiceResponse,
    *,
    now: datetime,
    language: str = "",
) -> str:
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
            return queue_or_closed(client, call, response, now=now)
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
        return queue_or_closed(client, call, response, now=now)
    elif action == Option.Action.VOICEMAIL:
        call.menu_left_at = now
        return voicemail_offer(client, call, response)
    elif action == Option.Action.CALLBACK:
        call.menu_left_at = now
        return callback_request_take(client, call, response, now=now)
    elif action == Option.Action.TRANSFER:
        call.menu_left_at = now
        call.outcome = Call.Outcome.TRANSFERRED
        call.transferred_to = option.transfer_to
        say_phrase(response, "transfer", call.language)
        response.dial(option.transfer_to, caller_id=call.to_number)
        return str(response)
    _menu(client, call, response)
    return str(response)
