"""The portal's "Chat widget" page (portal.widget): a manager turns the widget on for the
shop's origins (checked), sees the snippet and today's chats; the change is audited; viewers
get 403, another client's users 404."""

import pytest
from django.test import Client as HttpClient

from accounts.models import User
from audit.models import AuditEvent
from tests.support.factories import UserFactory
from tests.support.tenancy import host_of, in_schema
from widget.models import WidgetSettings
from widget.services import origins_parse

pytestmark = pytest.mark.django_db


def portal_of(client, role=User.PortalRole.MANAGER, user_client=None) -> HttpClient:
    user = UserFactory(
        role=User.Role.CLIENT, client=user_client or client, portal_role=role, language="en"
    )
    http = HttpClient(HTTP_HOST=host_of(client))
    http.force_login(user)
    return http


FORM = {
    "enabled": "on",
    "allowed_origins": "https://shop-a.example\nhttp://localhost:8080/",
    "colour": "#AA3300",
    "suggest_articles": "on",
}


def test_a_manager_turns_the_widget_on_for_the_shops_sites(two_clients):
    http = portal_of(two_clients.a)
    page = http.get("/chat-widget/")
    assert page.status_code == 200 and "The widget is off." in page.text
    assert "/static/polydesk/widget.js" in page.text and "async" in page.text
    # Where to paste it is said, not swallowed by the browser as a tag.
    assert "before &lt;/body&gt;:" in page.text
    saved = http.post("/chat-widget/", FORM)
    assert saved.status_code == 302 and saved["Location"] == "/chat-widget/"
    with in_schema(two_clients.a):
        settings = WidgetSettings.objects.get()
    assert settings.enabled and not settings.order_status
    assert settings.allowed_origins == ["https://shop-a.example", "http://localhost:8080"]
    assert settings.colour == "#aa3300"
    event = AuditEvent.objects.get(client_id=two_clients.a.pk, object_type="widget_settings")
    assert event.details["allowed_origins"] == settings.allowed_origins
    page = http.get("/chat-widget/")
    assert "The widget is on." in page.text
    assert "Chats started from the widget today: 0" in page.text


def test_origins_are_checked():
    assert origins_parse("HTTPS://Shop.Example/ https://shop.example") == ["https://shop.example"]
    for wrong in ["http://shop.example", "https://shop.example/boty", "shop.example", "ftp://x"]:
        with pytest.raises(Exception, match=r"shop|origin|https"):
            origins_parse(wrong)


def test_a_bad_origin_is_refused_with_the_form(two_clients):
    http = portal_of(two_clients.a)
    refused = http.post("/chat-widget/", {**FORM, "allowed_origins": "http://shop-a.example"})
    assert refused.status_code == 400 and "must use https" in refused.text
    on_without_sites = http.post("/chat-widget/", {**FORM, "allowed_origins": ""})
    assert on_without_sites.status_code == 400
    with in_schema(two_clients.a):
        assert not WidgetSettings.objects.exists()


def test_viewers_and_other_clients_users_are_refused(two_clients):
    viewer = portal_of(two_clients.a, role=User.PortalRole.VIEWER)
    assert viewer.get("/chat-widget/").status_code == 403
    assert viewer.post("/chat-widget/", FORM).status_code == 403
    stranger = portal_of(two_clients.a, user_client=two_clients.b)
    assert stranger.get("/chat-widget/").status_code == 404
