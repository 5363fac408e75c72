import pytest

from conversations.erasure import conversations_erase_for_customer
from customers.models import Customer
from customers.registry import ERASERS
from customers.services import customer_erase
from telephony.erasure import calls_erase_for_customer
from tests.support.factories import CustomerFactory
from tests.support.tenancy import in_schema

pytestmark = pytest.mark.django_db


def test_erasing_a_customer_removes_personal_data_and_keeps_the_row(two_clients):
    with in_schema(two_clients.a):
        customer = CustomerFactory(name="Jiří Šťastný", shop_reference="C-1")
        customer_erase(customer_id=customer.pk)
        erased = Customer.objects.get(pk=customer.pk)
    assert (erased.name, erased.email, erased.phone, erased.shop_reference) == ("", "", "", "")
    assert erased.language == "cs" and erased.erased_at is not None


def test_erasing_twice_keeps_the_first_erasure_time(two_clients):
    with in_schema(two_clients.a):
        customer = CustomerFactory()
        first = customer_erase(customer_id=customer.pk).erased_at
        second = customer_erase(customer_id=customer.pk).erased_at
    assert first == second


def test_erasing_a_caller_removes_their_number_and_recordings_from_their_calls(two_clients):
    from datetime import UTC, datetime

    from telephony.voice.models import Call

    with in_schema(two_clients.a):
        customer = CustomerFactory(phone="+420601111222")
        at = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
        theirs = Call.objects.create(
            call_sid="CA-theirs",
            from_number="+420601111222",
            to_number="+420221111111",
            language="cs",
            ringing_at=at,
            recording_url="https://api.twilio.com/rec/RE1",
        )
        other = Call.objects.create(
            call_sid="CA-other",
            from_number="+420602222333",
            to_number="+420221111111",
            language="cs",
            ringing_at=at,
            recording_url="https://api.twilio.com/rec/RE2",
        )
        customer_erase(customer_id=customer.pk)
        theirs.refresh_from_db()
        other.refresh_from_db()
    assert (theirs.from_number, theirs.recording_url) == ("", "")
    assert other.from_number == "+420602222333" and other.recording_url.endswith("RE2")


def test_erasing_a_customer_erases_what_they_wrote_and_the_queues_summary(two_clients):
    from conversations.models import Conversation, Message
    from conversations.services import conversation_open_inbound
    from routing.models import WorkItem

    with in_schema(two_clients.a):
        inbound = conversation_open_inbound(
            client=two_clients.a,
            channel="api",
            subject="Reklamace, Jiří Šťastný",
            text="Dobrý den, bydlím v Brně na Kounicově 12, bota se rozpadla.",
            customer_email="jiri@example.cz",
        )
        customer_erase(customer_id=inbound.conversation.customer_id)
        message = Message.objects.get(pk=inbound.message.pk)
        conversation = Conversation.objects.get(pk=inbound.conversation.pk)
    assert (message.body_text, message.body_html, conversation.subject) == ("", "", "")
    assert conversation.created_at and conversation.channel == "api"  # statistics stay
    item = WorkItem.objects.get(client=two_clients.a, source_id=conversation.pk)
    assert item.summary == ""


def test_every_room_that_keeps_a_customers_data_registered_its_eraser():
    assert conversations_erase_for_customer in ERASERS
    assert calls_erase_for_customer in ERASERS
