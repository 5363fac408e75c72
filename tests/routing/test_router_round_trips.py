"""What one routing decision sends to PostgreSQL (issue #24): one query, with the desks'
pulse written in the claim's own statement; the reach of many agents read in one query."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core.cache import caches
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from languages.services import agent_skills_set
from routing.models import WorkItem
from routing.pulse import pulse_of_agent
from routing.selectors import agent_reaches_cache
from routing.services import agent_next_item, route_waiting, work_enqueue
from tests.support.factories import agent_serving

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


def _emails(client, count: int, language: str = "cs") -> list[WorkItem]:
    return [
        work_enqueue(
            client=client,
            channel="email",
            language=language,
            source_kind="round-trips",
            source_id=number,
            waiting_since=NOW - timedelta(minutes=count - number),
        )
        for number in range(count)
    ]


def _cleanup(*users: User) -> None:
    WorkItem.objects.filter(source_kind="round-trips").delete()
    User.objects.filter(pk__in=[user.pk for user in users]).delete()
    caches["pulse"].clear()


@pytest.mark.parametrize("prepared", [True, False], ids=["prepared", "text"])
def test_a_decision_is_one_query_that_also_writes_the_desks_pulse(
    two_clients, django_db_blocker, settings, prepared
):
    """Outside a transaction (as the router and the desk's "Take next" run it): once the
    agent's reach is cached (and the claim prepared), the decision is one query; the pulse
    of the agent and of the item's client changes with it, and not when nothing was given."""
    settings.ROUTING_PREPARED_CLAIM = prepared
    with django_db_blocker.unblock():
        agent = agent_serving([two_clients.a], available_at=NOW)
        try:
            first, second = _emails(two_clients.a, 2)
            assert agent_next_item(agent=agent, now=NOW) == first  # reach cached, prepared
            pulse_cache = caches[settings.PULSE_CACHE]
            pulse_cache.clear()
            pulse = pulse_of_agent(agent_id=agent.pk, client_ids=[two_clients.a.pk])

            with CaptureQueriesContext(connection) as captured:
                taken = agent_next_item(agent=agent, now=NOW)

            assert taken == second
            sent = [query["sql"] for query in captured.captured_queries]
            assert len(sent) == 1, sent
            assert pulse_of_agent(agent_id=agent.pk, client_ids=[two_clients.a.pk]) != pulse
            # Both keys, as pulse_bump writes them (the desk reads them by these names).
            assert pulse_cache.get(f"desk:pulse:agent:{agent.pk}") is not None
            assert pulse_cache.get(f"desk:pulse:client:{two_clients.a.pk}") is not None

            pulse = pulse_of_agent(agent_id=agent.pk, client_ids=[two_clients.a.pk])
            with CaptureQueriesContext(connection) as captured:
                assert agent_next_item(agent=agent, now=NOW) is None  # nothing left
            assert len(captured.captured_queries) == 1
            assert pulse_of_agent(agent_id=agent.pk, client_ids=[two_clients.a.pk]) == pulse
        finally:
            _cleanup(agent)


def test_in_a_callers_transaction_the_pulse_changes_only_after_its_commit(
    two_clients, django_db_blocker
):
    with django_db_blocker.unblock():
        agent = agent_serving([two_clients.a], available_at=NOW)
        try:
            (only,) = _emails(two_clients.a, 1)
            pulse = pulse_of_agent(agent_id=agent.pk, client_ids=[two_clients.a.pk])
            with transaction.atomic():
                with CaptureQueriesContext(connection) as captured:
                    assert agent_next_item(agent=agent, now=NOW) == only
                assert not any("routing_pulse" in query["sql"] for query in captured)
                assert pulse_of_agent(agent_id=agent.pk, client_ids=[two_clients.a.pk]) == pulse
            assert pulse_of_agent(agent_id=agent.pk, client_ids=[two_clients.a.pk]) != pulse
        finally:
            _cleanup(agent)


def test_a_changed_skill_is_seen_by_the_next_decision(two_clients, django_db_blocker):
    """The reach is cached with the version it was read under: a change of skills makes it
    stale at once in this process."""
    with django_db_blocker.unblock():
        agent = agent_serving([two_clients.a], available_at=NOW)
        try:
            (slovak,) = _emails(two_clients.a, 1, language="sk")
            assert agent_next_item(agent=agent, now=NOW) is None  # cached: Czech only
            agent_skills_set(agent=agent, skills={"cs": "native", "sk": "fluent"})
            assert agent_next_item(agent=agent, now=NOW) == slovak
        finally:
            _cleanup(agent)


@pytest.mark.django_db
def test_route_waiting_reads_the_reach_of_its_agents_in_one_query(two_clients):
    agents = [agent_serving([two_clients.a], available_at=NOW) for _ in range(4)]
    _emails(two_clients.a, 6)
    agent_reaches_cache([])  # the version set: the count below is the reaches' query alone
    caches["default"].delete_many([f"routing:reach:v2:{agent.pk}" for agent in agents])

    with CaptureQueriesContext(connection) as captured:
        given = route_waiting(now=NOW)

    assert given == 6
    reads = [query["sql"] for query in captured if "languages_agentskill" in query["sql"]]
    assert len(reads) == 1, reads
    assert {agent.pk for agent in agents} == set(
        WorkItem.objects.filter(source_kind="round-trips").values_list("agent_id", flat=True)
    )


def test_a_decision_that_gives_nothing_writes_nothing(two_clients, django_db_blocker):
    """The agent's lock is an advisory lock, not their row: a decision that gives nothing
    neither locks nor writes the agent's row (a row lock is a write: a WAL record and a
    commit that waits for its flush). One that gives an item writes the idle clock."""
    with django_db_blocker.unblock():
        agent = agent_serving([two_clients.a], available_at=NOW)
        try:
            row_written = "SELECT xmax::text <> '0' FROM routing_agentstate WHERE agent_id = %s"
            _emails(two_clients.a, 1, language="sk")  # not theirs: they speak Czech only
            for _ in range(2):  # the first decision reads the reach and prepares the claim
                assert agent_next_item(agent=agent, now=NOW) is None
            with connection.cursor() as cursor:
                cursor.execute(row_written, [agent.pk])
                assert cursor.fetchone() == (False,)

            czech = work_enqueue(
                client=two_clients.a,
                channel="email",
                language="cs",
                source_kind="round-trips",
                source_id=1,
                waiting_since=NOW,
            )
            assert agent_next_item(agent=agent, now=NOW) == czech
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT idle_since FROM routing_agentstate WHERE agent_id = %s", [agent.pk]
                )
                assert cursor.fetchone() == (NOW,)
        finally:
            _cleanup(agent)
