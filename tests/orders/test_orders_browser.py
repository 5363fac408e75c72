"""An order shown beside a conversation, in a real browser: the item page shows at once,
desk.js fetches the orders panel from the client's (fake) Shopify shop, and "Use" puts a
canned reply with the order's number and tracking link into the reply box."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from accounts.models import User
from content.models import CannedReply, ReplySettings
from conversations.models import Conversation
from orders.credentials import credentials_encrypt
from orders.models import ShopConnection
from routing.models import AgentState, WorkItem
from tests.support.billing import billing_tables_truncate
from tests.support.browser import second_step, served_and_browsed
from tests.support.desk import agent_with, held_by, inbound
from tests.support.factories import PASSWORD
from tests.support.fake_shops import TOKEN, FakeShop, ShopOrder
from tests.support.tenancy import in_schema

pytestmark = pytest.mark.slow
TEXT = "Dobrý den, objednávka 1001 stále nepřišla. Kde je?"


@pytest.fixture(scope="module")
def desk(two_clients, django_db_blocker):
    fake = FakeShop("shopify", [ShopOrder("#1001", "orders-browser@example.cz")]).start()
    with django_db_blocker.unblock():
        agent = agent_with(
            [two_clients.a], {"cs": "native"}, language="en", first_name="Jana", last_name="Malá"
        )
        with in_schema(two_clients.a):
            settings = ReplySettings.objects.create(order_number_pattern=r"\b(1\d{3})\b")
            reply = CannedReply.objects.create(
                key="browser-orders",
                title_cs="Kde je",
                body_cs="Objednávka {order_number} je na cestě: {tracking_link}",
            )
            connection = ShopConnection.objects.create(
                platform="shopify",
                shop_url=fake.url,
                credentials_encrypted=credentials_encrypt({"access_token": TOKEN}),
                timeout_seconds=Decimal("2"),
            )
        conversation, item = inbound(two_clients.a, TEXT, "orders-browser@example.cz")
        held_by(item, agent)
        try:
            with served_and_browsed() as (port, browser):
                yield {
                    "url": f"http://localhost:{port}",
                    "browser": browser,
                    "agent": agent.username,
                    "item": item.pk,
                }
        finally:
            fake.stop()
            WorkItem.objects.filter(client=two_clients.a, source_id=conversation.pk).delete()
            with in_schema(two_clients.a):
                customer = conversation.customer
                Conversation.objects.filter(pk=conversation.pk).delete()
                customer.delete()
                for row in (reply, settings, connection):
                    row.delete()
            AgentState.objects.filter(agent=agent).delete()
            User.objects.filter(pk=agent.pk).delete()
            billing_tables_truncate()


def test_the_order_is_shown_beside_the_conversation(desk):
    page = desk["browser"].new_page()
    page.goto(desk["url"] + "/")
    page.get_by_label("User name").fill(desk["agent"])
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    second_step(page, desk["agent"])
    page.goto(desk["url"] + f"/desk/items/{desk['item']}")

    orders = page.locator("#orders")
    expect(orders).to_contain_text("#1001")
    expect(orders).to_contain_text("Paid · Shipped")  # Shopify's PAID · FULFILLED
    expect(orders).to_contain_text("2 × Blue mug")
    expect(orders).to_contain_text("Brno, Czechia")
    expect(orders.get_by_role("link", name="Track the parcel")).to_have_attribute(
        "href", "https://track.example/CZ123"
    )
    page.locator(".use-reply").first.click()
    expect(page.locator("#reply-text")).to_have_value(
        "Objednávka 1001 je na cestě: https://track.example/CZ123"
    )
