"""Hostile input to the widget's API never gets a 5xx: any JSON value in any field, any
bytes as the body, any token (hypothesis, derandomized)."""

import json
from datetime import UTC, datetime

import pytest
from django.test import Client as HttpClient
from hypothesis import given
from hypothesis import strategies as st

from hours.models import BusinessHours
from tests.support.fuzz import FUZZ, rolled_back
from tests.support.tenancy import host_of, in_schema
from widget import limits
from widget.models import WidgetSettings

pytestmark = pytest.mark.django_db

FIELDS = [
    "text",
    "name",
    "email",
    "language",
    "visitor",
    "page_url",
    "order_number",
    "score",
    "comment",
    "challenge",
]
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=5), children, max_size=3)
    ),
    max_leaves=5,
)
PATHS = ["chats", "order-status", "articles/1/opened"]


@pytest.fixture
def widget_a(two_clients, frozen, monkeypatch):
    frozen(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    for name in ("REQUESTS", "CHAT_REQUESTS", "ORDER_LOOKUPS", "CHATS_BEFORE_CHALLENGE"):
        monkeypatch.setattr(limits, name, limits.Limit(name, 10**6, 60))
    BusinessHours.objects.create(client=two_clients.a)
    with in_schema(two_clients.a):
        WidgetSettings.objects.create(enabled=True, allowed_origins=["https://shop.example"])
    return two_clients.a


@FUZZ
@given(path=st.sampled_from(PATHS), body=st.dictionaries(st.sampled_from(FIELDS), JSON_VALUES))
def test_any_json_fields_are_answered_below_500(widget_a, path, body):
    with rolled_back():
        response = HttpClient(HTTP_HOST=host_of(widget_a)).post(
            f"/widget/v1/{path}", json.dumps(body), content_type="application/json"
        )
        assert response.status_code < 500, (path, body, response.content)


@FUZZ
@given(path=st.sampled_from(PATHS), body=st.binary(max_size=200))
def test_any_bytes_are_answered_below_500(widget_a, path, body):
    with rolled_back():
        response = HttpClient(HTTP_HOST=host_of(widget_a)).post(
            f"/widget/v1/{path}", body, content_type="application/json"
        )
        assert response.status_code < 500, (path, body, response.content)


@FUZZ
@given(
    token=st.text(alphabet=st.characters(blacklist_characters="/?#%"), min_size=1, max_size=300),
    action=st.sampled_from(["", "/messages", "/typing", "/rating", "/transcript", "/end"]),
)
def test_any_token_is_refused_below_500(widget_a, token, action):
    with rolled_back():
        http = HttpClient(HTTP_HOST=host_of(widget_a))
        response = (http.get if not action else http.post)(f"/widget/v1/chats/{token}{action}")
        assert response.status_code in (403, 404), (token, response.status_code)


@pytest.mark.parametrize("path", PATHS)
def test_deeply_nested_json_is_a_400(widget_a, path):
    """Nested deeper than Python's parser recurses: RecursionError, answered as bad JSON."""
    http = HttpClient(HTTP_HOST=host_of(widget_a), HTTP_ORIGIN="https://shop.example")
    response = http.post(f"/widget/v1/{path}", "[" * 5000, content_type="application/json")
    assert response.status_code == 400 and "JSON" in response.json()["detail"]
