"""Writes of the work queue and the router.

Locking, so that two routers never double-assign nor deadlock: functions that wait for
locks take the work item first, then the agent's lock (_agents_lock: a transaction-level
advisory lock per agent, which every writer that decides on an agent's presence or load
takes). The router itself takes the agent's lock first but takes items with SKIP LOCKED,
which never waits.
"""

import contextlib
import functools
import hashlib
import logging
import re
import weakref
from datetime import datetime, timedelta
from typing import Any, cast

import psycopg
from django.conf import settings
from django.db import (
    DEFAULT_DB_ALIAS,
    DatabaseError,
    IntegrityError,
    connection,
    connections,
    transaction,
)
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext

from accounts.models import User
from accounts.selectors import user_serves
from core.channels import Channel
from hours.models import SlaEvent
from languages.selectors import agent_language_codes
from routing.models import AgentState, WorkItem
from routing.pulse import PULSE_IN_CLAIM, pulse_bump, pulse_claim_params
from routing.selectors import (
    AgentReach,
    Policies,
    agent_load,
    agent_reach,
    agent_reach_and_policies,
    agent_reaches_cache,
    assignment_concerns,
    claim_refusal,
    eligible_items_sql,
    eligible_languages,
    policy_for,
)
from tenants.models import Client

# Who took or gave which item, for the record (Django's logging; no table of its own).
audit = logging.getLogger("polydesk.audit")

URGENT_FIRST = ("-priority", F("due_at").asc(nulls_last=True), "waiting_since", "id")


def work_enqueue(
    *,
    client: Client,
    channel: str,
    language: str,
    source_kind: str,
    source_id: int,
    summary: str = "",
    language_uncertain: bool = False,
    priority: int = 0,
    due_at: datetime | None = None,
    warn_at: datetime | None = None,
    waiting_since: datetime | None = None,
) -> WorkItem:
    """Queue a routable unit; the open item of the same source if there is one already."""
    open_item = WorkItem.objects.filter(
        client=client,
        source_kind=source_kind,
        source_id=source_id,
        status__in=WorkItem.OPEN_STATUSES,
    ).first()
    if open_item:
        return open_item
    waiting_since = waiting_since or timezone.now()
    try:
        with transaction.atomic():
            item = WorkItem.objects.create(
                client=client,
                channel=channel,
                language=language,
                language_uncertain=language_uncertain,
                priority=priority,
                summary=summary[:200],
                source_kind=source_kind,
                source_id=source_id,
                due_at=due_at,
                warn_at=warn_at,
                waiting_since=waiting_since,
                asked_at=waiting_since,
            )
            pulse_bump(client_ids=[client.pk])  # the desks of its agents fetch their inbox
            return item
    except IntegrityError:  # the same source queued concurrently: that one wins
        return WorkItem.objects.get(
            client=client,
            source_kind=source_kind,
            source_id=source_id,
            status__in=WorkItem.OPEN_STATUSES,
        )


def agent_presence_set(*, agent: User, presence: str, now: datetime | None = None) -> AgentState:
    """Switch presence; becoming available starts the idle clock."""
    now = now or timezone.now()
    with transaction.atomic():
        # A router deciding for this agent right now finishes first: going offline then
        # hands back what it gave, and the next decision sees the new presence.
        _agents_lock([agent.pk])
        state, _ = AgentState.objects.get_or_create(agent=agent)
        if presence == AgentState.Presence.AVAILABLE and state.presence != presence:
            state.idle_since = now
        if state.presence != presence or state.presence_since is None:
            state.presence_since = now
        state.presence = presence
        state.heartbeat_at = now
        state.save()
        if presence == AgentState.Presence.OFFLINE:  # signing off ends the shift: all goes back
            _hand_back(agent=agent)
    return state


def agent_heartbeat(
    *, agent: User, now: datetime | None = None, write_after_seconds: int = 20
) -> str:
    """The desk is alive (called by its polling); returns the agent's presence, which the
    desk shows, from the same statement."""
    # The heartbeat is written only once the stored one is write_after_seconds old: an open
    # desk polls every 5 s, and 1,000 of them writing each time made 200 row versions (and
    # their WAL) a second for a value read against 90 s (agents_release_stale); every 20 s
    # is 50. The stored time of an open desk then lags by under 20 s plus the polling period
    # (5 s; 30 s from an item's page), well inside those 90 s; a closed desk, whose stored
    # time may be up to 20 s older than its last poll, goes offline 70-90 s after that poll.
    # A fresh heartbeat matches no row: it neither writes nor waits for a router holding
    # the agent's row.
    # The SELECT reads the row as the statement found it: the UPDATE changes no presence.
    now = now or timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(
            """WITH beat AS (
                   UPDATE routing_agentstate SET heartbeat_at = %s
                   WHERE agent_id = %s AND (heartbeat_at IS NULL OR heartbeat_at <= %s))
               SELECT presence FROM routing_agentstate WHERE agent_id = %s""",
            [now, agent.pk, now - timedelta(seconds=write_after_seconds), agent.pk],
        )
        row = cursor.fetchone()
    return row[0] if row else AgentState.Presence.OFFLINE


_FIELDS = [field.attname for field in WorkItem._meta.concrete_fields]
_COLUMNS = [cast(str, field.column) for field in WorkItem._meta.concrete_fields]  # all have one

# One round trip per decision. The agent is locked by a statement of its own, so that the
# claim, a second statement, counts the agent's load in a snapshot taken after the lock: a
# lock waited for inside a statement does not refresh that statement's snapshot, so a load
# counted in the locking statement could miss what the router that held the lock had just
# assigned (measured: an agent over capacity). Both statements, with the transaction around
# them, go to the server as one simple-protocol query: it runs them in turn, and the client
# waits once instead of once per statement.
# The lock is an advisory lock of the transaction, not the agent's row (FOR UPDATE): a row
# lock is a write (a WAL record, a transaction id), so a decision that gave nothing still
# waited for its commit's WAL flush; with the advisory lock it writes nothing and its commit
# waits for no disk (benchmarks/router.py: the p50 of all decisions, a quarter of which give
# nothing, against that of those that gave an item).
# A decision that gives an item writes it, the idle clock and the pulse, and waits for the
# flush as before. Whoever else decides on an agent's presence or load takes the same lock
# (_agents_lock). Keys as the project's other advisory locks: hashtextextended of a name.
_LOCK_AGENT = "SELECT pg_advisory_xact_lock(hashtextextended('routing.agent.' || %s, 0))"
_LOCK_AGENTS = """
    SELECT count(pg_advisory_xact_lock(hashtextextended('routing.agent.' || agent.id, 0)))
    FROM (SELECT DISTINCT unnest(%s::bigint[]) AS id ORDER BY 1) agent"""  # keys as above


def _agents_lock(agent_ids: list[int]) -> None:
    """Take these agents' locks (the router's, _LOCK_AGENT) until the transaction ends, in
    the order of their ids. In a transaction only."""
    if agent_ids:
        with connection.cursor() as cursor:
            cursor.execute(_LOCK_AGENTS, [agent_ids])


# The agent if available, with capacity and load; then the most urgent item they may take
# on a channel with room (chat, SMS and API share one capacity), claimed with SKIP LOCKED so
# that concurrent routers each take a different one; and, if one was claimed, the agent's
# idle clock restarts (the longest-idle agent just stopped being idle).
_CLAIM = """
    WITH agent AS (
        SELECT state.capacity_call, state.capacity_email, state.capacity_chat,
               load.calls, load.emails, load.messaging
        FROM routing_agentstate state, LATERAL (
            SELECT count(*) FILTER (WHERE channel = 'call') AS calls,
                   count(*) FILTER (WHERE channel = 'email') AS emails,
                   count(*) FILTER (WHERE channel IN ('chat', 'sms', 'api')) AS messaging
            FROM routing_workitem
            WHERE agent_id = state.agent_id AND status IN ('offered', 'assigned')
        ) load
        WHERE state.agent_id = %s AND {present}
    ){probes}, claimed AS (
        UPDATE routing_workitem SET
            agent_id = %s,
            status = CASE WHEN {live} THEN 'offered' ELSE 'assigned' END,
            offered_at = CASE WHEN {live} THEN %s::timestamptz END,
            offer_expires_at = CASE WHEN {live} THEN %s::timestamptz END,
            assigned_at = CASE WHEN {live} THEN NULL ELSE %s::timestamptz END
        WHERE id = (
            SELECT routing_workitem.id FROM routing_workitem, agent
            WHERE {choice} AND {room}
            ORDER BY {order} LIMIT 1 FOR UPDATE OF routing_workitem SKIP LOCKED)
        RETURNING {columns}
    ), idle AS (
        UPDATE routing_agentstate SET idle_since = %s
        WHERE agent_id = %s AND EXISTS (SELECT 1 FROM claimed)
    ){pulse}
    {result}
"""
# The router gives work to available agents only; an agent who claims an item themselves
# may be busy or away (those only keep the router from pushing work), not offline.
_AVAILABLE = "state.presence = 'available'"
_PRESENT = "state.presence <> 'offline'"
_ORDER = "priority DESC, due_at ASC NULLS LAST, waiting_since, routing_workitem.id"  # URGENT_FIRST
_ROOM = """CASE routing_workitem.channel
        WHEN 'call' THEN agent.calls < agent.capacity_call
        WHEN 'email' THEN agent.emails < agent.capacity_email
        ELSE agent.messaging < agent.capacity_chat END"""

# Without probes, the claim sorts every item the agent may take: the work grows with the
# agent's backlog (hundreds of items for an agent of a few busy clients). The probes read,
# for each client and language the agent may take, the first items that pass the rule (the
# index workitem_waiting_order keeps them in the claim's order, so a probe stops after a
# few), without a lock; the claim then sorts only those candidates, and checks the rule
# again on the row it locks. The most urgent item the agent may take is the first of its
# client and language, so it is among the candidates. The statement also says whether
# there were candidates but other routers held or took them all: then the sort decides.
# In a probe the rule sits in a COALESCE, which the planner estimates at one half: seen
# whole, it counts the clients and languages a second time, expects under one row per
# probe, and for a few clients sorts all of a client's items in each probe instead of
# reading the index in order (measured: 45 probes of a client's 130 items each). In the
# claim, the COALESCE spares the planner trying the rule's terms on indexes: the
# candidates' ids are the way in.
_PROBES = """, candidate AS (
        SELECT probe.id FROM agent, unnest(%s::bigint[]) client (id),
            unnest(%s::text[]) language (code), LATERAL (
            SELECT routing_workitem.id FROM routing_workitem
            WHERE routing_workitem.client_id = client.id
              AND routing_workitem.language = language.code
              AND routing_workitem.status = 'waiting' AND COALESCE({clause} AND {room}, FALSE)
            ORDER BY {order} LIMIT {per_probe}) probe
    )"""
# An agent of every client probes per language only, through the index
# workitem_waiting_language (the same order without the client): every client's
# items of a language in the claim's order. Probing each client of thousands was the
# decision's time, however few of them had work (benchmarks/many_clients.py).
_PROBES_EVERY_CLIENT = """, candidate AS (
        SELECT probe.id FROM agent, unnest(%s::text[]) language (code), LATERAL (
            SELECT routing_workitem.id FROM routing_workitem
            WHERE routing_workitem.language = language.code
              AND routing_workitem.status = 'waiting' AND COALESCE({clause} AND {room}, FALSE)
            ORDER BY {order} LIMIT {per_probe}) probe
    )"""
_CANDIDATES = """routing_workitem.id = ANY(ARRAY(SELECT id FROM candidate))
            AND COALESCE({clause}, FALSE)"""
_CONTENDED_AND_CLAIMED = """SELECT
        EXISTS (SELECT 1 FROM candidate) AND NOT EXISTS (SELECT 1 FROM claimed), claimed.*
    FROM (VALUES (0)) one LEFT JOIN claimed ON TRUE"""
# Candidates per probe: the next one when another router holds the first. Written into
# the text, not sent as a parameter, so that the generic plan knows the limit.
_PER_PROBE = 2


# Every channel, once: Channel.values builds its list anew on each read.
_CHANNELS = list(Channel.values)


def agent_next_item(*, agent: User, now: datetime | None = None) -> WorkItem | None:
    """Give ``agent`` the most urgent item they may take now ("next best item for me").

    Who may take what (clients, languages, fallbacks) is cached per agent; presence,
    capacity and load are read under the agent's lock, so capacity is counted once however
    many routers run.
    """
    now = now or timezone.now()
    reach, known = agent_reach_and_policies(agent)
    if not reach.serves_any or not (reach.languages or reach.speaks_last_resort):
        return None
    call_timeout = policy_for(Channel.CALL, -1, known).offer_timeout
    # The desks' pulse written by the claim itself (routing.pulse.PULSE_IN_CLAIM), but not
    # in a caller's transaction: its other writes may bump the same keys in another order.
    pulse = None if connection.in_atomic_block else pulse_claim_params(agent.pk)
    claimed = _claim(agent.pk, reach, now, now + call_timeout, known, pulse)
    if claimed is None:
        return None
    item = WorkItem.from_db("default", _FIELDS, claimed)
    if pulse is None:
        pulse_bump(client_ids=[item.client_id], agent_ids=[agent.pk])
    timeout = policy_for(item.channel, item.client_id, known).offer_timeout
    if item.is_live_call and timeout != call_timeout:  # the client's own policy
        item.offer_expires_at = now + timeout
        item.save(update_fields=["offer_expires_at"])
    return item


def _claim(
    agent_id: int,
    reach: AgentReach,
    now: datetime,
    offer_expires_at: datetime,
    known: Policies,
    pulse: list[Any] | None = None,
) -> tuple[Any, ...] | None:
    """The claimed row, or None: by index probes, or by the sort when the agent may take
    items of any language (the last resort) or when other routers held or took every
    candidate. ``known``: policies(); ``pulse``: pulse_claim_params, when the claim writes
    the desks' pulse."""
    clause, clause_params = eligible_items_sql(reach, _CHANNELS, now, known)
    claim_params = [agent_id, now, offer_expires_at, now, *clause_params, now, agent_id]
    claim_params += pulse or []
    languages = eligible_languages(reach, _CHANNELS, known)
    if languages is not None:
        probes_params = [list(languages), *clause_params]
        if not reach.every_client:
            probes_params.insert(0, list(reach.client_ids))
        row = _lock_and_claim(
            agent_id,
            _claim_sql(clause, probed=True, pulse=pulse is not None, every=reach.every_client),
            [agent_id, *probes_params, *claim_params],
            prepared=settings.ROUTING_PREPARED_CLAIM,
        )
        assert row is not None  # the probed claim always answers (contended, claimed row)
        contended, *claimed = row
        if not contended:
            return None if claimed[0] is None else tuple(claimed)
    return _lock_and_claim(
        agent_id,
        _claim_sql(clause, probed=False, pulse=pulse is not None),
        [agent_id, *claim_params],
    )


# The text depends on the shape of the agent's reach only: a few texts, built once each.
@functools.lru_cache(maxsize=256)
def _claim_sql(clause: str, *, probed: bool, pulse: bool, every: bool = False) -> str:
    probes = _PROBES_EVERY_CLIENT if every else _PROBES
    return _CLAIM.format(
        present=_AVAILABLE,
        probes=(
            probes.format(clause=clause, room=_ROOM, order=_ORDER, per_probe=_PER_PROBE)
            if probed
            else ""
        ),
        choice=_CANDIDATES.format(clause=clause) if probed else clause,
        room=_ROOM,
        order=_ORDER,
        live=_LIVE,
        columns=", ".join(_COLUMNS),
        pulse=PULSE_IN_CLAIM if pulse else "",
        result=_CONTENDED_AND_CLAIMED if probed else "SELECT * FROM claimed",
    )


def _lock_and_claim(
    agent_id: int, claim: str, params: list[Any], *, prepared: bool = False
) -> tuple[Any, ...] | None:
    """Run the lock and the claim as one query; the claim's row, or None.

    Outside a transaction the query is a transaction of its own (BEGIN and COMMIT in it, or
    the implicit one of the direct path); inside one (a caller's atomic block) it runs in a
    savepoint, like any nested atomic block. ``prepared``: the claim runs as this
    connection's prepared statement of its text (see _prepared_claim).
    """
    db = connections[DEFAULT_DB_ALIAS]  # read once: each read of ``connection`` is a lookup
    statements = [_LOCK_AGENT, claim]
    params = [_array_text(tuple(value)) if isinstance(value, list) else value for value in params]
    name = _prepared_claim(claim) if prepared else ""
    direct = prepared and not db.in_atomic_block and not db.queries_logged and db.autocommit
    if prepared and not direct:
        execute = f"EXECUTE {name}({', '.join(['%s'] * len(params))})"
        statements = [_GENERIC_PLAN, _LOCK_AGENT, execute]
    try:
        if direct:
            return _lock_and_claim_direct(db, agent_id, name, params)
        if connection.in_atomic_block:
            with transaction.atomic(), connection.cursor() as cursor:
                return _last_row(cursor, statements, [agent_id, *params])
        with connection.cursor() as cursor:
            try:
                return _last_row(cursor, ["BEGIN", *statements, "COMMIT"], [agent_id, *params])
            except Exception:
                # A failed statement leaves the server in the aborted transaction it began;
                # a broken connection has none to end (Django replaces it).
                with contextlib.suppress(psycopg.Error):
                    connection.connection.rollback()
                raise
    except DatabaseError as error:
        if prepared and isinstance(error.__cause__, _STALE_STATEMENT):
            _prepared_forget(claim)
            return _lock_and_claim(agent_id, claim, params)  # the text, this time
        raise


# The claim's arrays (clients, languages, channels) sent as PostgreSQL's array literals,
# which the statement's comparisons type: psycopg's client-side quoting of a list, element
# by element in Python, was a third of a decision's time in the client (cProfile), and an
# agent's arrays are the same decision after decision.
@functools.lru_cache(maxsize=4096)
def _array_text(values: tuple[int | str, ...]) -> str:
    quoted = (str(value).replace("\\", "\\\\").replace('"', '\\"') for value in values)
    return "{" + ",".join(f'"{value}"' for value in quoted) + "}"


# The router's own statement, sent on psycopg's connection under Django's (the "direct"
# path): Django's cursor and psycopg's client-side binding, which adapts each of the ~25
# parameters in Python, were most of a decision's time in the client (cProfile over 1,000
# decisions; benchmarks/router.py prints the client CPU per decision and per bare
# statement). Here the
# parameters are written as literals by libpq's own escaping and the query goes out
# without placeholders, so psycopg neither parses it nor adapts anything. Only for the
# prepared claim outside a transaction, and only while Django does not log queries
# (DEBUG, CaptureQueriesContext): those see the query on Django's cursor as before.
# Django's execute wrappers (connection.execute_wrapper) see it on both paths, and its
# errors are Django's (wrap_database_errors), with psycopg's as their cause.
def _lock_and_claim_direct(
    db: Any, agent_id: int, name: str, params: list[Any]
) -> tuple[Any, ...] | None:
    raw = db.connection
    escaping = psycopg.pq.Escaping(raw.pgconn)
    literals = ", ".join([_literal(value, escaping) for value in params])
    query = f"{_GENERIC_PLAN_AND_LOCK % int(agent_id)}; EXECUTE {name}({literals})"
    with db.wrap_database_errors, raw.cursor() as cursor:
        executor = _direct_execute
        for wrapper in reversed(db.execute_wrappers):
            executor = functools.partial(wrapper, executor)
        executor(query, None, False, {"connection": db, "cursor": cursor})
        cursor.nextset()  # past the lock: the claim's row is the second result
        row: tuple[Any, ...] | None = cursor.fetchone()
        return row


def _direct_execute(sql: str, params: None, many: bool, context: dict[str, Any]) -> None:
    context["cursor"].execute(sql.encode())  # bytes, no parameters: sent as it is


def _literal(value: Any, escaping: Any) -> str:
    """``value`` as an SQL literal (a parameter of EXECUTE, typed by the statement)."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(int(value))
    if isinstance(value, datetime):
        value = value.isoformat()
    if not isinstance(value, str):
        raise TypeError(f"no literal for {type(value).__name__} in the router's claim")
    literal: bytes = escaping.escape_literal(value.encode())
    return literal.decode()


def _last_row(cursor: Any, statements: list[str], params: list[Any]) -> tuple[Any, ...] | None:
    """Send ``statements`` as one query; the row of the last one that returns rows."""
    cursor.execute("; ".join(statements), params)
    returning = len(statements) - 1 - (statements[-1] == "COMMIT")
    for _ in range(returning):
        cursor.nextset()
    row: tuple[Any, ...] | None = cursor.fetchone()
    return row


# The probed claim's text depends only on the shape of the agent's reach (how many waits it
# holds), so a connection prepares a handful of them, once each. Planning was a third of a
# decision's time on the server (0.4-0.7 of 2 ms, measured). The generic plan is forced:
# with the planner's own choice (plan_cache_mode = auto) the custom plans looked cheaper
# and it went on planning every time. On the benchmark's data (benchmarks/router.py
# --plans) the generic plan is the custom one or differs in the order of two one-row
# inputs, and executes as fast; for an agent of every client the custom plan is compiled
# with JIT, the generic one is not (228 ms against 29). SET LOCAL keeps the mode to the
# transaction.
_GENERIC_PLAN = "SET LOCAL plan_cache_mode = force_generic_plan"
# The direct path's query is two statements, without BEGIN and COMMIT: PostgreSQL runs the
# statements of one simple-protocol query as one transaction (an implicit block, committed
# after the last one, rolled back whole if one fails), and set_config's ``true`` keeps the
# mode to it as SET LOCAL does. Each statement still takes its own snapshot, so the claim
# counts the load after the lock. BEGIN, SET and COMMIT were three more results for
# psycopg to read and three more statements for the server. Only with psycopg in
# autocommit (Django's outside a transaction): else psycopg would open a transaction
# around the query, which the lock would outlive.
_GENERIC_PLAN_AND_LOCK = (
    "SELECT set_config('plan_cache_mode', 'force_generic_plan', true), "
    "pg_advisory_xact_lock(hashtextextended('routing.agent.' || %s, 0))"
)
_prepared_names: weakref.WeakKeyDictionary[Any, set[str]] = weakref.WeakKeyDictionary()


def _prepared_claim(claim: str) -> str:
    """The name of ``claim`` prepared on this connection (prepared now if it is not yet)."""
    name = _prepared_name(claim)
    connection.ensure_connection()
    names = _prepared_names.setdefault(connection.connection, set())
    if name not in names:
        numbers = iter(range(1, claim.count("%s") + 1))
        numbered = re.sub("%s", lambda _: f"${next(numbers)}", claim)  # placeholders as $n
        try:
            # In a savepoint: a failure must not end a caller's transaction.
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(f"PREPARE {name} AS {numbered}")
        except DatabaseError as error:
            # The server holds it already (we lost count of it): the same text, by its name.
            if not isinstance(error.__cause__, psycopg.errors.DuplicatePreparedStatement):
                raise
        names.add(name)
    return name


# A prepared claim that no longer runs: deallocated behind our back (DISCARD ALL, a pooler
# that moved us to another server session), or planned for columns a migration has since
# changed ("cached plan must not change result type"). The decision then runs the text,
# and the next one prepares the statement again.
_STALE_STATEMENT = (psycopg.errors.InvalidSqlStatementName, psycopg.errors.FeatureNotSupported)


@functools.lru_cache(maxsize=256)
def _prepared_name(claim: str) -> str:
    return "routing_claim_" + hashlib.blake2b(claim.encode(), digest_size=8).hexdigest()


def _prepared_forget(claim: str) -> None:
    name = _prepared_name(claim)
    _prepared_names.get(connection.connection, set()).discard(name)
    with contextlib.suppress(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DEALLOCATE {name}")  # if the server still holds it


# WorkItem.LIVE_CALL in SQL: callers on the line are offered (they ring the agent's phone);
# a voicemail or a callback request (a conversation on the call channel) is assigned.
_LIVE = "channel = 'call' AND source_kind = 'call'"


def route_waiting(*, now: datetime | None = None, max_agents: int = 200) -> int:
    """Hand waiting work to available agents, longest idle first; returns items given.

    Run after an item is queued, when an agent frees up, and by beat every few seconds
    (waits that cross a policy's threshold widen who may take an item).
    """
    now = now or timezone.now()
    given = 0
    agent_ids = list(
        AgentState.objects.filter(presence=AgentState.Presence.AVAILABLE)
        .order_by(F("idle_since").asc(nulls_first=True))
        .values_list("agent_id", flat=True)[:max_agents]
    )
    agents = User.objects.in_bulk(agent_ids)
    agent_reaches_cache(agent_ids)  # in one query, not one per agent's first decision
    waiting_for_work = list(agent_ids)  # longest idle first
    while waiting_for_work:  # one item per agent per pass, so that work is shared
        waiting_for_work = [
            agent_id
            for agent_id in waiting_for_work
            if agent_next_item(agent=agents[agent_id], now=now)
        ]
        given += len(waiting_for_work)
    return given


@transaction.atomic
def offer_accept(*, item_id: int, agent: User, now: datetime | None = None) -> WorkItem:
    now = now or timezone.now()
    item = WorkItem.objects.select_for_update().get(pk=item_id)
    if item.status != WorkItem.Status.OFFERED or item.agent_id != agent.pk:
        raise ValueError("This offer is no longer yours.")
    if item.offer_expires_at and item.offer_expires_at < now:
        raise ValueError("This offer has expired.")
    item.status = WorkItem.Status.ASSIGNED
    item.assigned_at = now
    item.save(update_fields=["status", "assigned_at"])
    pulse_bump(agent_ids=[agent.pk])
    return item


def work_requeue(*, item: WorkItem) -> None:
    """Put an offered or assigned item back in the queue, keeping its place (the caller
    holds its lock)."""
    pulse_bump(client_ids=[item.client_id], agent_ids=[item.agent_id])
    item.status = WorkItem.Status.WAITING
    item.agent = None
    item.offered_at = item.offer_expires_at = item.assigned_at = None
    item.requeued += 1
    item.save(
        update_fields=[
            "status",
            "agent",
            "offered_at",
            "offer_expires_at",
            "assigned_at",
            "requeued",
        ]
    )


@transaction.atomic
def offers_expire(*, now: datetime | None = None) -> int:
    """Offers not accepted in time go back to the queue (keeping their place)."""
    now = now or timezone.now()
    expired = list(
        WorkItem.objects.select_for_update(skip_locked=True).filter(
            status=WorkItem.Status.OFFERED, offer_expires_at__lt=now
        )
    )
    for item in expired:
        work_requeue(item=item)
    return len(expired)


@transaction.atomic
def item_close(*, item_id: int, agent: User, now: datetime | None = None) -> WorkItem:
    """The agent is done with the item; their idle clock starts if nothing else is open."""
    now = now or timezone.now()
    item = WorkItem.objects.select_for_update().get(pk=item_id)
    if item.agent_id != agent.pk or item.status not in (
        WorkItem.Status.ASSIGNED,
        WorkItem.Status.OFFERED,
    ):
        raise ValueError("Only the agent working on an item closes it.")
    item.status = WorkItem.Status.DONE
    item.closed_at = now
    item.save(update_fields=["status", "closed_at"])
    pulse_bump(agent_ids=[agent.pk])  # the agent's other open desk pages
    answered = item.responded_at or now
    if item.due_at and answered > item.due_at:  # answered late, maybe before the sweep saw it
        SlaEvent.objects.get_or_create(
            item=item,
            kind=SlaEvent.Kind.BREACH,
            due_at=item.due_at,
            defaults={"client_id": item.client_id, "recorded_at": now},
        )
    if not agent_load(agent):
        AgentState.objects.filter(agent=agent).update(idle_since=now)
    return item


@transaction.atomic
def agents_release_stale(*, now: datetime | None = None, silence_seconds: int = 90) -> int:
    """Agents whose desk went silent go offline; live items of offline agents return to
    the queue (also those claimed for an agent while they were going offline), owned
    work (WorkItem.OWNED) stays with them."""
    now = now or timezone.now()
    silent = AgentState.objects.exclude(presence=AgentState.Presence.OFFLINE).filter(
        heartbeat_at__lt=now - timedelta(seconds=silence_seconds)
    )
    # Their routers' decisions in flight finish first, so that what they gave is handed
    # back below, and the next decisions see them offline.
    _agents_lock(list(silent.values_list("agent_id", flat=True)))
    silent.update(presence=AgentState.Presence.OFFLINE, presence_since=now)
    offline = AgentState.objects.filter(presence=AgentState.Presence.OFFLINE).values("agent_id")
    # Items first (skipping any being closed right now), then nothing else: the lock order.
    # A silent desk is a closed tab or a lost network, not the end of a shift: the agent
    # keeps the e-mails (and SMS and API messages) assigned to them; live work goes back.
    return _hand_back(keep_owned=True, agent_id__in=offline)


def _hand_back(*, keep_owned: bool = False, **agents: Any) -> int:
    """The offered and assigned items of these agents return to the queue, keeping their
    place; a connected call stays (the caller is talking to them: the call ends it), and
    with ``keep_owned`` so does assigned work of the owned channels (WorkItem.OWNED)."""
    held = (
        WorkItem.objects.select_for_update(skip_locked=True)
        .filter(status__in=[WorkItem.Status.OFFERED, WorkItem.Status.ASSIGNED], **agents)
        .exclude(WorkItem.CONNECTED_CALL)
    )
    if keep_owned:
        held = held.exclude(WorkItem.OWNED)
    released = 0
    for item in held:
        work_requeue(item=item)
        released += 1
    return released


def work_cancel_for_source(
    *, client: Client, source_kind: str, source_id: int, now: datetime | None = None
) -> int:
    """The matter is settled without this work (e.g. resolved by someone else): its open
    items leave the queue and their agents' load. Returns how many were cancelled."""
    now = now or timezone.now()
    items = list(
        WorkItem.objects.select_for_update().filter(
            client=client,
            source_kind=source_kind,
            source_id=source_id,
            status__in=WorkItem.OPEN_STATUSES,
        )
    )
    for item in items:
        item.status, item.closed_at = WorkItem.Status.CANCELLED, now
        item.save(update_fields=["status", "closed_at"])
        pulse_bump(client_ids=[item.client_id], agent_ids=[item.agent_id])
        if item.agent_id and item.agent is not None and not agent_load(item.agent):
            AgentState.objects.filter(agent_id=item.agent_id).update(idle_since=now)
    return len(items)


# --- what other rooms change on the queue (they call these; nobody else writes WorkItem) ----


def _open_items_of(*, client: Client, source_kind: str, source_id: int) -> QuerySet[WorkItem]:
    return WorkItem.objects.filter(
        client=client,
        source_kind=source_kind,
        source_id=source_id,
        status__in=WorkItem.OPEN_STATUSES,
    )


def work_language_set(*, client: Client, source_kind: str, source_id: int, language: str) -> None:
    """The source's language was corrected: its open items wait for that language, and one
    held by an agent who does not speak it goes back to the queue. Locks the items; runs in
    the caller's transaction."""
    open_items = _open_items_of(
        client=client, source_kind=source_kind, source_id=source_id
    ).select_for_update()
    for item in open_items:
        item.language, item.language_uncertain = language, False
        item.save(update_fields=["language", "language_uncertain"])
        if (
            item.agent_id
            and item.agent is not None
            and language not in agent_language_codes(item.agent)
        ):
            work_requeue(item=item)  # its agent does not speak it: back to the queue
    # Other agents' queues change with the language: their desks fetch the inbox.
    pulse_bump(client_ids=[client.pk])


def work_priority_set(*, client: Client, source_kind: str, source_id: int, priority: int) -> None:
    """The source's open items take its new priority."""
    _open_items_of(client=client, source_kind=source_kind, source_id=source_id).update(
        priority=priority
    )
    pulse_bump(client_ids=[client.pk])  # the queue's order changed


def work_item_promise_renew(
    *, item_id: int, asked_at: datetime, due_at: datetime | None, warn_at: datetime | None
) -> None:
    """A new question (come at ``asked_at``) on an item that was answered but is still
    open: it gets its own first-response promise. An item not answered yet keeps its
    earlier one."""
    WorkItem.objects.filter(pk=item_id, responded_at__isnull=False).update(
        responded_at=None, asked_at=asked_at, due_at=due_at, warn_at=warn_at
    )


def work_items_responded(
    *, client: Client, source_kind: str, source_id: int, written_at: datetime, at: datetime
) -> None:
    """A reply written at ``written_at`` was sent at ``at``: the first-response clock of the
    source's items that were waiting by then stops at ``at``, also of those closed after it
    was written (the agent may press Done before the server accepts the reply)."""
    WorkItem.objects.filter(
        Q(status__in=WorkItem.OPEN_STATUSES) | Q(closed_at__gte=written_at),
        client=client,
        source_kind=source_kind,
        source_id=source_id,
        responded_at__isnull=True,
        waiting_since__lte=written_at,
    ).update(responded_at=at)


def work_item_settled(
    *, item_id: int, agent: User | None, assigned_at: datetime, closed_at: datetime
) -> None:
    """An item worked on and closed at past times (the demo's history; live work goes through
    offer_accept and item_close)."""
    WorkItem.objects.filter(pk=item_id).update(
        status=WorkItem.Status.DONE, agent=agent, assigned_at=assigned_at, closed_at=closed_at
    )


def work_summaries_erase(*, schema_name: str, source_kind: str, source_ids: list[int]) -> None:
    """The queue forgets what these sources said (an erased customer): their summaries go."""
    WorkItem.objects.filter(
        client__schema_name=schema_name, source_kind=source_kind, source_id__in=source_ids
    ).update(summary="")


# --- desk: assignment and transfer ---------------------------------------------------------


def _agent_may_take(*, agent: User, item: WorkItem) -> str:
    """Why ``agent`` may not be given ``item`` ("" when they may): they serve its client,
    answer in its language (native or fluent) and are not offline."""
    if not agent.is_active or agent.is_client_user:
        return "Only active agents can be given work."
    if not user_serves(agent, item.client_id):
        return "This agent does not serve the item's client."
    if item.language not in agent_language_codes(agent):
        return "This agent does not speak the item's language."
    state = AgentState.objects.filter(agent=agent).first()
    if state is None or state.presence == AgentState.Presence.OFFLINE:
        return "This agent is offline."
    return ""


@transaction.atomic
def item_transfer(*, item_id: int, to_agent: User, now: datetime | None = None) -> WorkItem:
    """Give an open item (waiting, or held by someone else) to ``to_agent``, who must serve
    its client and speak its language; a call is offered, other work assigned. The new
    holder's capacity is not checked: a transfer is a person's decision, not the router's."""
    now = now or timezone.now()
    item = WorkItem.objects.select_for_update().get(pk=item_id)
    if item.status not in WorkItem.OPEN_STATUSES:
        raise ValueError("This item is closed.")
    if item.agent_id == to_agent.pk:
        raise ValueError("This agent already has the item.")
    if item.is_connected_call:
        raise ValueError("This call is connected: it can only be transferred on the phone.")
    refusal = _agent_may_take(agent=to_agent, item=item)
    if refusal:
        raise ValueError(refusal)
    _give(item, to_agent, now=now)
    return item


@transaction.atomic
def item_release(*, item_id: int) -> WorkItem:
    """An offered or assigned item goes back to its language queue, keeping its place."""
    item = WorkItem.objects.select_for_update().get(pk=item_id)
    if item.status not in (WorkItem.Status.OFFERED, WorkItem.Status.ASSIGNED):
        raise ValueError("Only an item someone holds can go back to the queue.")
    if item.is_connected_call:
        raise ValueError("This call is connected: it ends on the phone.")
    work_requeue(item=item)
    return item


def work_started_by_agent(
    *,
    client: Client,
    channel: str,
    language: str,
    source_kind: str,
    source_id: int,
    summary: str,
    agent: User,
    now: datetime | None = None,
) -> WorkItem:
    """Work an agent started themselves (a new e-mail to a customer): an item held by that
    agent from the start, without a first-response promise (nobody is waiting for an answer),
    so that it is on the desk like any other and the customer's answer comes back to it."""
    now = now or timezone.now()
    pulse_bump(agent_ids=[agent.pk])
    return WorkItem.objects.create(
        client=client,
        channel=channel,
        language=language,
        summary=summary[:200],
        source_kind=source_kind,
        source_id=source_id,
        status=WorkItem.Status.ASSIGNED,
        agent=agent,
        waiting_since=now,
        assigned_at=now,
        # Nobody waits for an answer: the customer's reply gets its own promise
        # (work_item_promise_renew), as on an item answered already.
        responded_at=now,
    )


# --- desk: claiming an item, a supervisor's assignment --------------------------------------


class Refused(ValueError):
    """A claim or an assignment that cannot be done, with the reason in the reader's words."""


class NeedsConfirmation(Refused):
    """An assignment the router would not make (``concerns``); a supervisor may confirm it."""

    def __init__(self, concerns: list[str]) -> None:
        super().__init__("; ".join(concerns))
        self.concerns = concerns


# The claim is the router's claim with the item named: the same statement, so the same
# locks (the agent's row, then the item with SKIP LOCKED), the same rule of who may take
# what (eligible_items_sql) and the same capacity; only presence differs (_PRESENT).
def _claim_one_sql(clause: str) -> str:
    return _CLAIM.format(
        present=_PRESENT,
        probes="",
        choice=f"routing_workitem.id = %s AND {clause}",
        room=_ROOM,
        order=_ORDER,
        live=_LIVE,
        columns=", ".join(_COLUMNS),
        pulse="",
        result="SELECT * FROM claimed",
    )


def item_claim(*, item_id: int, agent: User, now: datetime | None = None) -> WorkItem:
    """``agent`` takes this waiting item (opened by its link) under the router's rules: a
    caller on the line is offered, other work assigned. Raises Refused saying why not."""
    now = now or timezone.now()
    # Fresh, not cached: the agent reads the refusal and may have just been given a skill.
    reach = agent_reach(agent)
    clause, clause_params = eligible_items_sql(reach, Channel.values, now)
    item = WorkItem.objects.select_related("client", "agent").filter(pk=item_id).first()
    if item is None:
        raise Refused(gettext("No such item."))
    if item.agent_id == agent.pk and item.status in WorkItem.OPEN_STATUSES:
        return item  # a second click, or the router gave it to them meanwhile
    offer_expires_at = now + policy_for(item.channel, item.client_id).offer_timeout
    params = [agent.pk, now, offer_expires_at, now, item_id, *clause_params, now, agent.pk]
    row = _lock_and_claim(agent.pk, _claim_one_sql(clause), [agent.pk, *params])
    if row is not None:
        claimed = WorkItem.from_db("default", _FIELDS, row)
        pulse_bump(client_ids=[claimed.client_id], agent_ids=[agent.pk])
        audit.info("%s claimed work item %s", agent.username, claimed.pk)
        return claimed
    item = WorkItem.objects.select_related("client", "agent").get(pk=item_id)
    if item.agent_id == agent.pk and item.status in WorkItem.OPEN_STATUSES:
        return item
    refusal = claim_refusal(item=item, agent=agent, reach=reach, now=now)
    if not refusal and WorkItem.objects.filter(pk=item_id, agent=agent).exists():
        return WorkItem.objects.get(pk=item_id)  # the router gave it to them meanwhile
    raise Refused(refusal or gettext("Another agent is taking this item right now."))


@transaction.atomic
def item_assign(
    *,
    item_id: int,
    to_agent: User,
    by: User,
    confirmed: bool = False,
    now: datetime | None = None,
) -> WorkItem:
    """A supervisor (``by``) gives an open item to ``to_agent``, who must be an active agent
    serving its client. What the router would not do (offline, at capacity, another
    language) raises NeedsConfirmation unless ``confirmed``. A call is offered."""
    now = now or timezone.now()
    item = WorkItem.objects.select_for_update().select_related("client").get(pk=item_id)
    if item.status not in WorkItem.OPEN_STATUSES:
        raise Refused(gettext("This item is closed."))
    if item.agent_id == to_agent.pk:
        raise Refused(gettext("This agent already has the item."))
    if item.is_connected_call:
        raise Refused(gettext("This call is connected: it can only be transferred on the phone."))
    if not to_agent.is_active or to_agent.is_client_user:
        raise Refused(gettext("Only active agents can be given work."))
    if not user_serves(to_agent, item.client_id):
        # Not a matter of confirming: an agent sees only the clients they serve (404).
        raise Refused(
            gettext("%(agent)s does not serve %(client)s.")
            % {"agent": to_agent.get_full_name() or to_agent.username, "client": item.client.name}
        )
    # The lock order: the item, then the agent (a router counting their load waits).
    _agents_lock([to_agent.pk])
    state = AgentState.objects.filter(agent=to_agent).first()
    offline = state is None or state.presence == AgentState.Presence.OFFLINE
    if offline and item.channel not in WorkItem.OWNED_CHANNELS:
        # Live work of an offline agent returns to the queue at the next sweep
        # (agents_release_stale): confirming would be a promise the desk breaks in seconds.
        raise Refused(
            gettext(
                "%(agent)s is offline: a call or chat given to them would go back to the queue."
            )
            % {"agent": to_agent.get_full_name() or to_agent.username}
        )
    concerns = assignment_concerns(
        item=item, state=state, load=agent_load(to_agent), languages=agent_language_codes(to_agent)
    )
    if concerns and not confirmed:
        raise NeedsConfirmation(concerns)
    _give(item, to_agent, now=now)
    audit.info(
        "%s assigned work item %s to %s%s",
        by.username,
        item.pk,
        to_agent.username,
        f" (confirmed: {'; '.join(concerns)})" if concerns else "",
    )
    return item


def _give(item: WorkItem, agent: User, *, now: datetime) -> None:
    """The locked ``item`` becomes the agent's: a caller on the line offered, the rest
    assigned."""
    pulse_bump(client_ids=[item.client_id], agent_ids=[item.agent_id, agent.pk])
    item.agent = agent
    if item.is_live_call:
        item.status = WorkItem.Status.OFFERED
        item.offered_at = now
        item.offer_expires_at = now + policy_for(item.channel, item.client_id).offer_timeout
        item.assigned_at = None
    else:
        item.status = WorkItem.Status.ASSIGNED
        item.offered_at = item.offer_expires_at = None
        item.assigned_at = now
    item.save(update_fields=["agent", "status", "offered_at", "offer_expires_at", "assigned_at"])
