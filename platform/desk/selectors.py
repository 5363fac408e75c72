"""Reads for the agent desk.

Functions ending in ``_public`` read only the public schema (the work queue's summaries):
the inbox, the live counts and the supervisors' wall never enter a client's schema, so
their cost does not grow with the number of clients. ``conversation_view_in_schema`` reads
one client's schema and must be called inside it (``schema_context``).
"""

import zlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Count, Min, Q
from django.utils import timezone

from tenants.models import Client

# The inbox shows the head of the queue and the busiest clients; the counts cover all.
QUEUE_HEAD = 25
CLIENT_LINES = 25


def user_is_supervisor(user) -> bool:
    """Supervisors are agency admins and staff users (``is_staff``, set in the admin)."""
    return user.is_authenticated and (user.is_agency_admin or user.is_staff)


def client_colour(client: Client) -> str:
    """A stable colour per client (from its slug), so that two clients never look alike
    on the desk at a glance. Clients have no brand colour of their own yet."""
    hue = zlib.crc32(client.slug.encode()) % 360
    return f"hsl({hue} 60% 35%)"


@dataclass(frozen=True)
class ClientCard:
    client: Client
    local_time: datetime
    portal_url: str


def portal_url(domain: str) -> str:
    port = settings.SITE_URL_PORT
    suffix = "" if port in ("", "80", "443") else f":{port}"
    return f"{settings.SITE_URL_SCHEME}://{domain}{suffix}/"


def client_cards_public() -> list[ClientCard]:
    """Every live client with its local time and portal address (two queries)."""
    now = timezone.now()
    cards = []
    for client in Client.objects.serving().prefetch_related("domains"):
        primary = next((d for d in client.domains.all() if d.is_primary), None)
        cards.append(
            ClientCard(
                client=client,
                local_time=timezone.localtime(now, client.tz),
                portal_url=portal_url(primary.domain) if primary else "",
            )
        )
    return cards


@dataclass(frozen=True)
class CountLine:
    key: str  # a language code or a client's name
    waiting: int
    oldest: datetime


@dataclass(frozen=True)
class Inbox:
    my_items: list  # WorkItem, offered or assigned to the agent, most urgent first
    queue_head: list  # WorkItem, the first waiting items the agent may take, in that order
    per_language: list[CountLine]
    per_client: list[CountLine]  # the CLIENT_LINES longest-waiting clients
    more_clients: int  # clients with waiting work beyond those lines
    waiting: int  # everything the agent may take now


def agent_items_public(agent):
    """The items offered or assigned to this agent, most urgent first."""
    from routing.models import WorkItem
    from routing.selectors import ACTIVE
    from routing.services import URGENT_FIRST

    return (
        WorkItem.objects.filter(agent=agent, status__in=ACTIVE)
        .select_related("client")
        .order_by(*URGENT_FIRST)
    )


# One scan of the queue for the whole inbox: the eligible rows are read once (a CTE used
# several times is materialised), then counted per language and per client in the database,
# so that a few dozen rows come back whatever the number of items and clients.
_INBOX_SQL = """
    WITH eligible AS (
        SELECT id, client_id, language, priority, due_at, waiting_since
        FROM routing_workitem WHERE {clause}
    ), by_client AS (
        SELECT client_id, count(*) AS waiting, min(waiting_since) AS oldest
        FROM eligible GROUP BY client_id
    )
    (SELECT 'language', language, count(*), min(waiting_since), NULL::bigint
     FROM eligible GROUP BY language ORDER BY language)
    UNION ALL
    (SELECT 'client', tenants_client.name, by_client.waiting, by_client.oldest, NULL
     FROM by_client JOIN tenants_client ON tenants_client.id = by_client.client_id
     ORDER BY by_client.oldest, tenants_client.name LIMIT %s)
    UNION ALL
    SELECT 'clients', NULL, count(*), NULL, NULL FROM by_client
    UNION ALL
    (SELECT 'head', NULL, NULL, NULL, id FROM eligible
     ORDER BY priority DESC, due_at ASC NULLS LAST, waiting_since, id LIMIT %s)
"""


def agent_inbox_public(agent, *, now: datetime | None = None) -> Inbox:
    """The agent's inbox: their items, the head of what they may take, and counts per
    language and client. Three queries (four when the agent's reach is not cached), one
    scan of the waiting work, however many items and clients there are."""
    from django.db import connection
    from psycopg.types.numeric import Int8

    from core.channels import Channel
    from routing.models import WorkItem
    from routing.selectors import agent_reach_cached, eligible_items_sql

    now = now or timezone.now()
    reach = agent_reach_cached(agent)
    clause, params = eligible_items_sql(reach, list(Channel.values), now)
    # The clause's first value is the clients served. psycopg sends a list of small ids as
    # smallint[]; against the bigint column PostgreSQL then probes the client index once
    # per client. As bigint[] it hashes the list and scans once (500 clients: 34 -> 25 ms).
    if params[0] != list(reach.client_ids):
        raise RuntimeError("eligible_items_sql no longer starts with the clients served")
    params[0] = [Int8(client_id) for client_id in params[0]]
    with connection.cursor() as cursor:
        cursor.execute(_INBOX_SQL.format(clause=clause), [*params, CLIENT_LINES, QUEUE_HEAD])
        rows = cursor.fetchall()
    lines: dict[str, list] = {"language": [], "client": [], "clients": [], "head": []}
    for kind, key, waiting, oldest, item_id in rows:
        lines[kind].append(item_id if kind == "head" else CountLine(key, waiting, oldest))
    # A UNION ALL promises no order between or within its parts: sorted here again.
    head = sorted(
        WorkItem.objects.select_related("client").in_bulk(lines["head"]).values(),
        key=lambda item: (-item.priority, item.due_at is None, item.due_at or now,
                          item.waiting_since, item.pk),
    )  # fmt: skip
    clients_waiting = lines["clients"][0].waiting
    return Inbox(
        my_items=list(agent_items_public(agent)),
        queue_head=head,
        per_language=sorted(lines["language"], key=lambda line: line.key),
        per_client=sorted(lines["client"], key=lambda line: (line.oldest, line.key)),
        more_clients=max(clients_waiting - len(lines["client"]), 0),
        waiting=sum(line.waiting for line in lines["language"]),
    )


# --- one conversation, in its client's schema ----------------------------------------------


@dataclass(frozen=True)
class FaqView:
    slug: str
    question: object  # content.selectors.Translated | None
    answer: object


def faq_in_language(language: str) -> list[FaqView]:
    """Published FAQ articles in ``language`` or its fallback (marked), current schema."""
    from content.models import FaqArticle
    from content.selectors import translation_for

    articles = []
    for article in FaqArticle.objects.filter(published=True):
        answer = translation_for(article, "answer", language)
        if answer is not None:
            question = translation_for(article, "question", language)
            articles.append(FaqView(article.slug, question, answer))
    return articles


@dataclass(frozen=True)
class ClientClock:
    local_time: datetime
    open_now: bool
    next_opening: datetime | None  # when closed: the next opening, local time


def client_clock(client: Client, *, country: str, language: str,
                 now: datetime | None = None) -> ClientClock:  # fmt: skip
    """The client's local time and whether it is open now for this country and language."""
    from hours.selectors import client_calendar

    now = now or timezone.now()
    calendar = client_calendar(client, country=country, language=language)
    is_open = calendar.is_open(now)
    return ClientClock(
        local_time=timezone.localtime(now, client.tz),
        open_now=is_open,
        next_opening=None if is_open else calendar.next_opening(now),
    )


HISTORY_LIMIT = 20


@dataclass(frozen=True)
class ConversationView:
    conversation: object  # conversations.models.Conversation
    messages: list
    history: list  # the customer's conversations in this client, newest first
    more_history: int
    replies: list
    faq: list[FaqView]
    clock: ClientClock


def conversation_view_in_schema(*, client: Client, conversation_id: int) -> ConversationView | None:
    """Everything the agent needs about one conversation (call inside the client's schema)."""
    from django.db import connection

    from content.selectors import canned_replies_in_language
    from conversations.models import Conversation

    if connection.schema_name != client.schema_name:
        raise RuntimeError("conversation_view_in_schema runs in the client's schema")
    conversation = (
        Conversation.objects.select_related("customer").filter(pk=conversation_id).first()
    )
    if conversation is None:
        return None
    earlier = Conversation.objects.filter(customer_id=conversation.customer_id).annotate(
        message_count=Count("messages")
    ).order_by("-created_at", "-id")  # fmt: skip
    history = list(earlier[:HISTORY_LIMIT])
    more_history = earlier.count() - HISTORY_LIMIT if len(history) == HISTORY_LIMIT else 0
    return ConversationView(
        conversation=conversation,
        # Every message's files in one more query, however many messages carry them; the
        # originals (up to 25 MB each) stay in the database: the page links to them.
        messages=list(conversation.messages.defer("raw").prefetch_related("attachments")),
        history=history,
        more_history=more_history,
        replies=canned_replies_in_language(conversation.language),
        faq=faq_in_language(conversation.language),
        clock=client_clock(
            client, country=conversation.customer.country, language=conversation.language
        ),
    )


def transfer_candidates_public(item) -> list:
    """Agents who could take ``item`` from its holder: they serve its client, answer in
    its language (native or fluent) and are not offline; available ones first."""
    from accounts.models import User
    from routing.models import AgentState

    return list(
        User.objects.filter(
            is_active=True, served_clients=item.client_id, skills__language_id=item.language,
            skills__proficiency__in=["native", "fluent"],
            desk_state__presence__in=[p for p in AgentState.Presence.values if p != "offline"],
        )
        .exclude(pk=item.agent_id or 0)
        .select_related("desk_state")
        .order_by("desk_state__presence", "username")
        .distinct()
    )  # fmt: skip


# --- supervisors' wall ----------------------------------------------------------------------


@dataclass(frozen=True)
class WallQueue:
    language: str
    client_name: str
    waiting: int
    longest_wait: timedelta


@dataclass(frozen=True)
class WallLanguage:
    language: str
    waiting: int
    longest_wait: timedelta | None
    agents_available: int


@dataclass(frozen=True)
class WallAgent:
    name: str
    presence: str
    held: int
    handled_today: int
    languages: list[str]


@dataclass(frozen=True)
class Wall:
    queues: list[WallQueue]  # the WALL_QUEUES longest-waiting queues
    more_queues: int
    languages: list[WallLanguage]
    agents: list[WallAgent]


WALL_QUEUES = 100


def supervisor_wall_public(*, now: datetime | None = None, time_zone: str = "UTC") -> Wall:
    """Queues per language and client (waiting, longest wait; the longest waits first),
    agents available per language, and each agent's presence, items held and items
    handled today (since local midnight in ``time_zone``). Four queries."""
    import zoneinfo

    from accounts.models import User
    from languages.models import AgentSkill
    from routing.models import AgentState, WorkItem
    from routing.selectors import ACTIVE

    now = now or timezone.now()
    rows = (
        WorkItem.objects.filter(status=WorkItem.Status.WAITING)
        .values("language", "client__name")
        .annotate(waiting=Count("id"), oldest=Min("waiting_since"))
        .order_by("oldest", "language", "client__name")
    )
    queues = [WallQueue(r["language"], r["client__name"], r["waiting"], now - r["oldest"])
              for r in rows]  # fmt: skip
    available = dict(
        AgentSkill.objects.filter(
            proficiency__in=["native", "fluent"],
            agent__desk_state__presence=AgentState.Presence.AVAILABLE, agent__is_active=True,
        )
        .values("language_id").annotate(n=Count("agent", distinct=True))
        .values_list("language_id", "n")
    )  # fmt: skip
    per_language: dict[str, list] = {}
    for queue in queues:
        line = per_language.setdefault(queue.language, [0, timedelta(0)])
        line[0] += queue.waiting
        line[1] = max(line[1], queue.longest_wait)
    languages = [
        WallLanguage(code, *per_language.get(code, (0, None)), available.get(code, 0))
        for code in sorted(set(per_language) | set(available))
    ]
    local_midnight = timezone.localtime(now, zoneinfo.ZoneInfo(time_zone)).replace(
        hour=0, minute=0, second=0, microsecond=0
    )
    agents = (
        User.objects.filter(is_active=True, role__in=[User.Role.AGENT, User.Role.ADMIN])
        .filter(Q(desk_state__isnull=False) | Q(role=User.Role.AGENT))
        .select_related("desk_state")
        .annotate(
            held=Count("work_items", filter=Q(work_items__status__in=ACTIVE)),
            handled=Count(
                "work_items",
                filter=Q(
                    work_items__status=WorkItem.Status.DONE,
                    work_items__closed_at__gte=local_midnight,
                ),
            ),
        )
        .order_by("username")
    )
    skills: dict[int, list[str]] = {}
    for agent_id, code in (
        AgentSkill.objects.filter(proficiency__in=["native", "fluent"])
        .values_list("agent_id", "language_id")
        .order_by("language_id")
    ):
        skills.setdefault(agent_id, []).append(code)
    return Wall(
        queues=queues[:WALL_QUEUES],
        more_queues=max(len(queues) - WALL_QUEUES, 0),
        languages=languages,
        agents=[
            WallAgent(
                name=agent.get_full_name() or agent.username,
                presence=_presence_of(agent),
                held=agent.held,
                handled_today=agent.handled,
                languages=skills.get(agent.pk, []),
            )
            for agent in agents
        ],
    )


def _presence_of(agent) -> str:
    from routing.models import AgentState

    try:
        return agent.desk_state.presence
    except AgentState.DoesNotExist:
        return AgentState.Presence.OFFLINE


# --- calls on the desk ----------------------------------------------------------------------


@dataclass(frozen=True)
class TimelineStep:
    key: str  # ringing, queued, answered, completed
    at: datetime


@dataclass(frozen=True)
class CallView:
    """A call as the agent sees it: who calls (the screen pop) and how the call went."""

    call: object  # telephony.voice.models.Call
    history: object  # telephony.voice.selectors.CallerHistory
    timeline: list[TimelineStep]
    clock: ClientClock | None


def call_timeline(call) -> list[TimelineStep]:
    """The call's moments that happened, in order."""
    moments = [("ringing", call.ringing_at), ("queued", call.queued_at),
               ("answered", call.answered_at), ("completed", call.completed_at)]  # fmt: skip
    return [TimelineStep(key, at) for key, at in moments if at is not None]


def call_view_in_schema(
    *, client: Client, call_id: int, with_clock: bool = True
) -> CallView | None:
    """A call's screen pop and timeline (call inside the client's schema)."""
    from django.db import connection

    from telephony.voice.selectors import caller_history

    if connection.schema_name != client.schema_name:
        raise RuntimeError("call_view_in_schema runs in the client's schema")
    history = caller_history(call_id=call_id)
    if history is None:
        return None
    call = history.call
    clock = (
        client_clock(client, country=call.country, language=call.language) if with_clock else None
    )
    return CallView(call=call, history=history, timeline=call_timeline(call), clock=clock)


def call_of_conversation_in_schema(*, conversation_id: int):
    """The call a conversation came from (a voicemail, a callback request, a follow-up),
    the latest if several; None for other conversations. Call inside the client's schema."""
    from telephony.voice.models import Call

    return Call.objects.filter(conversation_id=conversation_id).order_by("-ringing_at").first()


@dataclass(frozen=True)
class ScreenPop:
    item: object  # routing.models.WorkItem
    colour: str
    view: CallView


# A call's screen pop is read from its client's schema once per this many seconds at most
# (and again at once when its item changes), not on every 5-second poll of the desk. What
# the pop shows of the call itself (number, topic, language, customer) is fixed before the
# call is queued and only changes after it ends, when its item leaves the desk; the caller's
# earlier calls and conversations may show a new one up to this late.
SCREEN_POP_SECONDS = 30


def _screen_pop_key(item) -> str:
    """Per call and state of its item (offered or answered, to whom, since when): one entry
    each, read again in place when it is SCREEN_POP_SECONDS old."""
    since = item.offered_at if item.status == "offered" else item.assigned_at
    return (
        f"desk:screen-pop:{item.client.schema_name}:{item.source_id}:{item.pk}:{item.status}:"
        f"{item.agent_id}:{since.timestamp() if since else ''}"
    )


def screen_pops(items, *, now: datetime | None = None) -> list[ScreenPop]:
    """The caller of every call offered or assigned to the agent (their items, already
    read): a few queries in each call's client schema when it rings, when it is answered
    and every SCREEN_POP_SECONDS; none in between (Django's cache) and none without calls."""
    from django.core.cache import cache
    from django_tenants.utils import schema_context

    now = now or timezone.now()
    keys = {item.pk: _screen_pop_key(item) for item in items if item.source_kind == "call"}
    if not keys:
        return []
    cached = cache.get_many(keys.values())
    pops = []
    for item in items:
        if item.pk not in keys:
            continue
        read_at, view = cached.get(keys[item.pk], (None, None))
        if read_at is None or now.timestamp() - read_at >= SCREEN_POP_SECONDS:
            with schema_context(item.client.schema_name):
                view = call_view_in_schema(client=item.client, call_id=item.source_id,
                                           with_clock=False)  # fmt: skip
            if view is None:
                continue
            cache.set(keys[item.pk], (now.timestamp(), view), SCREEN_POP_SECONDS)
        pops.append(ScreenPop(item=item, colour=client_colour(item.client), view=view))
    return pops
