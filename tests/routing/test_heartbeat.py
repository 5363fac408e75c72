"""The desk's heartbeat: written only when the stored one is getting old, so that open desks
polling every 5 s do not rewrite their row each time, while a silent desk still goes
offline and an open one never does."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection

from routing.models import AgentState, WorkItem
from routing.services import (
    agent_heartbeat,
    agent_next_item,
    agent_presence_set,
    agents_release_stale,
    work_enqueue,
)
from tests.support.factories import UserFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
SILENCE = 90  # agents_release_stale's default


def agent_state_updates() -> int:
    """Row versions written to routing_agentstate so far in this (the test's) transaction."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT n_tup_upd FROM pg_stat_xact_user_tables"
            " WHERE schemaname = 'public' AND relname = 'routing_agentstate'"
        )
        return cursor.fetchone()[0]


def heartbeat_at(agent) -> datetime:
    return AgentState.objects.get(agent=agent).heartbeat_at


@pytest.fixture
def available(two_clients):
    """An available agent of client A whose desk last spoke an hour ago."""
    agent = UserFactory()
    agent.served_clients.set([two_clients.a])
    agent_presence_set(agent=agent, presence="available", now=NOW - timedelta(hours=1))
    return agent


def test_heartbeats_within_the_interval_write_the_row_once(available):
    before = agent_state_updates()

    assert agent_heartbeat(agent=available, now=NOW) == "available"
    assert agent_heartbeat(agent=available, now=NOW + timedelta(seconds=5)) == "available"
    assert agent_heartbeat(agent=available, now=NOW + timedelta(seconds=19)) == "available"

    assert agent_state_updates() - before == 1
    assert heartbeat_at(available) == NOW


def test_a_heartbeat_after_the_interval_writes_again(available):
    agent_heartbeat(agent=available, now=NOW)
    before = agent_state_updates()

    assert agent_heartbeat(agent=available, now=NOW + timedelta(seconds=20)) == "available"

    assert agent_state_updates() - before == 1
    assert heartbeat_at(available) == NOW + timedelta(seconds=20)


def test_a_fresh_heartbeat_still_returns_the_current_presence(available):
    agent_heartbeat(agent=available, now=NOW)
    AgentState.objects.filter(agent=available).update(presence="busy")

    assert agent_heartbeat(agent=available, now=NOW + timedelta(seconds=5)) == "busy"
    assert agent_heartbeat(agent=UserFactory(), now=NOW) == "offline"  # no state yet


@pytest.mark.parametrize("poll_seconds", [5, 30])  # the live inbox; an item's page
def test_an_open_desk_is_never_released_and_a_silent_one_is(two_clients, available, poll_seconds):
    queued = work_enqueue(
        client=two_clients.a,
        channel="chat",  # live work: a silent desk hands it back (owned e-mail stays)
        language="cs",
        source_kind="conversation",
        source_id=1,
    )
    available.skills.create(language_id="cs", proficiency="native")
    assert agent_next_item(agent=available, now=NOW).pk == queued.pk

    # Ten minutes of polling, with the release sweep after every poll.
    last_poll = NOW
    for step in range(0, 600, poll_seconds):
        last_poll = NOW + timedelta(seconds=step)
        agent_heartbeat(agent=available, now=last_poll)
        assert agents_release_stale(now=last_poll + timedelta(seconds=poll_seconds - 1)) == 0
    assert AgentState.objects.get(agent=available).presence == "available"

    # The desk closes: SILENCE seconds after its last poll at the latest, it is released.
    assert agents_release_stale(now=last_poll + timedelta(seconds=SILENCE + 1)) == 1
    assert AgentState.objects.get(agent=available).presence == "offline"
    assert WorkItem.objects.get(pk=queued.pk).status == "waiting"
