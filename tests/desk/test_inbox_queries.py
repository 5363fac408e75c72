"""The inbox issues a bounded number of queries, however many items and clients wait."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from routing.models import WorkItem
from tenants.models import Client
from tests.support.desk import agent_with, signed_in

pytestmark = pytest.mark.django_db


def clients_with_waiting_work(count: int, items_each: int, start: int) -> list[Client]:
    """Client rows only (the inbox never enters a client's schema) and their waiting work."""
    clients = Client.objects.bulk_create(
        Client(
            schema_name=f"client_q{start + n}",
            slug=f"q-{start + n}",
            name=f"Q {start + n}",
            languages=["cs", "pl"],
            default_language="cs",
            status="active",
            ready=True,
        )
        for n in range(count)
    )
    now = timezone.now()
    WorkItem.objects.bulk_create(
        WorkItem(
            client=client,
            channel=["email", "chat", "sms"][n % 3],
            language=["cs", "pl"][n % 2],
            source_kind="conversation",
            source_id=start * 1000 + i * 100 + n,
            waiting_since=now,
            summary=f"item {n}",
        )
        for i, client in enumerate(clients)
        for n in range(items_each)
    )
    return clients


def queries_of(http, url: str) -> tuple[int, int]:
    """(statements, of which not django-tenants' ``SET search_path`` before each query)."""
    cache.clear()  # each request starts cold: the agent's reach is read again
    with CaptureQueriesContext(connection) as captured:
        assert http.get(url).status_code == 200
    statements = [q["sql"] for q in captured.captured_queries]
    return len(statements), len([s for s in statements if not s.startswith("SET search_path")])


@pytest.mark.parametrize("url", ["/", "/desk/live"])
def test_the_inbox_query_count_does_not_grow_with_items_or_clients(
    two_clients, django_assert_max_num_queries, url
):
    agent = agent_with([], {"cs": "native", "pl": "native"})
    agent.served_clients.set(clients_with_waiting_work(2, 2, start=0))
    http = signed_in(agent)
    few, real = queries_of(http, url)

    agent.served_clients.add(*clients_with_waiting_work(60, 20, start=100))
    held = WorkItem.objects.filter(client__slug="q-100", source_id__lt=100_010)
    held.update(agent=agent, status="assigned")
    cache.clear()
    with django_assert_max_num_queries(few):
        page = http.get(url)
    assert page.status_code == 200
    content = page.content.decode()
    assert ">1,194<" in content  # 4 + 1,200 items, 10 of them held: all counted
    assert "Other clients: 37" in content  # 62 clients wait; the 25 longest are listed
    assert real <= 15  # session, user, heartbeat, reach, policies, inbox, items, clients
