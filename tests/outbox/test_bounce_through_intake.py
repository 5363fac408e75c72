"""A delivery report that arrives as mail marks the message it names bounced: the inbound
side (intake, email_in) and the outbox meet only through ``email_in.on_bounce``, which the
conversations app fills at start-up."""

import pytest
from django.test import Client as HttpClient

from conversations.models import Message
from intake.services import mail_receive
from outbox.models import Delivery
from outbox.services import delivery_bounced, delivery_retry
from tests.support.mail import corpus
from tests.support.tenancy import in_schema

pytestmark = pytest.mark.django_db


def test_a_bounce_by_mail_marks_our_acknowledgement_bounced_with_the_reason(
    mailboxes,
    django_capture_on_commit_callbacks,
):
    raw = corpus("two_from_addresses.eml").replace(b"jana@customer.example", b"jana@gone.example")
    with django_capture_on_commit_callbacks(execute=True):
        first = mail_receive(raw=raw, source="pipe")
    with in_schema(mailboxes.a):
        ack = Message.objects.get(conversation_id=first.filed.conversation_id, direction="out")
    delivery = Delivery.objects.get(client=mailboxes.a, message_id=ack.pk)
    assert delivery.state == "sent"

    report = corpus("dsn_postfix.eml").replace(b"<ack-1@polydesk.test>", ack.external_id.encode())
    with django_capture_on_commit_callbacks(execute=True):
        mail_receive(raw=report, source="pipe")

    delivery.refresh_from_db()
    assert delivery.state == "bounced" and delivery.bounced_at is not None
    assert "5.1.1" in delivery.last_error and "jana@gone.example" in delivery.last_error
    with django_capture_on_commit_callbacks(execute=True):
        mail_receive(raw=report.replace(b"8A1C2C01A4@", b"second-report@"), source="pipe")
    bounced_at = delivery.bounced_at
    delivery.refresh_from_db()
    assert delivery.bounced_at == bounced_at  # a second report changes nothing


def test_a_bounce_naming_no_message_of_ours_marks_nothing(
    mailboxes,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        mail_receive(raw=corpus("dsn_postfix.eml"), source="pipe")
    assert not Delivery.objects.filter(client=mailboxes.a, state="bounced").exists()


def _acknowledged(clients, capture) -> tuple[Message, Delivery]:
    raw = corpus("two_from_addresses.eml").replace(b"jana@customer.example", b"jana@gone.example")
    with capture(execute=True):
        first = mail_receive(raw=raw, source="pipe")
    with in_schema(clients.a):
        ack = Message.objects.get(conversation_id=first.filed.conversation_id, direction="out")
    return ack, Delivery.objects.get(client=clients.a, message_id=ack.pk)


def test_a_delayed_report_is_filed_but_bounces_nothing(
    mailboxes,
    django_capture_on_commit_callbacks,
):
    ack, delivery = _acknowledged(mailboxes, django_capture_on_commit_callbacks)
    report = (
        corpus("dsn_postfix.eml")
        .replace(b"<ack-1@polydesk.test>", ack.external_id.encode())
        .replace(b"Action: failed", b"Action: delayed")
        .replace(b"Status: 5.1.1", b"Status: 4.4.7")
    )
    with django_capture_on_commit_callbacks(execute=True):
        outcome = mail_receive(raw=report, source="pipe")
    assert outcome.filed.conversation_id == ack.conversation_id  # filed in its conversation
    delivery.refresh_from_db()
    assert delivery.state == "sent"


def test_a_late_report_about_the_first_attempt_does_not_mark_a_message_sent_again(
    mailboxes,
    django_capture_on_commit_callbacks,
):

    ack, delivery = _acknowledged(mailboxes, django_capture_on_commit_callbacks)
    delivery_bounced(client=mailboxes.a, message_external_id=ack.external_id, reason="5.1.1")
    delivery_retry(client=mailboxes.a, delivery_id=delivery.pk)  # queued again, not sent yet
    second = delivery_bounced(
        client=mailboxes.a, message_external_id=ack.external_id, reason="5.1.1 from the second MX"
    )
    assert second.state == "queued"
    delivery.refresh_from_db()
    assert delivery.state == "queued" and "second MX" not in delivery.last_error


def test_mail_coming_in_with_one_of_our_message_ids_is_filed_not_taken_for_a_retry(
    mailboxes,
    django_capture_on_commit_callbacks,
):
    ack, _ = _acknowledged(mailboxes, django_capture_on_commit_callbacks)
    redirected = (
        b"From: Petr <petr@customer.example>\r\nTo: podpora@obuv.example\r\n"
        b"Subject: Fwd: your answer\r\nMessage-ID: " + ack.external_id.encode() + b"\r\n"
        b"Content-Type: text/plain; charset=utf-8\r\n\r\n"
        + "Přeposílám vaši odpověď, týká se i mě.\r\n".encode()
    )
    with django_capture_on_commit_callbacks(execute=True):
        outcome = mail_receive(raw=redirected, source="pipe")
    assert outcome.status == "filed"
    with in_schema(mailboxes.a):
        message = Message.objects.get(pk=outcome.filed.message_pk)
        assert message.direction == "in" and "Přeposílám" in message.body_text
        assert message.external_id == ""


def test_retry_asked_by_nobody_signed_in_is_sent_to_the_login(mailboxes):

    response = HttpClient(HTTP_HOST="localhost").post("/desk/deliveries/1/retry")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
