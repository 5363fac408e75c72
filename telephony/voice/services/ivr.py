"""The IVR: a call rings, its menus, the keys pressed, the language chosen, the option's
action (a submenu, information, the queue, voicemail, a callback request, a transfer)."""

import logging
from datetime import datetime

from django.db import transaction
from django.db.models import (
    Prefetch,
    prefetch_related_objects,
)
from django.utils import timezone
from twilio.twiml.voice_response import VoiceResponse

from telephony.models import PhoneNumber
from telephony.voice.models import FALLBACK_KEY, Call, Menu, Option
from telephony.voice.services import call_rows
from telephony.voice.services.callback_requests import callback_request_take
from telephony.voice.services.menu_twiml import menu_answer
from telephony.voice.services.queue import queue_or_closed
from telephony.voice.services.steps import numbered_step, on_call, schema_check, step_answer
from telephony.voice.services.voicemail import voicemail_offer
from telephony.voice.twiml import (
    content_lookup,
    hang_up,
    say,
    say_phrase,
)
from tenants.models import Client

logger = logging.getLogger(__name__)


def _options(menu: Menu) -> list[Option]:
    """The menu's options, ordered (from memory when read with the menu, else one query)."""
    return list(menu.options.all())


def _menu_before(call: Call) -> Menu | None:
    """The menu at the top of the call's stack: read with the call on the fast path
    (call_rows.call_with_menu), else now."""
    if hasattr(call, "menu_before"):
        before: Menu | None = call.menu_before
        return before
    return Menu.objects.filter(pk=call.menu_stack[-1]).first()


def _option_of_key(menu: Menu, key: str) -> Option | None:
    return next((option for option in _options(menu) if option.key == key), None)


def call_incoming(
    *,
    client: Client,
    number: PhoneNumber,
    call_sid: str,
    from_number: str,
    now: datetime | None = None,
) -> str:
    """A call rings one of the client's numbers: a Call record, then its first menu.

    The hot path of every call, so it is lean: one statement reads the menu, its options
    and any answer already given (Twilio retried the request), the answer is built, and
    the call written with it in one INSERT (ON CONFLICT DO NOTHING: a retried request
    that races the first one writes nothing, and both get the same answer). Both are
    prepared statements (call_rows).
    """
    schema_check(client)
    now = now or timezone.now()
    menu, earlier = call_rows.entry_menu_and_earlier(number.number, call_sid)
    if earlier is not None:  # Twilio retried the first request
        return earlier
    call = Call(
        call_sid=call_sid,
        from_number=from_number[:32],
        to_number=number.number,
        country=number.country,
        language=number.default_language,
        ringing_at=now,
        menu=menu,
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
    call.last_twiml = menu_answer(client, call, response)
    call_rows.call_insert(call)
    return call.last_twiml


# --- keys ----------------------------------------------------------------------------------


# Options whose action writes more than the call row (the router's queue, a conversation).
_ACTIONS_WRITING_MORE = frozenset(
    {Option.Action.QUEUE, Option.Action.VOICEMAIL, Option.Action.CALLBACK}
)


class _LockNeeded(Exception):
    """The key does more than move the call through its menus (it queues the call, takes
    a voicemail or a callback request): it runs again with the call locked."""


def call_gather(
    *, client: Client, call_sid: str, step: int | None, digits: str, now: datetime | None = None
) -> str | None:
    """The caller pressed a key (or none): the option's action, or the menu again, or,
    after too many tries, the menu's fallback. None: no such call in this client.

    Most keys only move the call through its menus, so they take two statements: one
    reads the call, its menu and the menu's options (and the menu before, for "back"); one
    UPDATE writes the columns a key changes (both prepared statements: call_rows), and
    holds only if no other request moved the call in between (the same step, not ended,
    still in the menus). A retried (or stale) request gets the stored answer. A key that
    does more, or an UPDATE that found the call moved, runs again as every other step
    does: the call locked, in one transaction (``_call_gather_locked``).
    """
    schema_check(client)
    now = now or timezone.now()
    call = call_rows.call_with_menu(call_sid)
    if call is None:
        return None
    if step is not None and step != call.step:
        return call.last_twiml
    read = {"step": call.step, "completed_at": call.completed_at, "menu_left_at": call.menu_left_at}
    call.step += 1
    try:
        call.last_twiml = _gather(client, call, digits, now=now, locked=False)
    except _LockNeeded:
        return _call_gather_locked(
            client=client, call_sid=call_sid, step=step, digits=digits, now=now
        )
    if not call_rows.call_key_write(call, read=read):
        return _call_gather_locked(
            client=client, call_sid=call_sid, step=step, digits=digits, now=now
        )
    return call.last_twiml


@on_call(locked=True)
@numbered_step
def _call_gather_locked(
    *, client: Client, call: Call, digits: str, now: datetime | None = None
) -> str:
    if call.menu is not None:
        options = Prefetch("options", queryset=Option.objects.select_related("target"))
        prefetch_related_objects([call.menu], options)
    return step_answer(call, _gather(client, call, digits, now=now or timezone.now(), locked=True))


def _gather(client: Client, call: Call, digits: str, *, now: datetime, locked: bool) -> str:
    """The answer to a key (the call moved on in memory; the caller stores both)."""
    response = VoiceResponse()
    menu = call.menu
    if menu is None or call.completed_at or call.menu_left_at:
        return hang_up(response, call.language)
    key = digits[:1]
    option = _option_of_key(menu, key) if key and key != FALLBACK_KEY else None
    call.path = [*call.path, key or "-"]
    if option is None:
        if menu.language_choice and not key:
            # No choice made: the number's language, and on to the menu it leads to.
            return _language_default(client, call, response, menu, now=now, locked=locked)
        call.tries += 1
        if call.tries <= menu.max_retries:
            if key:
                say_phrase(response, "invalid", call.language)
            return menu_answer(client, call, response)
        fallback = _option_of_key(menu, FALLBACK_KEY)
        if fallback is None:
            if menu.language_choice:
                return _language_default(client, call, response, menu, now=now, locked=locked)
            call.outcome = Call.Outcome.IVR_HANGUP
            call.menu_left_at = now
            return hang_up(response, call.language)
        option = fallback
    call.tries = 0
    return _apply(client, call, option, response, now=now, locked=locked)


def _language_default(
    client: Client,
    call: Call,
    response: VoiceResponse,
    menu: Menu,
    *,
    now: datetime,
    locked: bool,
) -> str:
    options = [o for o in _options(menu) if o.action == Option.Action.LANGUAGE]
    chosen = next((o for o in options if o.language == call.language), None)
    chosen = chosen or (options[0] if options else None)
    if chosen is None or chosen.target is None:
        call.outcome = Call.Outcome.IVR_HANGUP
        call.menu_left_at = now
        return hang_up(response, call.language)
    call.tries = 0
    return _apply(client, call, chosen, response, now=now, locked=locked, language=call.language)


def _apply(
    client: Client,
    call: Call,
    option: Option,
    response: VoiceResponse,
    *,
    now: datetime,
    locked: bool,
    language: str = "",
) -> str:
    """Do what an option says; returns the TwiML. Unless ``locked``, an option that writes
    more than the call raises _LockNeeded before it writes anything."""
    action = option.action
    if not locked and (
        action in _ACTIONS_WRITING_MORE
        or (action == Option.Action.LANGUAGE and option.target_id is None)  # queues
    ):
        raise _LockNeeded
    if action != Option.Action.INFO:  # an optional sentence before the action
        say(response, content_lookup(option, "message"), call.language)
    if action == Option.Action.SUBMENU:
        call.menu_stack = [*call.menu_stack, call.menu_id]
        call.menu = option.target
    elif action == Option.Action.REPEAT:
        pass
    elif action == Option.Action.BACK:
        if call.menu_stack:
            call.menu = _menu_before(call) or call.menu
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
    return menu_answer(client, call, response)
