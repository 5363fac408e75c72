"""The client from the host (tenants.middleware.ClientHostMiddleware): any case of a host
finds its client; a host not in ALLOWED_HOSTS is a 400, an unknown allowed host a 404."""

import pytest
from django.test import Client as HttpClient

from tests.support.tenancy import host_of

pytestmark = pytest.mark.django_db


def test_a_host_is_matched_whatever_its_case(two_clients):
    shouted = host_of(two_clients.a).upper()
    page = HttpClient(HTTP_HOST=f"{shouted}:8000").get("/accounts/login/")
    assert page.status_code == 200
    assert page.wsgi_request.tenant == two_clients.a
    assert HttpClient(HTTP_HOST="LocalHost").get("/accounts/login/").status_code == 200


def test_a_host_not_allowed_is_a_400_and_an_unknown_one_a_404(two_clients):
    assert HttpClient(HTTP_HOST="evil.example").get("/").status_code == 400
    assert HttpClient(HTTP_HOST="nobody.localhost").get("/").status_code == 404
