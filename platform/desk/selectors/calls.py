"""Calls on the desk: a call's screen pop and timeline (in its client's schema) and the
screen pops of the calls offered to or held by an agent."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from django.core.cache import cache
from django.utils import timezone
from django_tenants.utils import schema_context

from desk.selectors.conversation import ClientClock, client_clock
from desk.selectors.inbox import client_colour
from orders.selectors import shop_connection
from telephony.voice.models import Call
from telephony.voice.selectors import caller_history
from tenants.current import schema_name_current
from tenants.models import Client

if TYPE_CHECKING:
    from routing.models import WorkItem
    from telephony.voice.selectors import CallerHistory


@dataclass(frozen=True)
class TimelineStep:
    key: str  # ringing, queued, answered, completed
    at: datetime


@dataclass(frozen=True)
class CallView:
    """A call as the agent sees it: who calls (the screen pop) and how the call went."""

    call: "Call"
    history: "CallerHistory"
    timeline: list[TimelineStep]
    clock: ClientClock | None


def call_timeline(call: "Call") -> list[TimelineStep]:
    """The call's moments that happened, in order."""
    moments = [
        ("ringing", call.ringing_at),
        ("queued", call.queued_at),
        ("answered", call.answered_at),
        ("completed", call.completed_at),
    ]
    return [TimelineStep(key, at) for key, at in moments if at is not None]


def call_view_in_schema(
    *, client: Client, call_id: int, with_clock: bool = True
) -> CallView | None:
    """A call's screen pop and timeline (call inside the client's schema)."""
    if schema_name_current() != client.schema_name:
        raise RuntimeError("call_view_in_schema runs in the client's schema")
    history = caller_history(call_id=call_id)
    if history is None:
        return None
    call = history.call
    clock = (
        client_clock(client, country=call.country, language=call.language) if with_clock else None
    )
    return CallView(call=call, history=history, timeline=call_timeline(call), clock=clock)


def call_of_conversation_in_schema(*, conversation_id: int) -> "Call | None":
    """The call a conversation came from (a voicemail, a callback request, a follow-up),
    the latest if several; None for other conversations. Call inside the client's schema."""
    return Call.objects.filter(conversation_id=conversation_id).order_by("-ringing_at").first()


@dataclass(frozen=True)
class ScreenPop:
    item: "WorkItem"
    colour: str
    view: CallView
    # The client has a shop: the pop shows the caller's orders, fetched by desk.js after the
    # pop has shown (desk/views/orders.py), so a slow shop never delays it.
    has_shop: bool = False


# A call's screen pop is read from its client's schema once per this many seconds at most
# (and again at once when its item changes), not on every 5-second poll of the desk. What
# the pop shows of the call itself (number, topic, language, customer) is fixed before the
# call is queued and only changes after it ends, when its item leaves the desk; the caller's
# earlier calls and conversations may show a new one up to this late.
SCREEN_POP_SECONDS = 30


def screen_pop_key(item: "WorkItem") -> str:
    """Per call and state of its item (offered or answered, to whom, since when): one entry
    each, read again in place when it is SCREEN_POP_SECONDS old."""
    since = item.offered_at if item.status == "offered" else item.assigned_at
    return (
        f"desk:screen-pop:v2:{item.client.schema_name}:{item.source_id}:{item.pk}:{item.status}:"
        f"{item.agent_id}:{since.timestamp() if since else ''}"
    )


PopEntry = tuple[float, CallView, bool]  # read at (timestamp), the view, the client has a shop


def _pop_entry(cached: object, *, now: datetime) -> PopEntry | None:
    """A cached screen pop still young enough to show (None: read it again)."""
    if not (isinstance(cached, tuple) and len(cached) == 3 and isinstance(cached[1], CallView)):
        return None
    read_at, view, has_shop = cached
    if now.timestamp() - read_at >= SCREEN_POP_SECONDS:
        return None
    return (read_at, view, bool(has_shop))


def screen_pops(items: Iterable["WorkItem"], *, now: datetime | None = None) -> list[ScreenPop]:
    """The caller of every call offered or assigned to the agent (their items, already
    read): a few queries in each call's client schema when it rings, when it is answered
    and every SCREEN_POP_SECONDS; none in between (Django's cache) and none without calls."""
    now = now or timezone.now()
    keys = {item.pk: screen_pop_key(item) for item in items if item.source_kind == "call"}
    if not keys:
        return []
    cached = cache.get_many(keys.values())
    pops = []
    for item in items:
        if item.pk not in keys:
            continue
        entry = _pop_entry(cached.get(keys[item.pk]), now=now)
        if entry is None:
            with schema_context(item.client.schema_name):
                view = call_view_in_schema(
                    client=item.client, call_id=item.source_id, with_clock=False
                )
                if view is None:
                    continue
                entry = (now.timestamp(), view, shop_connection() is not None)
            cache.set(keys[item.pk], entry, SCREEN_POP_SECONDS)
        _, view, has_shop = entry
        pops.append(
            ScreenPop(item=item, colour=client_colour(item.client), view=view, has_shop=has_shop)
        )
    return pops
