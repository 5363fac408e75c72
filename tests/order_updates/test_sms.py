"""Order updates by SMS where the client allows it: from the client's SMS number through
Twilio (a local fake), never in the client's quiet hours (they wait in the outbox)."""

from datetime import UTC, datetime

import pytest

from conversations.models import Conversation, Message
from customers.models import Customer
from order_updates.models import OrderEvent, OrderUpdateSettings
from order_updates.services import order_event_receive
from outbox.models import Delivery
from outbox.services import deliveries_sweep, delivery_queue
from telephony.models import PhoneNumber
from tests.support.fake_twilio import FakeTwilio
from tests.support.outbox import delivery_of, send_now
from tests.support.tenancy import in_schema

pytestmark = pytest.mark.django_db
MESSAGES = "/2010-04-01/Accounts/AC123/Messages.json"
# Client B is in Warsaw: Monday 7 December 2026, 12:00 and 21:00 local time.
NOON = datetime(2026, 12, 7, 11, 0, tzinfo=UTC)
EVENING = datetime(2026, 12, 7, 20, 0, tzinfo=UTC)
NEXT_MORNING = datetime(2026, 12, 8, 7, 0, tzinfo=UTC)  # 08:00 in Warsaw


@pytest.fixture
def twilio(two_clients, settings):
    settings.TWILIO_AUTH_TOKEN = "test-auth-token"
    settings.TWILIO_ACCOUNT_SID = "AC123"
    PhoneNumber.objects.create(
        number="+48221234567", client=two_clients.b, country="PL", default_language="pl", sms=True
    )
    with FakeTwilio() as fake:
        settings.TWILIO_API_BASE_URL = fake.url
        yield fake


@pytest.fixture
def sms_allowed(two_clients):
    with in_schema(two_clients.b):
        OrderUpdateSettings.objects.create(channel=OrderUpdateSettings.Channel.SMS_WITHOUT_EMAIL)
    return two_clients.b


def out_for_delivery(client, **fields):
    values = {
        "client": client,
        "source": "woocommerce",
        "event_id": "wc-77",
        "kind": "out_for_delivery",
        "order_number": "3003",
        "phone": "601 234 567",  # read in the client's country (PL)
        "tracking_url": "https://track.example/PL3",
    }
    return order_event_receive(**(values | fields))


def message_of(client, receipt):
    with in_schema(client):
        return OrderEvent.objects.select_related("message").get(pk=receipt.event_id).message


def test_an_sms_in_the_day_goes_at_once_in_polish(sms_allowed, twilio, frozen):
    frozen(NOON)
    receipt = out_for_delivery(sms_allowed)
    assert receipt.state == "sent"
    message = message_of(sms_allowed, receipt)
    twilio.answer(MESSAGES, 201, {"sid": "SMorder1"})

    assert send_now(sms_allowed, message.pk) == "sent"
    [(_, _, form)] = [r for r in twilio.requests if r[1] == MESSAGES]
    assert form["To"] == "+48601234567" and form["From"] == "+48221234567"
    assert "zamówienie 3003" in form["Body"] and "https://track.example/PL3" in form["Body"]
    assert len(form["Body"]) <= 306


def test_an_sms_in_the_evening_waits_for_the_morning(sms_allowed, twilio, frozen):
    frozen(EVENING)
    receipt = out_for_delivery(sms_allowed)
    assert receipt.state == "queued"
    message = message_of(sms_allowed, receipt)
    delivery = delivery_of(sms_allowed, message.pk)
    assert (delivery.state, delivery.kind) == ("queued", Delivery.Kind.AUTOMATIC)
    assert delivery.next_attempt_at == NEXT_MORNING
    assert delivery.dispatched_at is None  # no task now: the sweep sends it when due

    assert send_now(sms_allowed, message.pk) == ""  # not due: nothing sent
    assert deliveries_sweep(now=EVENING) == 0
    twilio.answer(MESSAGES, 201, {"sid": "SMorder2"})
    frozen(NEXT_MORNING)
    assert send_now(sms_allowed, message.pk) == "sent"
    assert [r for r in twilio.requests if r[1] == MESSAGES]


def test_email_first_unless_the_client_chose_sms_first(sms_allowed, twilio, frozen):
    frozen(NOON)
    by_mail = out_for_delivery(sms_allowed, email="ola@example.pl")
    with in_schema(sms_allowed):
        assert OrderEvent.objects.get(pk=by_mail.event_id).channel == "email"
        OrderUpdateSettings.objects.update(channel=OrderUpdateSettings.Channel.SMS_FIRST)
    by_sms = out_for_delivery(sms_allowed, email="ola@example.pl", event_id="wc-78")
    with in_schema(sms_allowed):
        assert OrderEvent.objects.get(pk=by_sms.event_id).channel == "sms"


def test_a_phone_only_customer_of_an_email_only_client_is_no_contact(two_clients, twilio):
    receipt = out_for_delivery(two_clients.b)
    assert receipt.state == "no_contact"
    with in_schema(two_clients.b):
        assert "SMS" in OrderEvent.objects.get(pk=receipt.event_id).reason


def test_an_sms_updates_conversation_subject_is_in_the_customers_language(
    sms_allowed, twilio, frozen
):
    # The desk's history shows the subject: the kind's word in the message's language.
    frozen(NOON)
    polish = out_for_delivery(sms_allowed)
    german = out_for_delivery(
        sms_allowed, event_id="wc-78", kind="refund_sent", language="de", phone="601 234 568"
    )
    with in_schema(sms_allowed):
        subjects = [
            OrderEvent.objects.select_related("conversation")
            .get(pk=r.event_id)
            .conversation.subject
            for r in (polish, german)
        ]
    assert subjects == ["W doręczeniu: 3003", "Erstattung ausgezahlt: 3003"]


def test_a_retry_that_comes_due_in_the_quiet_hours_waits_for_the_morning(
    sms_allowed, twilio, frozen
):
    """19:59 in Warsaw: sent at once, Twilio fails; the retry is due after 20:00, so it waits
    for 08:00 (the outbox's hold, the attempt not counted), then goes."""
    before = datetime(2026, 12, 7, 18, 59, tzinfo=UTC)
    frozen(before)
    receipt = out_for_delivery(sms_allowed)
    assert receipt.state == "sent"
    message = message_of(sms_allowed, receipt)
    twilio.answer(MESSAGES, 500, {"message": "busy"})
    assert send_now(sms_allowed, message.pk) == "queued"
    asked = len([r for r in twilio.requests if r[1] == MESSAGES])

    frozen(datetime(2026, 12, 7, 19, 5, tzinfo=UTC))  # 20:05 in Warsaw: quiet
    assert send_now(sms_allowed, message.pk) == "queued"
    delivery = delivery_of(sms_allowed, message.pk)
    assert (delivery.next_attempt_at, delivery.attempts) == (NEXT_MORNING, 1)
    assert len([r for r in twilio.requests if r[1] == MESSAGES]) == asked  # nothing sent

    twilio.answer(MESSAGES, 201, {"sid": "SMorder3"})
    frozen(NEXT_MORNING)
    assert send_now(sms_allowed, message.pk) == "sent"
    assert delivery_of(sms_allowed, message.pk).attempts == 2


def test_another_sms_is_not_held_by_the_order_updates_quiet_hours(two_clients, twilio, frozen):
    """The hold is the order updates' own: an agent's SMS reply goes in the evening."""
    frozen(EVENING)
    with in_schema(two_clients.b):
        customer = Customer.objects.create(phone="+48601234567", language="pl")
        conversation = Conversation.objects.create(
            customer=customer, channel="sms", language="pl", created_at=EVENING
        )
        message = Message.objects.create(
            conversation=conversation,
            direction="out",
            channel="sms",
            body_text="Dzień dobry",
            created_at=EVENING,
        )
        delivery_queue(client=two_clients.b, message=message, kind=Delivery.Kind.REPLY)
    twilio.answer(MESSAGES, 201, {"sid": "SMreply1"})
    assert send_now(two_clients.b, message.pk) == "sent"
