"""A message to a chat customer, committed, reaches a listener of PostgreSQL's NOTIFY (what
the live process waits on): ``<schema>:<conversation>:<seq>`` on widget.signals.CHANNEL.
Committed rows (a NOTIFY is delivered at commit), deleted afterwards."""

import select
from contextlib import suppress

import psycopg
import pytest
from django.db import connection, transaction
from django.utils import timezone

from conversations.models import Conversation, Message
from conversations.services import conversation_open_inbound
from customers.models import Customer
from hours.models import ResolutionClock
from outbox.models import Delivery
from outbox.services import delivery_handed_over
from routing.models import WorkItem
from tests.support.tenancy import in_schema
from widget.models import ChatSession
from widget.signals import CHANNEL
from widget.tokens import session_key_new

pytestmark = pytest.mark.slow


def listener() -> psycopg.Connection:
    settings = connection.settings_dict
    listening = psycopg.connect(
        dbname=settings["NAME"],
        user=settings["USER"],
        password=settings["PASSWORD"] or None,
        host=settings["HOST"] or None,
        port=settings["PORT"] or None,
        autocommit=True,
    )
    listening.execute(f"LISTEN {CHANNEL}")
    return listening


def heard(listening: psycopg.Connection, seconds: float = 5) -> list[str]:
    select.select([listening.fileno()], [], [], seconds)
    return [notice.payload for notice in listening.notifies(timeout=0.5)]


def test_a_message_to_the_customer_notifies_the_listener_at_commit(two_clients, django_db_blocker):
    client = two_clients.a
    email = "notify@example.cz"
    with django_db_blocker.unblock():
        with in_schema(client), transaction.atomic():
            conversation = conversation_open_inbound(
                client=client, channel="chat", text="Ahoj", customer_email=email, language="cs"
            ).conversation
            ChatSession.objects.create(
                conversation=conversation, key=session_key_new(), created_at=timezone.now()
            )
        listening = listener()
        try:
            with in_schema(client), transaction.atomic():
                message = Message.objects.create(
                    conversation=conversation,
                    direction=Message.Direction.OUTBOUND,
                    channel="chat",
                    body_text="Dobrý den, hned to zjistím.",
                    created_at=timezone.now(),
                )
                delivery_handed_over(client=client, message=message, kind=Delivery.Kind.AUTOMATIC)
                assert heard(listening, 0.2) == []  # not before the commit
            assert heard(listening) == [f"{client.schema_name}:{conversation.pk}:1"]
        finally:
            listening.close()
            Delivery.objects.filter(client=client, conversation_id=conversation.pk).delete()
            WorkItem.objects.filter(client=client, source_id=conversation.pk).delete()
            ResolutionClock.objects.filter(client=client, conversation_id=conversation.pk).delete()
            with in_schema(client):
                ChatSession.objects.filter(conversation=conversation).delete()
                Message.objects.filter(conversation=conversation).delete()
                Conversation.objects.filter(pk=conversation.pk).delete()
                with suppress(Exception):
                    Customer.objects.filter(email=email).delete()
