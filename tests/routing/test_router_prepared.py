"""The router's claim as a statement prepared once per connection (ROUTING_PREPARED_CLAIM)."""

from datetime import UTC, datetime, timedelta

import psycopg
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from routing import services
from routing.models import WorkItem
from routing.services import agent_next_item, work_enqueue
from tests.support.factories import agent_serving

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


def czech_agent(client) -> User:
    return agent_serving([client], available_at=NOW)


def czech_emails(client, count: int) -> list[WorkItem]:
    """``count`` waiting Czech e-mails, oldest first."""
    items = []
    for number in range(count):
        items.append(
            work_enqueue(
                client=client,
                channel="email",
                language="cs",
                source_kind="prepared",
                source_id=number,
                waiting_since=NOW - timedelta(minutes=count - number),
            )
        )
    return items


def decide(user) -> tuple[WorkItem | None, list[str]]:
    with CaptureQueriesContext(connection) as captured:
        taken = agent_next_item(agent=user, now=NOW)
    return taken, [query["sql"] for query in captured.captured_queries]


def prepares(sent: list[str]) -> int:
    return sum(sql.startswith("PREPARE routing_claim_") for sql in sent)


def executes(sent: list[str]) -> int:
    return sum("EXECUTE routing_claim_" in sql for sql in sent)


@pytest.mark.django_db
def test_a_connection_prepares_the_claim_once_and_executes_it_after(two_clients):
    user = czech_agent(two_clients.a)
    oldest, second, third = czech_emails(two_clients.a, 3)

    first_taken, first_sent = decide(user)
    second_taken, second_sent = decide(user)
    third_taken, third_sent = decide(user)

    assert [first_taken, second_taken, third_taken] == [oldest, second, third]
    # Prepared by this decision, or by an earlier test's on the same connection.
    assert (prepares(first_sent) <= 1, executes(first_sent)) == (True, 1)
    assert (prepares(second_sent), executes(second_sent)) == (0, 1)
    assert (prepares(third_sent), executes(third_sent)) == (0, 1)
    assert any("plan_cache_mode = force_generic_plan" in sql for sql in third_sent)


@pytest.mark.django_db
def test_with_prepared_claims_off_the_claim_is_sent_as_text(two_clients, settings):
    settings.ROUTING_PREPARED_CLAIM = False
    user = czech_agent(two_clients.a)
    (only,) = czech_emails(two_clients.a, 1)

    taken, sent = decide(user)

    assert taken == only
    assert (prepares(sent), executes(sent)) == (0, 0)


@pytest.mark.django_db
def test_a_claim_deallocated_inside_a_transaction_still_routes(two_clients):
    """In a caller's atomic block the failed EXECUTE is rolled back to its savepoint."""
    user = czech_agent(two_clients.a)
    oldest, second, third = czech_emails(two_clients.a, 3)
    assert decide(user)[0] == oldest
    with connection.cursor() as cursor:
        cursor.execute("DEALLOCATE ALL")

    taken, sent = decide(user)
    assert taken == second
    assert executes(sent) == 1 and prepares(sent) == 0  # the failed try, then the text

    taken, sent = decide(user)
    assert (taken, prepares(sent), executes(sent)) == (third, 1, 1)  # prepared again


def test_a_claim_deallocated_between_decisions_still_routes(two_clients, django_db_blocker):
    """Outside a transaction the decision's own BEGIN is ended: nothing claimed by the
    failed try, the connection idle, the item taken by the text."""
    with django_db_blocker.unblock():
        user = czech_agent(two_clients.a)
        oldest, second, third = czech_emails(two_clients.a, 3)
        try:
            assert decide(user)[0] == oldest
            with connection.cursor() as cursor:
                cursor.execute("DEALLOCATE ALL")

            assert decide(user)[0] == second
            assert connection.connection.info.transaction_status == (
                psycopg.pq.TransactionStatus.IDLE
            )
            assert WorkItem.objects.filter(source_kind="prepared", agent=user).count() == 2

            taken, sent = decide(user)
            assert (taken, prepares(sent)) == (third, 1)
        finally:
            connection.close()
            WorkItem.objects.filter(source_kind="prepared").delete()
            user.delete()


@pytest.mark.django_db
def test_a_claim_prepared_before_a_migration_changed_a_column_still_routes(two_clients):
    """PostgreSQL refuses to run a plan whose result type changed ("cached plan must not
    change result type"): the decision runs the text, the next one prepares anew."""
    user = czech_agent(two_clients.a)
    oldest, second, third = czech_emails(two_clients.a, 3)
    assert decide(user)[0] == oldest
    with connection.cursor() as cursor:  # rolled back with the test
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no deferred checks left pending
        cursor.execute("ALTER TABLE routing_workitem ALTER COLUMN summary TYPE varchar(260)")

    try:
        assert decide(user)[0] == second
        taken, sent = decide(user)
        assert (taken, prepares(sent), executes(sent)) == (third, 1, 1)
    finally:  # the ALTER is rolled back with the test, this statement would not be
        with connection.cursor() as cursor:
            cursor.execute("DEALLOCATE ALL")
        services._prepared_names.pop(connection.connection, None)


@pytest.mark.django_db
def test_a_claim_the_server_holds_but_the_router_lost_count_of_still_routes(two_clients):
    user = czech_agent(two_clients.a)
    oldest, second, third = czech_emails(two_clients.a, 3)
    assert decide(user)[0] == oldest
    taken, sent = decide(user)
    assert (taken, prepares(sent), executes(sent)) == (second, 0, 1)  # held and counted
    services._prepared_names.pop(connection.connection)  # the server still holds it

    taken, sent = decide(user)
    assert (taken, prepares(sent), executes(sent)) == (third, 1, 1)
