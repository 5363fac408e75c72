"""An odd ``?month=`` on any page that reads one is a short 400, never a 500 or a cut CSV."""

import pytest

from accounts.models import User
from tests.support.factories import UserFactory
from tests.support.portal import signed_in_at
from tests.support.tenancy import host_of

pytestmark = pytest.mark.django_db

VERY_LONG = pytest.param("9" * 5000, id="5000-digits")
ODD_MONTHS = ["2026-13", "abc", "0000-01", "0001-01", "9999-99", "9999-12", "2099-01", VERY_LONG]
CLIENT_PAGES = ["/", "/export/summary.csv", "/export/daily.csv", "/invoices/usage.csv"]


@pytest.mark.parametrize("value", ODD_MONTHS)
@pytest.mark.parametrize("path", CLIENT_PAGES)
def test_an_odd_month_on_a_portal_page_is_a_400(two_clients, path, value):
    user = UserFactory(role=User.Role.CLIENT, client=two_clients.a)
    http = signed_in_at(user, host_of(two_clients.a))

    response = http.get(path, {"month": value})

    assert response.status_code == 400
    assert b"Bad request" in response.content and len(response.content) < 5000


@pytest.mark.parametrize("value", ODD_MONTHS)
def test_an_odd_month_on_the_agencys_revenue_page_is_a_400(two_clients, value):
    admin = UserFactory(role=User.Role.ADMIN, is_staff=True, is_superuser=True)

    response = signed_in_at(admin, "localhost").get("/billing/", {"month": value})

    assert response.status_code == 400


@pytest.mark.parametrize("path", CLIENT_PAGES)
def test_a_good_month_still_answers(two_clients, path):
    user = UserFactory(role=User.Role.CLIENT, client=two_clients.a)

    response = signed_in_at(user, host_of(two_clients.a)).get(path, {"month": "2026-10"})

    assert response.status_code == 200


ODD_PARAMETERS = [
    ("/customers/", {"page": "abc"}),
    ("/customers/", {"page": "0"}),
    ("/conversations/", {"page": "-1"}),
    ("/conversations/", {"page": "1.5"}),
    ("/conversations/", {"page": "٣"}),  # a digit, but not one we read
    ("/conversations/", {"channel": "xyz"}),
    ("/conversations/export.csv", {"channel": "xyz"}),
    ("/calls/", {"page": "9" * 30}),
    ("/calls/", {"outcome": "xyz"}),
    ("/calls/export.csv", {"outcome": "<script>"}),
]


@pytest.mark.parametrize(("path", "query"), ODD_PARAMETERS)
def test_an_odd_filter_or_page_is_a_400(two_clients, path, query):
    user = UserFactory(role=User.Role.CLIENT, client=two_clients.a)

    response = signed_in_at(user, host_of(two_clients.a)).get(path, query)

    assert response.status_code == 400
    assert b"Bad request" in response.content and b"/accounts/logout/" in response.content


GOOD_PARAMETERS = [
    ("/customers/", {"page": "1"}),
    ("/customers/", {"page": "999"}),  # past the last: the last page
    ("/conversations/", {"channel": "email", "page": ""}),
    ("/conversations/export.csv", {"channel": ""}),
    ("/calls/", {"outcome": "abandoned", "page": "2"}),
]


@pytest.mark.parametrize(("path", "query"), GOOD_PARAMETERS)
def test_good_filters_and_pages_still_answer(two_clients, path, query):
    user = UserFactory(role=User.Role.CLIENT, client=two_clients.a)

    response = signed_in_at(user, host_of(two_clients.a)).get(path, query)

    assert response.status_code == 200
