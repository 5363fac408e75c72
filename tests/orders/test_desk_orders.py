"""The customer's orders beside a conversation on the desk: the item page names the panel's
fragment, the fragment shows what the client's shop found (or why it did not answer), the
canned replies' {order_number} and {tracking_link} are filled from it, credentials are kept
encrypted and never shown again, and another client's agent gets 404."""

from decimal import Decimal

import pytest
from django.test import Client as HttpClient

from accounts.models import User
from audit.models import AuditEvent
from content.models import CannedReply, ReplySettings
from orders.admin import ShopConnectionForm
from orders.credentials import credentials_decrypt, credentials_encrypt
from orders.models import ShopConnection
from tests.support.desk import agent_with, held_by, inbound, signed_in
from tests.support.factories import UserFactory
from tests.support.fake_shops import TOKEN, FakeShop, ShopOrder
from tests.support.tenancy import host_of, in_schema

pytestmark = pytest.mark.django_db

TEXT = "Dobrý den, kde je moje objednávka 1001? Děkuji"


@pytest.fixture
def fake_shop():
    shop = FakeShop("shopify", [ShopOrder("#1001", "vera@example.cz")]).start()
    yield shop
    shop.stop()


@pytest.fixture
def shop(two_clients, fake_shop):
    with in_schema(two_clients.a):
        ReplySettings.objects.create(order_number_pattern=r"\b(1\d{3})\b")
        CannedReply.objects.create(
            key="where",
            title_cs="Kde",
            body_cs="Objednávka {order_number}: {tracking_link}",
        )
        ShopConnection.objects.create(
            platform="shopify",
            shop_url=fake_shop.url,
            credentials_encrypted=credentials_encrypt({"access_token": TOKEN}),
            timeout_seconds=Decimal("0.5"),
        )
    return two_clients.a


@pytest.fixture
def jana(shop):
    return agent_with([shop], {"cs": "native"}, first_name="Jana")


def test_the_item_page_shows_the_order_and_fills_the_replies(shop, jana):
    _, item = inbound(shop, TEXT, "vera@example.cz")
    held_by(item, jana)
    http = signed_in(jana)
    page = http.get(f"/desk/items/{item.pk}").text
    assert f'id="orders" data-url="/desk/items/{item.pk}/orders"' in page
    fragment = http.get(f"/desk/items/{item.pk}/orders").text
    assert "#1001" in fragment
    assert '<span class="order-status" title="PAID · FULFILLED">Paid · Shipped</span>' in fragment
    assert "2 × Blue mug" in fragment and "Brno, Czechia" in fragment
    assert 'href="https://track.example/CZ123"' in fragment
    assert 'data-order-number="1001"' in fragment
    # The shop's answer is cached: the page now fills the canned reply without asking it.
    page = http.get(f"/desk/items/{item.pk}").text
    assert 'data-text="Objednávka 1001: https://track.example/CZ123"' in page


def test_a_slow_shop_is_shown_as_not_answering(shop, jana, fake_shop):
    fake_shop.delay = 2
    _, item = inbound(shop, TEXT, "vera@example.cz")
    held_by(item, jana)
    fragment = signed_in(jana).get(f"/desk/items/{item.pk}/orders")
    assert fragment.status_code == 200
    assert "The shop did not answer: no answer within 0.5 s" in fragment.text


def test_wrong_credentials_are_shown_as_the_reason(shop, jana):
    with in_schema(shop):
        ShopConnection.objects.update(
            credentials_encrypted=credentials_encrypt({"access_token": "wrong"})
        )
    _, item = inbound(shop, TEXT, "vera@example.cz")
    held_by(item, jana)
    fragment = signed_in(jana).get(f"/desk/items/{item.pk}/orders").text
    assert "The shop did not answer: the shop refused the credentials (HTTP 401)" in fragment


def test_a_shop_that_is_down_is_shown_as_not_answering(shop, jana, fake_shop):
    fake_shop.stop()
    _, item = inbound(shop, TEXT, "vera@example.cz")
    held_by(item, jana)
    fragment = signed_in(jana).get(f"/desk/items/{item.pk}/orders").text
    assert "The shop did not answer: cannot reach the shop" in fragment


def test_without_a_shop_the_page_has_no_orders_panel(two_clients):
    agent = agent_with([two_clients.b], {"cs": "native"})
    _, item = inbound(two_clients.b, TEXT, "vera@example.cz")
    held_by(item, agent)
    assert 'id="orders"' not in signed_in(agent).get(f"/desk/items/{item.pk}").text


def test_another_clients_agent_gets_404(shop, jana, two_clients):
    _, item = inbound(shop, TEXT, "vera@example.cz")
    outsider = agent_with([two_clients.b], {"cs": "native"})
    assert signed_in(outsider).get(f"/desk/items/{item.pk}/orders").status_code == 404


def test_credentials_are_stored_encrypted_and_never_shown_again(shop):
    with in_schema(shop):
        connection = ShopConnection.objects.get()
        assert TOKEN not in connection.credentials_encrypted
        form = ShopConnectionForm(instance=connection)
        assert TOKEN not in str(form)
        # A blank field keeps the stored token; a new one replaces it.
        data = {
            "platform": "shopify",
            "shop_url": "https://example.myshopify.com",
            "api_version": "2025-01",
            "timeout_seconds": "3",
            "enabled": "on",
        }
        form = ShopConnectionForm(data=data, instance=connection)
        assert form.is_valid(), form.errors
        saved = form.save()
        assert credentials_decrypt(saved.credentials_encrypted) == {"access_token": TOKEN}
        form = ShopConnectionForm(data={**data, "platform": "woocommerce"}, instance=saved)
        assert not form.is_valid() and "consumer_key" in form.errors


def test_a_plain_http_shop_elsewhere_is_refused(shop):
    with in_schema(shop):
        form = ShopConnectionForm(
            data={
                "platform": "signed",
                "shop_url": "http://shop.example/lookup",
                "secret": "s",
                "timeout_seconds": "3",
            }
        )
        assert not form.is_valid() and "shop_url" in form.errors


def test_an_agency_admin_connects_a_shop_in_the_clients_content_admin(two_clients):
    http = HttpClient(HTTP_HOST=host_of(two_clients.b))
    http.force_login(UserFactory(role=User.Role.ADMIN, is_staff=True, is_superuser=True))
    form = http.get("/admin/orders/shopconnection/add/")
    assert form.status_code == 200 and 'name="access_token"' in form.text
    data = {
        "platform": "woocommerce",
        "shop_url": "https://shop-b.example",
        "api_version": "",
        "consumer_key": "ck_secret_b",
        "consumer_secret": "cs_secret_b",
        "timeout_seconds": "3",
        "enabled": "on",
    }
    assert http.post("/admin/orders/shopconnection/add/", data).status_code == 302
    with in_schema(two_clients.b):
        connection = ShopConnection.objects.get()
    change = http.get(f"/admin/orders/shopconnection/{connection.pk}/change/").text
    assert "ck_secret_b" not in change and "cs_secret_b" not in change
    assert AuditEvent.objects.filter(
        client=two_clients.b, object_type="shopconnection", object_id=connection.pk
    ).exists()
    with in_schema(two_clients.b):
        connection.delete()


def test_a_conversation_with_nothing_to_look_up_by_says_so(shop, jana):
    _, item = inbound(shop, "Dobrý den, mám dotaz.", "", channel="chat")
    held_by(item, jana)
    fragment = signed_in(jana).get(f"/desk/items/{item.pk}/orders").text
    assert "the customer has no e-mail address, phone number or order number here" in fragment
