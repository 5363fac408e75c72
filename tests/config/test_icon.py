"""Polydesk's icon: named by its pages and its admin, /favicon.ico sent to it; the shops'
help centers name none of ours and ask for none."""

import re

import pytest
from django.contrib.staticfiles import finders
from django.test import Client as HttpClient

from accounts.models import User
from helpcenter.models import HelpCenterSettings
from tests.support.factories import UserFactory
from tests.support.tenancy import host_of, in_schema

pytestmark = pytest.mark.django_db

AGENCY = "localhost"
ICON = re.compile(r'<link rel="icon" href="([^"]+)" type="image/svg\+xml">')


def icon_named(html: str) -> str:
    found = ICON.search(html)
    assert found, "no icon named"
    return found[1]


def test_the_sign_in_page_and_the_api_reference_name_the_icon_which_exists(two_clients):
    http = HttpClient(HTTP_HOST=AGENCY)
    for path in ("/accounts/login/", "/api/v1/docs"):
        page = http.get(path)
        assert page.status_code == 200, path
        assert icon_named(page.text).endswith(".svg"), path
    assert finders.find("polydesk/icon.svg")


def test_favicon_ico_is_sent_to_the_icon_the_pages_name(two_clients):
    http = HttpClient(HTTP_HOST=AGENCY)
    answer = http.get("/favicon.ico")
    assert answer.status_code == 302
    assert answer["Location"] == icon_named(http.get("/accounts/login/").text)


def test_the_admin_names_the_icon(two_clients):
    http = HttpClient(HTTP_HOST=host_of(two_clients.a))
    http.force_login(UserFactory(role=User.Role.ADMIN, is_staff=True, is_superuser=True))
    page = http.get("/admin/")
    assert page.status_code == 200
    assert icon_named(page.text).endswith(".svg")


def test_a_shops_help_center_names_an_empty_icon_not_ours(two_clients):
    with in_schema(two_clients.a):
        HelpCenterSettings.objects.create(enabled=True)
    page = HttpClient(HTTP_HOST=host_of(two_clients.a)).get("/help/cs/")
    assert page.status_code == 200
    assert '<link rel="icon" href="data:,">' in page.text
    assert "polydesk/icon" not in page.text
