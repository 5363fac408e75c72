"""Two merges of one pair of conversations at once, in both directions, from real threads
with committed rows: exactly one merges, the others are refused with the reason."""

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from conversations.merge import conversation_merge
from conversations.models import Conversation
from conversations.services import conversation_open_inbound
from customers.models import Customer
from routing.models import WorkItem
from tests.support.desk import agent_with
from tests.support.tenancy import in_schema
from tests.support.threads import parallel

pytestmark = pytest.mark.slow


def _open(client, text: str, who: str) -> Conversation:
    return conversation_open_inbound(
        client=client, channel="email", text=text, customer_email=who
    ).conversation


@contextmanager
def committed_pair(client, django_db_blocker) -> Iterator[tuple[int, int]]:
    """Two committed conversations of one customer of ``client``; deleted afterwards."""
    with django_db_blocker.unblock(), in_schema(client):
        first = _open(client, "race one", who="race@customer.example")
        second = _open(client, "race two", who="race@customer.example")
        try:
            yield first.pk, second.pk
        finally:
            Conversation.objects.filter(pk__in=[first.pk, second.pk]).update(merged_into=None)
            Conversation.objects.filter(pk__in=[first.pk, second.pk]).delete()
            Customer.objects.filter(email="race@customer.example").delete()
            WorkItem.objects.filter(client=client, source_id__in=[first.pk, second.pk]).delete()


def test_two_merges_of_one_pair_at_once_leave_exactly_one_merged(two_clients, django_db_blocker):
    client = two_clients.a
    with django_db_blocker.unblock():
        agent = agent_with([client], {"cs": "native"})
    with committed_pair(client, django_db_blocker) as (first, second):
        directions = iter([(first, second), (second, first)] * 5)

        def merge() -> int:
            source, target = next(directions)
            connection.set_tenant(client)
            return conversation_merge(
                client=client, source_id=source, target_id=target, agent=agent
            ).pk

        answers = parallel(merge, threads=10)

        merged = [a for a in answers if isinstance(a, int)]
        refused = [a for a in answers if isinstance(a, ValidationError)]
        assert len(merged) == 1 and len(refused) == 9, answers
        with in_schema(client):
            rows = Conversation.objects.filter(pk__in=[first, second])
            assert sorted(r.merged_into_id is None for r in rows) == [False, True]
    with django_db_blocker.unblock():
        agent.delete()
