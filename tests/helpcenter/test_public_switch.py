"""The client's help center is public only once a manager turns it on: /help/, the widget's
article suggestions and its help_url; the switch on the portal's Help center page (managers
only, audited) and in the content admin."""

import pytest
from django.test import Client as HttpClient

from accounts.models import User
from audit.models import AuditEvent
from content.admin import content_admin_site
from content.models import FaqArticle
from helpcenter.models import HelpCenterSettings
from helpcenter.selectors import articles_suggest, help_center_enabled
from tests.support.factories import UserFactory
from tests.support.portal import signed_in
from tests.support.tenancy import host_of, in_schema
from widget.models import WidgetSettings

pytestmark = pytest.mark.django_db

SHOP = "https://shop-a.example"


@pytest.fixture
def faq_a(two_clients):
    with in_schema(two_clients.a):
        FaqArticle.objects.create(
            slug="vraceni", question_cs="Vrácení zboží", answer_cs="Do 14 dnů."
        )
        WidgetSettings.objects.create(enabled=True, allowed_origins=[SHOP])
    return two_clients.a


def _user(client, role: str) -> User:
    return UserFactory(role=User.Role.CLIENT, client=client, portal_role=role, language="en")


def _public(client, enabled: bool) -> None:
    with in_schema(client):
        HelpCenterSettings.objects.update_or_create(pk=1, defaults={"enabled": enabled})


def test_the_help_center_is_not_found_until_turned_on(faq_a):
    http = HttpClient(HTTP_HOST=host_of(faq_a))
    for path in ("/help/", "/help/cs/", "/help/cs/vraceni/", "/help/cs/search?q=vraceni"):
        assert http.get(path).status_code == 404, path
    assert http.post("/help/cs/vraceni/read").status_code == 404
    with in_schema(faq_a):
        assert help_center_enabled() is False
        assert articles_suggest(query="vraceni", language="cs") == []

    _public(faq_a, True)
    assert http.get("/help/cs/vraceni/").status_code == 200
    with in_schema(faq_a):
        assert [a["url"] for a in articles_suggest(query="vraceni", language="cs")] == [
            "/help/cs/vraceni/"
        ]

    _public(faq_a, False)
    assert http.get("/help/cs/").status_code == 404


def test_the_widget_offers_the_help_center_only_when_public(faq_a):
    http = HttpClient(HTTP_HOST=host_of(faq_a), HTTP_ORIGIN=SHOP)

    def seen() -> tuple[object, list]:
        config = http.get("/widget/v1/config?language=cs").json()
        found = http.get("/widget/v1/articles?q=vraceni&language=cs").json()["articles"]
        return config["help_url"], found

    assert seen() == (None, [])
    _public(faq_a, True)
    help_url, found = seen()
    assert help_url == "/help/" and len(found) == 1


def test_a_manager_turns_it_on_and_off_audited_a_viewer_may_not(faq_a):
    http = signed_in(faq_a, _user(faq_a, User.PortalRole.MANAGER))
    page = http.get("/help-center/")
    assert 'action="/help-center/settings/"' in page.text
    assert 'id="help-center-state"' in page.text

    response = http.post("/help-center/settings/", {"enabled": "on"})
    assert response.status_code == 302
    with in_schema(faq_a):
        assert help_center_enabled() is True
    assert HttpClient(HTTP_HOST=host_of(faq_a)).get("/help/cs/").status_code == 200
    http.post("/help-center/settings/", {})
    with in_schema(faq_a):
        assert help_center_enabled() is False
    changes = AuditEvent.objects.filter(object_type="help_center_settings").order_by("pk")
    assert [event.details for event in changes] == [{"enabled": True}, {"enabled": False}]

    viewer = signed_in(faq_a, _user(faq_a, User.PortalRole.VIEWER))
    assert 'action="/help-center/settings/"' not in viewer.get("/help-center/").text
    assert viewer.post("/help-center/settings/", {"enabled": "on"}).status_code == 403
    with in_schema(faq_a):
        assert help_center_enabled() is False


def test_the_switch_is_in_the_content_admin(faq_a):
    assert HelpCenterSettings in content_admin_site._registry


def test_the_first_settings_row_decides_even_when_a_second_was_made(two_clients):
    """Two first saves at once may leave two rows: the one the portal edits decides."""
    with in_schema(two_clients.a):
        HelpCenterSettings.objects.create(enabled=False)
        HelpCenterSettings.objects.create(enabled=True)
        assert not help_center_enabled()
