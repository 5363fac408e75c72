"""Two merges of one pair of customers at once, in both directions, from real threads with
committed rows: exactly one merges, the others are refused with the reason, no cycle."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from customers.models import Customer
from customers.services import customer_merge
from tests.support.tenancy import in_schema
from tests.support.threads import parallel

pytestmark = pytest.mark.slow


def test_two_customer_merges_of_one_pair_at_once_leave_exactly_one_merged(
    two_clients, django_db_blocker
):
    client = two_clients.a
    with django_db_blocker.unblock(), in_schema(client):
        first = Customer.objects.create(name="Race One", email="race-one@example.cz")
        second = Customer.objects.create(name="Race Two", email="race-two@example.cz")
        try:
            directions = iter([(first.pk, second.pk), (second.pk, first.pk)] * 5)

            def merge() -> int:
                source, target = next(directions)
                connection.set_tenant(client)
                return customer_merge(source_id=source, target_id=target, actor=None).pk

            answers = parallel(merge, threads=10)

            merged = [a for a in answers if isinstance(a, int)]
            refused = [a for a in answers if isinstance(a, ValidationError)]
            assert len(merged) == 1 and len(refused) == 9, answers
            rows = Customer.objects.filter(pk__in=[first.pk, second.pk])
            assert sorted(r.merged_into_id is None for r in rows) == [False, True]
        finally:
            Customer.objects.filter(pk__in=[first.pk, second.pk]).update(merged_into=None)
            Customer.objects.filter(pk__in=[first.pk, second.pk]).delete()
