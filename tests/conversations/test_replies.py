"""Replies ready to send: placeholders filled from what is known, the refusal while any is
left (checked through the outbox: nothing with a raw placeholder leaves), the client's
signature in the conversation's language, and the placeholder rule itself."""

import logging
import time

import pytest
from django.core.exceptions import ValidationError

from accounts.models import User
from content.models import ReplySettings
from content.placeholders import placeholders_fill, placeholders_in, placeholders_unknown_names
from conversations.models import Conversation, Message
from conversations.replies import order_numbers_found, reply_values, signature_text
from conversations.services import conversation_customer_message, conversation_reply
from outbox.models import Delivery
from tenants.models import InboundAddress
from tests.support.desk import inbound
from tests.support.factories import UserFactory
from tests.support.outbox import send_now
from tests.support.smtp_sink import Sink, mailers_for, sink_start
from tests.support.tenancy import in_schema

pytestmark = pytest.mark.django_db

CZECH = "Dobrý den, kde je moje objednávka 2026-1042? Děkuji, Věra"


@pytest.fixture
def smtp(settings):
    sink = Sink()
    controller = sink_start(sink)
    settings.MAILERS = mailers_for(controller.port)
    yield sink
    controller.stop()


@pytest.fixture
def agent():
    return UserFactory(role=User.Role.AGENT, first_name="Jana", last_name="Nováková")


def _settings(client, **fields):
    with in_schema(client):
        ReplySettings.objects.update_or_create(singleton=True, defaults=fields)


# --- the rule ---------------------------------------------------------------------------------


def test_only_known_names_in_single_braces_are_placeholders():
    text = (
        'Hello {customer_name}, order {order_number}. Your data: {"order": 1}, '
        "{{order_number}}, {Order_Number}, { shop_name }, {unknown_thing}, {shop_name}."
    )
    assert placeholders_in(text) == ["customer_name", "order_number", "shop_name"]
    filled = placeholders_fill(text, {"customer_name": "Věra", "shop_name": "Obuv"})
    assert filled.startswith("Hello Věra, order {order_number}.")
    assert '{"order": 1}, {{order_number}}, {Order_Number}, { shop_name }' in filled
    assert filled.endswith("{unknown_thing}, Obuv.")
    assert placeholders_unknown_names("{ordr_number} {shop_name} {x}") == ["ordr_number", "x"]


# --- filling ---------------------------------------------------------------------------------


def test_known_placeholders_are_filled_and_the_order_number_is_found(two_clients, agent):
    _settings(two_clients.a, order_number_pattern=r"\b20\d{2}-\d{4}\b")
    conversation, _ = inbound(two_clients.a, CZECH, "vera@example.cz", subject="Kde jsou boty")
    with in_schema(two_clients.a):
        conversation = Conversation.objects.select_related("customer").get(pk=conversation.pk)
        known = reply_values(client=two_clients.a, conversation=conversation, agent=agent)
    assert known.values["shop_name"] == "Client A Obuv"
    assert known.values["agent_name"] == "Jana"
    assert known.values["order_number"] == "2026-1042"
    assert known.values["subject"] == "Kde jsou boty"
    assert known.values["conversation_number"] == str(conversation.pk)
    assert "customer_name" not in known.values  # known only by the address: left to fill


def test_two_different_order_numbers_leave_the_choice_to_the_agent(two_clients, agent):
    _settings(two_clients.a, order_number_pattern=r"č\. (\d{5})")
    conversation, _ = inbound(
        two_clients.a, "Objednávka č. 12345 nepřišla.", "two@example.cz", subject="Obj. č. 54321"
    )
    with in_schema(two_clients.a):
        found = order_numbers_found(conversation=conversation, pattern=r"č\. (\d{5})")
        conversation = Conversation.objects.select_related("customer").get(pk=conversation.pk)
        known = reply_values(client=two_clients.a, conversation=conversation, agent=agent)
    assert found == ["54321", "12345"]  # the group's part; the subject first
    assert "order_number" not in known.values and known.order_numbers == ["54321", "12345"]


def test_a_pattern_that_backtracks_stops_in_time_and_leaves_the_number_to_the_agent(
    two_clients, agent, caplog
):
    # Saved before the admin refused such patterns, or written to the table directly.
    slow = r"(\d|\d\d)+$"
    conversation, _ = inbound(two_clients.a, "1" * 5000 + "!", "slow@example.cz")
    with in_schema(two_clients.a), caplog.at_level(logging.WARNING):
        started = time.monotonic()
        found = order_numbers_found(conversation=conversation, pattern=slow)
        seconds = time.monotonic() - started
    assert found == []
    assert seconds < 2  # unchecked, the search runs for minutes
    assert "took over 0.05 s" in caplog.text


def test_without_a_pattern_the_order_number_is_unknown(two_clients, agent):
    conversation, _ = inbound(two_clients.a, CZECH, "nopattern@example.cz")
    with in_schema(two_clients.a):
        conversation = Conversation.objects.select_related("customer").get(pk=conversation.pk)
        known = reply_values(client=two_clients.a, conversation=conversation, agent=agent)
    assert "order_number" not in known.values and known.order_numbers == []


# --- refusal, through the outbox ---------------------------------------------------------


def test_a_reply_with_a_placeholder_is_refused_and_nothing_leaves(two_clients, agent):
    conversation, _ = inbound(two_clients.a, CZECH, "refused@example.cz")
    with in_schema(two_clients.a), pytest.raises(ValidationError) as refused:
        conversation_reply(
            client=two_clients.a,
            conversation_id=conversation.pk,
            agent=agent,
            text="Dobrý den {customer_name}, objednávka {order_number} je na cestě.",
        )
    assert "{customer_name}, {order_number}" in refused.value.messages[0]
    with in_schema(two_clients.a):
        assert not Message.objects.filter(conversation=conversation, direction="out").exists()
        assert Conversation.objects.get(pk=conversation.pk).status == "new"
    assert not Delivery.objects.filter(client=two_clients.a, kind="reply").exists()


def test_braces_a_customer_wrote_are_sent_as_written(two_clients, agent, smtp):
    InboundAddress.objects.create(client=two_clients.a, address="podpora@obuv.example")
    conversation, _ = inbound(two_clients.a, CZECH, "json@example.cz")
    text = 'Your shop sent us {"order": 2026, "note": "{fragile}"}; we will check it.'
    with in_schema(two_clients.a):
        reply = conversation_reply(
            client=two_clients.a, conversation_id=conversation.pk, agent=agent, text=text
        )
        assert send_now(two_clients.a, reply.pk) == "sent"
    [(_, sent)] = smtp.received
    assert text in sent.get_content()


def test_the_filled_reply_reaches_the_customer_signed_in_their_language(two_clients, agent, smtp):
    InboundAddress.objects.create(client=two_clients.a, address="podpora@obuv.example")
    _settings(
        two_clients.a,
        signature_cs="S pozdravem\n{agent_name}\nzákaznická podpora {shop_name}",
        signature_sk="S pozdravom\n{agent_name}, {shop_name}",
        signature_en="Kind regards,\n{agent_full_name}",
    )
    conversation, _ = inbound(two_clients.a, CZECH, "signed@example.cz")
    with in_schema(two_clients.a):
        reply = conversation_reply(
            client=two_clients.a,
            conversation_id=conversation.pk,
            agent=agent,
            text="Dobrý den, objednávka 2026-1042 je na cestě.",
        )
        assert send_now(two_clients.a, reply.pk) == "sent"
        stored = Message.objects.get(pk=reply.pk).body_text
    [(recipients, sent)] = smtp.received
    body = sent.get_content().replace("\r\n", "\n")
    assert recipients == ["signed@example.cz"]
    assert "objednávka 2026-1042 je na cestě.\n\n-- \nS pozdravem\nJana\n" in body
    assert "zákaznická podpora Client A Obuv" in body
    assert "{" not in body
    assert stored.endswith("zákaznická podpora Client A Obuv")  # the thread shows what was sent


def test_the_signature_follows_the_language_and_the_channels(two_clients, agent):
    _settings(
        two_clients.a,
        signature_cs="S pozdravem {agent_name}",
        signature_en="Regards, {agent_name} of {shop_name}",
    )
    with in_schema(two_clients.a):
        czech = signature_text(client=two_clients.a, channel="email", language="cs", agent=agent)
        # Slovak has no signature: its fallback chain (sk -> cs) gives the Czech one.
        slovak = signature_text(client=two_clients.a, channel="email", language="sk", agent=agent)
        english = signature_text(client=two_clients.a, channel="email", language="en", agent=agent)
        sms = signature_text(client=two_clients.a, channel="sms", language="cs", agent=agent)
    assert czech == slovak == "S pozdravem Jana"
    assert english == "Regards, Jana of Client A Obuv"
    assert sms == ""  # e-mail only, unless the client says otherwise

    _settings(two_clients.a, signature_channels=["email", "chat"])
    with in_schema(two_clients.a):
        chat = signature_text(client=two_clients.a, channel="chat", language="cs", agent=agent)
    assert chat == "S pozdravem Jana"


def test_a_chat_reply_is_unsigned_by_default_and_signed_when_configured(two_clients, agent):
    _settings(two_clients.a, signature_cs="Jana z {shop_name}")
    conversation, _ = inbound(two_clients.a, CZECH, "chat@example.cz", channel="chat")
    with in_schema(two_clients.a):
        first = conversation_reply(
            client=two_clients.a, conversation_id=conversation.pk, agent=agent, text="Ahoj."
        )
        conversation_customer_message(
            client=two_clients.a, conversation_id=conversation.pk, text="A kdy?"
        )
    _settings(two_clients.a, signature_channels=["email", "chat"])
    with in_schema(two_clients.a):
        second = conversation_reply(
            client=two_clients.a, conversation_id=conversation.pk, agent=agent, text="Zítra."
        )
    assert first.body_text == "Ahoj."
    assert second.body_text == "Zítra.\n\n-- \nJana z Client A Obuv"


def test_a_signature_line_that_cannot_be_filled_is_left_out(two_clients, agent):
    # Saved behind the admin's back (the admin refuses it): still no raw placeholder goes out.
    _settings(two_clients.a, signature_cs="S pozdravem {agent_name}\nObjednávka {order_number}")
    with in_schema(two_clients.a):
        text = signature_text(client=two_clients.a, channel="email", language="cs", agent=agent)
    assert text == "S pozdravem Jana"
