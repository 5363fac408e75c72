"""A client's portal user, signed in; a CSV export's rows. The ``user_a`` and ``user_b``
fixtures are registered for every test (tests/conftest.py)."""

import csv
import io

import pytest
from django.test import Client as HttpClient

from accounts.models import User
from accounts.two_factor import two_factor_required
from tests.support.factories import PASSWORD, UserFactory
from tests.support.tenancy import host_of
from tests.support.two_factor import code_of, totp_device_for

CODE_PAGE = "/accounts/two-factor/code/"


def signed_in(client, user) -> HttpClient:
    http = HttpClient(HTTP_HOST=host_of(client))
    assert http.login(username=user.username, password=PASSWORD)
    return http


@pytest.fixture
def user_a(two_clients):
    return UserFactory(role=User.Role.CLIENT, client=two_clients.a, email="boss@obuv.example")


@pytest.fixture
def user_b(two_clients):
    return UserFactory(role=User.Role.CLIENT, client=two_clients.b, email="szef@sklep.example")


def rows_of(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8").removeprefix("\ufeff")
    return list(csv.reader(io.StringIO(text)))


def signed_in_at(user: User, host: str) -> HttpClient:
    """``user`` signed in with the password on the site at ``host``, then a code from their
    app when they have one (one is made for those who must have two factors)."""
    if two_factor_required(user):
        totp_device_for(user)
    http = HttpClient(HTTP_HOST=host)
    response = http.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302, "login should succeed"
    if response["Location"] == CODE_PAGE:
        code = code_of(totp_device_for(user))
        response = http.post(CODE_PAGE, {"code": code})
        assert response.status_code == 302, "the code should pass"
    return http
