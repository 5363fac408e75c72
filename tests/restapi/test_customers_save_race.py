"""Parallel duplicates of one POST /api/v1/customers, from real threads with committed rows:
one customer is made, with or without an Idempotency-Key."""

import pytest

from customers.models import Customer
from idempotency.models import IdempotentRequest
from tenants.models import ApiKey
from tests.restapi.support import key_of, post
from tests.support.tenancy import in_schema
from tests.support.threads import parallel

pytestmark = pytest.mark.slow

BODY = {"email": "soubezna@example.cz", "phone": "+420603000000", "shop_reference": "P-1"}


@pytest.mark.parametrize("idempotency_key", ["parallel-1", ""])
def test_parallel_duplicates_make_one_customer(two_clients, django_db_blocker, idempotency_key):
    client = two_clients.a
    with django_db_blocker.unblock():
        key = key_of(client, "customers:write")
        try:
            answers = parallel(
                lambda: post(key, "/api/v1/customers", BODY, idempotency_key=idempotency_key),
                threads=8,
            )
            statuses = sorted(getattr(answer, "status_code", answer) for answer in answers)
            assert len({answer.json()["id"] for answer in answers}) == 1, statuses
            # With a key, each answer replays the first one's status.
            assert statuses == ([201] * 8 if idempotency_key else [200] * 7 + [201])
            with in_schema(client):
                assert Customer.objects.filter(email=BODY["email"]).count() == 1
        finally:
            with in_schema(client):
                Customer.objects.filter(shop_reference="P-1").delete()
            IdempotentRequest.objects.filter(client=client).delete()
            ApiKey.objects.filter(client=client).delete()
