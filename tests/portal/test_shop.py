"""A client's managers connect their shop on the portal (portal.shop): the form saves the
platform, address, timeout and write-only encrypted credentials, "Test connection" makes one
real lookup against the (fake) shop and says what failed, both are in the audit log without
any secret; viewers get 403."""

from decimal import Decimal

import pytest
from django.test import Client as HttpClient

from accounts.models import User
from audit.models import AuditEvent
from orders.credentials import credentials_decrypt, credentials_encrypt
from orders.models import ShopConnection
from tests.support.factories import UserFactory
from tests.support.fake_shops import CONSUMER, TOKEN, FakeShop, ShopOrder
from tests.support.tenancy import host_of, in_schema

pytestmark = pytest.mark.django_db


@pytest.fixture
def fake_shop():
    shop = FakeShop("shopify", [ShopOrder("#1001", "vera@example.cz")]).start()
    yield shop
    shop.stop()


def portal_of(client, role=User.PortalRole.MANAGER, language="en") -> HttpClient:
    user = UserFactory(role=User.Role.CLIENT, client=client, portal_role=role, language=language)
    http = HttpClient(HTTP_HOST=host_of(client))
    http.force_login(user)
    return http


def shopify_form(url: str, **fields) -> dict:
    return {
        "platform": "shopify",
        "shop_url": url,
        "api_version": "2025-01",
        "timeout_seconds": "1",
        "enabled": "on",
        "access_token": TOKEN,
        **fields,
    }


def test_a_manager_connects_a_shop_and_its_secrets_are_never_shown(two_clients, fake_shop):
    http = portal_of(two_clients.a)
    assert "No shop connected yet." in http.get("/shop/").text
    saved = http.post("/shop/", shopify_form(fake_shop.url, webhook_secret="whsec-1"))
    assert saved.status_code == 302 and saved["Location"] == "/shop/"
    page = http.get("/shop/")
    assert "Shop connection saved." in page.text and "Shopify" in page.text
    assert TOKEN not in page.text and "whsec-1" not in page.text
    assert page["Cache-Control"] == "no-store"
    assert page.text.count("A value is stored.") == 2  # the token and the webhook secret
    with in_schema(two_clients.a):
        connection = ShopConnection.objects.get()
        assert TOKEN not in connection.credentials_encrypted
        assert credentials_decrypt(connection.credentials_encrypted) == {
            "access_token": TOKEN,
            "webhook_secret": "whsec-1",
        }
        assert connection.timeout_seconds == Decimal("1.0")
    # A blank field keeps what is stored; a new value replaces it.
    http.post("/shop/", shopify_form(fake_shop.url, access_token="", timeout_seconds="2"))
    with in_schema(two_clients.a):
        connection = ShopConnection.objects.get()
        assert credentials_decrypt(connection.credentials_encrypted)["access_token"] == TOKEN
        assert connection.timeout_seconds == Decimal("2.0")
    events = AuditEvent.objects.filter(
        client_id=two_clients.a.pk, object_type="shop_connection"
    ).order_by("pk")
    assert [e.details["change"] for e in events] == [
        "shop connection added",
        "shop connection changed",
    ]
    assert events[0].details["credentials_replaced"] == ["access_token", "webhook_secret"]
    assert events[1].details == {
        "change": "shop connection changed",
        "fields": ["timeout_seconds"],
        "credentials_replaced": [],
    }
    assert not any(TOKEN in str(e.details) or "whsec-1" in str(e.details) for e in events)


def test_the_form_refuses_what_cannot_work(two_clients):
    http = portal_of(two_clients.a)
    refused = http.post(
        "/shop/",
        {"platform": "woocommerce", "shop_url": "http://shop.example", "timeout_seconds": "60"},
    )
    assert refused.status_code == 400
    assert "The shop&#x27;s address must start with https://." in refused.text
    assert "Consumer key: Required for this platform." in refused.text
    assert "Timeout (seconds):" in refused.text
    with in_schema(two_clients.a):
        assert not ShopConnection.objects.exists()


def connected(client, url: str, token: str = TOKEN, timeout: str = "1") -> None:
    with in_schema(client):
        ShopConnection.objects.create(
            platform="shopify",
            shop_url=url,
            credentials_encrypted=credentials_encrypt({"access_token": token}),
            timeout_seconds=Decimal(timeout),
        )


def after_a_test(http: HttpClient) -> str:
    response = http.post("/shop/test/")
    assert response.status_code == 302
    return http.get("/shop/").text


def test_test_connection_makes_one_real_lookup(two_clients, fake_shop):
    connected(two_clients.a, fake_shop.url)
    http = portal_of(two_clients.a)
    assert "The shop answered: the connection works." in after_a_test(http)
    [asked] = fake_shop.requests
    assert "connection-test@polydesk.invalid" in asked["body"]
    event = AuditEvent.objects.get(client_id=two_clients.a.pk, object_type="shop_connection")
    assert event.details == {"change": "shop connection tested", "result": "ok", "reason": ""}


def test_test_connection_says_the_credentials_were_refused(two_clients, fake_shop):
    connected(two_clients.a, fake_shop.url, token="wrong")
    page = after_a_test(portal_of(two_clients.a))
    assert "The shop refused the credentials: check the token or keys." in page
    assert "(the shop refused the credentials (HTTP 401))" in page


def test_test_connection_says_the_shop_did_not_answer(two_clients, fake_shop):
    fake_shop.delay = 2
    connected(two_clients.a, fake_shop.url, timeout="0.5")
    page = after_a_test(portal_of(two_clients.a))
    assert "The shop did not answer within the timeout. (no answer within 0.5 s)" in page


def test_test_connection_says_the_shop_cannot_be_reached(two_clients, fake_shop):
    fake_shop.stop()
    connected(two_clients.a, fake_shop.url)
    page = after_a_test(portal_of(two_clients.a))
    assert "The shop cannot be reached: check the address." in page
    event = AuditEvent.objects.get(client_id=two_clients.a.pk, object_type="shop_connection")
    assert event.details["result"] == "unreachable"


def test_woocommerce_credentials_are_tested_too(two_clients):
    woo = FakeShop("woocommerce", []).start()
    try:
        with in_schema(two_clients.a):
            ShopConnection.objects.create(
                platform="woocommerce",
                shop_url=woo.url,
                credentials_encrypted=credentials_encrypt(
                    {"consumer_key": CONSUMER[0], "consumer_secret": "cs_wrong"}
                ),
            )
        page = after_a_test(portal_of(two_clients.a))
        assert "The shop refused the credentials" in page
    finally:
        woo.stop()


def test_without_a_connection_there_is_nothing_to_test(two_clients):
    http = portal_of(two_clients.a)
    assert "Connect a shop first." in after_a_test(http)


def test_viewers_are_refused(two_clients, fake_shop):
    connected(two_clients.a, fake_shop.url)
    viewer = portal_of(two_clients.a, role=User.PortalRole.VIEWER)
    assert viewer.get("/shop/").status_code == 403
    assert viewer.post("/shop/", shopify_form("https://evil.example")).status_code == 403
    assert viewer.post("/shop/test/").status_code == 403
    assert fake_shop.requests == []


def test_the_page_speaks_the_managers_language(two_clients):
    page = portal_of(two_clients.a, language="cs").get("/shop/").text
    assert "Otestovat připojení" not in page  # nothing to test yet
    assert "Zatím není připojen žádný obchod." in page
    assert "Adresa obchodu" in page


# --- Private and local networks (issue #20): a manager must not probe Polydesk's network ---


@pytest.fixture
def production_addresses(settings):
    settings.ORDERS_ALLOW_PRIVATE_ADDRESSES = False  # as outside development
    return settings


@pytest.mark.parametrize(
    ("url", "host"),
    [
        ("https://10.0.0.7/", "10.0.0.7"),
        ("https://127.0.0.1:8443/", "127.0.0.1"),
        ("https://169.254.169.254/latest/meta-data/", "169.254.169.254"),
        ("https://[::1]/", "::1"),
        ("https://192.168.1.10:9200/", "192.168.1.10"),
        ("https://localhost/", "localhost"),  # a name: resolved (DNS) to 127.0.0.1
    ],
)
def test_a_private_or_local_address_is_refused_when_saved(
    two_clients, production_addresses, url, host
):
    http = portal_of(two_clients.a)
    refused = http.post("/shop/", shopify_form(url))
    assert refused.status_code == 400
    said = f"Shop address: Enter a public address: {host} is in a private or local network."
    assert said in refused.text.replace("&#x27;", "'")
    # Plain HTTP to this machine, allowed in development, is not either.
    local = http.post("/shop/", shopify_form("http://localhost:8000/"))
    assert local.status_code == 400 and "localhost is in a private" in local.text
    with in_schema(two_clients.a):
        assert not ShopConnection.objects.exists()


def test_a_stored_private_address_is_never_asked(two_clients, fake_shop, settings):
    # Saved while allowed (or a name that resolves elsewhere now): refused at the request.
    connected(two_clients.a, fake_shop.url.replace("127.0.0.1", "localhost"))
    settings.ORDERS_ALLOW_PRIVATE_ADDRESSES = False
    page = after_a_test(portal_of(two_clients.a)).replace("&#x27;", "'")
    assert "The shop's address is not allowed: it is in a private or local network." in page
    assert fake_shop.requests == []
    event = AuditEvent.objects.get(client_id=two_clients.a.pk, object_type="shop_connection")
    assert event.details["result"] == "address"
    # Development (the demo's and the tests' fake shops): allowed.
    settings.ORDERS_ALLOW_PRIVATE_ADDRESSES = True
    assert "The shop answered: the connection works." in after_a_test(portal_of(two_clients.a))
    assert len(fake_shop.requests) == 1


def test_the_page_names_the_addresses_the_shop_sends_its_order_events_to(two_clients):
    """The manager copies them into the shop's webhook settings: this client's domain, one
    address per platform, with the topics to choose (in the manager's language)."""
    page = portal_of(two_clients.a, language="cs").get("/shop/").text
    host = host_of(two_clients.a)
    assert f"<code>http://{host}/order-events/shopify/</code>" in page
    assert f"<code>http://{host}/order-events/woocommerce/</code>" in page
    assert "fulfillments/update" in page
    assert "Události objednávek z vašeho obchodu" in page
