"""The caller's orders on the desk: found by the calling number (and the known customer's
e-mail), shown in the call's screen pop and on the call's page after they have shown, the
shop's answer cached; a withheld number gives nothing to ask by; another client's agent
gets 404."""

from decimal import Decimal

import pytest
from django.utils import timezone

from conversations.services import conversation_open_inbound
from orders.connectors import OrderQuery, _shopify_search
from orders.credentials import credentials_encrypt
from orders.models import ShopConnection
from routing.models import WorkItem
from routing.services import work_enqueue
from telephony.voice.models import Call
from tests.support.desk import agent_with, signed_in
from tests.support.fake_shops import CONSUMER, TOKEN, FakeShop, ShopOrder
from tests.support.tenancy import in_schema

pytestmark = pytest.mark.django_db
CALLER = "+420602111222"


@pytest.fixture
def fake_shop():
    shop = FakeShop(
        "shopify",
        [
            ShopOrder("#3001", "other@example.cz", phone=CALLER, items=[("Green hat", 1)]),
            ShopOrder("#3002", "known@example.cz", created_at="2026-12-01T09:00:00Z"),
        ],
    ).start()
    yield shop
    shop.stop()


@pytest.fixture
def shop(two_clients, fake_shop):
    with in_schema(two_clients.a):
        ShopConnection.objects.create(
            platform="shopify",
            shop_url=fake_shop.url,
            credentials_encrypted=credentials_encrypt({"access_token": TOKEN}),
            timeout_seconds=Decimal("0.5"),
        )
    return two_clients.a


@pytest.fixture
def agent(shop):
    return agent_with([shop], {"cs": "native"})


def ringing(client, number: str, sid: str = "CAorders1") -> WorkItem:
    now = timezone.now()
    with in_schema(client):
        call = Call.objects.create(
            call_sid=sid,
            from_number=number,
            to_number="+420228880000",
            country="CZ",
            language="cs",
            ringing_at=now,
            queued_at=now,
        )
    work_enqueue(
        client=client,
        channel="call",
        language="cs",
        source_kind="call",
        source_id=call.pk,
        summary=number,
        waiting_since=now,
    )
    return WorkItem.objects.get(source_kind="call", source_id=call.pk, client=client)


def test_an_unknown_callers_orders_are_found_by_the_calling_number(shop, agent, fake_shop):
    item = ringing(shop, CALLER)
    fragment = signed_in(agent).get(f"/desk/items/{item.pk}/orders?in=pop").text
    assert "#3001" in fragment and "1 × Green hat" in fragment and "#3002" not in fragment
    # Several pops on one desk: the fragment carries no page-wide ids.
    assert 'id="orders-found"' not in fragment and 'class="pop-orders-found"' in fragment
    assert f'phone:\\"{CALLER}\\"' in fake_shop.requests[-1]["body"]


def test_a_known_callers_orders_are_found_by_number_and_e_mail(shop, agent, fake_shop):
    with in_schema(shop):
        conversation_open_inbound(
            client=shop,
            channel="email",
            text="Dobrý den",
            customer_email="known@example.cz",
            customer_phone=CALLER,
        )
    item = ringing(shop, CALLER)
    fragment = signed_in(agent).get(f"/desk/items/{item.pk}/orders").text
    assert "#3001" in fragment and "#3002" in fragment
    assert fragment.index("#3002") < fragment.index("#3001")  # newest first
    http = signed_in(agent)
    asked = len(fake_shop.requests)
    http.get(f"/desk/items/{item.pk}/orders")  # cached: the shop is not asked again
    assert len(fake_shop.requests) == asked


def test_a_conversation_asks_by_e_mail_and_only_then_by_phone():
    assert _shopify_search(OrderQuery(email="a@b.cz", phone="+42060")) == 'email:"a@b.cz"'
    assert _shopify_search(OrderQuery(phone="+42060")) == 'phone:"+42060"'
    caller = OrderQuery(email="a@b.cz", phone="+42060", by_phone=True)
    assert _shopify_search(caller) == 'email:"a@b.cz" OR phone:"+42060"'


def test_woocommerce_is_asked_by_the_number_and_the_e_mail(shop, agent):
    woo = FakeShop("woocommerce", [ShopOrder("3003", "known@example.cz", phone=CALLER)]).start()
    try:
        with in_schema(shop):
            ShopConnection.objects.update(
                platform="woocommerce",
                shop_url=woo.url,
                credentials_encrypted=credentials_encrypt(
                    {"consumer_key": CONSUMER[0], "consumer_secret": CONSUMER[1]}
                ),
            )
        item = ringing(shop, CALLER)
        fragment = signed_in(agent).get(f"/desk/items/{item.pk}/orders").text
        assert "3003" in fragment
        assert [r["path"].split("search=")[1].split("&")[0] for r in woo.requests] == [
            "%2B420602111222"
        ]
    finally:
        woo.stop()


def test_the_pop_and_the_calls_page_show_an_orders_panel_fetched_later(shop, agent, fake_shop):
    item = ringing(shop, CALLER)
    item.status, item.agent = "assigned", agent
    item.assigned_at = timezone.now()
    item.save()
    http = signed_in(agent)
    home = http.get("/").text
    assert f'class="pop-orders" data-url="/desk/items/{item.pk}/orders?in=pop"' in home
    page = http.get(f"/desk/items/{item.pk}").text
    assert f'id="orders" data-url="/desk/items/{item.pk}/orders"' in page
    assert fake_shop.requests == []  # neither page asked the shop itself


def test_without_a_shop_the_pop_has_no_orders_panel(two_clients):
    agent = agent_with([two_clients.b], {"cs": "native"})
    item = ringing(two_clients.b, CALLER)
    item.status, item.agent, item.assigned_at = "assigned", agent, timezone.now()
    item.save()
    assert "pop-orders" not in signed_in(agent).get("/").text


def test_a_withheld_number_gives_nothing_to_ask_by(shop, agent, fake_shop):
    item = ringing(shop, "")
    fragment = signed_in(agent).get(f"/desk/items/{item.pk}/orders").text
    assert "Nothing to look the orders up by" in fragment
    assert fake_shop.requests == []


def test_another_clients_agent_gets_404(shop, two_clients):
    item = ringing(shop, CALLER)
    outsider = agent_with([two_clients.b], {"cs": "native"})
    assert signed_in(outsider).get(f"/desk/items/{item.pk}/orders").status_code == 404
