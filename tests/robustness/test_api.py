"""The clients' JSON API never answers 5xx, whatever a client's system sends, and a message
it accepted (2xx) is stored.

Random JSON of every type in every field, deep nesting, huge strings, invalid UTF-8 bodies,
odd Idempotency-Key and Authorization headers, and odd ids in the reading URLs.
"""

import base64
import json

import pytest
from django.test import Client as HttpClient
from hypothesis import event, example, given
from hypothesis import strategies as st

from conversations.models import Conversation, Message
from tenants.services import api_key_issue
from tests.support.fuzz import FUZZ, rolled_back, server_error
from tests.support.tenancy import in_schema

pytestmark = pytest.mark.django_db

_scalar = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    st.text(max_size=40),
    st.sampled_from(["", " ", "\x00", "\ud800", "api", "chat", "a@b.pl", "+48 601 234 567"]),
)
_json = st.recursive(
    _scalar,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)
_customer = st.one_of(
    st.fixed_dictionaries(
        {},
        optional={
            "email": st.one_of(st.just("anna@example.pl"), _json),
            "phone": st.one_of(st.just("+48601234567"), _json),
            "name": _json,
            "country": st.one_of(st.just("PL"), _json),
        },
    ),
    _json,
)
_attachment = st.fixed_dictionaries(
    {},
    optional={
        "filename": st.one_of(st.just("a.txt"), _json),
        "content_type": st.one_of(st.just("text/plain"), _json),
        "data": st.one_of(st.just("aGVsbG8="), _json),
    },
)
_FIELDS = {
    "text": st.one_of(st.text(min_size=1, max_size=200), st.just("x" * 20_001), _json),
    "customer": _customer,
    "channel": _json,
    "subject": _json,
    "external_id": st.one_of(st.text(min_size=1, max_size=300), _json),
    "acknowledge": _json,
    "attachments": st.one_of(st.lists(st.one_of(_attachment, _json), max_size=3), _json),
}


@st.composite
def payloads(draw) -> dict:
    names = draw(st.lists(st.sampled_from(sorted(_FIELDS)), unique=True))
    payload = {name: draw(_FIELDS[name]) for name in names}
    payload.update(draw(st.dictionaries(st.text(max_size=8), _json, max_size=2)))
    return payload


@st.composite
def nearly_valid(draw) -> dict:
    """A message the API takes, with any text in it, files of any bytes, and now and then
    one field gone wrong: so that most examples reach the filing, not the edge's 400."""
    payload = {
        "text": draw(st.text(min_size=1, max_size=2000).filter(str.strip)),
        "customer": {"email": "anna@example.pl", "name": draw(st.text(max_size=200))},
        "subject": draw(st.text(max_size=300)),
        "external_id": draw(st.text(min_size=1, max_size=255)),
        "channel": draw(st.sampled_from(["api", "chat"])),
        "attachments": [
            {"filename": name, "content_type": kind, "data": base64.b64encode(data).decode()}
            for name, kind, data in draw(
                st.lists(
                    st.tuples(
                        st.text(min_size=1, max_size=255).filter(str.strip),
                        st.sampled_from(["text/plain", "image/jpeg", "application/x-msdownload"]),
                        st.binary(max_size=200),
                    ),
                    max_size=2,
                )
            )
        ],
    }
    for name in draw(st.lists(st.sampled_from(sorted(_FIELDS)), max_size=1)):
        payload[name] = draw(_FIELDS[name])
    return payload


def _body(payload) -> bytes:
    # allow_nan: Python writes NaN and Infinity, which is not JSON; a client may do the same.
    return json.dumps(payload, ensure_ascii=False).encode("utf-8", "surrogatepass")


_bodies = st.one_of(
    nearly_valid().map(_body),
    nearly_valid().map(_body),
    nearly_valid().map(_body),
    payloads().map(_body),
    payloads().map(_body),
    st.binary(max_size=300),
    st.integers(1, 5000).map(lambda depth: b"[" * depth + b"]" * depth),
    st.integers(1, 5000).map(lambda depth: b'{"a":' * depth + b"1" + b"}" * depth),
    st.sampled_from(
        [
            b"",
            b"null",
            b"\xef\xbb\xbf{}",
            b"1" * 5000,
            b'{"text": "\\ud800"}',
            b'{"text": "a\xff"}',
            b"\x00",
            b'{"text": 1e999}',
        ]
    ),
)
_keys = st.one_of(
    st.none(),
    st.none(),
    st.just("same-key"),
    st.uuids().map(str),
    st.text(st.characters(min_codepoint=0, max_codepoint=255), max_size=300).filter(
        lambda key: "\r" not in key and "\n" not in key
    ),
)


@pytest.fixture
def api(two_clients):
    _, key = api_key_issue(client=two_clients.b, name="fuzz")
    with in_schema(two_clients.b):
        existing = Conversation.objects.filter(channel="api").first()
    if existing is None:
        opened = _post(
            key,
            "/api/v1/messages",
            _body({"text": "Dzień dobry", "customer": {"email": "anna@example.pl"}}),
            None,
        )
        assert opened.status_code == 201, opened.content
        existing_id = opened.json()["id"]
    else:
        existing_id = existing.pk
    return two_clients.b, key, existing_id


def _post(key: str, path: str, body: bytes, idempotency_key: str | None):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    if idempotency_key is not None:
        headers["HTTP_IDEMPOTENCY_KEY"] = idempotency_key
    return HttpClient(HTTP_HOST="localhost").post(
        path, body, content_type="application/json", **headers
    )


def _assert_stored(client, response, payload_bytes: bytes) -> None:
    assert response.status_code < 500, server_error(response)
    event(str(response.status_code))
    if response.status_code in (200, 201):
        answer = response.json()
        sent = json.loads(payload_bytes.decode("utf-8").removeprefix("\ufeff"))
        with in_schema(client):
            assert Conversation.objects.filter(pk=answer["id"]).exists()
            if sent.get("text"):
                assert Message.objects.filter(
                    conversation_id=answer["id"], body_text=sent["text"]
                ).exists()


@FUZZ
@given(body=_bodies, key=_keys)
@example(body=b'{"text": "Ahoj", "customer": {"email": "a@b.pl"}}', key="\x7f")
@example(body=b'{"text": "Ahoj", "customer": {"email": "a@b.pl"}, "channel": {}}', key=None)
def test_odd_bodies_for_a_new_contact(api, body, key):
    client, api_key, _ = api
    with rolled_back():
        _assert_stored(client, _post(api_key, "/api/v1/messages", body, key), body)


@FUZZ
@given(body=_bodies, key=_keys, conversation=st.one_of(st.none(), st.integers(0, 2**70)))
def test_odd_bodies_for_a_next_message(api, body, key, conversation):
    client, api_key, existing_id = api
    path = f"/api/v1/conversations/{existing_id if conversation is None else conversation}"
    with rolled_back():
        _assert_stored(client, _post(api_key, f"{path}/messages", body, key), body)


@FUZZ
@given(
    conversation=st.one_of(st.none(), st.integers(0, 2**70)),
    attachment=st.one_of(st.none(), st.integers(0, 2**70)),
    authorization=st.one_of(
        st.none(),
        st.text(st.characters(min_codepoint=0, max_codepoint=255), max_size=100).filter(
            lambda value: "\r" not in value and "\n" not in value
        ),
        st.sampled_from(["Bearer pd_\x00_x", "Bearer pd__", "Bearer pd_" + "a" * 5000 + "_x"]),
    ),
)
def test_odd_ids_and_keys_for_reading(api, conversation, attachment, authorization):
    _, api_key, existing_id = api
    conversation = existing_id if conversation is None else conversation
    path = f"/api/v1/conversations/{conversation}"
    if attachment is not None:
        path += f"/attachments/{attachment}"
    header = f"Bearer {api_key}" if authorization is None else authorization
    with rolled_back():
        response = HttpClient(HTTP_HOST="localhost").get(path, HTTP_AUTHORIZATION=header)
        assert response.status_code < 500, server_error(response)
        event(str(response.status_code))


def test_a_key_with_a_nul_is_refused_401_not_a_500(api):
    for path in ("/api/v1/conversations/1", "/api/v1/conversations/1/attachments/1"):
        response = HttpClient(HTTP_HOST="localhost").get(path, HTTP_AUTHORIZATION="Bearer pd_\x00_")
        assert response.status_code == 401
    refused = HttpClient(HTTP_HOST="localhost").post(
        "/api/v1/messages",
        b"{}",
        content_type="application/json",
        HTTP_AUTHORIZATION="Bearer pd_\x00_x",
    )
    assert refused.status_code == 401
