"""Reads for routing (public schema): who may take what."""

import time
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, TypeGuard, cast

from django.core.cache import cache
from django.db import connection
from django.db.models import BooleanField, Count, F, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext
from psycopg.types.numeric import Int8

from accounts.models import User
from core.channels import Channel
from core.formats import language_in_words
from languages.catalog import LAST_RESORT_LANGUAGE
from languages.selectors import fallbacks_map
from routing.models import AgentState, RoutingPolicy, WorkItem

ACTIVE = [WorkItem.Status.OFFERED, WorkItem.Status.ASSIGNED]
# Stored as (version, expiry, policies): see _held.
_POLICIES_CACHE_KEY = "routing:policies:v2"
_POLICIES_VERSION_KEY = "routing:policies-version"
_POLICIES_SECONDS = 60


@dataclass(frozen=True)
class Policy:
    fallback_after: timedelta
    last_resort_after: timedelta | None
    offer_timeout: timedelta


DEFAULT_POLICY = Policy(timedelta(seconds=120), None, timedelta(seconds=20))


Policies = dict[tuple[str, int | None], Policy]


def policies() -> Policies:
    """{(channel, client id or None): policy}, cached briefly (a handful of rows)."""
    return _policies_held(cache.get(_POLICIES_VERSION_KEY))


def _policies_from_db() -> Policies:
    return {
        (row.channel, row.client_id): Policy(
            timedelta(seconds=row.fallback_after_seconds),
            None
            if row.last_resort_after_seconds is None
            else timedelta(seconds=row.last_resort_after_seconds),
            timedelta(seconds=row.offer_timeout_seconds),
        )
        for row in RoutingPolicy.objects.all()
    }


def policies_cache_clear() -> None:
    cache.delete(_POLICIES_CACHE_KEY)
    _version_bump(_POLICIES_VERSION_KEY)


def policy_for(channel: str, client_id: int, known: Policies | None = None) -> Policy:
    """The policy of ``client_id`` on ``channel``; from ``known`` (policies()) if given."""
    return _policy_in(policies() if known is None else known, channel, client_id)


def _policy_in(known: Policies, channel: str, client_id: int | None) -> Policy:
    return known.get((channel, client_id)) or known.get((channel, None)) or DEFAULT_POLICY


@dataclass(frozen=True)
class AgentReach:
    """What an agent may take: clients served, languages at native/fluent level, and the
    languages whose fallback chain reaches one of them (after the policy's wait).
    ``every_client``: the agent serves every client (User.serves_every_client), present
    and future; ``client_ids`` is then empty and unused."""

    client_ids: tuple[int, ...]
    languages: tuple[str, ...]
    fallback_languages: tuple[str, ...]
    speaks_last_resort: bool
    every_client: bool = False

    @property
    def serves_any(self) -> bool:
        return self.every_client or bool(self.client_ids)

    @property
    def served_ids(self) -> tuple[int, ...] | None:
        """The clients served, or None for every client."""
        return None if self.every_client else self.client_ids


def agent_reach(agent: User) -> AgentReach:
    return agent_reaches([agent.pk]).get(agent.pk) or _reach((), ())


def agent_reaches(agent_ids: Collection[int]) -> dict[int, AgentReach]:
    """{agent id: AgentReach} of these agents, in one query."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT agent.id,
                   ARRAY(SELECT language_id FROM languages_agentskill
                         WHERE agent_id = agent.id AND proficiency IN ('native', 'fluent')),
                   CASE WHEN account.serves_every_client THEN '{}'::bigint[]
                        ELSE ARRAY(SELECT client_id FROM accounts_user_served_clients
                                   WHERE user_id = agent.id) END,
                   COALESCE(account.serves_every_client, FALSE)
            FROM unnest(%s::bigint[]) agent (id)
            LEFT JOIN accounts_user account ON account.id = agent.id
            """,
            [list(agent_ids)],
        )
        rows = cursor.fetchall()
    return {
        agent_id: _reach(languages, clients, every_client=every)
        for agent_id, languages, clients, every in rows
    }


def _reach(
    language_list: Collection[str], client_ids: Collection[int], *, every_client: bool = False
) -> AgentReach:
    languages = set(language_list)
    fallback = {
        language
        for language, chain in fallbacks_map().items()
        if language not in languages and languages.intersection(chain)
    }
    return AgentReach(
        client_ids=tuple(sorted(client_ids)),
        languages=tuple(sorted(languages)),
        fallback_languages=tuple(sorted(fallback)),
        speaks_last_resort=LAST_RESORT_LANGUAGE in languages,
        every_client=every_client,
    )


_REACH_VERSION_KEY = "routing:reach-version"
_REACH_SECONDS = 30


def agent_reach_cached(agent: User) -> AgentReach:
    """agent_reach, cached per agent for a short while (the router asks on every decision).

    Skills, clients served and fallbacks bump a version on change (routing.signals), which
    this process sees at once and others within the cache's 30 seconds.
    """
    return agent_reach_and_policies(agent)[0]


def _reach_key(agent_id: int) -> str:
    return f"routing:reach:v2:{agent_id}"  # (version, expiry, reach): see _held


# What a routing process read (the policies, each agent's reach) is also kept in its own
# memory, as read: Django's cache hands back a new copy of a value on each read (LocMem and
# Redis unpickle it; with Redis the versions are also a smaller reply than the pickled
# reach and policies). A decision still reads the two versions from Django's cache, so a change
# is seen as before: at once by the process that made it (by every process with Redis), by
# the others when what they hold expires, 30 s (a reach) or 60 s (the policies) after it
# was read from the database, wherever it was read; each entry carries that expiry, and
# the version it was read under.
_Held = tuple[int, float, Any]  # (version, expiry as time.time(), value)
_held_reaches: dict[int, _Held] = {}
_held_policies: dict[None, _Held] = {}  # one entry
# More agents than a process decides for (the cache's own room): past it, start over.
_HELD_MOST = 20_000


def _current(held: _Held | None, version: int) -> TypeGuard[_Held]:
    """``held`` was read under ``version`` and has not expired."""
    return held is not None and held[0] == version and held[1] > time.time()


def _version(key: str, found: int | None) -> int:
    """The version under ``key``: ``found`` there, else started now."""
    if found is None:
        found = cache.get_or_set(key, _version_start(), None)
    return int(found)  # type: ignore[arg-type]  # get_or_set with a default never gives None


def _version_start() -> int:
    """A first version no earlier one equals: a process may hold values read under the
    version that an emptied (or evicted) cache forgot."""
    return time.time_ns()


def _version_bump(key: str) -> None:
    try:
        cache.incr(key)
    except ValueError:  # not set yet: nothing cached under it either
        cache.set(key, _version_start(), None)


def _policies_held(version: int | None) -> Policies:
    """The policies current under ``version`` (None: not in the cache), from this process's
    memory, else Django's cache, else the database (then kept in both)."""
    current = _version(_POLICIES_VERSION_KEY, version)
    held = _held_policies.get(None)
    if _current(held, current):
        return cast(Policies, held[2])
    held = cache.get(_POLICIES_CACHE_KEY)
    if not _current(held, current):
        held = (current, time.time() + _POLICIES_SECONDS, _policies_from_db())
        cache.set(_POLICIES_CACHE_KEY, held, _POLICIES_SECONDS)
    _held_policies[None] = held
    return cast(Policies, held[2])


def _reach_held(agent_id: int, reach: AgentReach, version: int) -> _Held:
    """``reach``, read now from the database, kept under ``version`` in Django's cache and
    in this process's memory."""
    held = (version, time.time() + _REACH_SECONDS, reach)
    cache.set(_reach_key(agent_id), held, _REACH_SECONDS)
    _hold(agent_id, held)
    return held


def _hold(agent_id: int, held: _Held) -> None:
    if len(_held_reaches) >= _HELD_MOST:
        _held_reaches.clear()
    _held_reaches[agent_id] = held


def agent_reaches_cache(agent_ids: Collection[int]) -> None:
    """Cache the reach of those of these agents whose cached one is missing or stale, read
    in one query: a router about to decide for many agents in a row (route_waiting) reads
    them together, not one round trip each."""
    version = _version(_REACH_VERSION_KEY, cache.get(_REACH_VERSION_KEY))
    keys = {_reach_key(agent_id): agent_id for agent_id in agent_ids}
    found = cache.get_many(keys)
    stale = [agent_id for key, agent_id in keys.items() if not _current(found.get(key), version)]
    if stale:
        reaches = agent_reaches(stale)
        for agent_id in stale:
            _reach_held(agent_id, reaches.get(agent_id) or _reach((), ()), version)


def agent_reach_and_policies(agent: User) -> tuple[AgentReach, Policies]:
    """agent_reach_cached and policies(): what a routing decision needs before its
    statement, with one read of Django's cache (their versions). With Redis each read is a
    round trip; a decision made four to six of them (the version, the reach, the policies
    for each use)."""
    found = cache.get_many([_REACH_VERSION_KEY, _POLICIES_VERSION_KEY])
    reach = _reach_of(agent, _version(_REACH_VERSION_KEY, found.get(_REACH_VERSION_KEY)))
    return reach, _policies_held(found.get(_POLICIES_VERSION_KEY))


def _reach_of(agent: User, version: int) -> AgentReach:
    """The agent's reach current under ``version``: from this process's memory, else
    Django's cache, else the database. Kept with the version it was read under: a change of
    skills or clients served (a new version) makes it stale at once."""
    held = _held_reaches.get(agent.pk)
    if _current(held, version):
        return cast(AgentReach, held[2])
    held = cache.get(_reach_key(agent.pk))
    if _current(held, version):
        _hold(agent.pk, held)
        return cast(AgentReach, held[2])
    return cast(AgentReach, _reach_held(agent.pk, agent_reach(agent), version)[2])


def agent_reach_cache_clear() -> None:
    _version_bump(_REACH_VERSION_KEY)


def agent_load(agent: User) -> dict[str, int]:
    """{channel: items offered to or assigned to the agent}."""
    rows = (
        WorkItem.objects.filter(agent=agent, status__in=ACTIVE)
        .values("channel")
        .annotate(n=Count("id"))
    )
    return {row["channel"]: row["n"] for row in rows}


# Column names qualified: the desk joins the clients table to the same clause.
_W = "routing_workitem"


def _waits(
    channels: Iterable[str],
    client_ids: Collection[int] | None,
    attribute: str,
    known: Policies | None = None,
) -> dict[tuple[Any, ...], list[str]]:
    """The policy's threshold ``attribute`` on ``channels`` for these clients (None: every
    client, so every client's override), as {(the agency's wait, ((overriding client, its
    wait), ...)): channels}; channels without any such wait are left out. ``known``:
    policies(), when the caller has read them."""
    known = policies() if known is None else known
    grouped: dict[tuple[Any, ...], list[str]] = {}
    for channel in channels:
        overridden = sorted(
            cid
            for (ch, cid) in known
            if ch == channel and cid is not None and (client_ids is None or cid in client_ids)
        )
        waits = (
            getattr(_policy_in(known, channel, -1), attribute),
            tuple((cid, getattr(_policy_in(known, channel, cid), attribute)) for cid in overridden),
        )
        if waits[0] is not None or any(wait is not None for _, wait in waits[1]):
            grouped.setdefault(waits, []).append(channel)
    return grouped


def _waited_sql(
    channels: Iterable[str],
    client_ids: Collection[int] | None,
    now: datetime,
    attribute: str,
    known: Policies | None,
) -> tuple[str, list[Any]] | None:
    """Items on ``channels`` that have waited past the policy's threshold ``attribute``;
    channels with the same waits share one term (a shorter clause is planned faster). None
    when no policy sets that wait."""
    terms: list[str] = []
    params: list[Any] = []
    for (agency_wait, own_waits), group in _waits(channels, client_ids, attribute, known).items():
        waited: list[str] = []
        waited_params: list[Any] = []
        if agency_wait is not None and own_waits:  # those clients' own waits replace it
            waited.append(f"({_W}.waiting_since <= %s AND NOT {_W}.client_id = ANY(%s))")
            waited_params += [now - agency_wait, [cid for cid, _ in own_waits]]
        elif agency_wait is not None:
            waited.append(f"{_W}.waiting_since <= %s")
            waited_params.append(now - agency_wait)
        for client_id, wait in own_waits:
            if wait is not None:
                waited.append(f"({_W}.client_id = %s AND {_W}.waiting_since <= %s)")
                waited_params += [client_id, now - wait]
        terms.append(f"({_W}.channel = ANY(%s) AND ({' OR '.join(waited)}))")
        params += [group, *waited_params]
    if not terms:
        return None
    return f"({' OR '.join(terms)})", params


def eligible_items_sql(
    reach: AgentReach, channels: list[str], now: datetime, known: Policies | None = None
) -> tuple[str, list[Any]]:
    """A WHERE clause on routing_workitem: the waiting items this agent may take now on
    ``channels`` (their language; a fallback language after the policy's wait; any
    language after the last-resort wait if they speak it). The router and the desk's inbox
    run it as SQL; ``eligible_items`` wraps it as a queryset: one definition. ``known``:
    policies(), when the caller has read them. For an agent who serves every client there
    is no condition on the client at all (not a list of every id: thousands of values to
    send, hash and plan on each decision), and its first value is the channels."""
    alternatives = [f"{_W}.language = ANY(%s)"]
    params: list[Any] = [list(channels), list(reach.languages)]
    if reach.fallback_languages:
        waited = _waited_sql(channels, reach.served_ids, now, "fallback_after", known)
        if waited:
            alternatives.append(f"({_W}.language = ANY(%s) AND {waited[0]})")
            params += [list(reach.fallback_languages), *waited[1]]
    if reach.speaks_last_resort:
        waited = _waited_sql(channels, reach.served_ids, now, "last_resort_after", known)
        if waited:
            alternatives.append(waited[0])
            params += waited[1]
    served = ""
    if not reach.every_client:
        served = f" AND {_W}.client_id = ANY(%s)"
        params.insert(0, list(reach.client_ids))
    clause = (
        f"{_W}.status = 'waiting'{served} AND {_W}.channel = ANY(%s)"
        f" AND ({' OR '.join(alternatives)})"
    )
    return clause, params


def eligible_languages(
    reach: AgentReach, channels: list[str], known: Policies | None = None
) -> tuple[str, ...] | None:
    """The languages of every item ``eligible_items_sql`` may let this agent take on
    ``channels``: theirs and their fallbacks; None when that can be any language (they
    speak the last resort and a policy sets its wait)."""
    if reach.speaks_last_resort and _waits(channels, reach.served_ids, "last_resort_after", known):
        return None
    return tuple(sorted({*reach.languages, *reach.fallback_languages}))


def eligible_items(reach: AgentReach, channels: list[str], now: datetime) -> QuerySet[WorkItem]:
    """The same items as a queryset."""
    clause, params = eligible_items_sql(reach, channels, now)
    return WorkItem.objects.alias(
        # The clause is built here from constants; every value is a parameter.
        eligible=RawSQL(clause, params, output_field=BooleanField())  # noqa: S611
    ).filter(eligible=True)


# --- claims, assignments and "why is there nothing for me" --------------------------------

# Capacity is counted per group of channels: chat, SMS and API share one (AgentState).
CAPACITY_GROUPS: dict[str, tuple[str, ...]] = {
    "call": ("call",),
    "email": ("email",),
    "messaging": ("chat", "sms", "api"),
}


def capacity_group(channel: str) -> str:
    return next(group for group, channels in CAPACITY_GROUPS.items() if channel in channels)


def capacity_work(group: str) -> str:
    """What a capacity counts, in the reader's language ("e-mails")."""
    return {
        "call": gettext("calls"),
        "email": gettext("e-mails"),
        "messaging": gettext("chats, SMS and API messages"),
    }[group]


@dataclass(frozen=True)
class Room:
    """An agent's load and capacity on one group of channels."""

    group: str
    load: int
    capacity: int

    @property
    def full(self) -> bool:
        return self.load >= self.capacity

    @property
    def work(self) -> str:
        return capacity_work(self.group)


def agent_rooms(state: AgentState | None, load: dict[str, int]) -> dict[str, Room]:
    """{group: Room} from the agent's state (None: the defaults) and agent_load."""
    state = state or AgentState()
    capacities = {
        "call": state.capacity_call,
        "email": state.capacity_email,
        "messaging": state.capacity_chat,
    }
    return {
        group: Room(group, sum(load.get(channel, 0) for channel in channels), capacities[group])
        for group, channels in CAPACITY_GROUPS.items()
    }


def claim_refusal(*, item: WorkItem, agent: User, reach: AgentReach, now: datetime) -> str:
    """Why ``agent`` may not claim ``item`` now, in words ("" when nothing stands in the
    way: then another router holds the row this very moment). The rules are the router's:
    the clients served, presence, the languages of ``eligible_items_sql`` and capacity."""
    if item.status not in WorkItem.OPEN_STATUSES:
        return gettext("This item is closed.")
    if item.agent_id == agent.pk:
        return ""  # theirs after all (the router gave it to them meanwhile)
    if item.agent_id:
        holder = item.agent.get_full_name() or item.agent.username if item.agent else ""
        return gettext("%(agent)s is already working on this item.") % {"agent": holder}
    if not reach.every_client and item.client_id not in reach.client_ids:
        return gettext("You do not serve %(client)s.") % {"client": item.client.name}
    state = AgentState.objects.filter(agent=agent).first()
    if state is None or state.presence == AgentState.Presence.OFFLINE:
        return gettext("You are offline: go available to claim work.")
    if not eligible_items(reach, [item.channel], now).filter(pk=item.pk).exists():
        fresh = WorkItem.objects.select_related("client", "agent").get(pk=item.pk)
        if fresh.status != WorkItem.Status.WAITING:  # taken since it was read
            return claim_refusal(item=fresh, agent=agent, reach=reach, now=now)
        language = language_in_words(item.language)
        if item.language in reach.fallback_languages:
            wait = policy_for(item.channel, item.client_id).fallback_after
            return gettext(
                "%(language)s is one of your fallback languages: you may take this item "
                "once it has waited %(minutes)s min."
            ) % {"language": language, "minutes": int(wait.total_seconds() // 60)}
        return gettext("You do not answer in %(language)s.") % {"language": language}
    room = agent_rooms(state, agent_load(agent))[capacity_group(item.channel)]
    if room.full:
        return gettext(
            "You are at capacity for %(work)s (%(load)s of %(capacity)s): finish one first."
        ) % {"work": room.work, "load": room.load, "capacity": room.capacity}
    return ""


def assignment_concerns(
    *, item: WorkItem, state: AgentState | None, load: dict[str, int], languages: Collection[str]
) -> list[str]:
    """What a supervisor confirms before giving ``item`` to an agent who serves its client,
    given the agent's state, agent_load and answering languages (native or fluent): they
    are offline, at capacity on its channel, or do not answer in its language. Empty: the
    router itself could have given it to them."""
    concerns = []
    if state is None or state.presence == AgentState.Presence.OFFLINE:
        concerns.append(gettext("offline"))
    room = agent_rooms(state, load)[capacity_group(item.channel)]
    if room.full:
        concerns.append(
            gettext("at capacity for %(work)s (%(load)s of %(capacity)s)")
            % {"work": room.work, "load": room.load, "capacity": room.capacity}
        )
    if item.language not in languages:
        concerns.append(
            gettext("does not answer in %(language)s")
            % {"language": language_in_words(item.language)}
        )
    return concerns


@dataclass(frozen=True)
class NothingToTake:
    """Why "Take next" gives an agent nothing, or would: what the desk says instead of
    "Nothing waiting" while work waits."""

    presence: str
    serves_clients: bool
    speaks: bool  # answers in at least one language (native or fluent)
    takeable: int  # waiting items they may take now, whatever their room
    full: list[Room]  # capacities reached on channels where such items wait
    other_languages: list[tuple[str, int]]  # their clients' items they may not take (yet)
    other_clients: int  # items waiting for clients they do not serve
    next_due: datetime | None  # the earliest due time of those in other languages
    fallback_at: datetime | None  # when the first fallback-language item becomes theirs

    @property
    def offline(self) -> bool:
        return self.presence != AgentState.Presence.AVAILABLE

    @property
    def at_capacity(self) -> bool:
        """Items wait for them, but only on channels where they are at capacity."""
        return self.takeable > 0 and bool(self.full) and self.takeable == self._on_full

    _on_full: int = 0  # of ``takeable``, on a channel at capacity

    @property
    def elsewhere(self) -> int:
        return sum(count for _, count in self.other_languages)


# ``served``: the agent serves every client (the first value), or this one.
_WAITING_SPLIT = """
    SELECT channel, language, %s OR client_id = ANY(%s) AS served, COALESCE(({clause}), FALSE),
           count(*), min(due_at)
    FROM routing_workitem WHERE status = 'waiting' GROUP BY 1, 2, 3, 4
"""
_FALLBACK_WAITS = """
    SELECT client_id, channel, min(waiting_since) FROM routing_workitem
    WHERE status = 'waiting' AND (%s OR client_id = ANY(%s)) AND language = ANY(%s)
      AND NOT COALESCE(({clause}), FALSE)
    GROUP BY 1, 2
"""


def take_next_obstacles(agent: User, *, now: datetime) -> NothingToTake:
    """What stands between ``agent`` and the next item: presence, capacity, languages and
    clients, with the counts waiting outside them. Two or three queries (one scan of the
    waiting work, grouped), so the desk asks only when it has something to explain."""
    reach = agent_reach_cached(agent)
    state = AgentState.objects.filter(agent=agent).first()
    rooms = agent_rooms(state, agent_load(agent))
    clause, params = eligible_items_sql(reach, Channel.values, now)
    served = [Int8(client_id) for client_id in reach.client_ids]  # as in the inbox's query
    with connection.cursor() as cursor:
        cursor.execute(_WAITING_SPLIT.format(clause=clause), [reach.every_client, served, *params])
        rows = cursor.fetchall()
    takeable = on_full = other_clients = 0
    full: dict[str, Room] = {}
    other_languages: dict[str, int] = {}
    next_due: datetime | None = None
    for channel, language, is_served, eligible, count, due in rows:
        if eligible:
            takeable += count
            room = rooms[capacity_group(channel)]
            if room.full:
                full[room.group] = room
                on_full += count
        elif is_served:
            other_languages[language] = other_languages.get(language, 0) + count
            next_due = min(filter(None, [next_due, due]), default=None)
        else:
            other_clients += count
    fallback_at = None
    if set(other_languages) & set(reach.fallback_languages):
        with connection.cursor() as cursor:
            cursor.execute(
                _FALLBACK_WAITS.format(clause=clause),
                [reach.every_client, served, list(reach.fallback_languages), *params],
            )
            fallback_at = min(
                (
                    since + policy_for(channel, client_id).fallback_after
                    for client_id, channel, since in cursor.fetchall()
                ),
                default=None,
            )
    return NothingToTake(
        presence=state.presence if state else AgentState.Presence.OFFLINE,
        serves_clients=reach.serves_any,
        speaks=bool(reach.languages),
        takeable=takeable,
        full=list(full.values()),
        other_languages=sorted(other_languages.items(), key=lambda pair: (-pair[1], pair[0])),
        other_clients=other_clients,
        next_due=next_due,
        fallback_at=fallback_at,
        _on_full=on_full,
    )


def owned_work_at_risk(
    *, now: datetime, limit: int = 100, client_ids: Collection[int] | None = None
) -> list[WorkItem]:
    """Owned work (WorkItem.OWNED: assigned e-mail, SMS, API) not yet answered whose agent
    is offline and whose first-response promise is at risk (its warning time has come) or
    broken, due first: for the supervisors' wall, to reassign it; of ``client_ids`` only
    when given (None: every client). Public schema only."""
    offline = Q(agent__desk_state__presence=AgentState.Presence.OFFLINE) | Q(
        agent__desk_state__isnull=True
    )
    items = WorkItem.objects.filter(
        WorkItem.OWNED, offline, agent__isnull=False, responded_at__isnull=True
    )
    if client_ids is not None:
        items = items.filter(client_id__in=client_ids)
    return list(
        items.filter(Q(warn_at__lte=now) | Q(due_at__lte=now))
        .select_related("client", "agent")
        .order_by(F("due_at").asc(nulls_last=True), "id")[:limit]
    )
