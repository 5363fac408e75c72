"""Claiming a named item and a supervisor's assignment go through the router's rules, and
refusals say why; owned e-mail stays with its agent when the desk goes silent; what stands
between an agent and "Take next" is counted."""

import itertools
import logging
from datetime import UTC, datetime, timedelta

import pytest
from django.utils import translation

from accounts.models import User
from languages.services import agent_skills_set
from routing.models import AgentState, RoutingPolicy, WorkItem
from routing.selectors import owned_work_at_risk, take_next_obstacles
from routing.services import (
    NeedsConfirmation,
    Refused,
    agent_heartbeat,
    agent_next_item,
    agent_presence_set,
    agents_release_stale,
    item_assign,
    item_claim,
    item_close,
    work_enqueue,
)
from tests.support.factories import UserFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
_sources = itertools.count(1)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def agent(skills, clients, *, presence="available", **capacity) -> User:
    user = UserFactory(role=User.Role.AGENT, first_name="Eva", last_name=f"Agent{next(_sources)}")
    agent_skills_set(agent=user, skills=skills)
    user.served_clients.set(clients)
    agent_presence_set(agent=user, presence=presence, now=NOW - timedelta(minutes=5))
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


def refusal(**claim) -> str:
    with pytest.raises(Refused) as refused:
        item_claim(now=NOW, **claim)
    return str(refused.value)


# --- claim -----------------------------------------------------------------------------


def test_an_agent_claims_the_item_they_opened_not_the_most_urgent(two_clients, caplog):
    czech = agent({"cs": "native"}, [two_clients.a])
    urgent = item(two_clients.a, priority=2)
    chosen = item(two_clients.a)

    with caplog.at_level(logging.INFO, logger="polydesk.audit"):
        claimed = item_claim(item_id=chosen.pk, agent=czech, now=NOW)

    assert (claimed.pk, claimed.status, claimed.agent_id) == (chosen.pk, "assigned", czech.pk)
    assert claimed.assigned_at == NOW
    urgent.refresh_from_db()
    assert urgent.status == "waiting"
    assert f"{czech.username} claimed work item {chosen.pk}" in caplog.text
    # A second click (or the router giving it meanwhile) is the same claim.
    assert item_claim(item_id=chosen.pk, agent=czech, now=NOW).pk == chosen.pk


def test_a_caller_on_the_line_is_offered_to_the_claiming_agent(two_clients):
    czech = agent({"cs": "native"}, [two_clients.a])
    call = item(two_clients.a, channel="call")

    claimed = item_claim(item_id=call.pk, agent=czech, now=NOW)

    assert (claimed.status, claimed.offered_at) == ("offered", NOW)
    assert claimed.offer_expires_at == NOW + timedelta(seconds=20)  # the default policy


def test_busy_and_away_agents_may_claim_but_offline_ones_are_told_to_go_available(two_clients):
    busy = agent({"cs": "native"}, [two_clients.a], presence="busy")
    offline = agent({"cs": "native"}, [two_clients.a], presence="offline")
    first, second = item(two_clients.a), item(two_clients.a)

    assert item_claim(item_id=first.pk, agent=busy, now=NOW).agent_id == busy.pk
    assert refusal(item_id=second.pk, agent=offline) == (
        "You are offline: go available to claim work."
    )


def test_a_claim_says_who_holds_the_item_and_when_it_is_closed(two_clients):
    jana = agent({"cs": "native"}, [two_clients.a])
    jana.first_name, jana.last_name = "Jana", "Nováková"
    jana.save()
    other = agent({"cs": "native"}, [two_clients.a])
    held = item(two_clients.a)
    item_claim(item_id=held.pk, agent=jana, now=NOW)

    assert refusal(item_id=held.pk, agent=other) == "Jana Nováková is already working on this item."
    item_close(item_id=held.pk, agent=jana, now=NOW)
    assert refusal(item_id=held.pk, agent=other) == "This item is closed."


def test_a_claim_keeps_the_clients_languages_and_capacity_of_the_router(two_clients):
    czech = agent({"cs": "native", "pl": "basic"}, [two_clients.a], capacity_email=1)
    polish = item(two_clients.b, "pl")
    basic = item(two_clients.a, "pl")
    slovak = item(two_clients.a, "sk")  # sk falls back to cs after the policy's wait
    first, second = item(two_clients.a), item(two_clients.a)

    assert refusal(item_id=polish.pk, agent=czech) == "You do not serve Client B Sklep."
    assert refusal(item_id=basic.pk, agent=czech) == "You do not answer in Polish."
    assert refusal(item_id=slovak.pk, agent=czech) == (
        "Slovak is one of your fallback languages: you may take this item once it has waited 2 min."
    )
    item_claim(item_id=first.pk, agent=czech, now=NOW)
    assert refusal(item_id=second.pk, agent=czech) == (
        "You are at capacity for e-mails (1 of 1): finish one first."
    )
    for refused in (polish, basic, slovak, second):
        refused.refresh_from_db()
        assert (refused.status, refused.agent_id) == ("waiting", None)


def test_a_fallback_language_item_may_be_claimed_once_it_has_waited(two_clients):
    czech = agent({"cs": "native"}, [two_clients.a])
    slovak = item(two_clients.a, "sk", waited_seconds=121)

    assert item_claim(item_id=slovak.pk, agent=czech, now=NOW).agent_id == czech.pk


def test_a_refusal_is_in_the_agents_language(two_clients):
    czech = agent({"cs": "native"}, [two_clients.a], presence="offline")
    waiting = item(two_clients.a)
    with translation.override("cs"):
        assert refusal(item_id=waiting.pk, agent=czech) == (
            "Jste offline: přepněte se na Dostupný, abyste mohli převzít práci."
        )


# --- a supervisor's assignment ---------------------------------------------------------------


def test_a_supervisor_assigns_to_an_agent_the_router_could_have_chosen(two_clients, caplog):
    boss = UserFactory(role=User.Role.ADMIN)
    czech = agent({"cs": "native"}, [two_clients.a])
    waiting = item(two_clients.a)

    with caplog.at_level(logging.INFO, logger="polydesk.audit"):
        given = item_assign(item_id=waiting.pk, to_agent=czech, by=boss, now=NOW)

    assert (given.status, given.agent_id, given.assigned_at) == ("assigned", czech.pk, NOW)
    assert f"{boss.username} assigned work item {waiting.pk} to {czech.username}" in caplog.text


def test_what_the_router_would_not_do_needs_the_supervisors_confirmation(two_clients, caplog):
    boss = UserFactory(role=User.Role.ADMIN)
    tired = agent({"cs": "native", "pl": "basic"}, [two_clients.a], presence="offline")
    AgentState.objects.filter(agent=tired).update(capacity_email=1)
    item_assign(item_id=item(two_clients.a).pk, to_agent=tired, by=boss, confirmed=True, now=NOW)
    polish = item(two_clients.a, "pl")

    with pytest.raises(NeedsConfirmation) as asked:
        item_assign(item_id=polish.pk, to_agent=tired, by=boss, now=NOW)

    assert asked.value.concerns == [
        "offline",
        "at capacity for e-mails (1 of 1)",
        "does not answer in Polish",
    ]
    polish.refresh_from_db()
    assert polish.agent_id is None
    with caplog.at_level(logging.INFO, logger="polydesk.audit"):
        item_assign(item_id=polish.pk, to_agent=tired, by=boss, confirmed=True, now=NOW)
    polish.refresh_from_db()
    assert (polish.status, polish.agent_id) == ("assigned", tired.pk)
    assert "(confirmed: offline; at capacity for e-mails (1 of 1); does not answer" in caplog.text


def test_live_work_is_never_given_to_an_offline_agent_even_when_confirmed(two_clients):
    """The next sweep would hand a chat of an offline agent back to the queue: the
    supervisor is told so, rather than shown an assignment that is undone in seconds."""
    boss = UserFactory(role=User.Role.ADMIN)
    away = agent({"cs": "native"}, [two_clients.a], presence="offline")
    chat = item(two_clients.a, channel="chat")

    with pytest.raises(Refused, match="offline: a call or chat given to them"):
        item_assign(item_id=chat.pk, to_agent=away, by=boss, confirmed=True, now=NOW)

    chat.refresh_from_db()
    assert (chat.status, chat.agent_id) == ("waiting", None)


def test_no_confirmation_gives_work_of_a_client_the_agent_does_not_serve(two_clients):
    boss = UserFactory(role=User.Role.ADMIN)
    czech = agent({"cs": "native"}, [two_clients.a])
    czech.first_name, czech.last_name = "Jana", "Nováková"
    czech.save()
    polish = item(two_clients.b, "pl")
    portal_user = UserFactory(role=User.Role.CLIENT, client=two_clients.a)

    with pytest.raises(Refused, match=r"Jana Nováková does not serve Client B Sklep\."):
        item_assign(item_id=polish.pk, to_agent=czech, by=boss, confirmed=True, now=NOW)
    with pytest.raises(Refused, match=r"Only active agents can be given work\."):
        item_assign(item_id=polish.pk, to_agent=portal_user, by=boss, confirmed=True, now=NOW)
    polish.refresh_from_db()
    assert polish.agent_id is None


def test_a_supervisor_takes_an_item_from_one_agent_to_give_it_to_another(two_clients):
    boss = UserFactory(role=User.Role.ADMIN)
    first = agent({"cs": "native"}, [two_clients.a])
    second = agent({"cs": "native"}, [two_clients.a])
    held = item_claim(item_id=item(two_clients.a).pk, agent=first, now=NOW)

    with pytest.raises(Refused, match=r"This agent already has the item\."):
        item_assign(item_id=held.pk, to_agent=first, by=boss, now=NOW)
    item_assign(item_id=held.pk, to_agent=second, by=boss, now=NOW)

    held.refresh_from_db()
    assert held.agent_id == second.pk


# --- ownership by channel ----------------------------------------------------------------------


def test_a_silent_desk_keeps_its_owned_messages_and_hands_back_live_work(two_clients):
    czech = agent(
        {"cs": "native"}, [two_clients.a], capacity_email=5, capacity_chat=5, capacity_call=1
    )
    owned = [item(two_clients.a, channel=channel) for channel in ("email", "sms", "api")]
    live = [item(two_clients.a, channel=channel) for channel in ("chat", "call")]
    for work in [*owned, *live]:
        item_claim(item_id=work.pk, agent=czech, now=NOW)
    agent_heartbeat(agent=czech, now=NOW)

    assert agents_release_stale(now=NOW + timedelta(seconds=91)) == 2

    assert AgentState.objects.get(agent=czech).presence == "offline"
    for work in owned:
        work.refresh_from_db()
        assert (work.channel, work.status, work.agent_id) == (work.channel, "assigned", czech.pk)
    for work in live:
        work.refresh_from_db()
        assert (work.channel, work.status, work.agent_id) == (work.channel, "waiting", None)
    # The next sweeps leave the owned work alone too; the agent comes back to it.
    assert agents_release_stale(now=NOW + timedelta(hours=3)) == 0
    agent_presence_set(agent=czech, presence="available", now=NOW + timedelta(hours=3))
    assert WorkItem.objects.filter(agent=czech, status="assigned").count() == 3


def test_going_offline_ends_the_shift_and_hands_owned_email_back(two_clients):
    czech = agent({"cs": "native"}, [two_clients.a])
    email = item_claim(item_id=item(two_clients.a).pk, agent=czech, now=NOW)

    agent_presence_set(agent=czech, presence="offline", now=NOW + timedelta(hours=8))

    email.refresh_from_db()
    assert (email.status, email.agent_id, email.requeued) == ("waiting", None, 1)


def test_owned_email_of_an_offline_agent_at_risk_is_flagged_for_supervisors(two_clients):
    czech = agent({"cs": "native"}, [two_clients.a], capacity_email=5)
    present = agent({"cs": "native"}, [two_clients.a])
    at_risk = item(two_clients.a, due_at=NOW + timedelta(hours=3), warn_at=NOW - timedelta(hours=1))
    breached = item(
        two_clients.a, due_at=NOW - timedelta(minutes=5), warn_at=NOW - timedelta(hours=4)
    )
    calm = item(two_clients.a, due_at=NOW + timedelta(days=2), warn_at=NOW + timedelta(days=1))
    answered = item(two_clients.a, due_at=NOW - timedelta(hours=1))
    for work in (at_risk, breached, calm, answered):
        item_claim(item_id=work.pk, agent=czech, now=NOW)
    with_present = item(two_clients.a, due_at=NOW - timedelta(minutes=1))
    item_claim(item_id=with_present.pk, agent=present, now=NOW)
    WorkItem.objects.filter(pk=answered.pk).update(responded_at=NOW - timedelta(hours=2))
    agent_heartbeat(agent=present, now=NOW)  # czech's desk went silent; present's is open
    agents_release_stale(now=NOW)

    flagged = owned_work_at_risk(now=NOW)

    assert [work.pk for work in flagged] == [breached.pk, at_risk.pk]  # due first
    assert flagged[0].agent == czech and flagged[0].client == two_clients.a


# --- why "Take next" gives nothing --------------------------------------------------------------


def test_the_obstacles_count_what_waits_outside_the_agents_reach(two_clients):
    czech = agent({"cs": "native"}, [two_clients.a], presence="away")
    item(two_clients.a, "cs")
    slovak = item(two_clients.a, "sk", waited_seconds=60, due_at=NOW + timedelta(hours=5))
    item(two_clients.a, "de", due_at=NOW + timedelta(hours=2))
    item(two_clients.a, "de")
    item(two_clients.b, "pl")

    why = take_next_obstacles(czech, now=NOW)

    assert (why.presence, why.offline, why.takeable) == ("away", True, 1)
    assert why.other_languages == [("de", 2), ("sk", 1)]
    assert why.next_due == NOW + timedelta(hours=2)
    assert why.other_clients >= 1  # client B's Polish item (and any other test's)
    # The Slovak item becomes theirs when it has waited the policy's two minutes.
    assert why.fallback_at == slovak.waiting_since + timedelta(seconds=120)


def test_the_obstacles_say_at_capacity_only_when_every_channel_with_work_is_full(two_clients):
    czech = agent({"cs": "native"}, [two_clients.a], capacity_email=1, capacity_chat=1)
    item_claim(item_id=item(two_clients.a).pk, agent=czech, now=NOW)
    item(two_clients.a)

    why = take_next_obstacles(czech, now=NOW)
    assert why.at_capacity and [room.group for room in why.full] == ["email"]
    assert agent_next_item(agent=czech, now=NOW) is None

    chat = item(two_clients.a, channel="chat")
    assert not take_next_obstacles(czech, now=NOW).at_capacity
    assert agent_next_item(agent=czech, now=NOW).pk == chat.pk


def test_a_client_policy_sets_when_fallback_work_becomes_the_agents(two_clients):
    RoutingPolicy.objects.create(channel="email", client=two_clients.a, fallback_after_seconds=600)
    czech = agent({"cs": "native"}, [two_clients.a])
    slovak = item(two_clients.a, "sk", waited_seconds=30)

    why = take_next_obstacles(czech, now=NOW)

    assert why.takeable == 0
    assert why.fallback_at == slovak.waiting_since + timedelta(seconds=600)
