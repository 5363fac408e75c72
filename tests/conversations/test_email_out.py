"""Outgoing e-mail against a real local SMTP server (aiosmtpd): identity, threading,
the acknowledgement in the customer's language with the honest due time."""

from email import message_from_bytes
from email.policy import default

import pytest
from aiosmtpd.controller import Controller

from accounts.models import User
from content.models import MessageTemplate
from conversations.email_in import email_file_raw
from conversations.models import Message
from conversations.services import conversation_reply
from tenants.models import InboundAddress
from tests.support.factories import UserFactory
from tests.support.mail import email
from tests.support.outbox import send_now
from tests.support.tenancy import in_schema

pytestmark = pytest.mark.django_db


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd's hook name
        self.messages.append(
            (envelope.rcpt_tos, message_from_bytes(envelope.content, policy=default))
        )
        return "250 OK"


@pytest.fixture
def smtp(settings):
    import socket

    with socket.socket() as probe:  # a free port: aiosmtpd cannot be given port 0
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": controller.port},
        }
    }
    yield inbox
    controller.stop()


@pytest.fixture
def mailbox(two_clients):
    InboundAddress.objects.create(
        client=two_clients.a, address="podpora@obuv.example", country="CZ"
    )
    return two_clients.a


def test_an_agents_reply_goes_out_in_the_clients_name_threaded(mailbox, smtp, two_clients):
    filed = email_file_raw(email())
    agent = UserFactory(role=User.Role.AGENT)
    with in_schema(mailbox):
        reply = conversation_reply(
            client=mailbox,
            conversation_id=filed.conversation_id,
            agent=agent,
            text="Dobrý den, pošleme nové boty.",
        )
        assert send_now(mailbox, reply.pk) == "sent"
        assert send_now(mailbox, reply.pk) == ""  # sent once only
        assert Message.objects.get(pk=reply.pk).sent_at is not None

    [(recipients, sent)] = smtp.messages
    assert recipients == ["vera@customer.example"]
    assert sent["From"] == "Client A Obuv <podpora@obuv.example>"
    assert sent["Subject"] == "Re: Reklamace bot"
    assert sent["In-Reply-To"] == "<m1@customer.example>"
    assert sent["Message-ID"] == reply.external_id
    assert "pošleme nové boty" in sent.get_content()


def test_the_acknowledgement_is_in_the_customers_language_with_the_due_time(
    mailbox, smtp, django_capture_on_commit_callbacks
):
    with in_schema(mailbox):
        MessageTemplate.objects.create(
            kind="acknowledgement",
            subject_en="We received your message",
            body_en="We will answer {expected_answer}.",
            subject_cs="Přijali jsme Vaši zprávu",
            body_cs="Odpovíme Vám do {expected_answer}.",
        )
    with django_capture_on_commit_callbacks() as callbacks:
        filed = email_file_raw(email())
    # The send task, queued for after the commit (beside the desks' pulse of the new item).
    assert len([done for done in callbacks if done.__module__ != "routing.pulse"]) == 1
    with in_schema(mailbox):
        ack = Message.objects.get(conversation_id=filed.conversation_id, direction="out")
        assert send_now(mailbox, ack.pk) == "sent"
    [(_, sent)] = smtp.messages
    assert sent["Subject"] == "Přijali jsme Vaši zprávu"
    assert sent.get_content().startswith("Odpovíme Vám do ")
    assert "{expected_answer}" not in sent.get_content()


def test_a_reply_needs_text(mailbox):
    from django.core.exceptions import ValidationError

    filed = email_file_raw(email())
    with in_schema(mailbox), pytest.raises(ValidationError):
        conversation_reply(
            client=mailbox, conversation_id=filed.conversation_id, agent=None, text="  "
        )


def test_outside_business_hours_the_customer_is_told_so(mailbox, smtp, two_clients):
    from datetime import UTC, datetime

    from conversations.acknowledgements import conversation_acknowledge
    from conversations.services import conversation_open_inbound

    with in_schema(mailbox):
        MessageTemplate.objects.create(
            kind="acknowledgement", body_cs="Odpovíme {expected_answer}."
        )
        MessageTemplate.objects.create(
            kind="after_hours",
            subject_cs="Máme zavřeno",
            body_cs="Teď máme zavřeno; odpovíme {expected_answer}.",
        )
        saturday = datetime(2026, 11, 21, 10, 0, tzinfo=UTC)
        conversation = conversation_open_inbound(
            client=mailbox,
            channel="email",
            text="Dobrý den, kde je moje zásilka?",
            customer_email="sobota@example.cz",
            now=saturday,
        ).conversation
        ack = conversation_acknowledge(client=mailbox, conversation=conversation)
        assert ack.body_text.startswith("Teď máme zavřeno; odpovíme ")
        # From Monday 08:00 in Prague, 48 business hours (six days of 8) end Monday 30, 16:00.
        assert "30.11.26" in ack.body_text or "30. 11. 26" in ack.body_text
