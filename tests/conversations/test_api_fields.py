"""The messages API checks its fields against their columns."""

import pytest
from django.test import Client as HttpClient

pytestmark = pytest.mark.django_db


def test_api_fields_longer_than_their_columns_get_a_400(two_clients):
    import json

    from tenants.services import api_key_issue

    _, key = api_key_issue(client=two_clients.b, name="shop")
    response = HttpClient(HTTP_HOST="localhost").post(
        "/api/v1/messages",
        json.dumps({"text": "Dzień dobry\x00", "customer": {"email": "a@b.pl", "name": "x" * 201}}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {key}",
    )
    assert response.status_code == 400 and "customer.name" in response.json()["fields"]
