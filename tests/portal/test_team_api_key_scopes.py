"""The Team page's API keys: a manager changes a live key's scopes (audited, held at once by
the API); the page says what every scope opens, in the reader's language."""

import pytest
from django.core.cache import cache
from django.test import Client as HttpClient
from django.utils import translation

from accounts.models import User
from audit.models import AuditEvent
from portal.team import SCOPE_HELP
from tenants.models import ApiKey
from tenants.services import api_key_issue, api_key_revoke
from tests.support.factories import UserFactory
from tests.support.tenancy import host_of

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _counters():
    cache.clear()  # the API's rate limit windows


def portal_as(client, role: str) -> HttpClient:
    user = UserFactory(role=User.Role.CLIENT, client=client, portal_role=role, language="en")
    http = HttpClient(HTTP_HOST=host_of(client))
    http.force_login(user)
    return http


def test_a_manager_gives_an_old_key_a_new_scope_and_the_api_honours_it(two_clients):
    key, secret = api_key_issue(client=two_clients.a, name="e-shop", scopes=["conversations:read"])
    api = HttpClient(HTTP_HOST="localhost", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert api.get("/api/v1/calls").status_code == 403
    http = portal_as(two_clients.a, User.PortalRole.MANAGER)
    changed = http.post(
        f"/team/api-keys/{key.pk}/scopes/", {"scopes": ["conversations:read", "calls:read"]}
    )
    assert changed.status_code == 302 and changed["Location"] == "/team/api-keys/"
    key.refresh_from_db()
    assert key.scopes == ["conversations:read", "calls:read"]
    assert api.get("/api/v1/calls").status_code == 200
    event = AuditEvent.objects.filter(client=two_clients.a, object_type="api_key").last()
    assert event.details == {
        "change": "scopes",
        "scopes": ["conversations:read", "calls:read"],
        "before": ["conversations:read"],
    }
    # Taking a scope away closes it at once.
    http.post(f"/team/api-keys/{key.pk}/scopes/", {"scopes": ["calls:read"]})
    assert api.get("/api/v1/conversations").status_code == 403
    # The same scopes again: nothing changes, nothing is audited.
    count = AuditEvent.objects.filter(object_type="api_key").count()
    http.post(f"/team/api-keys/{key.pk}/scopes/", {"scopes": ["calls:read"]})
    assert AuditEvent.objects.filter(object_type="api_key").count() == count


@pytest.mark.parametrize("scopes", [[], ["conversations:delete"], ["calls:read", "x" * 5000]])
def test_no_or_an_unknown_scope_changes_nothing(two_clients, scopes):
    key, _ = api_key_issue(client=two_clients.a, name="e-shop", scopes=["customers:read"])
    http = portal_as(two_clients.a, User.PortalRole.MANAGER)
    response = http.post(f"/team/api-keys/{key.pk}/scopes/", {"scopes": scopes}, follow=True)
    assert "Choose at least one scope." in response.content.decode()
    key.refresh_from_db()
    assert key.scopes == ["customers:read"]


def test_a_revoked_key_stays_revoked_and_unchanged(two_clients):
    key, _ = api_key_issue(client=two_clients.a, name="old", scopes=["customers:read"])
    api_key_revoke(client=two_clients.a, key_id=key.pk)
    http = portal_as(two_clients.a, User.PortalRole.MANAGER)
    response = http.post(
        f"/team/api-keys/{key.pk}/scopes/", {"scopes": ["calls:read"]}, follow=True
    )
    assert "A revoked key cannot be changed" in response.content.decode()
    key.refresh_from_db()
    assert key.scopes == ["customers:read"]


def test_another_clients_key_is_a_404_and_a_viewer_a_403(two_clients):
    key_b, _ = api_key_issue(client=two_clients.b, name="b", scopes=["customers:read"])
    manager = portal_as(two_clients.a, User.PortalRole.MANAGER)
    for scopes in (["calls:read"], []):
        response = manager.post(f"/team/api-keys/{key_b.pk}/scopes/", {"scopes": scopes})
        assert response.status_code == 404
    key_a, _ = api_key_issue(client=two_clients.a, name="a", scopes=["customers:read"])
    viewer = portal_as(two_clients.a, User.PortalRole.VIEWER)
    assert (
        viewer.post(f"/team/api-keys/{key_a.pk}/scopes/", {"scopes": ["calls:read"]}).status_code
        == 403
    )
    key_a.refresh_from_db(), key_b.refresh_from_db()
    assert key_a.scopes == key_b.scopes == ["customers:read"]


def test_the_page_says_what_every_scope_opens_in_the_readers_language(two_clients):
    api_key_issue(client=two_clients.a, name="e-shop", scopes=["customers:read"])
    http = portal_as(two_clients.a, User.PortalRole.MANAGER)
    User.objects.filter(pk=int(http.session["_auth_user_id"])).update(language="de")
    page = http.get("/team/api-keys/").content.decode()
    assert set(SCOPE_HELP) == set(ApiKey.Scope.values)
    for scope, help_text in SCOPE_HELP.items():
        with translation.override("en"):
            english = str(help_text)
        with translation.override("de"):
            german = str(help_text)
        assert f"<code>{scope}</code>" in page
        assert german in page and german != english
    assert 'href="/api/v1/docs"' in page
    # The live key's form offers every scope, its own checked.
    assert page.count('name="scopes" value="customers:read" checked') == 1
