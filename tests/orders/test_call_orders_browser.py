"""A ringing call's screen pop shows the caller's orders in a real browser: the pop appears
on the open desk at once, desk.js then fetches the orders from the client's (fake) Shopify
shop by the calling number; a shop that does not answer within its timeout never delays the
pop, whose panel then says the shop did not answer."""

from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from orders.credentials import credentials_encrypt
from orders.models import ShopConnection
from routing.models import AgentState, WorkItem
from routing.services import route_waiting, work_enqueue
from telephony.voice.models import Call
from tests.support.billing import billing_tables_truncate
from tests.support.browser import in_another_thread, second_step, served_and_browsed
from tests.support.desk import agent_with
from tests.support.factories import PASSWORD
from tests.support.fake_shops import TOKEN, FakeShop, ShopOrder
from tests.support.tenancy import in_schema

pytestmark = pytest.mark.slow
CALLER = "+420601555111"
SLOW_CALLER = "+420601555222"


@pytest.fixture(scope="module")
def desk(two_clients, django_db_blocker):
    order = ShopOrder("#2001", "call-orders@example.cz", phone=CALLER, items=[("Red scarf", 1)])
    fake = FakeShop("shopify", [order]).start()
    with django_db_blocker.unblock():
        agent = agent_with([two_clients.a], {"cs": "native"}, language="en")
        with in_schema(two_clients.a):
            connection = ShopConnection.objects.create(
                platform="shopify",
                shop_url=fake.url,
                credentials_encrypted=credentials_encrypt({"access_token": TOKEN}),
                timeout_seconds=Decimal("2"),
            )
        calls: list[int] = []
        try:
            with served_and_browsed() as (port, browser):
                yield {
                    "url": f"http://localhost:{port}",
                    "browser": browser,
                    "agent": agent,
                    "client": two_clients.a,
                    "calls": calls,
                    "shop": fake,
                }
        finally:
            fake.stop()
            WorkItem.objects.filter(source_kind="call", source_id__in=calls).delete()
            with in_schema(two_clients.a):
                Call.objects.filter(pk__in=calls).delete()
                connection.delete()
            AgentState.objects.filter(agent=agent).delete()
            agent.delete()
            billing_tables_truncate()


def signed_in_desk(desk):
    page = desk["browser"].new_page()
    page.goto(desk["url"] + "/")
    page.get_by_label("User name").fill(desk["agent"].username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    second_step(page, desk["agent"].username)
    expect(page.locator("#my-items")).to_be_visible()
    return page


def a_call_rings(desk, number: str) -> None:
    def ring():
        client, now = desk["client"], timezone.now()
        with in_schema(client):
            call = Call.objects.create(
                call_sid=f"CAorders{number[-6:]}",
                from_number=number,
                to_number="+420228880000",
                country="CZ",
                language="cs",
                ringing_at=now,
                queued_at=now,
            )
        desk["calls"].append(call.pk)
        work_enqueue(
            client=client,
            channel="call",
            language="cs",
            source_kind="call",
            source_id=call.pk,
            summary=number,
            waiting_since=now,
        )
        route_waiting()

    in_another_thread(ring)


def calls_end(desk) -> None:
    in_another_thread(
        lambda: WorkItem.objects.filter(source_kind="call", source_id__in=desk["calls"]).delete()
    )


def test_the_callers_order_shows_in_the_screen_pop(desk):
    page = signed_in_desk(desk)
    a_call_rings(desk, CALLER)
    pop = page.locator(".screen-pop.ringing")
    expect(pop).to_be_visible(timeout=15_000)
    orders = pop.locator(".pop-orders")
    expect(orders).to_contain_text("#2001")
    expect(orders).to_contain_text("1 × Red scarf")
    expect(orders.get_by_role("link", name="Track the parcel")).to_have_attribute(
        "href", "https://track.example/CZ123"
    )
    # The inbox's refresh redraws the pops: the orders come back without asking the shop.
    asked = len(desk["shop"].requests)
    page.evaluate("window.deskRefresh()")
    page.wait_for_timeout(500)
    expect(orders).to_contain_text("#2001")
    assert len(desk["shop"].requests) == asked
    page.close()
    calls_end(desk)


def test_a_shop_that_times_out_never_delays_the_pop(desk):
    desk["shop"].delay = 4  # the connection waits 2 s
    try:
        page = signed_in_desk(desk)
        a_call_rings(desk, SLOW_CALLER)
        pop = page.locator(".screen-pop.ringing")
        expect(pop).to_be_visible(timeout=15_000)
        expect(pop).to_contain_text(SLOW_CALLER)
        # The pop is there while the shop is still being asked.
        expect(pop.locator(".pop-orders")).to_contain_text("Looking up the customer's orders")
        expect(pop.locator(".pop-orders")).to_contain_text(
            "The shop did not answer: no answer within 2 s", timeout=10_000
        )
        page.close()
    finally:
        desk["shop"].delay = 0
        calls_end(desk)
