"""Every portal page leads somewhere: the invoice pages carry the portal's navigation, and
the 400, 403 and 404 pages offer a way back."""

import re

import pytest
from django.test import Client as HttpClient

from accounts.models import User
from tests.support.billing import billing_users, october_invoices_issue
from tests.support.factories import UserFactory
from tests.support.portal import signed_in_at
from tests.support.tenancy import host_of

pytestmark = pytest.mark.django_db

NAV_LINKS = [
    "/",
    "/conversations/",
    "/customers/",
    "/calls/",
    "/order-updates/",
    "/help-center/",
    "/reports/",
    "/invoices/",
    "/privacy/retention/",
    "/webhooks/",
    "/security/",
]


def nav_links(html: str) -> list[str]:
    nav = re.search(r'<nav class="portal-nav".*?</nav>', html, re.S)
    assert nav, "no portal navigation on the page"
    return re.findall(r'<a href="([^"]+)"', nav[0])


def test_the_invoice_pages_have_the_portals_navigation(two_clients):
    invoice = october_invoices_issue(two_clients)["a"]
    http = signed_in_at(billing_users(two_clients)["a"], host_of(two_clients.a))

    listing = http.get("/invoices/")
    detail = http.get(f"/invoices/{invoice.pk}/")

    assert nav_links(listing.text) == NAV_LINKS
    assert nav_links(detail.text) == NAV_LINKS
    assert 'href="/invoices/" aria-current="page"' in detail.text


@pytest.mark.parametrize(
    ("path", "status", "back"),
    [
        ("/no-such-page/", 404, "not-found-back"),
        ("/conversations/999999/", 404, "not-found-back"),
        ("/conversations/?channel=fax", 400, "bad-request-back"),
    ],
)
def test_error_pages_offer_a_way_back(two_clients, path, status, back):
    user = UserFactory(role=User.Role.CLIENT, client=two_clients.a)

    response = signed_in_at(user, host_of(two_clients.a)).get(path)

    assert response.status_code == status
    assert f'href="/" id="{back}"' in response.text
    assert "Back to the start page" in response.text


def test_the_refusal_page_offers_a_way_back(two_clients):
    user = UserFactory(role=User.Role.CLIENT, client=two_clients.a)
    http = HttpClient(HTTP_HOST="localhost")  # the agency's desk, not for client users
    http.force_login(user)

    response = http.get("/")

    assert response.status_code == 403
    assert 'href="/" id="refusal-back"' in response.text
