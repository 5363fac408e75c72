"""The clients' JSON API: keys, validation, replays, and outsiders."""

import json

import pytest
from django.test import Client as HttpClient

from tenants.models import ApiKey
from tenants.services import api_key_issue

pytestmark = pytest.mark.django_db


def post(key: str | None, payload, **headers):
    http = HttpClient(HTTP_HOST="localhost")
    if key:
        headers["HTTP_AUTHORIZATION"] = f"Bearer {key}"
    body = payload if isinstance(payload, str) else json.dumps(payload)
    return http.post("/api/v1/messages", body, content_type="application/json", **headers)


def get(key: str, conversation_id: int):
    return HttpClient(HTTP_HOST="localhost").get(
        f"/api/v1/conversations/{conversation_id}", HTTP_AUTHORIZATION=f"Bearer {key}"
    )


MESSAGE = {
    "text": "Dzień dobry, kiedy dotrze moja paczka? Czekam już tydzień.",
    "customer": {"email": "anna@example.pl", "name": "Anna"},
    "external_id": "m-1",
}


def test_a_message_through_the_api_opens_a_conversation_once(two_clients):
    _, key = api_key_issue(client=two_clients.b, name="shop")
    created = post(key, MESSAGE)
    replayed = post(key, MESSAGE)

    assert created.status_code == 201
    assert created.json()["language"] == "pl" and not created.json()["language_uncertain"]
    assert replayed.status_code == 200 and replayed.json()["id"] == created.json()["id"]
    fetched = get(key, created.json()["id"])
    assert fetched.json()["messages"][0]["text"] == MESSAGE["text"]


def test_another_clients_key_cannot_read_the_conversation(two_clients):
    _, key_b = api_key_issue(client=two_clients.b, name="shop")
    _, key_a = api_key_issue(client=two_clients.a, name="shop")
    conversation_id = post(key_b, MESSAGE).json()["id"]

    response = get(key_a, conversation_id)
    assert response.status_code == 404
    assert "Dzień dobry" not in response.text


@pytest.mark.parametrize("key", [None, "nonsense", "pd_00000000_forged", "Bearer"])
def test_a_missing_or_wrong_key_is_refused(two_clients, key):
    response = post(key, MESSAGE)
    assert response.status_code == 401
    assert response.json()["error"].startswith("Missing, unknown or revoked")


def test_a_revoked_key_or_a_tampered_secret_is_refused(two_clients):
    row, key = api_key_issue(client=two_clients.b, name="old")
    assert post(key[:-2] + "xx", MESSAGE).status_code == 401
    ApiKey.objects.filter(pk=row.pk).update(revoked_at="2026-01-01T00:00:00Z")
    assert post(key, MESSAGE).status_code == 401


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ("not json", None),
        ([1, 2], None),
        ({"customer": {"email": "a@b.pl"}}, "text"),
        ({"text": "x" * 20_001, "customer": {"email": "a@b.pl"}}, "text"),
        ({"text": "Ahoj", "channel": "fax", "customer": {"email": "a@b.pl"}}, "channel"),
        ({"text": "Ahoj", "customer": {}}, "customer"),
        ({"text": "Ahoj", "customer": "a@b.pl"}, "customer"),
    ],
)
def test_bad_input_gets_a_clear_400(two_clients, payload, field):
    _, key = api_key_issue(client=two_clients.b, name="shop")
    response = post(key, payload)
    assert response.status_code == 400
    if field:
        assert field in response.json()["fields"]


def test_the_issue_api_key_command_prints_a_working_key(two_clients, capsys):
    from django.core.management import call_command

    call_command("issue_api_key", "--client", "client-b", "--name", "widget")
    raw = capsys.readouterr().out.strip().splitlines()[-1]
    assert post(raw, MESSAGE).status_code == 201


def test_agents_internal_notes_never_reach_the_clients_systems(two_clients):
    from conversations.services import conversation_note_add
    from tests.conftest import in_schema

    _, key = api_key_issue(client=two_clients.b, name="shop")
    conversation_id = post(key, MESSAGE).json()["id"]
    with in_schema(two_clients.b):
        conversation_note_add(client=two_clients.b, conversation_id=conversation_id, agent=None,
                              text="Customer sounded angry; refund approved by Marta.")  # fmt: skip
    texts = [m["text"] for m in get(key, conversation_id).json()["messages"]]
    assert texts == [MESSAGE["text"]]


def test_a_country_code_is_checked_and_an_unknown_one_gets_the_clients_hours(two_clients):
    _, key = api_key_issue(client=two_clients.b, name="shop")
    wrong = post(key, {**MESSAGE, "customer": {"email": "a@example.pl", "country": "Poland"}})
    assert wrong.status_code == 400 and "customer.country" in wrong.json()["fields"]
    unknown = post(key, {**MESSAGE, "external_id": "m-zz",
                         "customer": {"email": "b@example.pl", "country": "zz"}})  # fmt: skip
    assert unknown.status_code == 201 and unknown.json()["first_response_due_at"]
