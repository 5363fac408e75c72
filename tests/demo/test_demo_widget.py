"""The demo's chat widget: on for every demo client, and a sample shop page per client (in
each of its languages, served by the fake shops' process on another origin than the
portal) carrying the widget's snippet; the page's address printed with the logins."""

import threading
import urllib.error
import urllib.request
from http.server import ThreadingHTTPServer

import pytest

from conversations.models import Conversation
from demo.cast import DEMO_CLIENTS
from demo.shop_fake import ShopHandler
from demo.shop_pages import SHOP_PAGES
from demo.widget import demo_shop_origins, demo_shop_page_url
from desk.selectors import portal_url
from tenants.models import Client
from tenants.services import client_domain_for_slug
from tests.support.tenancy import in_schema
from widget.models import ChatSession, WidgetSettings


@pytest.fixture
def shops():
    server = ThreadingHTTPServer(("127.0.0.1", 0), ShopHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def fetched(url: str) -> tuple[int, str, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - a local server
            return response.status, response.headers["Content-Type"], response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers["Content-Type"], error.read().decode()


def test_each_demo_client_has_a_shop_page_in_each_of_its_languages_with_the_snippet(shops):
    for demo in DEMO_CLIENTS:
        assert list(SHOP_PAGES[demo.slug]) == demo.languages
        snippet = f'src="{portal_url(client_domain_for_slug(demo.slug))}static/polydesk/widget.js"'
        for path, language in [("", demo.languages[0])] + [(f"{c}/", c) for c in demo.languages]:
            status, content_type, page = fetched(f"{shops}/shop/{demo.slug}/{path}")
            assert (status, content_type) == (200, "text/html; charset=utf-8")
            assert f'<html lang="{language}">' in page
            assert SHOP_PAGES[demo.slug][language].product in page
            assert snippet in page and " async></script>" in page


def test_the_shop_pages_own_stylesheet_and_unknown_pages(shops):
    status, content_type, css = fetched(f"{shops}/shop/shop.css")
    assert (status, content_type) == (200, "text/css; charset=utf-8") and "button" in css
    assert fetched(f"{shops}/shop/nobody/")[0] == 404
    assert fetched(f"{shops}/shop/bohemia-shoes/pl/")[0] == 404  # not one of its languages


@pytest.mark.django_db
def test_the_demo_turns_the_widget_on_for_the_shop_pages_and_prints_them(demo_seeded, settings):
    assert demo_shop_origins() == [
        f"http://127.0.0.1:{settings.DEMO_SHOP_PORT}",
        f"http://localhost:{settings.DEMO_SHOP_PORT}",
    ]
    for demo in DEMO_CLIENTS:
        with in_schema(Client.objects.get(slug=demo.slug)):
            widget = WidgetSettings.objects.get()
            chats = Conversation.objects.filter(channel="chat", proactive=False).count()
            sessions = list(ChatSession.objects.select_related("conversation"))
        assert widget.enabled and widget.allowed_origins == demo_shop_origins()
        # Two of every three of its chats came from the widget on the sample shop page.
        assert len(sessions) == chats - chats // 3 > 0
        for session in sessions:
            assert session.conversation.channel == "chat"
            assert session.page_url == demo_shop_page_url(demo.slug)
            assert session.created_at == session.conversation.created_at
        assert f"shop page with the chat widget: {demo_shop_page_url(demo.slug)}" in (
            demo_seeded.output
        )
