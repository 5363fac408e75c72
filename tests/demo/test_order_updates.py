"""The demo's order updates: the two demo shops' customers were told of their orders; the
portal's page counts them, and the desk shows them in the customers' histories."""

import re

import pytest
from django.test import Client as HttpClient

from accounts.models import User
from conversations.models import Conversation
from demo.cast import DEMO_PASSWORD
from demo.shop_orders import DEMO_SHOPS
from order_updates.models import OrderEvent
from routing.models import WorkItem
from tenants.models import Client
from tests.support.desk import signed_in
from tests.support.tenancy import host_of, in_schema

pytestmark = pytest.mark.django_db


def test_each_demo_shop_told_its_customers_once_and_the_portal_counts_it(demo_seeded):
    for slug, platform, _ in DEMO_SHOPS:
        client = Client.objects.get(slug=slug)
        with in_schema(client):
            events = list(OrderEvent.objects.filter(source=platform))
        assert len(events) >= 8, slug
        assert {event.state for event in events} == {"sent"}
        assert all(event.conversation_id for event in events)
        assert f"order updates of {slug}: {len(events)} new" in demo_seeded.output
        assert f"order updates of {slug}: 0 new" in demo_seeded.output  # the second run

        http = HttpClient(HTTP_HOST=host_of(client))
        assert http.login(username=f"{slug}-manager", password=DEMO_PASSWORD)
        page = http.get("/order-updates/")
        assert page.status_code == 200
        shown = re.search(r'id="order-updates-prevented">(\d+)<', page.text)
        assert shown and int(shown[1]) >= 1


def test_an_agent_sees_the_order_updates_in_a_waiting_customers_history(demo_seeded):
    """A customer who waits on the desk was told of an order: the item page's history says
    which update it was."""
    client = Client.objects.get(slug="bohemia-shoes")
    with in_schema(client):
        told = set(OrderEvent.objects.values_list("customer_id", flat=True))
        waiting = dict(
            Conversation.objects.filter(
                customer_id__in=told, proactive=False, status__in=["new", "open", "pending"]
            ).values_list("pk", "customer_id")
        )
    item = WorkItem.objects.filter(
        client=client, source_kind="conversation", source_id__in=list(waiting)
    ).first()
    assert item is not None, "a customer told of an order waits on the desk"
    page = signed_in(User.objects.get(username="jana")).get(f"/desk/items/{item.pk}")
    assert page.status_code == 200
    # In Jana's language: "Informace o objednávce: odesláno, objednávka 2026-…".
    assert re.search(r'class="order-update">[^<]+: [^<]+, objednávka \d', page.text)
