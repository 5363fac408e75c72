"""What a routing process keeps in its own memory (routing.selectors: the reach of each
agent and the policies, with the version each was read under): a change is seen as soon as
before, at once in the process that made it, by others once what they hold expires."""

import time
from datetime import UTC, datetime, timedelta

import pytest
from django.core.cache import cache

from languages.models import AgentSkill
from routing import selectors
from routing.models import RoutingPolicy, WorkItem
from routing.selectors import agent_reach_cached, policy_for
from routing.services import agent_next_item, work_enqueue
from tests.support.factories import agent_serving

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


def _later(monkeypatch, seconds: int) -> None:
    """The clock ``seconds`` ahead, for the expiries of this process and of its cache."""
    moved = time.time() + seconds
    monkeypatch.setattr(selectors.time, "time", lambda: moved)


def _speaks_slovak_only(agent) -> None:
    """A change no signal announces here: as another process's, with a cache of its own."""
    AgentSkill.objects.filter(agent=agent).update(language_id="sk")


@pytest.mark.django_db
def test_a_reach_changed_elsewhere_is_seen_when_the_held_one_expires(two_clients, monkeypatch):
    agent = agent_serving([two_clients.a], available_at=NOW)
    assert agent_reach_cached(agent).languages == ("cs",)
    _speaks_slovak_only(agent)

    assert agent_reach_cached(agent).languages == ("cs",)  # held, as the cache held it
    _later(monkeypatch, selectors._REACH_SECONDS + 1)
    assert agent_reach_cached(agent).languages == ("sk",)


@pytest.mark.django_db
def test_an_emptied_cache_leaves_nothing_held_current(two_clients):
    """The versions start anew, at a value never used before: what the process held under
    the old ones is stale."""
    agent = agent_serving([two_clients.a], available_at=NOW)
    assert agent_reach_cached(agent).languages == ("cs",)
    _speaks_slovak_only(agent)

    cache.clear()

    assert agent_reach_cached(agent).languages == ("sk",)


@pytest.mark.django_db
def test_a_changed_policy_is_seen_by_the_next_decision(two_clients):
    """Saved here (the signal bumps the version): the next decision's claim has the new
    wait, also with the agent's claim built already."""
    agent = agent_serving([two_clients.a], available_at=NOW)  # Czech
    slovak = work_enqueue(
        client=two_clients.a,
        channel="email",
        language="sk",  # falls back to Czech (seeded): theirs after the policy's wait
        source_kind="memory",
        source_id=1,
        waiting_since=NOW - timedelta(minutes=10),
    )
    assert policy_for("email", two_clients.a.pk).fallback_after < timedelta(minutes=10)
    RoutingPolicy.objects.update_or_create(
        channel="email", client=None, defaults={"fallback_after_seconds": 3600}
    )
    assert agent_next_item(agent=agent, now=NOW) is None

    RoutingPolicy.objects.filter(channel="email", client=None).get().delete()

    assert agent_next_item(agent=agent, now=NOW) == slovak
    assert WorkItem.objects.get(pk=slovak.pk).agent_id == agent.pk


@pytest.mark.django_db
def test_a_policy_changed_elsewhere_is_seen_when_the_held_one_expires(monkeypatch):
    RoutingPolicy.objects.update_or_create(
        channel="email", client=None, defaults={"fallback_after_seconds": 60}
    )
    assert policy_for("email", -1).fallback_after == timedelta(seconds=60)
    RoutingPolicy.objects.filter(channel="email", client=None).update(fallback_after_seconds=90)

    assert policy_for("email", -1).fallback_after == timedelta(seconds=60)  # held
    _later(monkeypatch, selectors._POLICIES_SECONDS + 1)
    assert policy_for("email", -1).fallback_after == timedelta(seconds=90)
