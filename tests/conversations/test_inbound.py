from datetime import UTC, datetime

import pytest
from django.core.exceptions import ValidationError

from accounts.models import User
from conversations.models import Conversation, Message
from conversations.services import conversation_language_correct, conversation_open_inbound
from customers.models import Customer
from hours.models import BusinessHours
from hours.selectors import client_calendar
from languages.services import agent_skills_set
from routing.models import WorkItem
from routing.services import agent_next_item, agent_presence_set
from tests.support.factories import UserFactory
from tests.support.tenancy import in_schema

pytestmark = pytest.mark.django_db
MONDAY_10_PRAGUE = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)  # 10:00 in Prague


def test_a_message_opens_a_conversation_in_its_language_and_queues_it(two_clients):
    with in_schema(two_clients.a):
        inbound = conversation_open_inbound(
            client=two_clients.a,
            channel="api",
            subject="Reklamace",
            text="Dobrý den, boty mi přišly poškozené, chtěla bych je vrátit.",
            customer_email="eva@example.cz",
            now=MONDAY_10_PRAGUE,
        )
        conversation = inbound.conversation
        assert (conversation.language, conversation.language_uncertain) == ("cs", False)
        assert conversation.customer.language == "cs"
        assert inbound.message.direction == Message.Direction.INBOUND
    item = WorkItem.objects.get(
        source_kind="conversation", source_id=conversation.pk, client=two_clients.a
    )
    assert (item.channel, item.language, item.summary) == ("api", "cs", "Reklamace")
    # 48 business hours of Mon-Fri 08:00-16:00 from Monday 10:00 = six days later, 10:00.
    assert item.due_at == conversation.first_response_due_at
    assert item.due_at == datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def test_the_same_delivery_twice_is_one_conversation(two_clients):
    with in_schema(two_clients.a):
        first = conversation_open_inbound(
            client=two_clients.a,
            channel="chat",
            text="Ahoj",
            customer_phone="+420600111222",
            external_id="w-1",
        )
        again = conversation_open_inbound(
            client=two_clients.a,
            channel="chat",
            text="Ahoj",
            customer_phone="+420600111222",
            external_id="w-1",
        )
        assert not again.created and again.conversation.pk == first.conversation.pk
        assert Conversation.objects.count() == 1
    assert WorkItem.objects.filter(client=two_clients.a, source_kind="conversation").count() == 1


def test_an_unserved_language_gets_the_default_marked_uncertain_and_an_agent_fixes_it(two_clients):
    agent = UserFactory(role=User.Role.AGENT)
    with in_schema(two_clients.a):  # client A serves cs and sk
        inbound = conversation_open_inbound(
            client=two_clients.a,
            channel="api",
            text="Guten Tag, meine Bestellung ist noch nicht angekommen. Wo ist das Paket?",
            customer_email="jonas@example.de",
        )
        conversation = inbound.conversation
        assert (conversation.language, conversation.language_uncertain) == ("cs", True)
        assert conversation.language_detected == "de"

        conversation_language_correct(
            client=two_clients.a, conversation_id=conversation.pk, language="de", agent=agent
        )
        conversation.refresh_from_db()
        assert (conversation.language, conversation.language_uncertain) == ("de", False)
        assert conversation.language_corrected_by == agent
        # The correction is kept: the customer's next unclear message is German.
        again = conversation_open_inbound(
            client=two_clients.a, channel="api", text="ok", customer_email="jonas@example.de"
        )
        assert (again.conversation.language, again.conversation.language_uncertain) == ("de", False)
    item = WorkItem.objects.get(client=two_clients.a, source_id=conversation.pk)
    assert (item.language, item.language_uncertain) == ("de", False)


def test_a_correction_sends_the_item_back_when_its_agent_does_not_speak_it(two_clients):
    czech = UserFactory(role=User.Role.AGENT)
    agent_skills_set(agent=czech, skills={"cs": "native"})
    czech.served_clients.set([two_clients.a])
    agent_presence_set(agent=czech, presence="available")
    with in_schema(two_clients.a):
        inbound = conversation_open_inbound(
            client=two_clients.a,
            channel="api",
            text="Dobrý den, kdy mi přijde objednávka?",
            customer_email="x@example.sk",
        )
    taken = agent_next_item(agent=czech)
    assert taken.source_id == inbound.conversation.pk
    with in_schema(two_clients.a):
        conversation_language_correct(
            client=two_clients.a,
            language="pl",
            agent=czech,
            conversation_id=inbound.conversation.pk,
        )
    taken.refresh_from_db()
    assert (taken.status, taken.agent, taken.language) == ("waiting", None, "pl")


def test_bad_input_is_refused(two_clients):
    with in_schema(two_clients.a), pytest.raises(ValidationError):
        conversation_open_inbound(
            client=two_clients.a, channel="api", text="  ", customer_email="a@b.cz"
        )
    with pytest.raises(RuntimeError, match="client's schema"):
        conversation_open_inbound(client=two_clients.a, channel="api", text="Ahoj")
    with in_schema(two_clients.a), pytest.raises(ValidationError):
        conversation_language_correct(
            client=two_clients.a, conversation_id=1, language="xx", agent=None
        )


def test_the_most_specific_business_hours_apply(two_clients):
    BusinessHours.objects.create(client=two_clients.a, weekly={"0": [["09:00", "12:00"]]})
    BusinessHours.objects.create(
        client=two_clients.a, country="SK", weekly={str(d): [["00:00", "24:00"]] for d in range(7)}
    )
    sunday = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
    assert not client_calendar(two_clients.a, country="CZ").is_open(sunday)
    assert client_calendar(two_clients.a, country="SK").is_open(sunday)
    assert client_calendar(two_clients.b).country == "PL"


def test_customers_are_found_again_by_email_or_phone(two_clients):
    with in_schema(two_clients.a):
        conversation_open_inbound(
            client=two_clients.a, channel="api", text="Dobrý den", customer_email="Petr@Example.cz"
        )
        conversation_open_inbound(
            client=two_clients.a, channel="api", text="Dobrý den", customer_email="petr@example.cz"
        )
        assert Customer.objects.filter(email__iexact="petr@example.cz").count() == 1


def open_for_a(two_clients, text: str, **contact) -> Conversation:
    with in_schema(two_clients.a):
        return conversation_open_inbound(
            client=two_clients.a, channel="api", text=text, **contact
        ).conversation


def decision(conversation: Conversation) -> tuple[str, bool, str, str]:
    return (
        conversation.language,
        conversation.language_uncertain,
        conversation.language_detected,
        conversation.language_decided_by,
    )


def test_a_clear_text_decides_its_language_and_says_so(two_clients):
    conversation = open_for_a(
        two_clients,
        "Dobry den, jeste mi neprisla objednavka, muzete mi rict, kde je zbozi?",
        customer_email="jan@example.sk",
    )
    # Czech typed without diacritics, from a Slovak address: the words decide.
    assert decision(conversation) == ("cs", False, "cs", "text")


def test_a_short_text_takes_the_language_of_the_customers_earlier_messages(two_clients):
    first = open_for_a(
        two_clients,
        "Dobrý deň, kedy príde môj balík? Čakám už týždeň.",
        customer_email="eva@example.com",
    )
    again = open_for_a(two_clients, "ok", customer_email="eva@example.com")
    assert decision(first)[0] == "sk"
    assert decision(again) == ("sk", False, "sk", "history")


def test_a_short_text_from_a_phone_number_takes_its_countrys_language_uncertain(two_clients):
    conversation = open_for_a(two_clients, "ok", customer_phone="+421 901 123 456")
    assert decision(conversation) == ("sk", True, "sk", "address_country")


def test_an_unsupported_language_gets_the_default_with_what_it_is_kept(two_clients):
    conversation = open_for_a(
        two_clients,
        "Hej, min beställning har fortfarande inte kommit. Jag har väntat en vecka.",
        customer_email="sven@example.com",
    )
    assert decision(conversation) == ("cs", True, "sv", "default")


def test_a_language_given_by_the_caller_is_not_detected(two_clients):
    with in_schema(two_clients.a):
        conversation = conversation_open_inbound(
            client=two_clients.a, channel="api", text="ok", language="sk"
        ).conversation
    assert decision(conversation) == ("sk", False, "", "")
