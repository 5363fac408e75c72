"""Order updates in the customer's history on the desk, marked as such; a customer's answer
by e-mail threads into the update's conversation and reopens it like any other."""

import pytest

from conversations.email_in import email_file_raw
from conversations.models import Conversation
from order_updates.models import OrderEvent
from order_updates.services import order_event_receive
from routing.models import WorkItem
from tenants.models import InboundAddress
from tests.support.desk import agent_with, inbound, signed_in
from tests.support.mail import email
from tests.support.tenancy import in_schema

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop(two_clients):
    InboundAddress.objects.create(
        client=two_clients.a, address="podpora@obuv.example", country="CZ"
    )
    return two_clients.a


def shipped(client, email_address="vera@customer.example"):
    return order_event_receive(
        client=client,
        source="shopify",
        event_id="gid://shopify/Fulfillment/1",
        kind="shipped",
        order_number="#1001",
        email=email_address,
    )


def test_the_history_shows_the_order_update_as_such(shop):
    receipt = shipped(shop, "same@example.cz")
    _, item = inbound(shop, "Dobrý den, kde jsou moje boty?", "same@example.cz", subject="Boty")
    agent = agent_with([shop], {"cs": "native"})

    page = signed_in(agent).get(f"/desk/items/{item.pk}").text
    history = page[page.index('id="history"') :]
    assert "Order update: shipped, order #1001" in history
    with in_schema(shop):
        proactive = OrderEvent.objects.get(pk=receipt.event_id).conversation_id
    assert f"/desk/clients/{shop.pk}/conversations/{proactive}" in history


def test_the_customers_answer_threads_into_the_update_and_reopens_it(shop):
    receipt = shipped(shop)
    with in_schema(shop):
        event = OrderEvent.objects.select_related("message").get(pk=receipt.event_id)
    assert not WorkItem.objects.filter(client=shop, source_id=event.conversation_id).exists()

    filed = email_file_raw(
        email(
            subject="Re: Vaše objednávka #1001 je na cestě",
            body="Dobrý den, balík ale nikde nevidím.",
            message_id="<answer-1@customer.example>",
            In_Reply_To=event.message.external_id,
        )
    )

    assert filed.conversation_id == event.conversation_id
    with in_schema(shop):
        conversation = Conversation.objects.get(pk=event.conversation_id)
        assert conversation.status in ("new", "open") and conversation.proactive
    assert WorkItem.objects.filter(
        client=shop, source_kind="conversation", source_id=conversation.pk
    ).exists()
