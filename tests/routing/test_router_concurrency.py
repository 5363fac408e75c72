"""Several routers at once against real PostgreSQL: nothing is taken twice, capacity holds."""

import threading
from collections import Counter
from datetime import UTC, datetime, timedelta

import psycopg
import pytest
from django.db import OperationalError, connection

from accounts.models import User
from languages.services import agent_skills_set
from routing import services
from routing.models import AgentState, WorkItem
from routing.services import (
    Refused,
    agent_next_item,
    agent_presence_set,
    item_claim,
    work_enqueue,
)
from tests.support.factories import UserFactory

pytestmark = pytest.mark.slow
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
ITEMS, AGENTS, ROUTERS, CAPACITY = 200, 6, 4, 30
ROUNDS = 80  # per router: 320 attempts in all for 180 seats


def test_concurrent_routers_never_take_an_item_twice(two_clients, django_db_blocker):
    with django_db_blocker.unblock():
        # The queue is shared: an open item committed by another test would be routed here
        # too and break the counts below; say so rather than fail on a count.
        leftovers = WorkItem.objects.filter(status__in=("waiting", "offered", "assigned"))
        assert list(leftovers.values_list("source_kind", "channel")) == [], "left by a test"
        agents = []
        for _ in range(AGENTS):
            user = UserFactory(role=User.Role.AGENT)
            agent_skills_set(agent=user, skills={"cs": "native"})
            user.served_clients.set([two_clients.a])
            agent_presence_set(agent=user, presence="available", now=NOW)
            AgentState.objects.filter(agent=user).update(capacity_email=CAPACITY)
            agents.append(user)
        for number in range(ITEMS):
            work_enqueue(
                client=two_clients.a,
                channel="email",
                language="cs",
                source_kind="concurrency",
                source_id=number,
                waiting_since=NOW,
            )
        taken: list[tuple[int, int]] = []
        errors: list[BaseException] = []
        lock = threading.Lock()

        def router(offset: int) -> None:
            # Each router cycles over every agent: routers contend for the same agents
            # (capacity) and the same items (SKIP LOCKED).
            try:
                for round_number in range(ROUNDS):
                    user = agents[(offset + round_number) % AGENTS]
                    found = agent_next_item(agent=user, now=NOW)
                    if found:
                        with lock:
                            taken.append((found.pk, user.pk))
            except BaseException as error:  # reported below, in the main thread
                errors.append(error)
            finally:
                connection.close()

        threads = [threading.Thread(target=router, args=(n,)) for n in range(ROUTERS)]
        try:
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=120)

            assert errors == []
            item_ids = [item_id for item_id, _ in taken]
            assert len(item_ids) == len(set(item_ids)), "an item was taken twice"
            per_agent = Counter(agent_id for _, agent_id in taken)
            assert max(per_agent.values()) <= CAPACITY
            assert len(item_ids) == min(ITEMS, AGENTS * CAPACITY)  # every seat filled
            in_db = WorkItem.objects.filter(source_kind="concurrency", status="assigned")
            assert in_db.count() == len(item_ids)
            assert dict(Counter(in_db.values_list("agent_id", flat=True))) == dict(per_agent)
        finally:
            WorkItem.objects.filter(source_kind="concurrency").delete()
            User.objects.filter(pk__in=[a.pk for a in agents]).delete()


def test_a_decision_that_fails_leaves_the_connection_usable(two_clients, django_db_blocker):
    """The decision sends its own BEGIN and COMMIT: when a statement fails (here the agent's
    lock is not granted in time) the server's transaction is ended and nothing is claimed."""
    with django_db_blocker.unblock():
        user = UserFactory(role=User.Role.AGENT)
        agent_skills_set(agent=user, skills={"cs": "native"})
        user.served_clients.set([two_clients.a])
        agent_presence_set(agent=user, presence="available", now=NOW)
        item = work_enqueue(
            client=two_clients.a,
            channel="email",
            language="cs",
            source_kind="concurrency",
            source_id=1,
            waiting_since=NOW,
        )
        try:
            # Another session holds the agent's lock (routing.services._LOCK_AGENT), as a
            # router deciding for them, or their presence being set, would.
            with connection.get_new_connection(connection.get_connection_params()) as holder:
                holder.execute(
                    "SELECT pg_advisory_lock(hashtextextended('routing.agent.' || %s, 0))",
                    [user.pk],
                )
                with connection.cursor() as cursor:
                    cursor.execute("SET lock_timeout = '50ms'")
                with pytest.raises(OperationalError, match="lock timeout"):
                    agent_next_item(agent=user, now=NOW)
                assert connection.connection.info.transaction_status == (
                    psycopg.pq.TransactionStatus.IDLE
                )
            with connection.cursor() as cursor:
                cursor.execute("RESET lock_timeout")
            item.refresh_from_db()
            assert item.status == WorkItem.Status.WAITING
            assert agent_next_item(agent=user, now=NOW) == item  # the lock released: taken
        finally:
            connection.close()
            WorkItem.objects.filter(source_kind="concurrency").delete()
            user.delete()


def test_when_other_routers_hold_every_candidate_the_sort_decides(two_clients, django_db_blocker):
    """The probes see only the first items of each client and language; when other routers
    hold all of those, the item after them is still found (by the full sort)."""
    with django_db_blocker.unblock():
        user = UserFactory(role=User.Role.AGENT)
        agent_skills_set(agent=user, skills={"cs": "native"})
        user.served_clients.set([two_clients.a])
        agent_presence_set(agent=user, presence="available", now=NOW)
        items = []
        for number in range(services._PER_PROBE + 2):  # oldest first
            items.append(
                work_enqueue(
                    client=two_clients.a,
                    channel="email",
                    language="cs",
                    source_kind="concurrency",
                    source_id=number,
                    waiting_since=NOW - timedelta(minutes=10 - number),
                )
            )
        held = [item.pk for item in items[: services._PER_PROBE]]  # the candidates
        try:
            with connection.get_new_connection(connection.get_connection_params()) as holder:
                holder.execute(
                    "SELECT 1 FROM routing_workitem WHERE id = ANY(%s) FOR UPDATE", [held]
                )
                assert agent_next_item(agent=user, now=NOW) == items[services._PER_PROBE]
        finally:
            connection.close()
            WorkItem.objects.filter(source_kind="concurrency").delete()
            user.delete()


def test_claims_by_link_and_take_next_at_once_never_give_an_item_twice(
    two_clients, django_db_blocker
):
    """One agent claims named items from two tabs while routers take the next item for four
    others: each item ends with exactly one agent, the one whose claim or route won, and
    every refusal says why."""
    with django_db_blocker.unblock():
        leftovers = WorkItem.objects.filter(status__in=("waiting", "offered", "assigned"))
        assert list(leftovers.values_list("source_kind", "channel")) == [], "left by a test"
        users = []
        for _ in range(5):
            user = UserFactory(role=User.Role.AGENT)
            agent_skills_set(agent=user, skills={"cs": "native"})
            user.served_clients.set([two_clients.a])
            agent_presence_set(agent=user, presence="available", now=NOW)
            AgentState.objects.filter(agent=user).update(capacity_email=CAPACITY)
            users.append(user)
        claimer, routed_agents = users[0], users[1:]
        items = [
            work_enqueue(
                client=two_clients.a,
                channel="email",
                language="cs",
                source_kind="concurrency",
                source_id=number,
                waiting_since=NOW,
            )
            for number in range(60)
        ]
        claimed: list[int] = []
        routed: list[tuple[int, int]] = []
        refusals: list[str] = []
        errors: list[BaseException] = []
        lock = threading.Lock()
        start = threading.Barrier(4)

        def claims(order: list[WorkItem]) -> None:
            try:
                start.wait(timeout=20)
                for item in order:
                    try:
                        taken = item_claim(item_id=item.pk, agent=claimer, now=NOW)
                    except Refused as refusal:
                        with lock:
                            refusals.append(str(refusal))
                    else:
                        with lock:
                            claimed.append(taken.pk)
            except BaseException as error:
                errors.append(error)
            finally:
                connection.close()

        def router(offset: int) -> None:
            try:
                start.wait(timeout=20)
                for round_number in range(40):
                    user = routed_agents[(offset + round_number) % len(routed_agents)]
                    found = agent_next_item(agent=user, now=NOW)
                    if found:
                        with lock:
                            routed.append((found.pk, user.pk))
            except BaseException as error:
                errors.append(error)
            finally:
                connection.close()

        threads = [
            threading.Thread(target=claims, args=(items,)),
            threading.Thread(target=claims, args=(items[::-1],)),
            threading.Thread(target=router, args=(0,)),
            threading.Thread(target=router, args=(2,)),
        ]
        try:
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=120)

            assert errors == []
            routed_ids = [item_id for item_id, _ in routed]
            assert len(routed_ids) == len(set(routed_ids)), "the router gave an item twice"
            # Two tabs of one agent may both succeed on one item: it is theirs either way.
            assert not set(claimed) & set(routed_ids), "claimed and routed at once"
            assert set(claimed) | set(routed_ids) == {item.pk for item in items}
            assert set(refusals) <= {
                "Another agent is taking this item right now.",
                *(
                    f"{user.get_full_name() or user.username} is already working on this item."
                    for user in routed_agents
                ),
            }
            holders = dict(
                WorkItem.objects.filter(source_kind="concurrency").values_list("id", "agent_id")
            )
            assert all(holders[item_id] == claimer.pk for item_id in claimed)
            assert all(holders[item_id] == agent_id for item_id, agent_id in routed)
            assert max(Counter(holders.values()).values()) <= CAPACITY
        finally:
            WorkItem.objects.filter(source_kind="concurrency").delete()
            User.objects.filter(pk__in=[u.pk for u in users]).delete()
