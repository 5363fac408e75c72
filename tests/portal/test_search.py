"""The portal's searches ignore accents and case (PostgreSQL's unaccent, kept in `public` so
every client schema reaches it)."""

from datetime import UTC, datetime

import pytest
from django.db import connection

from content.models import Category
from conversations.models import Conversation, Message
from customers.models import Customer
from customers.selectors import customer_search
from portal.selectors import call_search, conversation_search
from telephony.voice.models import Call
from tenants.services import client_provision
from tests.support.portal import signed_in
from tests.support.tenancy import in_schema

pytestmark = pytest.mark.django_db

RANG = datetime(2026, 10, 5, 9, tzinfo=UTC)


@pytest.fixture
def zilina(two_clients):
    """A customer from Žilina who wrote about a sofa, and one who called."""
    with in_schema(two_clients.a):
        customer = Customer.objects.create(name="Ľubica Žilinská", email="l@example.sk")
        conversation = Conversation.objects.create(
            customer=customer,
            channel="email",
            language="sk",
            subject="Vyzdvihnutie v Žiline",
            created_at=RANG,
        )
        Message.objects.create(
            conversation=conversation,
            direction="in",
            channel="email",
            body_text="Prosím o výmenu sedačky.",
            created_at=RANG,
        )
        Message.objects.create(
            conversation=conversation,
            direction="note",
            channel="email",
            body_text="Interní: zákazník chce slevu.",
            created_at=RANG,
        )
        call = Call.objects.create(
            call_sid="CA-zilina",
            from_number="+421900111222",
            to_number="+421212345678",
            language="sk",
            topic="objednávky",
            ringing_at=RANG,
            customer=customer,
        )
    return customer, conversation, call


def test_unaccent_lives_in_public(two_clients):
    # The extension where the server has it, else our own function of the same name (the
    # embedded PostgreSQL has no contrib modules): public, on every client's search_path.
    with connection.cursor() as cursor:
        cursor.execute("SELECT 'public.unaccent(text)'::regprocedure::text")
        assert cursor.fetchone() == ("unaccent(text)",)


PANGRAMS = [
    ("Žluťoučký kůň úpěl ďábelské ódy", "Zlutoucky kun upel dabelske ody"),  # cs
    ("Ľúbostný kôň ťahá mäsiarov čln", "Lubostny kon taha masiarov cln"),  # sk
    ("Zażółć gęślą jaźń, Łódź", "Zazolc gesla jazn, Lodz"),  # pl
    ("Árvíztűrő tükörfúrógép ŐŰ", "Arvizturo tukorfurogep OU"),  # hu
    ("Șțăâî ȘȚĂÂÎ şţ", "Staai STAAI st"),  # ro, with the cedilla letters too
    ("Ärger über Öl", "Arger uber Ol"),  # de
]


@pytest.mark.parametrize(("text", "bare"), PANGRAMS)
def test_our_unaccent_function_strips_the_accents_of_our_languages(two_clients, text, bare):
    with connection.cursor() as cursor:
        cursor.execute("SELECT public.polydesk_unaccent(%s)", [text])
        assert cursor.fetchone() == (bare,)


def test_our_function_agrees_with_the_extension_where_the_server_has_it(two_clients):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'unaccent'")
        if cursor.fetchone() is None:
            pytest.skip("this server has no unaccent extension: the function is unaccent")
        for text, _bare in PANGRAMS:
            cursor.execute("SELECT public.polydesk_unaccent(%s), unaccent(%s)", [text, text])
            ours, theirs = cursor.fetchone()
            assert ours == theirs, text


@pytest.mark.parametrize("query", ["Ziline", "ZILINE", "žiline", "zIlInE"])
def test_a_conversation_is_found_without_accents_and_case(two_clients, zilina, query):
    _customer, conversation, _call = zilina
    with in_schema(two_clients.a):
        assert list(conversation_search(query=query)) == [conversation]


@pytest.mark.parametrize("query", ["sedacky", "SEDACKY", "vymenu sedacky", "lubica zilinska"])
def test_words_of_messages_and_names_match_without_accents(two_clients, zilina, query):
    _customer, conversation, _call = zilina
    with in_schema(two_clients.a):
        assert list(conversation_search(query=query)) == [conversation]


def test_internal_notes_stay_unsearchable_without_accents_too(two_clients, zilina):
    with in_schema(two_clients.a):
        assert list(conversation_search(query="interni zakaznik")) == []


@pytest.mark.parametrize("query", ["zilinska", "LUBICA", "Ľubica"])
def test_a_customer_is_found_without_accents_and_case(two_clients, zilina, query):
    customer, _conversation, _call = zilina
    with in_schema(two_clients.a):
        assert list(customer_search(query=query)) == [customer]


@pytest.mark.parametrize("query", ["zilinska", "objednavky", "+421 900", "+421 900 Zilinska"])
def test_a_call_is_found_by_name_topic_or_number(two_clients, zilina, query):
    _customer, _conversation, call = zilina
    with in_schema(two_clients.a):
        assert list(call_search(number=query)) == [call]


def test_the_pages_search_without_accents(two_clients, zilina, user_a):
    _customer, conversation, _call = zilina
    http = signed_in(two_clients.a, user_a)

    conversations = http.get("/conversations/", {"q": "ziline"})
    customers = http.get("/customers/", {"q": "zilinska"})
    calls = http.get("/calls/", {"number": "Zilinska"})

    assert f"/conversations/{conversation.pk}/" in conversations.text
    assert "Ľubica Žilinská" in customers.text
    assert "+421900111222" in calls.text and "Ľubica Žilinská" in calls.text


def test_a_new_clients_schema_reaches_unaccent(two_clients):
    # Provisioned in the test's transaction: its schema is cloned from the template and
    # must find the extension through its search_path ("<client>, public").
    new = client_provision(
        slug="client-c",
        name="Client C Újezd",
        countries=["CZ"],
        languages=["cs"],
        time_zone="Europe/Prague",
        currency="CZK",
    ).client
    with in_schema(new):
        Customer.objects.create(name="Šťěpán Újezdský")
        assert [c.name for c in customer_search(query="stepan ujezd")] == ["Šťěpán Újezdský"]


@pytest.fixture
def named_categories(two_clients, zilina):
    """The code "delivery" named in Czech and Slovak, on a conversation and a call."""
    _customer, conversation, call = zilina
    with in_schema(two_clients.a):
        Category.objects.create(code="delivery", name_cs="Doručení", name_sk="Doručenie")
        Conversation.objects.filter(pk=conversation.pk).update(category="delivery")
        Call.objects.filter(pk=call.pk).update(topic="delivery")
    return conversation, call


@pytest.mark.parametrize("query", ["doruceni", "DORUČENIE", "delivery"])
def test_a_category_is_found_by_its_name_in_any_language(two_clients, named_categories, query):
    conversation, call = named_categories
    with in_schema(two_clients.a):
        assert list(conversation_search(query=query)) == [conversation]
        assert list(call_search(number=query)) == [call]


def test_the_lists_name_categories_topics_and_languages_in_the_readers_language(
    two_clients, named_categories, user_a
):
    user_a.language = "cs"
    user_a.save(update_fields=["language"])
    http = signed_in(two_clients.a, user_a)

    conversations = http.get("/conversations/").text
    calls = http.get("/calls/").text

    assert "<td>Doručení</td>" in conversations and "<td>delivery</td>" not in conversations
    assert "<td>Doručení</td>" in calls and "<td>Slovenština</td>" in calls


def test_a_number_and_a_name_together_both_narrow_the_calls(two_clients, zilina):
    with in_schema(two_clients.a):
        assert list(call_search(number="+421 999 Zilinska")) == []  # her name, not her number
        assert list(call_search(number="+421 900 Novak")) == []  # her number, not her name
