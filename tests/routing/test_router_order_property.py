"""The router claims what the plain sort says, on many random cases: the first of the
eligible items (`eligible_items`) on a channel with room, most urgent first. Random
agents (languages, levels, clients served, capacities), fallbacks, policies and queues
(priorities, due times, waits around the thresholds, ties that only the id breaks); each
agent asks until nothing is left, so that the channels fill up on the way. The index
probes are checked, and the full sort that replaces them for some agents."""

import random
from collections import Counter
from datetime import timedelta

import pytest

from accounts.models import User
from core.channels import Channel
from languages.models import LanguageFallback
from languages.selectors import fallbacks_cache_clear
from languages.services import agent_skills_set
from routing import services
from routing.models import AgentState, WorkItem
from routing.selectors import agent_load, agent_reach, agent_reach_cache_clear, eligible_items
from routing.services import URGENT_FIRST, agent_next_item, agent_presence_set
from tests.routing.test_eligibility_property import (
    CHANNELS,
    LANGUAGES,
    NOW,
    STATUSES,
    WAITS,
    random_policies,
)
from tests.support.factories import UserFactory

pytestmark = pytest.mark.django_db

ROUNDS = 100
LEVELS = ["native", "fluent", "basic"]  # basic does not count


def random_agent(rng: random.Random, client_ids) -> User:
    user = UserFactory(role=User.Role.AGENT)
    languages = rng.sample(LANGUAGES, rng.randint(1, 3))
    agent_skills_set(agent=user, skills={code: rng.choice(LEVELS) for code in languages})
    user.served_clients.set(rng.sample(client_ids, rng.randint(1, len(client_ids))))
    agent_presence_set(agent=user, presence="available", now=NOW)
    AgentState.objects.filter(agent=user).update(
        capacity_call=rng.randint(0, 3),
        capacity_email=rng.randint(0, 6),
        capacity_chat=rng.randint(0, 4),
    )
    return user


def random_fallbacks(rng: random.Random) -> None:
    LanguageFallback.objects.all().delete()
    for language in LANGUAGES:
        if rng.random() < 0.4:
            others = [code for code in LANGUAGES if code != language]
            LanguageFallback.objects.create(language_id=language, fallback_id=rng.choice(others))
    fallbacks_cache_clear()


def random_queue(rng: random.Random, client_ids, source_ids) -> None:
    dues = [None, None, NOW + timedelta(hours=1), NOW + timedelta(hours=2)]
    for _ in range(rng.randint(0, 40)):
        WorkItem.objects.create(
            client_id=rng.choice(client_ids),
            channel=rng.choice(CHANNELS),
            language=rng.choice(LANGUAGES),
            status=rng.choice(STATUSES),
            priority=rng.choice([0, 0, 0, 1, 2]),
            due_at=rng.choice(dues),
            source_kind=rng.choice(["conversation", "call"]),
            source_id=next(source_ids),
            waiting_since=NOW - timedelta(seconds=rng.choice(WAITS)),
        )


def expected_next(agent: User) -> int | None:
    """The first eligible item, most urgent first, on a channel where the agent has room."""
    state = AgentState.objects.get(agent=agent)
    load = Counter(agent_load(agent))
    room = {
        "call": load["call"] < state.capacity_call,
        "email": load["email"] < state.capacity_email,
        "messaging": load["chat"] + load["sms"] + load["api"] < state.capacity_chat,
    }
    reach = agent_reach(agent)
    for item in eligible_items(reach, Channel.values, NOW).order_by(*URGENT_FIRST):
        if room.get(item.channel, room["messaging"]):
            return item.pk
    return None


def test_the_claim_is_the_first_of_the_plain_sort_on_random_cases(two_clients, monkeypatch):
    rng = random.Random(20261201)
    client_ids = [two_clients.a.pk, two_clients.b.pk]
    source_ids = iter(range(1, 10**6))
    claims: Counter[str] = Counter()
    languages = services.eligible_languages

    def no_probes(reach, channels, known=None):
        return None

    for round_number in range(ROUNDS):
        WorkItem.objects.all().delete()
        random_policies(rng, client_ids)
        random_fallbacks(rng)
        agent_reach_cache_clear()
        random_queue(rng, client_ids, source_ids)
        agent = random_agent(rng, client_ids)
        # Every fourth round without probes: the full sort must agree as well.
        probed = round_number % 4 != 3
        monkeypatch.setattr(services, "eligible_languages", languages if probed else no_probes)
        reach = agent_reach(agent)
        probed = probed and languages(reach, Channel.values) is not None
        while True:
            wanted = expected_next(agent)
            got = agent_next_item(agent=agent, now=NOW)
            assert (got and got.pk) == wanted, (round_number, reach)
            if got is None:
                break
            claims["probes" if probed else "sort"] += 1
    # Both ways chose many items, not just an empty queue's None.
    assert min(claims["probes"], claims["sort"]) >= 50, claims
