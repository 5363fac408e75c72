"""POST /api/v1/order-events: an order event of the client's shop tells the customer once;
its refusals are problem details naming the field."""

import json

import pytest
from django.core.cache import cache
from django.test import Client as HttpClient

from conversations.models import Conversation
from order_updates.models import OrderEvent
from tenants.models import ApiKey
from tenants.services import api_key_issue
from tests.support.tenancy import in_schema

pytestmark = pytest.mark.django_db
PATH = "/api/v1/order-events"
PROBLEM = "application/problem+json"
EVENT = {
    "event_id": "evt-100",
    "kind": "shipped",
    "order_number": "1001",
    "customer": {"email": "jana@example.cz", "name": "Jana", "language": "sk"},
    "tracking": {"number": "ZX1", "url": "https://track.example/ZX1", "carrier": "PPL"},
    "occurred_at": "2026-12-01T10:00:00+01:00",
}


@pytest.fixture(autouse=True)
def _counters():
    cache.clear()  # the rate limit's windows


def key_of(client, *scopes: str) -> str:
    _, raw = api_key_issue(client=client, name="shop", scopes=scopes or tuple(ApiKey.Scope.values))
    return raw


def post(key: str, body, **headers):
    data = body if isinstance(body, str | bytes) else json.dumps(body)
    return HttpClient(HTTP_HOST="localhost").post(
        PATH, data, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {key}", **headers
    )


def test_an_event_is_created_once_and_the_customer_told_in_their_language(two_clients):
    key = key_of(two_clients.a)
    created = post(key, EVENT)
    again = post(key, EVENT | {"order_number": "ignored"})

    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["kind"], body["state"], body["language"], body["channel"]) == (
        "shipped",
        "sent",
        "sk",
        "email",
    )
    assert again.status_code == 200 and again.json()["id"] == body["id"]
    with in_schema(two_clients.a):
        conversation = Conversation.objects.get(pk=body["conversation_id"])
        assert conversation.proactive and conversation.customer.email == "jana@example.cz"
        assert "objednávka 1001" in conversation.messages.get().body_text
        event = OrderEvent.objects.get(pk=body["id"])
        assert event.source == "api" and event.tracking_number == "ZX1"
        assert event.occurred_at.isoformat() == "2026-12-01T09:00:00+00:00"


def test_an_idempotency_key_replays_the_first_answer_and_refuses_another_body(two_clients):
    key = key_of(two_clients.a)
    first = post(key, EVENT, HTTP_IDEMPOTENCY_KEY="k-1")
    replay = post(key, EVENT, HTTP_IDEMPOTENCY_KEY="k-1")
    other = post(key, EVENT | {"event_id": "evt-101"}, HTTP_IDEMPOTENCY_KEY="k-1")

    assert (first.status_code, replay.status_code) == (201, 201)
    assert replay.json() == first.json()
    assert other.status_code == 422 and other["Content-Type"] == PROBLEM
    assert other.json()["errors"] == [{"field": "Idempotency-Key", "detail": "Already used."}]


def test_no_contact_is_accepted_and_stored(two_clients):
    key = key_of(two_clients.a)
    response = post(key, {"event_id": "e-2", "kind": "delayed", "order_number": "7"})
    assert response.status_code == 201 and response.json()["state"] == "no_contact"


def test_a_key_without_the_scope_is_a_403_and_another_clients_event_stays_its_own(two_clients):
    refused = post(key_of(two_clients.a, ApiKey.Scope.CONVERSATIONS_WRITE), EVENT)
    assert refused.status_code == 403 and refused.json()["scope"] == "orders:write"
    assert post("not-a-key", EVENT).status_code == 401

    # The same event id at two clients is two events: each client's own.
    a = post(key_of(two_clients.a), EVENT).json()
    b = post(key_of(two_clients.b), EVENT | {"customer": {"email": "ola@example.pl"}}).json()
    with in_schema(two_clients.a):
        assert OrderEvent.objects.filter(event_id="evt-100").count() == 1
    with in_schema(two_clients.b):
        assert OrderEvent.objects.get(event_id="evt-100").pk == b["id"]
        assert not Conversation.objects.filter(customer__email="jana@example.cz").exists()
    assert a["language"] == "sk" and b["language"] == "pl"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (EVENT | {"kind": "lost"}, "kind"),
        (EVENT | {"event_id": ""}, "event_id"),
        (EVENT | {"event_id": 5}, "event_id"),
        (EVENT | {"order_number": "10\u000001"}, "order_number"),
        (EVENT | {"event_id": "\ud800"}, "event_id"),
        (EVENT | {"customer": {"name": "Jana \udc00", "email": "a@b.cz"}}, "customer.name"),
        (EVENT | {"customer": {"email": "nope"}}, "customer.email"),
        (EVENT | {"customer": {"phone": "call me"}}, "customer.phone"),
        (EVENT | {"customer": {"name": "x" * 201, "email": "a@b.cz"}}, "customer.name"),
        (EVENT | {"customer": "jana@example.cz"}, "customer"),
        (EVENT | {"tracking": {"url": "javascript:alert(1)"}}, "tracking.url"),
        (EVENT | {"tracking": {"carrier": ["PPL"]}}, "tracking.carrier"),
        (EVENT | {"occurred_at": "yesterday"}, "occurred_at"),
        (EVENT | {"occurred_at": "2026-12-01T10:00:00"}, "occurred_at"),
    ],
)
def test_bad_fields_are_refused_naming_them(two_clients, body, field):
    response = post(key_of(two_clients.a), body)
    assert response.status_code == 400, response.content
    assert response["Content-Type"] == PROBLEM
    assert field in [error["field"] for error in response.json()["errors"]]
    with in_schema(two_clients.a):
        assert not OrderEvent.objects.exists()


@pytest.mark.parametrize(
    "body", ["{bad json", "[]", b"\xff\xfe", '{"event_id": "\\u0000"}', "x" * 70_000]
)
def test_a_broken_body_is_a_4xx_problem(two_clients, body):
    response = post(key_of(two_clients.a), body)
    assert 400 <= response.status_code < 500, response.content[:200]
    assert response["Content-Type"] == PROBLEM


def test_a_bad_idempotency_key_is_refused(two_clients):
    response = post(key_of(two_clients.a), EVENT, HTTP_IDEMPOTENCY_KEY="ü" * 3)
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "Idempotency-Key"
