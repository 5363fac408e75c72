"""An agent who serves every client (User.serves_every_client): the router, claims,
assignments and transfers treat them as serving any client, present or future, in the
languages they speak only; their reach holds no list of clients."""

import itertools
from datetime import UTC, datetime, timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.utils import translation

from accounts.models import User
from languages.services import agent_skills_set
from routing.models import RoutingPolicy, WorkItem
from routing.selectors import (
    agent_reach,
    agent_reach_cached,
    claim_refusal,
    eligible_items,
    take_next_obstacles,
)
from routing.services import (
    agent_next_item,
    agent_presence_set,
    item_assign,
    item_claim,
    item_transfer,
    work_enqueue,
)
from tenants.models import Client
from tests.support.factories import UserFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
_sources = itertools.count(70_000)


def pool_agent(skills: dict[str, str], *, presence: str = "available") -> User:
    user = UserFactory(role=User.Role.AGENT, serves_every_client=True)
    agent_skills_set(agent=user, skills=skills)
    agent_presence_set(agent=user, presence=presence, now=NOW - timedelta(minutes=5))
    return user


def item(client: Client, language: str, *, channel: str = "email", waited: int = 0) -> WorkItem:
    return work_enqueue(
        client=client,
        channel=channel,
        language=language,
        source_kind="conversation",
        source_id=next(_sources),
        summary=f"{language} {channel}",
        waiting_since=NOW - timedelta(seconds=waited),
    )


def later_client() -> Client:
    """A client added after the agent was set up: its row only (no schema needed here)."""
    return Client.objects.bulk_create(
        [Client(name="Client Later", slug="client-later", schema_name="client_later", ready=True)]
    )[0]


def test_the_reach_of_an_agent_of_every_client_holds_no_list(two_clients):
    agent = pool_agent({"cs": "native"})
    agent.served_clients.set([two_clients.a])  # kept, but not used

    reach = agent_reach(agent)

    assert reach.every_client and reach.client_ids == () and reach.served_ids is None


def test_they_are_routed_the_work_of_a_client_created_after_the_flag_was_set(two_clients):
    agent = pool_agent({"cs": "native"})
    later = later_client()
    queued = item(later, "cs")

    given = agent_next_item(agent=agent, now=NOW)

    assert given is not None and given.pk == queued.pk


def test_they_are_never_routed_work_they_do_not_speak(two_clients):
    agent = pool_agent({"cs": "native"})
    item(two_clients.b, "pl")

    assert agent_next_item(agent=agent, now=NOW) is None
    czech = item(two_clients.b, "cs")  # any client's work in their language
    assert agent_next_item(agent=agent, now=NOW).pk == czech.pk


def test_the_most_urgent_item_of_any_client_comes_first(two_clients):
    agent = pool_agent({"cs": "native", "pl": "fluent"})
    item(two_clients.a, "cs", waited=60)
    oldest = item(two_clients.b, "pl", waited=600)

    assert agent_next_item(agent=agent, now=NOW).pk == oldest.pk


def test_a_clients_own_fallback_wait_applies_to_them(two_clients):
    # Slovak falls back to Czech (seeded); client B's own policy lets it wait 10 s only.
    agent = pool_agent({"cs": "native"})
    RoutingPolicy.objects.create(channel="email", client=None, fallback_after_seconds=600)
    RoutingPolicy.objects.create(channel="email", client=two_clients.b, fallback_after_seconds=10)
    reach = agent_reach(agent)
    assert "sk" in reach.fallback_languages
    at_a = item(two_clients.a, "sk", waited=60)
    at_b = item(two_clients.b, "sk", waited=60)

    eligible = set(eligible_items(reach, ["email"], NOW).values_list("pk", flat=True))

    assert at_b.pk in eligible and at_a.pk not in eligible


def test_the_flag_changed_makes_the_cached_reach_stale(two_clients):
    agent = UserFactory(role=User.Role.AGENT)
    agent_skills_set(agent=agent, skills={"cs": "native"})
    assert not agent_reach_cached(agent).every_client

    agent.serves_every_client = True
    agent.save()

    assert agent_reach_cached(agent).every_client


def test_a_save_of_other_fields_keeps_the_cached_reach(two_clients):
    agent = pool_agent({"cs": "native"})
    agent_reach_cached(agent)
    version = cache.get("routing:reach-version")

    agent.first_name = "Renamed"
    agent.save()

    assert cache.get("routing:reach-version") == version


def test_they_claim_assign_and_transfer_any_clients_item(two_clients):
    agent = pool_agent({"cs": "native"})
    boss = UserFactory(role=User.Role.ADMIN)
    claimed = item(two_clients.a, "cs")
    assert item_claim(item_id=claimed.pk, agent=agent, now=NOW).agent_id == agent.pk

    assigned = item(two_clients.b, "cs")
    assert item_assign(item_id=assigned.pk, to_agent=agent, by=boss, now=NOW).agent_id == agent.pk

    other = UserFactory(role=User.Role.AGENT, serves_every_client=True)
    agent_skills_set(agent=other, skills={"cs": "fluent"})
    agent_presence_set(agent=other, presence="available", now=NOW)
    assert item_transfer(item_id=assigned.pk, to_agent=other, now=NOW).agent_id == other.pk


def test_a_refusal_names_the_language_not_the_client(two_clients):
    agent = pool_agent({"cs": "native"})
    polish = item(two_clients.b, "pl")

    with translation.override("en"):
        said = claim_refusal(item=polish, agent=agent, reach=agent_reach(agent), now=NOW)

    assert said == "You do not answer in Polish."


def test_take_next_counts_every_clients_work_as_theirs(two_clients):
    agent = pool_agent({"cs": "native"})
    item(two_clients.a, "cs")
    item(two_clients.b, "pl")

    obstacles = take_next_obstacles(agent, now=NOW)

    assert obstacles.serves_clients
    assert obstacles.takeable >= 1 and obstacles.other_clients == 0
    assert dict(obstacles.other_languages).get("pl", 0) >= 1


def test_their_probes_read_the_language_index(two_clients):
    """The claim's probes of an agent of every client are index probes per language (no
    scan of every client's waiting work)."""
    agent = pool_agent({"cs": "native"})
    item(two_clients.a, "cs")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a table of a few rows otherwise
        cursor.execute(
            "EXPLAIN SELECT id FROM routing_workitem WHERE language = 'cs' AND status = 'waiting'"
            " ORDER BY priority DESC, due_at ASC NULLS LAST, waiting_since, id LIMIT 2"
        )
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "workitem_waiting_language" in plan
    assert agent_next_item(agent=agent, now=NOW) is not None
