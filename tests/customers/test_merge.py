"""Merging two customers of one client (customers.services.customer_merge): conversations
and calls move to the target, the source stays as a tombstone whose e-mail and phone find
the target, and erasing either erases the whole person."""

from datetime import UTC, datetime

import pytest
from django.core.exceptions import ValidationError

from conversations.email_in import email_file_raw
from conversations.models import Conversation, Message
from conversations.services import conversation_open_inbound, customer_for_contact
from customers.models import Customer
from customers.services import customer_erase, customer_merge
from search.models import SearchDocument
from surveys.models import SurveyOptOut
from telephony.voice.models import Call
from tests.support.mail import email
from tests.support.tenancy import in_schema

pytestmark = pytest.mark.django_db

AT = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


def _contact(client, text: str, *, email_address: str = "", phone: str = "") -> Conversation:
    return conversation_open_inbound(
        client=client,
        channel="email" if email_address else "sms",
        text=text,
        customer_email=email_address,
        customer_phone=phone,
    ).conversation


def _call(customer: Customer, sid: str) -> Call:
    return Call.objects.create(
        call_sid=sid,
        from_number=customer.phone,
        to_number="+420221111111",
        language="cs",
        ringing_at=AT,
        customer=customer,
        recording_url=f"https://api.twilio.com/rec/{sid}",
    )


def test_conversations_calls_and_identities_move_and_the_source_stays_a_tombstone(two_clients):
    client = two_clients.a
    with in_schema(client):
        by_mail = _contact(client, "E-mail o botách", email_address="vera@customer.example")
        by_sms = _contact(client, "SMS o botách Žilina", phone="+420601111222")
        target, source = by_mail.customer, by_sms.customer
        call = _call(source, "CA-merge")

        customer_merge(source_id=source.pk, target_id=target.pk, actor=None)

        source.refresh_from_db()
        target.refresh_from_db()
        call.refresh_from_db()
        assert source.merged_into_id == target.pk and source.merged_at is not None
        assert set(target.conversations.values_list("pk", flat=True)) == {by_mail.pk, by_sms.pk}
        assert call.customer_id == target.pk
        assert target.phone == "+420601111222"  # an empty field of the target filled
        # The source's number finds the target; history kept on the tombstone's row.
        assert customer_for_contact(email="", phone="+420601111222", name="", country="").pk == (
            target.pk
        )
        document = SearchDocument.objects.get(client=client, conversation_id=by_sms.pk)
        assert document.customer_id == target.pk


def test_mail_from_the_merged_customers_address_threads_and_opens_at_the_target(mailboxes):
    client = mailboxes.a
    email_file_raw(email(message_id="<one@customer.example>"))  # vera@customer.example
    with in_schema(client):
        vera = Customer.objects.get(email="vera@customer.example")
        other = Customer.objects.create(name="Věra M.", email="vera.mala@work.example")
        customer_merge(source_id=vera.pk, target_id=other.pk, actor=None)

    reply = email_file_raw(
        email(message_id="<two@customer.example>", In_Reply_To="<one@customer.example>")
    )
    fresh = email_file_raw(email(message_id="<three@customer.example>", subject="Nová věc"))

    assert reply.threaded
    with in_schema(client):
        assert Conversation.objects.get(pk=fresh.conversation_id).customer_id == other.pk
        assert not Customer.objects.filter(merged_into__isnull=True, email=vera.email).exists()


def test_refusals_itself_twice_into_a_tombstone(two_clients):
    with in_schema(two_clients.a):
        a, b, c = (Customer.objects.create(name=n) for n in "abc")
        with pytest.raises(ValidationError, match="themselves"):
            customer_merge(source_id=a.pk, target_id=a.pk, actor=None)
        customer_merge(source_id=a.pk, target_id=b.pk, actor=None)
        with pytest.raises(ValidationError, match="already merged"):
            customer_merge(source_id=a.pk, target_id=c.pk, actor=None)
        with pytest.raises(ValidationError, match="choose that one"):
            customer_merge(source_id=c.pk, target_id=a.pk, actor=None)
        customer_merge(source_id=b.pk, target_id=c.pk, actor=None)
        a.refresh_from_db()
        assert a.merged_into_id == c.pk  # no chain: a's tombstone follows b


@pytest.mark.parametrize("erase", ["target", "tombstone"])
def test_erasure_reaches_everything_of_both_after_a_merge(two_clients, erase):
    client = two_clients.a
    with in_schema(client):
        by_mail = _contact(client, "Bydlím v Brně, Kounicova 12", email_address="jiri@example.cz")
        by_sms = _contact(client, "Volejte mi na tohle číslo", phone="+420602222333")
        target, source = by_mail.customer, by_sms.customer
        Customer.objects.filter(pk=target.pk).update(phone="+420600000001")
        call = _call(source, "CA-erase")
        customer_merge(source_id=source.pk, target_id=target.pk, actor=None)

        customer_erase(customer_id=target.pk if erase == "target" else source.pk)

        for person in Customer.objects.filter(pk__in=[source.pk, target.pk]):
            assert (person.name, person.email, person.phone) == ("", "", "")
            assert person.erased_at is not None
        assert set(
            Message.objects.filter(conversation__in=[by_mail, by_sms]).values_list(
                "body_text", flat=True
            )
        ) == {""}
        call.refresh_from_db()
        assert (call.from_number, call.recording_url) == ("", "")
        assert (
            not SearchDocument.objects.filter(client=client)
            .filter(conversation_id__in=[by_mail.pk, by_sms.pk])
            .exists()
        )


def test_a_customer_who_asked_for_no_surveys_keeps_that_when_merged(two_clients):
    client = two_clients.a
    with in_schema(client):
        asked = _contact(client, "Dotaz", email_address="bez-anket@customer.example").customer
        other = _contact(client, "SMS", phone="+420601333444").customer
        SurveyOptOut.objects.create(customer=asked, created_at=AT)
        customer_merge(source_id=asked.pk, target_id=other.pk, actor=None)
        assert SurveyOptOut.objects.get().customer_id == other.pk
        # Both had asked: one row stays, the target's.
        third = _contact(client, "Další", email_address="taky@customer.example").customer
        SurveyOptOut.objects.create(customer=third, created_at=AT)
        customer_merge(source_id=third.pk, target_id=other.pk, actor=None)
        assert list(SurveyOptOut.objects.values_list("customer_id", flat=True)) == [other.pk]
