"""The clients' JSON API: keys, validation, replays, and outsiders."""

import base64
import hashlib
import json
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.test import Client as HttpClient
from django.utils import timezone

from conversations import api_input
from conversations.api_input import MAX_BODY_BYTES
from conversations.models import Conversation
from conversations.services import conversation_note_add
from customers.models import Customer
from idempotency.models import IdempotentRequest
from idempotency.services import idempotency_keys_expire
from tenants.models import ApiKey
from tenants.services import api_key_issue
from tests.support.tenancy import in_schema

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
    call_command("issue_api_key", "--client", "client-b", "--name", "widget")
    raw = capsys.readouterr().out.strip().splitlines()[-1]
    assert post(raw, MESSAGE).status_code == 201


def test_agents_internal_notes_never_reach_the_clients_systems(two_clients):
    _, key = api_key_issue(client=two_clients.b, name="shop")
    conversation_id = post(key, MESSAGE).json()["id"]
    with in_schema(two_clients.b):
        conversation_note_add(
            client=two_clients.b,
            conversation_id=conversation_id,
            agent=None,
            text="Customer sounded angry; refund approved by Marta.",
        )
    texts = [m["text"] for m in get(key, conversation_id).json()["messages"]]
    assert texts == [MESSAGE["text"]]


def test_a_country_code_is_checked_and_an_unknown_one_gets_the_clients_hours(two_clients):
    _, key = api_key_issue(client=two_clients.b, name="shop")
    wrong = post(key, {**MESSAGE, "customer": {"email": "a@example.pl", "country": "Poland"}})
    assert wrong.status_code == 400 and "customer.country" in wrong.json()["fields"]
    unknown = post(
        key,
        {**MESSAGE, "external_id": "m-zz", "customer": {"email": "b@example.pl", "country": "zz"}},
    )
    assert unknown.status_code == 201 and unknown.json()["first_response_due_at"]


def raw_post(key: str, body: bytes, path: str = "/api/v1/messages", **headers):
    return HttpClient(HTTP_HOST="localhost").post(
        path,
        body,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {key}",
        **headers,
    )


def nothing_filed(client) -> bool:
    with in_schema(client):
        return not Conversation.objects.exists() and not Customer.objects.exists()


CUSTOMER = {"email": "anna@example.pl"}


@pytest.mark.parametrize(
    ("payload", "field", "says"),
    [
        ({"text": "Ahoj\x00", "customer": CUSTOMER}, "text", "NUL"),
        ({"text": "Ahoj", "subject": "Re\x00klamace", "customer": CUSTOMER}, "subject", "NUL"),
        (
            {"text": "Ahoj", "customer": {"email": "a@b.pl", "name": "An\x00na"}},
            "customer.name",
            "NUL",
        ),
        ({"text": "Ahoj \ud800", "customer": CUSTOMER}, "text", "surrogate"),
        (
            {"text": "Ahoj", "customer": {"email": "a@b.pl", "name": "\udfff"}},
            "customer.name",
            "surrogate",
        ),
        ({"text": "Ahoj", "subject": "s" * 301, "customer": CUSTOMER}, "subject", "At most 300"),
        (
            {"text": "Ahoj", "customer": {"email": "a@b.pl", "name": "n" * 201}},
            "customer.name",
            "At most 200",
        ),
        (
            {"text": "Ahoj", "external_id": "e" * 256, "customer": CUSTOMER},
            "external_id",
            "At most 255",
        ),
        ({"text": 42, "customer": CUSTOMER}, "text", "not a number"),
        ({"text": ["Ahoj"], "customer": CUSTOMER}, "text", "not a list"),
        ({"text": None, "customer": CUSTOMER}, "text", "Required"),
        ({"text": "   ", "customer": CUSTOMER}, "text", "Required"),
        ({"text": "Ahoj", "subject": 7, "customer": CUSTOMER}, "subject", "not a number"),
        ({"text": "Ahoj", "external_id": 1234, "customer": CUSTOMER}, "external_id", "A string"),
        ({"text": "Ahoj", "customer": {"email": 5}}, "customer.email", "not a number"),
        ({"text": "Ahoj", "customer": {"email": "not an address"}}, "customer.email", "e-mail"),
        ({"text": "Ahoj", "customer": {"phone": "call me"}}, "customer.phone", "phone"),
        ({"text": "Ahoj", "customer": None}, "customer", "email or phone"),
        ({"text": "Ahoj", "acknowledge": "no", "customer": CUSTOMER}, "acknowledge", "true"),
        (
            {"text": "Ahoj", "channel": None, "customer": CUSTOMER, "attachments": {}},
            "attachments",
            "A list",
        ),
    ],
)
def test_invalid_text_gets_a_400_naming_the_field_and_files_nothing(
    two_clients, payload, field, says
):
    _, key = api_key_issue(client=two_clients.b, name="shop")
    response = post(key, payload)  # json.dumps writes "\ud800" as the escape it is
    assert response.status_code == 400, response.content
    assert response.json()["error"] == "Invalid message."
    assert says in response.json()["fields"][field]
    assert nothing_filed(two_clients.b)


@pytest.mark.parametrize(
    ("body", "says"),
    [
        (b'{"text": "\xff\xfe Ahoj", "customer": {"email": "a@b.pl"}}', "not valid UTF-8"),
        (b'{"text": "Ahoj"', "must be JSON"),
        (b"[" * 100_000 + b"]" * 100_000, "must be JSON"),
        (b'{"text": ' + b"9" * 5000 + b"}", "must be JSON"),
        (b'"just a string"', "a JSON object"),
    ],
)
def test_a_body_that_is_not_utf8_json_gets_a_400(two_clients, body, says):
    _, key = api_key_issue(client=two_clients.b, name="shop")
    response = raw_post(key, body)
    assert response.status_code == 400
    assert says in response.json()["error"]
    assert nothing_filed(two_clients.b)


def test_optional_fields_sent_as_null_count_as_not_sent_and_a_bom_is_read(two_clients):
    _, key = api_key_issue(client=two_clients.b, name="shop")
    body = json.dumps(
        {
            **MESSAGE,
            "subject": None,
            "channel": None,
            "acknowledge": None,
            "customer": {**MESSAGE["customer"], "phone": None},
        }
    )
    response = raw_post(key, "\ufeff".encode() + body.encode())
    assert response.status_code == 201, response.content
    assert response.json()["channel"] == "api"


def test_a_body_over_the_limit_gets_a_413(two_clients):
    _, key = api_key_issue(client=two_clients.b, name="shop")
    too_big = b" " * (MAX_BODY_BYTES + 1)
    response = raw_post(key, too_big)
    assert response.status_code == 413
    assert str(MAX_BODY_BYTES) in response.json()["error"]


def test_a_follow_up_is_checked_like_a_first_message(two_clients):
    _, key = api_key_issue(client=two_clients.b, name="shop")
    conversation_id = post(key, {**MESSAGE, "channel": "chat"}).json()["id"]
    path = f"/api/v1/conversations/{conversation_id}/messages"
    for payload, field in [
        ({"text": "a\x00b"}, "text"),
        ({"text": "ok", "external_id": 5}, "external_id"),
        ({"text": "\ud83d"}, "text"),
    ]:
        response = raw_post(key, json.dumps(payload).encode(), path=path)
        assert response.status_code == 400 and field in response.json()["fields"]
    assert len(get(key, conversation_id).json()["messages"]) == 1
    assert raw_post(key, b"\xc3\x28", path=path).status_code == 400
    huge = "/api/v1/conversations/99999999999999999999"
    assert raw_post(key, b'{"text": "ok"}', path=f"{huge}/messages").status_code == 404
    assert (
        HttpClient(HTTP_HOST="localhost").get(huge, HTTP_AUTHORIZATION=f"Bearer {key}").status_code
        == 404
    )


def test_an_external_id_used_in_another_conversation_is_a_409_naming_it(two_clients):
    _, key = api_key_issue(client=two_clients.b, name="shop")
    first = post(key, {**MESSAGE, "channel": "chat", "external_id": "chat-1"}).json()["id"]
    second = post(key, {**MESSAGE, "channel": "chat", "external_id": "chat-2"}).json()["id"]
    body = json.dumps({"text": "Numer zamówienia 4411.", "external_id": "chat-1"}).encode()
    response = raw_post(key, body, path=f"/api/v1/conversations/{second}/messages")
    assert response.status_code == 409, response.content
    assert response.json()["conversation"] == first
    assert f"conversation {first}" in response.json()["error"]
    assert "external_id" in response.json()["fields"]
    assert len(get(key, second).json()["messages"]) == 1
    # The same id again in its own conversation is still a replay.
    again = raw_post(key, body, path=f"/api/v1/conversations/{first}/messages")
    assert again.status_code == 200 and len(again.json()["messages"]) == 1


# --- Idempotency-Key --------------------------------------------------------------------------


def test_the_same_idempotency_key_replays_the_first_answer_and_creates_nothing(two_clients):
    _, key = api_key_issue(client=two_clients.b, name="shop")
    message = {"text": MESSAGE["text"], "customer": MESSAGE["customer"]}  # no external_id
    first = post(key, message, HTTP_IDEMPOTENCY_KEY="9b2f-order-1")
    # The same JSON written differently (key order, spacing) is the same request.
    again = raw_post(
        key,
        json.dumps(dict(reversed(message.items())), indent=2).encode(),
        HTTP_IDEMPOTENCY_KEY="9b2f-order-1",
    )
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()
    assert nothing_filed(two_clients.b) is False

    with in_schema(two_clients.b):
        assert Conversation.objects.count() == 1
    stored = IdempotentRequest.objects.get(client=two_clients.b)
    assert (stored.key, stored.status, stored.made, stored.object_id) == (
        "9b2f-order-1",
        201,
        "conversation",
        first.json()["id"],
    )
    assert "Dzień" not in str(vars(stored))  # no personal data in the public schema

    # Without the key, the same body is a new contact.
    assert post(key, message).status_code == 201


def test_an_idempotency_key_reused_for_another_body_is_refused(two_clients):
    _, key = api_key_issue(client=two_clients.b, name="shop")
    assert post(key, MESSAGE, HTTP_IDEMPOTENCY_KEY="k-1").status_code == 201
    other = post(key, {**MESSAGE, "text": "Something else"}, HTTP_IDEMPOTENCY_KEY="k-1")
    assert other.status_code == 422
    assert "Idempotency-Key" in other.json()["fields"]
    follow_up = f"/api/v1/conversations/{post(key, MESSAGE).json()['id']}/messages"
    on_another_path = raw_post(
        key, json.dumps(MESSAGE).encode(), path=follow_up, HTTP_IDEMPOTENCY_KEY="k-1"
    )
    assert on_another_path.status_code == 422


def test_idempotency_keys_are_per_client_and_forgotten_after_a_day(two_clients):
    _, key_a = api_key_issue(client=two_clients.a, name="shop")
    _, key_b = api_key_issue(client=two_clients.b, name="shop")
    czech = {"text": "Dobrý den, kde je můj balík?", "customer": {"email": "eva@example.cz"}}
    assert post(key_b, MESSAGE, HTTP_IDEMPOTENCY_KEY="same").status_code == 201
    from_a = post(key_a, czech, HTTP_IDEMPOTENCY_KEY="same")
    assert from_a.status_code == 201 and from_a.json()["language"] == "cs"

    IdempotentRequest.objects.update(created_at=timezone.now() - timedelta(hours=25))
    assert (
        post(key_b, {**MESSAGE, "external_id": "m-2"}, HTTP_IDEMPOTENCY_KEY="same").status_code
        == 201
    )
    assert idempotency_keys_expire() == 1  # client A's; client B's was renewed
    assert IdempotentRequest.objects.get().client == two_clients.b


@pytest.mark.parametrize("value", ["", "x" * 256, "ключ", "a b"])
def test_a_malformed_idempotency_key_is_refused(two_clients, value):
    _, key = api_key_issue(client=two_clients.b, name="shop")
    response = post(key, MESSAGE, HTTP_IDEMPOTENCY_KEY=value)
    assert response.status_code == 400
    assert "Idempotency-Key" in response.json()["fields"]
    assert nothing_filed(two_clients.b)


def test_a_follow_up_with_an_idempotency_key_is_filed_once(two_clients):
    _, key = api_key_issue(client=two_clients.b, name="shop")
    conversation_id = post(key, {**MESSAGE, "channel": "chat"}).json()["id"]
    path = f"/api/v1/conversations/{conversation_id}/messages"
    body = json.dumps({"text": "Numer zamówienia 4411."}).encode()
    first = raw_post(key, body, path=path, HTTP_IDEMPOTENCY_KEY="f-1")
    again = raw_post(key, body, path=path, HTTP_IDEMPOTENCY_KEY="f-1")
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()
    assert len(first.json()["messages"]) == 2


# --- attachments ------------------------------------------------------------------------------

PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000")


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def test_files_sent_with_a_message_are_listed_and_downloaded_with_the_key(two_clients):
    _, key = api_key_issue(client=two_clients.b, name="shop")
    _, key_a = api_key_issue(client=two_clients.a, name="shop")
    pdf = b"%PDF-1.4\n" + bytes(range(256)) * 40
    created = post(
        key,
        {
            **MESSAGE,
            "attachments": [
                {"filename": "zdjęcie paczki.png", "content_type": "image/png", "data": b64(PNG)},
                # MIME-style base64 wrapped at 76 characters
                {
                    "filename": "../../faktura.pdf",
                    "content_type": "application/pdf",
                    "data": "\r\n".join(b64(pdf)[i : i + 76] for i in range(0, len(b64(pdf)), 76)),
                },
                {"filename": "strona.html", "content_type": "text/html", "data": b64(b"<script>")},
            ],
        },
    )
    assert created.status_code == 201, created.content
    conversation_id = created.json()["id"]
    listed = get(key, conversation_id).json()["messages"][0]["attachments"]
    assert [(a["filename"], a["content_type"], a["size"]) for a in listed] == [
        ("zdjęcie paczki.png", "image/png", len(PNG)),
        ("faktura.pdf", "application/pdf", len(pdf)),  # no path: only the name
        ("strona.html", "text/html", 8),
    ]
    assert listed[1]["sha256"] == hashlib.sha256(pdf).hexdigest()

    http = HttpClient(HTTP_HOST="localhost")
    download = http.get(listed[1]["url"], HTTP_AUTHORIZATION=f"Bearer {key}")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == pdf
    assert download["Content-Disposition"].startswith("attachment;")
    html = http.get(listed[2]["url"], HTTP_AUTHORIZATION=f"Bearer {key}")
    assert html["Content-Type"] == "application/octet-stream"  # never run by a browser
    # The desk's response: nothing sniffed, and sandboxed even if a browser rendered it.
    assert html["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in html["Content-Security-Policy"]
    assert html["Content-Disposition"].startswith("attachment;")
    # Another client's key, no key, another conversation's id: nothing.
    assert http.get(listed[1]["url"], HTTP_AUTHORIZATION=f"Bearer {key_a}").status_code == 404
    assert http.get(listed[1]["url"]).status_code == 401
    other = post(key, {**MESSAGE, "external_id": "m-other"}).json()["id"]
    wrong = f"/api/v1/conversations/{other}/attachments/{listed[1]['id']}"
    assert http.get(wrong, HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 404


def test_a_photo_alone_is_a_message_and_a_follow_up_can_carry_files(two_clients):
    _, key = api_key_issue(client=two_clients.b, name="shop")
    photo = {"filename": "photo.png", "content_type": "image/png", "data": b64(PNG)}
    created = post(key, {"customer": CUSTOMER, "channel": "chat", "attachments": [photo]})
    assert created.status_code == 201, created.content
    path = f"/api/v1/conversations/{created.json()['id']}/messages"
    follow_up = raw_post(key, json.dumps({"attachments": [photo]}).encode(), path=path)
    assert follow_up.status_code == 201
    assert [len(m["attachments"]) for m in follow_up.json()["messages"]] == [1, 1]


@pytest.mark.parametrize(
    ("attachments", "field"),
    [
        ([{"filename": "a.png", "data": "not base64!"}], "attachments[0].data"),
        ([{"filename": "a.png", "data": "QUI"}], "attachments[0].data"),  # no padding
        ([{"filename": "a.png"}], "attachments[0].data"),
        ([{"data": "QUJD"}], "attachments[0].filename"),
        ([{"filename": "a\x00.png", "data": "QUJD"}], "attachments[0].filename"),
        (
            [{"filename": "a.png", "content_type": "picture", "data": "QUJD"}],
            "attachments[0].content_type",
        ),
        (["QUJD"], "attachments[0]"),
        ([{"filename": f"{i}.txt", "data": "QUJD"} for i in range(11)], "attachments"),
    ],
)
def test_bad_attachments_are_refused_by_name(two_clients, attachments, field):
    _, key = api_key_issue(client=two_clients.b, name="shop")
    response = post(key, {**MESSAGE, "attachments": attachments})
    assert response.status_code == 400
    assert field in response.json()["fields"]
    assert nothing_filed(two_clients.b)


def test_files_over_the_limits_are_refused(two_clients, monkeypatch):
    monkeypatch.setattr(api_input, "MAX_ATTACHMENT_BYTES", 10)
    monkeypatch.setattr(api_input, "MAX_FILES_BYTES", 15)
    _, key = api_key_issue(client=two_clients.b, name="shop")
    one_big = post(key, {**MESSAGE, "attachments": [{"filename": "a", "data": b64(b"x" * 11)}]})
    assert "attachments[0].data" in one_big.json()["fields"]
    together = post(
        key,
        {
            **MESSAGE,
            "attachments": [
                {"filename": "a", "data": b64(b"x" * 8)},
                {"filename": "b", "data": b64(b"y" * 8)},
            ],
        },
    )
    assert together.status_code == 400 and "attachments" in together.json()["fields"]
    assert nothing_filed(two_clients.b)


@pytest.mark.parametrize(
    "filename",
    ["a." + "\u0958" * 200, "a." + "x" * 254, "\u0958" * 254 + ".png"],
)
def test_a_file_name_that_grows_when_normalised_is_stored_cut_never_a_500(two_clients, filename):
    _, key = api_key_issue(client=two_clients.b, name="shop")
    response = post(
        key,
        {
            **MESSAGE,
            "attachments": [{"filename": filename, "content_type": "image/png", "data": b64(PNG)}],
        },
    )
    assert response.status_code in (201, 400), response.content
    if response.status_code == 201:
        (listed,) = response.json()["messages"][0]["attachments"]
        assert 0 < len(listed["filename"]) <= 255
