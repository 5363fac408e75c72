"""What a sender controls never makes the API answer 5xx: malformed cursors, dates, months,
ids, oversized or NUL-holding parameters, broken JSON are refused with a problem."""

import pytest
from django.test import Client as HttpClient

from search.snippets import query_text
from tenants.services import api_key_issue

pytestmark = pytest.mark.django_db

REFUSED = [
    "/api/v1/conversations?cursor=%25%25%25",
    "/api/v1/conversations?cursor=eyJ4IjoxfQ",
    "/api/v1/conversations?updated_since=notadate",
    "/api/v1/conversations?limit=abc",
    "/api/v1/customers/abc",
    "/api/v1/kpis/2026-13",
    "/api/v1/conversations?q=" + "x" * 5000,
    "/api/v1/conversations?q=%00",
    "/api/v1/conversations?language=%00",
    "/api/v1/customers?email=a%00b",
    "/api/v1/customers?q=%00x",
    "/api/v1/conversations?status=nope",
    "/api/v1/calls?number=%2B420%00",
    "/api/v1/calls?from=2026-13-01",
    "/api/v1/calls?limit=99999999999999999999999",
    "/api/v1/calls?cursor=WyIyMDI2LTAxLTAxIiwgMV0",
    "/api/v1/calls?cursor=WyIyMDI2LTAxLTAxVDAwOjAwOjAwWiIsICIxIl0",
    "/api/v1/surveys?since=%00",
    "/api/v1/surveys?answered=%00",
]


@pytest.mark.parametrize("path", REFUSED)
def test_a_malformed_parameter_is_a_400_problem(two_clients, path):
    _, key = api_key_issue(client=two_clients.a, name="hostile")
    response = HttpClient(HTTP_HOST="localhost").get(
        path, secure=True, HTTP_AUTHORIZATION=f"Bearer {key}"
    )
    assert response.status_code == 400, response.content[:200]
    assert response["Content-Type"] == "application/problem+json"


@pytest.mark.parametrize(
    "path", ["/api/v1/calls/99999999999999999999999", "/api/v1/customers/9223372036854775808"]
)
def test_an_id_past_any_column_is_a_404_problem(two_clients, path):
    _, key = api_key_issue(client=two_clients.a, name="hostile")
    response = HttpClient(HTTP_HOST="localhost").get(
        path, secure=True, HTTP_AUTHORIZATION=f"Bearer {key}"
    )
    assert response.status_code == 404, response.content[:200]
    assert response["Content-Type"] == "application/problem+json"


@pytest.mark.parametrize("body", ["{bad json", "[]", '{"text": "\\u0000"}'])
def test_a_broken_body_is_refused_not_a_server_error(two_clients, body):
    _, key = api_key_issue(client=two_clients.a, name="hostile")
    response = HttpClient(HTTP_HOST="localhost").post(
        "/api/v1/messages",
        data=body,
        content_type="application/json",
        secure=True,
        HTTP_AUTHORIZATION=f"Bearer {key}",
    )
    assert 400 <= response.status_code < 500, response.content[:200]


def test_the_desks_search_text_drops_nul_characters():
    assert query_text("Nov\x00ák") == "Novák"
