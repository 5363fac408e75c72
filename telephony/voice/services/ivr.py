"""The IVR: a call rings, its menus, the keys pressed, the language chosen, the option's
action (a submenu, information, the queue, voicemail, a callback request, a transfer)."""

import logging
from datetime import datetime
from typing import Any

from django.db import DEFAULT_DB_ALIAS, transaction
from django.db.models import (
    Exists,
    JSONField,
    Model,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    prefetch_related_objects,
)
from django.db.models.expressions import RawSQL
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


# What a key press that only moves the call through its menus may change: the UPDATE of
# the fast path writes these and nothing else (the status webhook writes other columns).
_KEY_FIELDS = (
    "menu_id",
    "menu_stack",
    "tries",
    "step",
    "last_twiml",
    "path",
    "language",
    "topic",
    "outcome",
    "menu_left_at",
    "transferred_to",
)


def _options_of_menu(menu_column: str) -> RawSQL:
    """A menu's options, each with its target menu, as one JSON array in one column of the
    outer query (whose ``menu_column`` names the menu). Written as SQL once, not built from
    expressions: compiling a JSON object of every translated column took about a third of
    the request's time (measured with cProfile on the test client)."""
    option, menu = Option._meta.db_table, Menu._meta.db_table
    # Only names from the models' Meta and this module go into the SQL, no input.
    sql = (
        "SELECT coalesce(jsonb_agg(to_jsonb(o) || jsonb_build_object('target_row', to_jsonb(t))),"  # noqa: S608
        f' \'[]\') FROM "{option}" o LEFT JOIN "{menu}" t ON t.id = o.target_id'
        f" WHERE o.menu_id = {menu_column}"
    )
    return RawSQL(  # noqa: S611 - see above
        sql,
        (),
        output_field=JSONField(),
    )


def _from_json[M: Model](model: type[M], row: dict[str, Any]) -> M:
    fields = [f.attname for f in model._meta.concrete_fields]
    return model.from_db(DEFAULT_DB_ALIAS, fields, [row[name] for name in fields])


def _options_keep(menu: Menu, rows: list[dict[str, Any]]) -> None:
    """Give ``menu`` its options read in the same statement as itself: ``menu.options.all()``
    then answers from memory, as after a ``prefetch_related``."""
    options = []
    for row in rows:
        option = _from_json(Option, row)
        target = row["target_row"]  # null: no target (the LEFT JOIN found no menu)
        option.target = _from_json(Menu, target) if target is not None else None
        options.append(option)
    options.sort(key=lambda option: (option.position, option.key))  # as Option.Meta orders
    kept = menu.options.all()
    kept._result_cache = options
    kept._prefetch_done = True  # type: ignore[attr-defined]  # Django's flag, as a prefetch sets
    menu._prefetched_objects_cache = {"options": kept}  # type: ignore[attr-defined]


def _options(menu: Menu) -> list[Option]:
    """The menu's options, ordered (from memory when read with the menu, else one query)."""
    return list(menu.options.all())


def _option_of_key(menu: Menu, key: str) -> Option | None:
    return next((option for option in _options(menu) if option.key == key), None)


def _entry_menu_and_earlier(number: str, call_sid: str) -> tuple[Menu | None, str | None]:
    """The number's first menu (else the menu keyed ``main``) with its options, and the
    answer already given to this call (a retried first request), in one statement;
    (None, None) when there is no menu."""
    numbers = NumberMenu.objects.filter(number=number)
    menu = (
        Menu.objects.filter(Q(pk__in=numbers.values("menu_id")) | Q(key="main"))
        .annotate(
            numbers_own=Exists(numbers.filter(menu_id=OuterRef("pk"))),
            option_rows=_options_of_menu(f'"{Menu._meta.db_table}"."id"'),
            earlier=Subquery(Call.objects.filter(call_sid=call_sid).values("last_twiml")[:1]),
        )
        .order_by("-numbers_own")
        .first()
    )
    if menu is None:
        return None, None
    _options_keep(menu, menu.option_rows)
    earlier: str | None = menu.earlier
    return menu, earlier


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
    that races the first one writes nothing, and both get the same answer).
    """
    schema_check(client)
    now = now or timezone.now()
    menu, earlier = _entry_menu_and_earlier(number.number, call_sid)
    if menu is None:  # no menus at all: the retry is looked for on its own
        earlier = (
            Call.objects.filter(call_sid=call_sid).values_list("last_twiml", flat=True).first()
        )
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
        for option in _options(menu):
            if option.action != Option.Action.LANGUAGE:
                continue
            say_phrase(
                gather,
                "language_option",
                option.language,
                key=option.key,
                language=language_name(option.language),
            )
    response.redirect(action, method="POST")


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
    reads the call, its menu and the menu's options; one UPDATE writes the columns a key
    changes, and holds only if no other request moved the call in between (the same step,
    not ended, still in the menus). A retried (or stale) request gets the stored answer.
    A key that does more, or an UPDATE that found the call moved, runs again as every
    other step does: the call locked, in one transaction (``_call_gather_locked``).
    """
    schema_check(client)
    now = now or timezone.now()
    call: Call | None = (
        Call.objects.select_related("menu")
        .annotate(option_rows=_options_of_menu(f'"{Call._meta.db_table}"."menu_id"'))
        .filter(call_sid=call_sid)
        .first()
    )
    if call is None:
        return None
    if step is not None and step != call.step:
        return call.last_twiml
    if call.menu is not None:
        _options_keep(call.menu, call.option_rows)  # type: ignore[attr-defined]  # annotated
    read = {"step": call.step, "completed_at": call.completed_at, "menu_left_at": call.menu_left_at}
    call.step += 1
    try:
        call.last_twiml = _gather(client, call, digits, now=now, locked=False)
    except _LockNeeded:
        return _call_gather_locked(
            client=client, call_sid=call_sid, step=step, digits=digits, now=now
        )
    moved = Call.objects.filter(pk=call.pk, **read).update(
        **{field: getattr(call, field) for field in _KEY_FIELDS}
    )
    if not moved:
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
            _menu(client, call, response)
            return str(response)
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
