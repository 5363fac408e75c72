"""POST /api/v1/customers: a customer from the shop's records, created or updated (matched by
shop reference, then e-mail, then phone), validated at the edge, idempotent, never bringing
back an erased customer."""

import pytest
from django.core.cache import cache

from customers.models import Customer
from customers.services import customer_erase, customer_merge
from tests.restapi.support import PROBLEM, get, key_of, key_without, post
from tests.support.tenancy import in_schema

pytestmark = pytest.mark.django_db

URL = "/api/v1/customers"


@pytest.fixture(autouse=True)
def _counters():
    cache.clear()  # the rate limit's windows


def customers_of(client) -> list[tuple[str, str, str, str, str, str]]:
    with in_schema(client):
        return list(
            Customer.objects.filter(erased_at__isnull=True, merged_into__isnull=True)
            .order_by("pk")
            .values_list("email", "phone", "name", "language", "country", "shop_reference")
        )


def test_a_customer_is_created_then_updated_by_reference_email_and_phone(two_clients):
    key = key_of(two_clients.a, "customers:write")
    made = post(
        key,
        URL,
        {"email": "jana@example.cz", "name": "Jana Nováková", "language": "cs", "country": "cz"},
    )
    assert made.status_code == 201, made.content
    body = made.json()
    assert (body["email"], body["country"], body["language"]) == ("jana@example.cz", "CZ", "cs")
    # By e-mail (another case): the shop's number and phone are added.
    by_email = post(
        key, URL, {"email": "JANA@example.cz", "shop_reference": "S-1", "phone": "+420601234567"}
    )
    assert by_email.status_code == 200 and by_email.json()["id"] == body["id"]
    # By the shop's reference: a new address replaces the old one; the name stays.
    by_reference = post(key, URL, {"shop_reference": "S-1", "email": "jana@novy.cz"})
    assert by_reference.status_code == 200 and by_reference.json()["id"] == body["id"]
    # By phone alone.
    by_phone = post(key, URL, {"phone": "+420601234567", "name": "Jana Dvořáková"})
    assert by_phone.status_code == 200 and by_phone.json()["id"] == body["id"]
    assert customers_of(two_clients.a) == [
        ("jana@novy.cz", "+420601234567", "Jana Dvořáková", "cs", "CZ", "S-1")
    ]
    # The read endpoint shows it as saved; client B knows nobody.
    assert get(key_of(two_clients.a), f"{URL}/{body['id']}").json()["shop_reference"] == "S-1"
    assert customers_of(two_clients.b) == []


def test_a_customer_merged_into_another_is_updated_as_that_one(two_clients):
    key = key_of(two_clients.a, "customers:write")
    first = post(key, URL, {"email": "petr@example.cz"}).json()["id"]
    second = post(key, URL, {"phone": "+420602000000", "name": "Petr"}).json()["id"]
    with in_schema(two_clients.a):
        customer_merge(source_id=first, target_id=second)
    again = post(key, URL, {"email": "petr@example.cz", "language": "sk"})
    assert again.status_code == 200 and again.json()["id"] == second
    assert again.json()["language"] == "sk"


def test_an_identity_of_another_customer_is_a_409_naming_it(two_clients):
    key = key_of(two_clients.a, "customers:write")
    jana = post(key, URL, {"email": "jana@example.cz", "shop_reference": "S-1"}).json()["id"]
    petr = post(key, URL, {"email": "petr@example.cz"}).json()["id"]
    taken = post(key, URL, {"shop_reference": "S-1", "email": "petr@example.cz"})
    assert taken.status_code == 409 and taken["Content-Type"] == PROBLEM
    assert taken.json()["errors"] == [{"field": "email", "detail": f"Customer {petr}'s."}]
    assert {c[0] for c in customers_of(two_clients.a)} == {"jana@example.cz", "petr@example.cz"}
    assert jana != petr


def test_an_erased_customer_is_never_brought_back(two_clients):
    key = key_of(two_clients.a, "customers:write")
    erased = post(
        key, URL, {"email": "pryc@example.cz", "shop_reference": "S-9"}, idempotency_key="e-1"
    ).json()["id"]
    with in_schema(two_clients.a):
        customer_erase(customer_id=erased)
    # The erasure took the request's key with it: the request sent again is a new one, and
    # makes a new customer from what it carries; the erased one is not matched.
    replay = post(
        key, URL, {"email": "pryc@example.cz", "shop_reference": "S-9"}, idempotency_key="e-1"
    )
    assert replay.status_code == 201 and replay.json()["id"] != erased
    again = post(key, URL, {"email": "pryc@example.cz", "shop_reference": "S-9"})
    assert again.status_code == 200 and again.json()["id"] == replay.json()["id"]
    with in_schema(two_clients.a):
        row = Customer.objects.get(pk=erased)
    assert (row.email, row.shop_reference) == ("", "") and row.erased_at is not None


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"email": "not-an-address"}, ["email"]),
        ({"phone": "601 234 567"}, ["phone"]),
        ({"phone": "+4206012345678901"}, ["phone"]),
        ({"email": "a@example.cz", "language": "klingon"}, ["language"]),
        ({"email": "a@example.cz", "country": "XX"}, ["country"]),
        ({"email": "a@example.cz", "country": "CZE"}, ["country"]),
        ({"name": "Jen jméno"}, ["email", "phone"]),
        ({}, ["email", "phone"]),
        ({"email": "a\x00@example.cz"}, ["email"]),
        ({"email": "a@example.cz", "name": 42}, ["name"]),
        ({"email": "a@example.cz", "name": "x" * 201}, ["name"]),
        ({"email": "a@example.cz", "vip": True}, ["vip"]),
    ],
)
def test_an_invalid_field_is_a_400_naming_it(two_clients, body, fields):
    response = post(key_of(two_clients.a, "customers:write"), URL, body)
    assert response.status_code == 400 and response["Content-Type"] == PROBLEM
    assert sorted(error["field"] for error in response.json()["errors"]) == fields
    assert customers_of(two_clients.a) == []


@pytest.mark.parametrize("body", ["{broken", "[]", '"x"', "\xff", '{"email": "\\ud800@x.cz"}'])
def test_a_broken_body_is_a_400(two_clients, body):
    response = post(key_of(two_clients.a, "customers:write"), URL, body, raw=True)
    assert response.status_code == 400 and response["Content-Type"] == PROBLEM


def test_a_body_over_the_limit_is_a_413(two_clients):
    response = post(
        key_of(two_clients.a, "customers:write"),
        URL,
        {"email": "a@example.cz", "name": "x" * 20_000},
    )
    assert response.status_code == 413 and response["Content-Type"] == PROBLEM


def test_refusals_of_keys(two_clients):
    assert post(None, URL, {"email": "a@example.cz"}).status_code == 401
    refused = post(key_without(two_clients.a, "customers:write"), URL, {"email": "a@example.cz"})
    assert refused.status_code == 403 and refused.json()["scope"] == "customers:write"
    # Client B's key saves into client B: A's customer is neither found nor changed.
    post(key_of(two_clients.a), URL, {"email": "jana@example.cz", "name": "Jana"})
    other = post(key_of(two_clients.b), URL, {"email": "jana@example.cz", "name": "Anna"})
    assert other.status_code == 201
    assert customers_of(two_clients.a) == [("jana@example.cz", "", "Jana", "", "", "")]


def test_an_idempotency_key_replays_and_refuses_another_body(two_clients):
    key = key_of(two_clients.a, "customers:write")
    body = {"email": "jana@example.cz"}
    first = post(key, URL, body, idempotency_key="k-1")
    second = post(key, URL, body, idempotency_key="k-1")
    assert (first.status_code, second.status_code) == (201, 201)
    assert first.json() == second.json()
    reused = post(key, URL, {"email": "petr@example.cz"}, idempotency_key="k-1")
    assert reused.status_code == 422 and reused.json()["errors"][0]["field"] == "Idempotency-Key"
    bad = post(key, URL, body, idempotency_key="ključ")
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "Idempotency-Key"
    # A key of the messages endpoint is another request.
    assert (
        post(
            key_of(two_clients.a),
            "/api/v1/messages",
            {"text": "Dobrý den", "customer": body},
            idempotency_key="k-1",
        ).status_code
        == 422
    )
