"""The search index follows the clients' data in the same transaction (the triggers), and
the one selector finds conversations across clients, accents, case and phone formatting
aside, never outside the clients it is given."""

import io

import pytest
from django.core.management import call_command
from django.db import connection

from conversations.models import Conversation, Message
from conversations.services import conversation_open_inbound
from customers.models import Customer
from customers.services import customer_erase
from search.models import SearchDocument
from search.selectors import SearchFilters, conversations_search
from search.snippets import fold, query_text, query_words, snippet
from tests.support.tenancy import in_schema

pytestmark = pytest.mark.django_db

ZILINA = "Dobrý deň, balík do Žiline stále nedorazil, objednávka OBJ-2026/4711."


def opened(client, text: str, **fields) -> Conversation:
    with in_schema(client):
        return conversation_open_inbound(
            client=client, channel=fields.pop("channel", "email"), text=text, **fields
        ).conversation


def found(clients, query: str, **filters) -> list[tuple[int, int]]:
    page = conversations_search(
        client_ids=[c.pk for c in clients], query=query, filters=SearchFilters(**filters)
    )
    return [(hit.client_id, hit.conversation_id) for hit in page.hits]


def test_accents_and_case_are_ignored_both_ways(two_clients):
    conversation = opened(
        two_clients.a,
        ZILINA,
        customer_name="Žofie Dvořáková",
        customer_email="zofie@example.sk",
        subject="Kde je můj balík",
    )
    expected = [(two_clients.a.pk, conversation.pk)]
    for query in ("ziline", "ŽILINE", "Žiline", "zofie dvorakova", "DVOŘÁK", "kde je muj"):
        assert found([two_clients.a], query) == expected, query
    # Words of five letters or more are found in their other forms (the ending differs).
    for query in ("Žilina", "zilinu", "dvorakove", "zofii dvorakova"):
        assert found([two_clients.a], query) == expected, query
    assert found([two_clients.a], "zilinsky") == []
    assert found([two_clients.a], "zil") == expected  # the last word typed: a prefix


def test_a_phone_number_is_found_however_it_is_typed(two_clients):
    conversation = opened(
        two_clients.a, "Zavolejte mi prosím.", customer_phone="+420777123456", channel="sms"
    )
    expected = [(two_clients.a.pk, conversation.pk)]
    for typed in (
        "+420 777 123 456",
        "00420777123456",
        "777123456",
        "777 123 456",
        "+420777123456",
    ):
        assert found([two_clients.a], typed) == expected, typed
    assert found([two_clients.a], "777 123 457") == []


def test_order_numbers_and_email_addresses_are_found(two_clients):
    conversation = opened(two_clients.a, ZILINA, customer_email="jan.novak@example.cz")
    expected = [(two_clients.a.pk, conversation.pk)]
    for query in ("OBJ-2026/4711", "4711", "obj 2026 4711", "jan.novak@example.cz", "example.cz"):
        assert found([two_clients.a], query) == expected, query


def test_an_agent_never_finds_a_client_he_does_not_serve(two_clients):
    in_a = opened(two_clients.a, ZILINA, customer_email="a@example.cz")
    in_b = opened(two_clients.b, ZILINA, customer_email="b@example.pl")
    assert found([two_clients.b], "ziline") == [(two_clients.b.pk, in_b.pk)]
    assert found([two_clients.a], "ziline") == [(two_clients.a.pk, in_a.pk)]
    both = found([two_clients.a, two_clients.b], "ziline")
    assert sorted(both) == sorted([(two_clients.a.pk, in_a.pk), (two_clients.b.pk, in_b.pk)])
    assert found([], "ziline") == []
    # A filter on a client outside the scope finds nothing either.
    assert found([two_clients.b], "ziline", client_id=two_clients.a.pk) == []


def test_an_erased_customer_vanishes_from_search(two_clients):
    conversation = opened(
        two_clients.a, ZILINA, customer_name="Žofie Erased", customer_email="gone@example.cz"
    )
    assert found([two_clients.a], "zofie erased")
    with in_schema(two_clients.a):
        customer_erase(customer_id=conversation.customer_id)
    for query in ("zofie", "gone@example.cz", "ziline", "4711"):
        assert found([two_clients.a], query) == [], query
    assert not SearchDocument.objects.filter(client=two_clients.a, conversation_id=conversation.pk)


def test_the_document_follows_every_write_in_its_transaction(two_clients):
    conversation = opened(two_clients.a, "První zpráva.", customer_email="follow@example.cz")
    with in_schema(two_clients.a):
        Message.objects.create(
            conversation=conversation,
            direction="note",
            channel="email",
            body_text="Interní poznámka: vráceno přes Zásilkovnu.",
            created_at=conversation.created_at,
        )
        # A bulk update (no signal, no save()) is seen too.
        Conversation.objects.filter(pk=conversation.pk).update(status="resolved")
        Customer.objects.filter(pk=conversation.customer_id).update(name="Řehoř Nový")
    assert found([two_clients.a], "zasilkovnu", status="resolved")
    assert found([two_clients.a], "rehor novy") == [(two_clients.a.pk, conversation.pk)]
    assert found([two_clients.a], "prvni", status="open") == []
    with in_schema(two_clients.a):
        Conversation.objects.filter(pk=conversation.pk).update(subject="")
        conversation.messages.all().delete()
        Conversation.objects.filter(pk=conversation.pk).delete()
    assert found([two_clients.a], "rehor") == []


def test_filters_narrow_the_hits(two_clients):
    email = opened(two_clients.a, "Reklamace bot.", customer_email="f1@example.cz")
    chat = opened(two_clients.a, "Reklamace bundy.", customer_email="f2@example.cz", channel="chat")
    a = two_clients.a.pk
    assert sorted(found([two_clients.a], "reklamace")) == sorted([(a, email.pk), (a, chat.pk)])
    assert found([two_clients.a], "reklamace", channel="chat") == [(a, chat.pk)]
    assert found([two_clients.a], "reklamace", unassigned=True, channel="email") == [(a, email.pk)]
    assert found([two_clients.a], "reklamace", language="pl") == []


def test_the_backfill_builds_what_the_triggers_would_have(two_clients):
    conversation = opened(two_clients.a, ZILINA, customer_name="Backfill Novák")
    before = SearchDocument.objects.get(client=two_clients.a, conversation_id=conversation.pk)
    SearchDocument.objects.filter(client=two_clients.a).delete()
    assert found([two_clients.a], "backfill") == []
    call_command("search_backfill", client=two_clients.a.slug, stdout=io.StringIO())
    after = SearchDocument.objects.get(client=two_clients.a, conversation_id=conversation.pk)
    assert (after.body, after.terms, after.customer_name) == (
        before.body,
        before.terms,
        before.customer_name,
    )
    assert found([two_clients.a], "backfill novak") == [(two_clients.a.pk, conversation.pk)]


def test_snippets_mark_the_words_found_in_the_original_text():
    assert fold("Žluťoučký KŮŇ") == "zlutoucky kun"
    assert len(fold("İstanbul")) == len("İstanbul")
    parts = snippet("Dobrý deň, balík do Žiline stále nedorazil.", ["ziline"])
    assert [p.text for p in parts if p.match] == ["Žiline"]
    assert "".join(p.text for p in parts) == "Dobrý deň, balík do Žiline stále nedorazil."
    # A query word is looked up without its ending, and the text's whole word is marked.
    assert query_words("Žilina 4711") == ["zilin", "4711"]
    parts = snippet("Balík do Žiline.", query_words("Žilina"))
    assert [p.text for p in parts if p.match] == ["Žiline"]
    long = "slovo " * 100 + "Žiline konec " + "slovo " * 100
    parts = snippet(long, ["ziline"], width=60)
    assert parts[0].text == "… " and parts[-1].text == " …"
    assert [p.text for p in parts if p.match] == ["Žiline"]
    assert query_text("+420 777 123 456") == "420777123456"
    assert query_text("00420 777-123-456") == "420777123456"
    assert query_text("OBJ-2026") == "OBJ-2026"


def test_merged_words_find_the_target_and_a_schema_not_yet_migrated_is_indexed(two_clients):
    """After a merge the source's words find the target (conversations.merge); and while a
    deploy has replaced the index's function but not yet migrated a client's schema (no
    merged_into_id column there), writes in it are indexed as before."""
    client = two_clients.b
    target = opened(client, "Paczka nie dotarła.", customer_email="jan@example.pl")
    source = opened(client, "Zamówienie Wrocław 8812 nadal nic.", customer_email="jan@example.pl")
    with in_schema(client):
        Conversation.objects.filter(pk=source.pk).update(merged_into=target, status="closed")
    assert (client.pk, target.pk) in found([client], "wroclaw 8812")

    with in_schema(client), connection.cursor() as cursor:
        # Django's foreign keys are checked at the commit: checked now, so the table can change.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("ALTER TABLE conversations_conversation DROP COLUMN merged_into_id")
        cursor.execute(
            "UPDATE conversations_message SET body_text = 'Gdańsk' WHERE conversation_id = %s",
            [target.pk],
        )
    assert found([client], "gdansk") == [(client.pk, target.pk)]
