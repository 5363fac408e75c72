"""The data fill of conversations 0004: a conversation whose first message to or from the
customer is an agent's was started by the agent (a new e-mail sent before the field existed);
one the customer opened (even with an internal note first) was not."""

import importlib
from datetime import timedelta

import pytest
from django.db import connection

from conversations.agent_mail import conversation_start_email
from conversations.models import Conversation, Message
from conversations.services import conversation_customer_message
from tests.support.desk import inbound
from tests.support.factories import UserFactory
from tests.support.tenancy import in_schema

pytestmark = pytest.mark.django_db

migration = importlib.import_module("conversations.migrations.0004_conversation_started_by_agent")


def test_conversations_an_agent_started_are_marked_and_no_other(two_clients):
    shop, agent = two_clients.a, UserFactory()
    customers, _item = inbound(shop, "Dobrý den, kde je balík?", "vera@customer.example")
    with in_schema(shop):
        started = conversation_start_email(
            client=shop,
            agent=agent,
            to_address="nova@zakaznice.example",
            language="cs",
            subject="Vaše reklamace",
            text="Dobrý den, posíláme náhradní boty.",
        ).conversation
        conversation_customer_message(client=shop, conversation_id=started.pk, text="Děkuji.")
        # The customer's conversation, with an internal note before its first message.
        Message.objects.create(
            conversation=customers,
            direction=Message.Direction.NOTE,
            channel="email",
            body_text="VIP",
            created_at=customers.created_at - timedelta(minutes=1),
        )
        Conversation.objects.update(started_by_agent=False)  # as before the field
        with connection.cursor() as cursor:
            cursor.execute(migration.BACKFILL)
        marked = set(
            Conversation.objects.filter(started_by_agent=True).values_list("pk", flat=True)
        )
    assert marked == {started.pk}
