"""Inbound e-mail: routing to the client, threading, hostile and odd messages."""

import os
import subprocess
import sys
from email.message import EmailMessage
from pathlib import Path

import pytest
from anymail.inbound import AnymailInboundMessage
from anymail.signals import AnymailInboundEvent, inbound
from django.test import Client as HttpClient

from conversations.email_in import MAX_BYTES, EmailRejected, email_file_raw
from conversations.models import Conversation, Message
from routing.models import WorkItem
from tenants.models import InboundAddress
from tests.support.database import test_database_url
from tests.support.mail import email
from tests.support.tenancy import in_schema

pytestmark = pytest.mark.django_db


@pytest.fixture
def mailboxes(two_clients):
    InboundAddress.objects.create(
        client=two_clients.a, address="Podpora@Obuv.example", country="CZ"
    )
    InboundAddress.objects.create(client=two_clients.b, address="pomoc@sklep.example")
    return two_clients


def test_a_message_to_a_clients_address_opens_a_conversation_with_the_original(mailboxes):
    raw = email()
    filed = email_file_raw(raw)
    assert (filed.client_slug, filed.threaded) == ("client-a", False)
    with in_schema(mailboxes.a):
        conversation = Conversation.objects.get(pk=filed.conversation_id)
        message = conversation.messages.get()
        assert (conversation.channel, conversation.language) == ("email", "cs")
        assert conversation.customer.email == "vera@customer.example"
        assert conversation.customer.name == "Věra Malá"
        assert bytes(message.raw) == raw
        assert message.external_id == "<m1@customer.example>"


def test_a_reply_joins_its_conversation_and_reopens_it(mailboxes):
    first = email_file_raw(email())
    with in_schema(mailboxes.a):
        Conversation.objects.filter(pk=first.conversation_id).update(status="resolved")
    WorkItem.objects.filter(source_id=first.conversation_id).update(status="done")

    reply = email_file_raw(
        email(
            message_id="<m2@customer.example>",
            subject="Re: Reklamace",
            In_Reply_To="<m1@customer.example>",
            body="Ještě jsem nedostala odpověď.",
        )
    )
    assert (reply.conversation_id, reply.threaded) == (first.conversation_id, True)
    with in_schema(mailboxes.a):
        conversation = Conversation.objects.get(pk=first.conversation_id)
        assert (conversation.status, conversation.reopen_count) == ("open", 1)
        assert conversation.messages.count() == 2
    assert WorkItem.objects.filter(source_id=first.conversation_id, status="waiting").exists()


def test_a_provider_retry_is_filed_once(mailboxes):
    first, again = email_file_raw(email()), email_file_raw(email())
    assert first.conversation_id == again.conversation_id
    with in_schema(mailboxes.a):
        assert Message.objects.count() == 1


def test_html_with_scripts_is_sanitised_and_the_text_kept(mailboxes):
    filed = email_file_raw(
        email(
            html="<p onclick='steal()'>Dobrý den, <b>boty</b> nepřišly.</p>"
            "<script>alert(1)</script><img src=x onerror=alert(2)>",
        )
    )
    with in_schema(mailboxes.a):
        message = Message.objects.get(conversation_id=filed.conversation_id)
    assert "<script" not in message.body_html and "onerror" not in message.body_html
    assert "onclick" not in message.body_html and "<b>boty</b>" in message.body_html


def test_a_foreign_charset_and_no_message_id(mailboxes):
    filed = email_file_raw(
        email(
            charset="iso-8859-2",
            message_id=None,
            to="pomoc@sklep.example",
            body="Dzień dobry, zamówienie jeszcze nie dotarło. Proszę o informację, gdzie jest paczka.",  # noqa: E501
        )
    )
    with in_schema(mailboxes.b):
        conversation = Conversation.objects.get(pk=filed.conversation_id)
        assert conversation.language == "pl"
        assert "Dzień dobry" in conversation.messages.get().body_text


def test_html_only_mail_is_read_as_text(mailboxes):
    message = EmailMessage()
    message["From"], message["To"] = "x@customer.example", "podpora@obuv.example"
    message["Subject"] = "Dotaz"
    message.set_content("<div>Dobrý den, kdy mi přijde zásilka?</div>", subtype="html")
    filed = email_file_raw(message.as_bytes())
    with in_schema(mailboxes.a):
        body = Message.objects.get(conversation_id=filed.conversation_id).body_text
    assert body == "Dobrý den, kdy mi přijde zásilka?"


def test_an_empty_body_is_filed_not_refused(mailboxes):
    # Issue #14 changed this: a message with a sender and a recipient is never refused for
    # having no words (it used to raise "the message has no text").
    filed = email_file_raw(email(subject="", body="\n \n", message_id="<empty@customer.example>"))
    with in_schema(mailboxes.a):
        assert Message.objects.get(conversation_id=filed.conversation_id).body_text == "(no text)"


def test_mail_for_nobody_and_huge_mail_are_rejected_with_a_reason(mailboxes):
    with pytest.raises(EmailRejected, match="no client receives mail"):
        email_file_raw(email(to="someone@elsewhere.example"))
    with pytest.raises(EmailRejected, match="over"):
        email_file_raw(b"x" * (MAX_BYTES + 1))
    assert not WorkItem.objects.filter(channel="email").exists()


def test_the_intake_endpoint_needs_its_token(mailboxes, settings):
    settings.MAIL_INTAKE_TOKEN = "s3cret-intake"
    http = HttpClient(HTTP_HOST="localhost")
    raw = email()
    refused = http.post(
        "/mail/inbound", raw, content_type="message/rfc822", HTTP_AUTHORIZATION="Bearer wrong"
    )
    filed = http.post(
        "/mail/inbound",
        raw,
        content_type="message/rfc822",
        HTTP_AUTHORIZATION="Bearer s3cret-intake",
    )
    unknown = http.post(
        "/mail/inbound",
        email(to="x@nowhere.example"),
        content_type="message/rfc822",
        HTTP_AUTHORIZATION="Bearer s3cret-intake",
    )
    assert refused.status_code == 401
    assert filed.status_code == 201 and filed.json()["client"] == "client-a"
    assert unknown.status_code == 422 and "no client receives mail" in unknown.json()["error"]


def test_provider_webhooks_arrive_through_anymails_signal(mailboxes):
    message = AnymailInboundMessage.parse_raw_mime_bytes(
        email(
            to="pomoc@sklep.example",
            body="Dzień dobry, proszę o fakturę VAT do zamówienia numer 4411.",
        )
    )
    inbound.send(
        sender=object,
        event=AnymailInboundEvent(event_type="inbound", message=message),
        esp_name="Test",
    )
    with in_schema(mailboxes.b):
        assert Conversation.objects.filter(channel="email", language="pl").count() == 1


def test_the_mta_pipe_command_bounces_mail_for_nobody(mailboxes):
    root = Path(__file__).resolve().parents[2]
    environment = {**os.environ, "DATABASE_URL": test_database_url()}

    def pipe(raw: bytes) -> subprocess.CompletedProcess:
        command = [sys.executable, "manage.py", "receive_email"]
        return subprocess.run(
            command, input=raw, cwd=root, env=environment, capture_output=True, timeout=120
        )

    bounced = pipe(email(to="ghost@nowhere.example"))
    assert bounced.returncode == 67 and b"no client receives mail" in bounced.stderr
