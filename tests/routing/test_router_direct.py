"""The router's claim sent on psycopg's connection, its parameters written as literals by
libpq (routing.services._lock_and_claim_direct): outside a transaction, while Django does
not log queries."""

from datetime import UTC, datetime, timedelta

import psycopg
from django.core.cache import caches
from django.db import connection
from django.test import override_settings

from accounts.models import User
from routing.models import WorkItem
from routing.pulse import pulse_of_agent
from routing.services import agent_next_item, work_enqueue
from tests.support.factories import agent_serving

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
# A key prefix that needs quoting in a literal: a quote and a backslash.
AWKWARD_PULSE = {
    "BACKEND": "django.core.cache.backends.db.DatabaseCache",
    "LOCATION": "routing_pulse",
    "KEY_PREFIX": "o'k\\",
}


def _emails(client, count: int) -> list[WorkItem]:
    return [
        work_enqueue(
            client=client,
            channel="email",
            language="cs",
            source_kind="direct",
            source_id=number,
            waiting_since=NOW - timedelta(minutes=count - number),
        )
        for number in range(count)
    ]


def _cleanup(*users: User) -> None:
    WorkItem.objects.filter(source_kind="direct").delete()
    User.objects.filter(pk__in=[user.pk for user in users]).delete()
    caches["pulse"].clear()


class _Sent:
    """Django's execute wrapper that records what goes to the server."""

    def __init__(self) -> None:
        self.queries: list[tuple[str, object]] = []

    def __call__(self, execute, sql, params, many, context):
        self.queries.append((sql, params))
        return execute(sql, params, many, context)


def test_the_claim_goes_out_as_one_query_with_nothing_left_to_adapt(
    two_clients, django_db_blocker, settings
):
    """One query, its values already literals (no parameters for psycopg to adapt), seen
    by Django's execute wrappers; the values quoted right, as a pulse key prefix with a
    quote and a backslash shows: the item is given and both tokens written under it."""
    settings.CACHES = {**settings.CACHES, "pulse": AWKWARD_PULSE}
    with django_db_blocker.unblock():
        agent = agent_serving([two_clients.a], available_at=NOW)
        try:
            first, second = _emails(two_clients.a, 2)
            assert agent_next_item(agent=agent, now=NOW) == first  # reach cached, prepared
            pulse_cache = caches["pulse"]
            assert pulse_cache.key_prefix == "o'k\\"
            pulse_cache.clear()
            pulse = pulse_of_agent(agent_id=agent.pk, client_ids=[two_clients.a.pk])

            sent = _Sent()
            with connection.execute_wrapper(sent):
                taken = agent_next_item(agent=agent, now=NOW)

            assert taken == second
            assert WorkItem.objects.get(pk=second.pk).agent_id == agent.pk
            assert len(sent.queries) == 1, sent.queries
            sql, params = sent.queries[0]
            assert "EXECUTE routing_claim_" in sql and params is None
            assert pulse_cache.get(f"desk:pulse:agent:{agent.pk}") is not None
            assert pulse_cache.get(f"desk:pulse:client:{two_clients.a.pk}") is not None
            # The client's bucket, which the desks of agents of every client read.
            assert pulse_cache.get(f"desk:pulse:every:{two_clients.a.pk % 16}") is not None
            assert pulse_of_agent(agent_id=agent.pk, client_ids=[two_clients.a.pk]) != pulse
        finally:
            _cleanup(agent)


@override_settings(ROUTING_PREPARED_CLAIM=True)
def test_a_claim_deallocated_behind_its_back_still_routes(two_clients, django_db_blocker):
    """The failed EXECUTE ends the decision's own transaction; the text takes the item; the
    next decision prepares the claim again and goes the direct way."""
    with django_db_blocker.unblock():
        agent = agent_serving([two_clients.a], available_at=NOW)
        try:
            first, second, third = _emails(two_clients.a, 3)
            assert agent_next_item(agent=agent, now=NOW) == first
            with connection.cursor() as cursor:
                cursor.execute("DEALLOCATE ALL")

            assert agent_next_item(agent=agent, now=NOW) == second
            idle = psycopg.pq.TransactionStatus.IDLE
            assert connection.connection.info.transaction_status == idle

            sent = _Sent()
            with connection.execute_wrapper(sent):
                assert agent_next_item(agent=agent, now=NOW) == third
            assert [sql.split(" ", 1)[0] for sql, _ in sent.queries] == ["PREPARE", "SELECT"]
            assert sent.queries[-1][1] is None
        finally:
            connection.close()
            _cleanup(agent)
