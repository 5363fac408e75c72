"""The router's rules: language, clients served, capacity, waits, urgency, idleness."""

import itertools
from datetime import UTC, datetime, timedelta

import pytest

from accounts.models import User
from languages.services import agent_skills_set
from routing.models import AgentState, RoutingPolicy, WorkItem
from routing.services import (
    agent_next_item,
    agent_presence_set,
    agents_release_stale,
    item_close,
    offer_accept,
    offers_expire,
    route_waiting,
    work_enqueue,
)
from tests.support.factories import UserFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
_sources = itertools.count(1)


def agent(skills: dict[str, str], clients, *, idle_minutes: int = 0, **capacity) -> User:
    user = UserFactory(role=User.Role.AGENT)
    agent_skills_set(agent=user, skills=skills)
    user.served_clients.set(clients)
    agent_presence_set(agent=user, presence="available", now=NOW - timedelta(minutes=idle_minutes))
    if capacity:
        AgentState.objects.filter(agent=user).update(**capacity)
    return user


def item(client, language="cs", channel="email", *, waited_seconds=0, **extra) -> WorkItem:
    return work_enqueue(
        client=client,
        channel=channel,
        language=language,
        source_kind="call" if channel == "call" else "conversation",
        source_id=next(_sources),
        summary=f"{language} {channel}",
        waiting_since=NOW - timedelta(seconds=waited_seconds),
        **extra,
    )


def test_work_goes_to_an_agent_who_speaks_it_and_serves_the_client(two_clients):
    czech = agent({"cs": "native"}, [two_clients.a])
    polish = agent({"pl": "native"}, [two_clients.a, two_clients.b])
    queued = item(two_clients.a, "cs")

    assert agent_next_item(agent=polish, now=NOW) is None
    taken = agent_next_item(agent=czech, now=NOW)
    assert (taken.pk, taken.status, taken.agent) == (queued.pk, "assigned", czech)


def test_no_work_of_a_client_the_agent_does_not_serve(two_clients):
    czech_for_b = agent({"cs": "native"}, [two_clients.b])
    item(two_clients.a, "cs")
    assert agent_next_item(agent=czech_for_b, now=NOW) is None


def test_basic_proficiency_is_not_enough(two_clients):
    learner = agent({"cs": "basic"}, [two_clients.a])
    item(two_clients.a, "cs")
    assert agent_next_item(agent=learner, now=NOW) is None


def test_fallback_languages_only_after_the_policys_wait(two_clients):
    czech = agent({"cs": "native"}, [two_clients.a])  # sk falls back to cs (seeded)
    fresh = item(two_clients.a, "sk", waited_seconds=60)
    assert agent_next_item(agent=czech, now=NOW) is None
    assert agent_next_item(agent=czech, now=NOW + timedelta(seconds=61)).pk == fresh.pk


def test_a_clients_own_policy_wins_over_the_default(two_clients):
    RoutingPolicy.objects.create(channel="email", client=two_clients.a, fallback_after_seconds=3600)
    czech = agent({"cs": "native"}, [two_clients.a])
    item(two_clients.a, "sk", waited_seconds=600)
    assert agent_next_item(agent=czech, now=NOW) is None


def test_the_last_resort_language_only_when_the_policy_says_so(two_clients):
    english = agent({"en": "fluent"}, [two_clients.b])
    polish_item = item(two_clients.b, "pl", waited_seconds=4000)
    assert agent_next_item(agent=english, now=NOW) is None
    RoutingPolicy.objects.create(channel="email", last_resort_after_seconds=3600)
    assert agent_next_item(agent=english, now=NOW).pk == polish_item.pk


def test_capacity_per_channel_is_respected(two_clients):
    czech = agent({"cs": "native"}, [two_clients.a], capacity_email=1, capacity_chat=1)
    item(two_clients.a, "cs", "email")
    item(two_clients.a, "cs", "email")
    chat = item(two_clients.a, "cs", "chat")
    sms = item(two_clients.a, "cs", "sms")

    taken = [agent_next_item(agent=czech, now=NOW) for _ in range(4)]
    channels = sorted(t.channel for t in taken if t)
    assert channels == ["chat", "email"] or channels == ["email", "sms"]
    assert {chat.pk, sms.pk} & {t.pk for t in taken if t}  # one messaging item, not two


def test_most_urgent_then_earliest_due_then_oldest(two_clients):
    czech = agent({"cs": "native"}, [two_clients.a], capacity_email=10)
    old = item(two_clients.a, waited_seconds=3000)
    due_soon = item(two_clients.a, waited_seconds=10, due_at=NOW + timedelta(minutes=5))
    urgent = item(two_clients.a, waited_seconds=5, priority=5)
    order = [agent_next_item(agent=czech, now=NOW).pk for _ in range(3)]
    assert order == [urgent.pk, due_soon.pk, old.pk]


def test_the_longest_idle_agent_gets_the_work(two_clients):
    recent = agent({"cs": "native"}, [two_clients.a], idle_minutes=1, capacity_email=1)
    longest = agent({"cs": "native"}, [two_clients.a], idle_minutes=30, capacity_email=1)
    first = item(two_clients.a, waited_seconds=100)
    second = item(two_clients.a, waited_seconds=50)

    assert route_waiting(now=NOW) == 2
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.agent, second.agent) == (longest, recent)


def test_agents_who_are_not_available_get_nothing(two_clients):
    czech = agent({"cs": "native"}, [two_clients.a])
    agent_presence_set(agent=czech, presence="away", now=NOW)
    item(two_clients.a)
    assert agent_next_item(agent=czech, now=NOW) is None


def test_calls_are_offered_accepted_or_put_back_when_the_offer_expires(two_clients):
    czech = agent({"cs": "native"}, [two_clients.a])
    call = item(two_clients.a, "cs", "call")
    offered = agent_next_item(agent=czech, now=NOW)
    assert (offered.pk, offered.status) == (call.pk, "offered")
    assert offers_expire(now=NOW + timedelta(seconds=21)) == 1
    call.refresh_from_db()
    assert (call.status, call.agent, call.requeued) == ("waiting", None, 1)

    again = agent_next_item(agent=czech, now=NOW + timedelta(seconds=22))
    accepted = offer_accept(item_id=again.pk, agent=czech, now=NOW + timedelta(seconds=25))
    assert accepted.status == "assigned"
    with pytest.raises(ValueError, match="no longer yours"):
        offer_accept(item_id=again.pk, agent=czech, now=NOW + timedelta(seconds=26))


def test_closing_frees_capacity_and_restarts_the_idle_clock(two_clients):
    czech = agent({"cs": "native"}, [two_clients.a], capacity_email=1)
    first, second = item(two_clients.a), item(two_clients.a)
    taken = agent_next_item(agent=czech, now=NOW)
    assert agent_next_item(agent=czech, now=NOW) is None
    item_close(item_id=taken.pk, agent=czech, now=NOW + timedelta(minutes=3))
    assert AgentState.objects.get(agent=czech).idle_since == NOW + timedelta(minutes=3)
    assert agent_next_item(agent=czech, now=NOW).pk in {first.pk, second.pk} - {taken.pk}


def test_a_crashed_desk_releases_its_live_items(two_clients):
    czech = agent({"cs": "native"}, [two_clients.a])
    queued = item(two_clients.a, channel="chat")
    agent_next_item(agent=czech, now=NOW)
    assert agents_release_stale(now=NOW + timedelta(seconds=91)) == 1
    queued.refresh_from_db()
    assert (queued.status, queued.agent, queued.requeued) == ("waiting", None, 1)
    assert AgentState.objects.get(agent=czech).presence == "offline"


def test_queueing_the_same_source_twice_gives_one_item(two_clients):
    first = work_enqueue(
        client=two_clients.a,
        channel="email",
        language="cs",
        source_kind="conversation",
        source_id=999_001,
    )
    again = work_enqueue(
        client=two_clients.a,
        channel="email",
        language="cs",
        source_kind="conversation",
        source_id=999_001,
    )
    assert first.pk == again.pk
    assert WorkItem.objects.filter(source_id=999_001).count() == 1


def test_the_beat_tasks_call_the_services(two_clients):
    from routing.tasks import agents_release_stale_task, offers_expire_task, route_waiting_task

    czech = agent({"cs": "native"}, [two_clients.a])
    queued = item(two_clients.a, channel="chat")
    assert route_waiting_task.apply().get() == 1
    queued.refresh_from_db()
    assert queued.agent == czech
    assert offers_expire_task.apply().get() == 0
    from django.utils import timezone

    silent_since = timezone.now() - timedelta(hours=1)  # the tasks use the real clock
    AgentState.objects.filter(agent=czech).update(heartbeat_at=silent_since)
    assert agents_release_stale_task.apply().get() == 1
