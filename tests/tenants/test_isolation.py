"""Outsider tests: a user of one client never reaches another client's portal or data."""

import pytest
from django.db import IntegrityError
from django.test import Client as HttpClient

from accounts.models import User
from tenants.models import Client
from tests.support.factories import PASSWORD, CustomerFactory, UserFactory
from tests.support.portal import signed_in_at as signed_in
from tests.support.tenancy import host_of, in_schema

pytestmark = pytest.mark.django_db


@pytest.fixture
def users(two_clients):
    return {
        "a": UserFactory(role=User.Role.CLIENT, client=two_clients.a),
        "b": UserFactory(role=User.Role.CLIENT, client=two_clients.b),
        "agent": UserFactory(role=User.Role.AGENT),
        "admin": UserFactory(role=User.Role.ADMIN, is_staff=True, is_superuser=True),
    }


def test_a_client_user_sees_their_own_portal_and_customers(two_clients, users):
    with in_schema(two_clients.a):
        CustomerFactory(name="Věra Čermáková")
    http = signed_in(users["a"], host_of(two_clients.a))

    dashboard = http.get("/")
    customers = http.get("/customers/")

    assert dashboard.status_code == 200
    assert "Client A Obuv" in dashboard.text
    assert "Věra Čermáková" in customers.text


def test_the_same_session_on_another_clients_domain_gets_404(two_clients, users):
    with in_schema(two_clients.b):
        CustomerFactory(name="Secret Customer of B")
    http = signed_in(users["a"], host_of(two_clients.a))

    for path in ("/", "/customers/", "/accounts/login/"):
        response = http.get(path, HTTP_HOST=host_of(two_clients.b))
        assert response.status_code == 404, path
        assert "Secret Customer of B" not in response.text


@pytest.mark.parametrize(("who", "where"), [("a", "b"), ("b", "a")])
def test_a_client_user_cannot_sign_in_on_another_clients_portal(two_clients, users, who, where):
    target = getattr(two_clients, where)
    http = HttpClient(HTTP_HOST=host_of(target))
    response = http.post(
        "/accounts/login/", {"username": users[who].username, "password": PASSWORD}
    )
    assert response.status_code == 200
    assert 'role="alert"' in response.text  # the form's error, in the portal's language
    assert http.get("/").status_code == 302  # still anonymous: sent to the login page


def test_each_portal_lists_only_its_own_customers(two_clients, users):
    # Same primary keys in both schemas: a leak would show the other client's row.
    with in_schema(two_clients.a):
        CustomerFactory(name="Only in A")
    with in_schema(two_clients.b):
        CustomerFactory(name="Only in B")

    page_a = signed_in(users["a"], host_of(two_clients.a)).get("/customers/").text
    page_b = signed_in(users["b"], host_of(two_clients.b)).get("/customers/").text

    assert "Only in A" in page_a and "Only in B" not in page_a
    assert "Only in B" in page_b and "Only in A" not in page_b


def test_client_users_are_refused_on_the_agency_site(users):
    http = HttpClient(HTTP_HOST="localhost")
    http.force_login(users["a"])
    assert http.get("/").status_code == 403
    assert http.get("/admin/").status_code == 403


def test_agents_are_not_let_into_client_portals(two_clients, users):
    http = HttpClient(HTTP_HOST=host_of(two_clients.a))
    http.force_login(users["agent"])
    assert http.get("/").status_code == 404


def test_agency_admins_may_look_at_any_portal(two_clients, users):
    http = signed_in(users["admin"], host_of(two_clients.b))
    assert http.get("/").status_code == 200


def test_agents_see_the_client_list_on_the_agency_site(two_clients, users):
    http = signed_in(users["agent"], "localhost")
    page = http.get("/")
    assert page.status_code == 200
    assert "Client A Obuv" in page.text and "Client B Sklep" in page.text
    assert f"http://{host_of(two_clients.a)}:8000/" in page.text


def test_anonymous_visitors_are_sent_to_the_login_page(two_clients):
    response = HttpClient(HTTP_HOST=host_of(two_clients.a)).get("/customers/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_an_unknown_host_gets_404():
    assert HttpClient(HTTP_HOST="nobody.localhost").get("/").status_code == 404


def test_a_suspended_clients_portal_is_closed(two_clients, users):
    Client.objects.filter(pk=two_clients.a.pk).update(status=Client.Status.SUSPENDED)
    http = HttpClient(HTTP_HOST=host_of(two_clients.a))
    http.force_login(users["a"])
    assert http.get("/").status_code == 404


def test_health_answers_in_the_right_schema(two_clients):
    agency = HttpClient(HTTP_HOST="localhost").get("/health/").json()
    portal = HttpClient(HTTP_HOST=host_of(two_clients.b)).get("/health/").json()
    assert agency == {"status": "ok", "schema": "public"}
    assert portal == {"status": "ok", "schema": "client_client_b"}


def test_a_client_user_must_have_exactly_one_client(two_clients):
    with pytest.raises(IntegrityError):
        User.objects.create(username="orphan", role=User.Role.CLIENT)


def test_agency_staff_belong_to_no_client(two_clients):
    with pytest.raises(IntegrityError):
        User.objects.create(username="confused", role=User.Role.AGENT, client=two_clients.a)


def test_a_nul_byte_in_the_search_is_no_server_error(two_clients, users):
    http = signed_in(users["a"], host_of(two_clients.a))
    assert http.get("/customers/", {"q": "a\x00b"}).status_code == 200
