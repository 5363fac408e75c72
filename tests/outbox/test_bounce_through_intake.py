"""A delivery report that arrives as mail marks the message it names bounced: the inbound
side (intake, email_in) and the outbox meet only through ``email_in.on_bounce``, which the
conversations app fills at start-up."""

import pytest

from conversations.models import Message
from intake.services import mail_receive
from outbox.models import Delivery
from tests.conftest import in_schema
from tests.intake.conftest import corpus, mailboxes  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db


def test_a_bounce_by_mail_marks_our_acknowledgement_bounced_with_the_reason(
    mailboxes,  # noqa: F811
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
    mailboxes,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        mail_receive(raw=corpus("dsn_postfix.eml"), source="pipe")
    assert not Delivery.objects.filter(client=mailboxes.a, state="bounced").exists()
