"""Mail an agent starts: a new e-mail to a customer (a conversation like an inbound one but
no contact in the figures, sent from the client's identity through the outbox) and a forward
of a conversation (through the outbox, recorded in the thread, never an answer to the
customer)."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from billing.models import UsageEntry
from content.models import ReplySettings
from conversations.agent_mail import conversation_forward, conversation_start_email
from conversations.attachments import IncomingFile, attachment_store
from conversations.models import Conversation, Message
from conversations.services import conversation_customer_message, conversation_note_add
from customers.models import Customer
from outbox.models import Delivery
from reporting.figures import Period
from reporting.selectors import kpis_for_period
from routing.models import WorkItem
from tenants.models import InboundAddress
from tests.support.desk import inbound
from tests.support.factories import UserFactory
from tests.support.outbox import send_now
from tests.support.smtp_sink import Sink, mailers_for, sink_start
from tests.support.tenancy import in_schema

pytestmark = pytest.mark.django_db


@pytest.fixture
def smtp(settings):
    sink = Sink()
    controller = sink_start(sink)
    settings.MAILERS = mailers_for(controller.port)
    yield sink
    controller.stop()


@pytest.fixture
def shop(two_clients):
    InboundAddress.objects.create(
        client=two_clients.a, address="podpora@obuv.example", country="CZ"
    )
    with in_schema(two_clients.a):
        ReplySettings.objects.create(signature_cs="S pozdravem {agent_name}, {shop_name}")
    return two_clients.a


@pytest.fixture
def agent(shop):
    user = UserFactory(role=User.Role.AGENT, first_name="Jana", last_name="Nováková")
    user.served_clients.set([shop])
    return user


def _start(shop, agent, **fields):
    values = {
        "to_address": "nova@zakaznice.example",
        "customer_name": "Nová Zákaznice",
        "language": "cs",
        "subject": "Vaše reklamace",
        "text": "Dobrý den, posíláme náhradní boty.",
    }
    with in_schema(shop):
        return conversation_start_email(client=shop, agent=agent, **{**values, **fields})


def test_a_new_email_is_a_conversation_sent_from_the_clients_identity(shop, agent, smtp):
    started = _start(shop, agent)
    with in_schema(shop):
        conversation = Conversation.objects.select_related("customer").get(
            pk=started.conversation.pk
        )
        assert conversation.channel == "email" and conversation.status == "pending"
        assert conversation.customer.name == "Nová Zákaznice"
        assert conversation.customer.language == "cs"
        assert conversation.assignee_id == agent.pk
        # Written with its outbox row in the same transaction, then sent by the outbox.
        delivery = Delivery.objects.get(client=shop, message_id=started.message.pk)
        assert delivery.state == "queued" and delivery.kind == "reply"
        assert send_now(shop, started.message.pk) == "sent"
    [(recipients, sent)] = smtp.received
    assert recipients == ["nova@zakaznice.example"]
    assert sent["From"] == "Client A Obuv <podpora@obuv.example>"
    assert sent["Subject"] == "Vaše reklamace"
    assert sent["In-Reply-To"] is None
    body = sent.get_content().replace("\r\n", "\n")
    assert body.startswith("Dobrý den, posíláme náhradní boty.\n\n-- \nS pozdravem Jana, ")
    # On the desk: an item the agent holds, without a promise (nobody waits for an answer).
    item = started.item
    assert item.status == "assigned" and item.agent_id == agent.pk and item.due_at is None
    assert item.source_id == conversation.pk and item.summary == "Vaše reklamace"


def test_the_customers_answer_comes_back_to_the_same_conversation_and_agent(shop, agent):
    started = _start(shop, agent)
    with in_schema(shop):
        conversation_customer_message(
            client=shop, conversation_id=started.conversation.pk, text="Děkuji, a kdy dorazí?"
        )
        assert Conversation.objects.get(pk=started.conversation.pk).status == "open"
    [item] = WorkItem.objects.filter(client=shop, source_id=started.conversation.pk)
    assert item.agent_id == agent.pk and item.due_at is not None  # a promise now


def test_an_existing_customer_is_found_by_the_address(shop, agent):
    with in_schema(shop):
        known = Customer.objects.create(name="Věra Malá", email="vera@customer.example")
    started = _start(shop, agent, to_address="VERA@customer.example", customer_name="")
    assert started.conversation.customer_id == known.pk


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"to_address": "not an address"}, "to_address"),
        ({"subject": "   "}, "subject"),
        ({"text": ""}, "text"),
        ({"language": "xx"}, "language"),
        ({"customer_name": "N" * 201}, "customer_name"),
    ],
)
def test_a_new_email_with_bad_input_is_refused_and_nothing_is_written(shop, agent, fields, field):
    with pytest.raises(ValidationError) as refused:
        _start(shop, agent, **fields)
    assert field in refused.value.message_dict
    with in_schema(shop):
        assert not Conversation.objects.exists()
    assert not Delivery.objects.filter(client=shop).exists()


def test_nul_pasted_into_a_new_email_is_dropped_not_a_database_error(shop, agent):
    started = _start(shop, agent, subject="Va\x00še reklamace", customer_name="Nová\x00 Z")
    assert started.conversation.subject == "Vaše reklamace"
    with in_schema(shop):
        assert Customer.objects.get(pk=started.conversation.customer_id).name == "Nová Z"


def test_a_new_email_with_a_placeholder_is_refused(shop, agent):
    with pytest.raises(ValidationError, match=r"\{order_number\}"):
        _start(shop, agent, text="Objednávka {order_number} je na cestě.")
    with pytest.raises(ValidationError, match=r"\{customer_name\}"):
        _start(shop, agent, subject="Pro {customer_name}")
    assert not Delivery.objects.filter(client=shop).exists()


def test_a_forward_goes_through_the_outbox_with_the_note_and_files(shop, agent, smtp):
    conversation, _ = inbound(
        shop, "Dobrý den, krabice byla rozbitá.", "vera@customer.example", subject="Rozbitá"
    )
    with in_schema(shop):
        first = conversation.messages.get()
        attachment_store(message=first, file=IncomingFile("krabice.png", "image/png", b"PNG!"))
        conversation_note_add(
            client=shop, conversation_id=conversation.pk, agent=agent, text="Tajná poznámka"
        )
        with transaction.atomic():
            forward = conversation_forward(
                client=shop,
                conversation_id=conversation.pk,
                agent=agent,
                to_address="sklad@obuv.example",
                note="Prosím o kontrolu zásilky.",
            )
            # The outbox row is written with the message, in the same transaction.
            assert Delivery.objects.get(client=shop, message_id=forward.pk).state == "queued"
        assert forward.direction == "note"  # in the thread, never shown as sent to the customer
        assert send_now(shop, forward.pk) == "sent"
    delivery = Delivery.objects.get(client=shop, message_id=forward.pk)
    assert delivery.kind == "forward" and delivery.recipient == "sklad@obuv.example"
    [(recipients, sent)] = smtp.received
    assert recipients == ["sklad@obuv.example"]
    assert sent["From"] == "Client A Obuv <podpora@obuv.example>"
    assert sent["Subject"] == "Fwd: Rozbitá"
    text = sent.get_body(preferencelist=("plain",)).get_content()
    assert text.startswith("Prosím o kontrolu zásilky.")
    assert "Dobrý den, krabice byla rozbitá." in text and "vera@customer.example" in text
    assert "Tajná poznámka" not in text  # internal notes are not forwarded
    assert [part.get_filename() for part in sent.iter_attachments()] == ["krabice.png"]
    # No answer to the customer: neither a first response nor billed.
    with in_schema(shop):
        assert Conversation.objects.get(pk=conversation.pk).first_response_at is None
    assert not UsageEntry.objects.filter(client=shop).exists()


def test_a_failed_forward_says_so_in_the_thread_and_queues_nothing(shop, agent, settings):
    conversation, item = inbound(shop, "Dobrý den, kde je balík?", "vera@customer.example")
    refusing = Sink(reply="550 No such user")
    controller = sink_start(refusing)
    settings.MAILERS = mailers_for(controller.port)
    try:
        with in_schema(shop):
            forward = conversation_forward(
                client=shop,
                conversation_id=conversation.pk,
                agent=agent,
                to_address="nikdo@dopravce.example",
                note="",
            )
            assert send_now(shop, forward.pk) == "failed"
            notes = list(
                Message.objects.filter(conversation=conversation, direction="note")
                .exclude(pk=forward.pk)
                .values_list("body_text", flat=True)
            )
    finally:
        controller.stop()
    assert len(notes) == 1 and "nikdo@dopravce.example could not be sent" in notes[0]
    assert WorkItem.objects.filter(client=shop, source_id=conversation.pk).count() == 1
    assert WorkItem.objects.get(pk=item.pk).priority == 0


def test_a_forward_to_a_bad_address_or_with_a_placeholder_is_refused(shop, agent):
    conversation, _ = inbound(shop, "Dobrý den, kde je balík?", "vera@customer.example")
    with in_schema(shop):
        with pytest.raises(ValidationError):
            conversation_forward(
                client=shop,
                conversation_id=conversation.pk,
                agent=agent,
                to_address="sklad@",
                note="",
            )
        with pytest.raises(ValidationError, match=r"\{order_number\}"):
            conversation_forward(
                client=shop,
                conversation_id=conversation.pk,
                agent=agent,
                to_address="sklad@obuv.example",
                note="Objednávka {order_number}",
            )
    assert not Delivery.objects.filter(client=shop).exclude(kind="automatic").exists()


def test_a_new_email_is_no_contact_even_once_the_customer_answers(shop, agent, smtp):
    started = _start(shop, agent)
    with in_schema(shop):
        assert send_now(shop, started.message.pk) == "sent"
        conversation_customer_message(
            client=shop, conversation_id=started.conversation.pk, text="Děkuji, a kdy dorazí?"
        )
    # The same customer's own e-mail the same day: a contact, and not a repeat of the first.
    own, _item = inbound(shop, "Dobrý den, ještě dotaz k velikosti.", "nova@zakaznice.example")
    now = timezone.now()
    with in_schema(shop):
        conversation = Conversation.objects.get(pk=started.conversation.pk)
        assert conversation.started_by_agent and conversation.first_response_at is not None
        assert not Conversation.objects.get(pk=own.pk).started_by_agent
        kpis = kpis_for_period(
            client=shop, period=Period(start=now - timedelta(hours=1), end=now + timedelta(hours=1))
        )
    assert (kpis.totals.received, kpis.totals.handled, kpis.totals.repeat) == (1, 0, 0)
    assert kpis.totals.first_response_median is None
    assert sum(sum(channels.values()) for _day, channels in kpis.daily) == 1
    assert sum(map(sum, kpis.heatmap)) == 1
    # Billed as any answered e-mail: the agent wrote it.
    assert UsageEntry.objects.filter(client=shop).count() == 1
