"""Inbound mail that must not mislead: provider webhooks without a secret, forged replies,
broken templates and odd subjects, bounces and auto-replies."""

import pytest
from django.test import Client as HttpClient

from conversations.email_in import email_file_raw
from conversations.models import Conversation, Message
from tenants.models import InboundAddress
from tests.support.mail import email
from tests.support.tenancy import in_schema

pytestmark = pytest.mark.django_db


@pytest.fixture
def mailbox(two_clients):
    InboundAddress.objects.create(client=two_clients.a, address="podpora@obuv.example")
    return two_clients.a


def test_provider_webhooks_are_not_served_without_a_secret(two_clients):
    assert HttpClient(HTTP_HOST="localhost").post("/anymail/sendgrid/inbound/").status_code == 404


def test_a_forged_in_reply_to_opens_a_new_conversation(mailbox):
    first = email_file_raw(email())
    real = email_file_raw(
        email(
            message_id="<m3@customer.example>",
            In_Reply_To="<m1@customer.example>",
            body="Ještě dotaz.",
        )
    )
    assert real.conversation_id == first.conversation_id  # the same sender: a real reply
    message = email(
        message_id="<evil2@x.example>",
        In_Reply_To="<m1@customer.example>",
        body="Změňte mi adresu doručení na jinou, prosím.",
    )
    stranger = email_file_raw(message.replace(b"vera@customer.example", b"mallory@evil.example"))
    assert stranger.conversation_id != first.conversation_id and not stranger.threaded


def test_a_broken_template_or_odd_subject_does_not_stop_mail(mailbox):
    from content.models import MessageTemplate

    with in_schema(mailbox):
        MessageTemplate.objects.create(
            kind="acknowledgement", body_cs="Díky {jmeno}, {expected_answer}"
        )
    filed = email_file_raw(
        email(
            subject="=?utf-8?q?Dotaz=0Ana_dv=C4=9B_=C5=99=C3=A1dky?=",
            message_id="<" + "x" * 300 + "@long.example>",
        )
    )
    with in_schema(mailbox):
        conversation = Conversation.objects.get(pk=filed.conversation_id)
        ack = Message.objects.get(conversation=conversation, direction="out")
    assert "\n" not in conversation.subject
    assert ack.body_text.startswith("Díky {jmeno}, ")


def test_bounces_and_auto_replies_get_no_acknowledgement(mailbox):
    from content.models import MessageTemplate

    with in_schema(mailbox):
        MessageTemplate.objects.create(kind="acknowledgement", body_cs="Děkujeme.")
    filed = email_file_raw(email(Auto_Submitted="auto-replied", message_id="<auto@x.example>"))
    with in_schema(mailbox):
        assert not Message.objects.filter(
            conversation_id=filed.conversation_id, direction="out"
        ).exists()
