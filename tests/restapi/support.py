"""Requests to the REST API as a shop's system sends them, for tests/restapi."""

import json
from typing import Any

from django.test import Client as HttpClient

from tenants.models import ApiKey
from tenants.services import api_key_issue

PROBLEM = "application/problem+json"


def get(key: str | None, path: str, **params: Any):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"} if key else {}
    return HttpClient(HTTP_HOST="localhost").get(path, params, **headers)


def post(key: str | None, path: str, body: Any, *, idempotency_key: str = "", raw: bool = False):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"} if key else {}
    if idempotency_key:
        headers["HTTP_IDEMPOTENCY_KEY"] = idempotency_key
    data = body if raw else json.dumps(body)
    return HttpClient(HTTP_HOST="localhost").post(
        path, data, content_type="application/json", **headers
    )


def key_of(client, *scopes: str) -> str:
    """A new key of ``client`` with ``scopes`` (every one when none is named)."""
    _, raw = api_key_issue(client=client, name="shop", scopes=scopes or tuple(ApiKey.Scope.values))
    return raw


def key_without(client, scope: str) -> str:
    """A new key of ``client`` with every scope but ``scope``."""
    return key_of(client, *[value for value in ApiKey.Scope.values if value != scope])
