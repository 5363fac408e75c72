"""Reads for routing (public schema): who may take what."""

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.core.cache import cache
from django.db import connection
from django.db.models import Count, QuerySet

from accounts.models import User
from languages.catalog import LAST_RESORT_LANGUAGE
from languages.selectors import fallbacks_map
from routing.models import RoutingPolicy, WorkItem

ACTIVE = [WorkItem.Status.OFFERED, WorkItem.Status.ASSIGNED]
_POLICIES_CACHE_KEY = "routing:policies:v1"


@dataclass(frozen=True)
class Policy:
    fallback_after: timedelta
    last_resort_after: timedelta | None
    offer_timeout: timedelta


DEFAULT_POLICY = Policy(timedelta(seconds=120), None, timedelta(seconds=20))


def policies() -> dict[tuple[str, int | None], Policy]:
    """{(channel, client id or None): policy}, cached briefly (a handful of rows)."""
    found: dict[tuple[str, int | None], Policy] | None = cache.get(_POLICIES_CACHE_KEY)
    if found is None:
        found = {
            (row.channel, row.client_id): Policy(
                timedelta(seconds=row.fallback_after_seconds),
                None
                if row.last_resort_after_seconds is None
                else timedelta(seconds=row.last_resort_after_seconds),
                timedelta(seconds=row.offer_timeout_seconds),
            )
            for row in RoutingPolicy.objects.all()
        }
        cache.set(_POLICIES_CACHE_KEY, found, 60)
    return found


def policies_cache_clear() -> None:
    cache.delete(_POLICIES_CACHE_KEY)


def policy_for(channel: str, client_id: int) -> Policy:
    return _policy_in(policies(), channel, client_id)


def _policy_in(
    known: dict[tuple[str, int | None], Policy], channel: str, client_id: int | None
) -> Policy:
    return known.get((channel, client_id)) or known.get((channel, None)) or DEFAULT_POLICY


@dataclass(frozen=True)
class AgentReach:
    """What an agent may take: clients served, languages at native/fluent level, and the
    languages whose fallback chain reaches one of them (after the policy's wait)."""

    client_ids: tuple[int, ...]
    languages: tuple[str, ...]
    fallback_languages: tuple[str, ...]
    speaks_last_resort: bool


def agent_reach(agent: User) -> AgentReach:
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT ARRAY(SELECT language_id FROM languages_agentskill
                         WHERE agent_id = %s AND proficiency IN ('native', 'fluent')),
                   ARRAY(SELECT client_id FROM accounts_user_served_clients WHERE user_id = %s)
            """,
            [agent.pk, agent.pk],
        )
        language_list, client_ids = cursor.fetchone()
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
    )


_REACH_VERSION_KEY = "routing:reach-version"
_REACH_SECONDS = 30


def agent_reach_cached(agent: User) -> AgentReach:
    """agent_reach, cached per agent for a short while (the router asks on every decision).

    Skills, clients served and fallbacks bump a version on change (routing.signals), which
    this process sees at once and others within the cache's 30 seconds.
    """
    version = cache.get_or_set(_REACH_VERSION_KEY, 1, None)
    key = f"routing:reach:{version}:{agent.pk}"
    reach: AgentReach | None = cache.get(key)
    if reach is None:
        reach = agent_reach(agent)
        cache.set(key, reach, _REACH_SECONDS)
    return reach


def agent_reach_cache_clear() -> None:
    try:
        cache.incr(_REACH_VERSION_KEY)
    except ValueError:  # not set yet: nothing cached under it either
        cache.set(_REACH_VERSION_KEY, 1, None)


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
    channels: Iterable[str], client_ids: Collection[int], attribute: str
) -> dict[tuple[Any, ...], list[str]]:
    """The policy's threshold ``attribute`` on ``channels`` for these clients, as
    {(the agency's wait, ((overriding client, its wait), ...)): channels}; channels without
    any such wait are left out."""
    known = policies()
    grouped: dict[tuple[Any, ...], list[str]] = {}
    for channel in channels:
        overridden = sorted(
            cid for (ch, cid) in known if ch == channel and cid is not None and cid in client_ids
        )
        waits = (
            getattr(_policy_in(known, channel, -1), attribute),
            tuple((cid, getattr(_policy_in(known, channel, cid), attribute)) for cid in overridden),
        )
        if waits[0] is not None or any(wait is not None for _, wait in waits[1]):
            grouped.setdefault(waits, []).append(channel)
    return grouped


def _waited_sql(
    channels: Iterable[str], client_ids: Collection[int], now: datetime, attribute: str
) -> tuple[str, list[Any]] | None:
    """Items on ``channels`` that have waited past the policy's threshold ``attribute``;
    channels with the same waits share one term (a shorter clause is planned faster). None
    when no policy sets that wait."""
    terms: list[str] = []
    params: list[Any] = []
    for (agency_wait, own_waits), group in _waits(channels, client_ids, attribute).items():
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
    reach: AgentReach, channels: list[str], now: datetime
) -> tuple[str, list[Any]]:
    """A WHERE clause on routing_workitem: the waiting items this agent may take now on
    ``channels`` (their language; a fallback language after the policy's wait; any
    language after the last-resort wait if they speak it). The router and the desk's inbox
    run it as SQL; ``eligible_items`` wraps it as a queryset: one definition."""
    alternatives = [f"{_W}.language = ANY(%s)"]
    params: list[Any] = [list(reach.client_ids), list(channels), list(reach.languages)]
    if reach.fallback_languages:
        waited = _waited_sql(channels, reach.client_ids, now, "fallback_after")
        if waited:
            alternatives.append(f"({_W}.language = ANY(%s) AND {waited[0]})")
            params += [list(reach.fallback_languages), *waited[1]]
    if reach.speaks_last_resort:
        waited = _waited_sql(channels, reach.client_ids, now, "last_resort_after")
        if waited:
            alternatives.append(waited[0])
            params += waited[1]
    clause = (
        f"{_W}.status = 'waiting' AND {_W}.client_id = ANY(%s) AND {_W}.channel = ANY(%s)"
        f" AND ({' OR '.join(alternatives)})"
    )
    return clause, params


def eligible_languages(reach: AgentReach, channels: list[str]) -> tuple[str, ...] | None:
    """The languages of every item ``eligible_items_sql`` may let this agent take on
    ``channels``: theirs and their fallbacks; None when that can be any language (they
    speak the last resort and a policy sets its wait)."""
    if reach.speaks_last_resort and _waits(channels, reach.client_ids, "last_resort_after"):
        return None
    return tuple(sorted({*reach.languages, *reach.fallback_languages}))


def eligible_items(reach: AgentReach, channels: list[str], now: datetime) -> QuerySet[WorkItem]:
    """The same items as a queryset."""
    from django.db.models import BooleanField
    from django.db.models.expressions import RawSQL

    clause, params = eligible_items_sql(reach, channels, now)
    return WorkItem.objects.alias(
        # The clause is built here from constants; every value is a parameter.
        eligible=RawSQL(clause, params, output_field=BooleanField())  # noqa: S611
    ).filter(eligible=True)
