"""Erasure reaches every copy: a customer with data in every place Polydesk keeps a customer's
data, erased, and then every text, JSON, array and byte column of every table of the client's
schema and of the public schema is searched for anything of theirs; so are the stored files,
the desk's cache and Twilio (the local fake)."""

from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils import timezone
from psycopg import sql

from conversations.attachments import IncomingFile, attachment_store, blob_name
from conversations.models import Message
from conversations.services import conversation_open_inbound
from customers.models import BlockedSender, Customer
from customers.services import customer_erase
from desk.selectors.calls import screen_pop_key
from idempotency.models import IdempotentRequest
from intake.models import InboundReceipt
from outbox.models import Delivery
from routing.models import WorkItem
from routing.services import work_enqueue
from search.models import SearchDocument
from surveys.models import Survey
from telephony.voice.models import Call, RecordingDeletion
from tests.support.factories import CustomerFactory, UserFactory
from tests.support.tenancy import in_schema

NAME = "Zdeňka Xylofonová"
EMAIL = "zdenka.xylofon@posta.example"
PHONE = "+420777123456"
WORDS = "Quokkaboty"  # a word only this customer ever wrote
SHOP_REFERENCE = "XYL-99172"
# What must be gone: every one of these, anywhere.
THEIRS = ["Xylofon", "zdenka.xylofon", "777123456", WORDS, SHOP_REFERENCE]
RECORDING = "RE" + "1" * 32
VOICEMAIL = "RE" + "2" * 32
TWILIO = "https://api.twilio.com/2010-04-01/Accounts/AC123/Recordings"
AT = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)

pytestmark = pytest.mark.django_db


def text_columns(schema: str) -> list[tuple[str, str, str]]:
    """(table, column, type) of every column that can hold words, in one schema."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT c.table_name, c.column_name, c.data_type
            FROM information_schema.columns c
            JOIN information_schema.tables t
              ON t.table_schema = c.table_schema AND t.table_name = c.table_name
            WHERE c.table_schema = %s AND t.table_type = 'BASE TABLE'
              AND c.data_type IN ('text', 'character varying', 'character', 'json', 'jsonb',
                                  'bytea', 'ARRAY')
            """,
            [schema],
        )
        return cursor.fetchall()


def leftovers(schema: str) -> list[tuple[str, str, str]]:
    """(table, column, needle) wherever anything of the customer is still found."""
    found = []
    with connection.cursor() as cursor:
        for table, column, data_type in text_columns(schema):
            value = sql.SQL("convert_from({}, 'SQL_ASCII')" if data_type == "bytea" else "{}::text")
            for needle in THEIRS:
                cursor.execute(
                    sql.SQL("SELECT count(*) FROM {}.{} WHERE lower({}) LIKE %s").format(
                        sql.Identifier(schema),
                        sql.Identifier(table),
                        value.format(sql.Identifier(column)),
                    ),
                    [f"%{needle.lower()}%"],
                )
                if cursor.fetchone()[0]:
                    found.append((table, column, needle))
    return found


def files_naming_them(folder: Path) -> list[Path]:
    return [
        path
        for path in folder.rglob("*")
        if path.is_file() and any(n.encode() in path.read_bytes() for n in THEIRS)
    ]


@pytest.fixture
def everywhere(two_clients, twilio, django_capture_on_commit_callbacks):
    """The customer, with something of theirs in every place; another customer of the
    client sends the same photo (its file must stay)."""
    client = two_clients.a
    twilio.recording_add(RECORDING, b"ID3 call audio")
    twilio.recording_add(VOICEMAIL, b"ID3 voicemail audio")
    agent = UserFactory()
    with in_schema(client):
        customer = CustomerFactory(
            name=NAME, email=EMAIL, phone=PHONE, shop_reference=SHOP_REFERENCE
        )
        raw = (f"From: {NAME} <{EMAIL}>\r\nSubject: {WORDS}\r\n\r\nMy {WORDS} broke.\r\n").encode()
        inbound = conversation_open_inbound(
            client=client,
            channel="email",
            subject=f"{WORDS} from {NAME}",
            text=f"Dear shop, my {WORDS} broke. {NAME}, {PHONE}",
            customer_email=EMAIL,
            external_id="<m1@posta.example>",
            files=[IncomingFile("receipt.txt", "text/plain", f"{WORDS} receipt".encode())],
        )
        conversation, message = inbound.conversation, inbound.message
        Message.objects.filter(pk=message.pk).update(
            body_html=f"<p>My {WORDS} broke.</p>", raw=raw, unreadable_reason=f"bad {EMAIL}"
        )
        shared_photo = IncomingFile("photo.jpg", "image/jpeg", b"\xff\xd8 a shared photo")
        attachment_store(message=message, file=shared_photo)
        someone_else = conversation_open_inbound(
            client=client, channel="email", text="My shoes too.", customer_email="jan@x.example"
        )
        attachment_store(message=someone_else.message, file=shared_photo)
        Message.objects.create(
            conversation=conversation,
            direction=Message.Direction.NOTE,
            channel="email",
            body_text=f"{NAME} called twice about the {WORDS}",
            created_at=timezone.now(),
        )
        Survey.objects.create(
            conversation=conversation,
            channel="email",
            language="cs",
            state="answered",
            created_at=timezone.now(),
            rating=2,
            comment=f"The {WORDS} came late",
        )
        call = Call.objects.create(
            call_sid="CA-xylo",
            from_number=PHONE,
            to_number="+420221111111",
            language="cs",
            ringing_at=AT,
            customer=customer,
            recording_url=f"{TWILIO}/{RECORDING}",
            voicemail_url=f"{TWILIO}/{VOICEMAIL}",
            last_twiml=f"<Response><Say>Hello {NAME}</Say></Response>",
            path=["1", "2"],
            wrap_note=f"{NAME} wants her {WORDS} back",
        )
        call_item = work_enqueue(
            client=client,
            channel="call",
            language="cs",
            source_kind="call",
            source_id=call.pk,
            summary=f"{PHONE} · returns",
        )
        WorkItem.objects.filter(pk=call_item.pk).update(
            status="assigned", agent=agent, assigned_at=AT
        )
        call_item.refresh_from_db()
        cache.set(screen_pop_key(call_item), (AT.timestamp(), {"name": NAME}), 30)
        BlockedSender.objects.create(address=EMAIL, blocked_at=AT)
    InboundReceipt.objects.create(
        received_at=AT,
        source="pipe",
        size=len(raw),
        sha256="0" * 64,
        envelope_recipient="help@client-a.example",
        message_id="<m1@posta.example>",
        state="filed",
        client=client,
        conversation_id=conversation.pk,
        raw=raw,
    )
    InboundReceipt.objects.create(  # refused: not filed anywhere, but theirs
        received_at=AT,
        source="pipe",
        size=len(raw),
        sha256="1" * 64,
        state="refused",
        reason=f"too big, from {EMAIL}",
        client=client,
        raw=raw,
    )
    IdempotentRequest.objects.create(
        client=client,
        key=f"order-{SHOP_REFERENCE}",
        request_sha256="2" * 64,
        status=201,
        object_id=conversation.pk,
        created_at=AT,
    )
    # The customer's own save through POST /api/v1/customers.
    IdempotentRequest.objects.create(
        client=client,
        key=f"customer-{SHOP_REFERENCE}",
        request_sha256="3" * 64,
        status=201,
        made=IdempotentRequest.Made.CUSTOMER,
        object_id=customer.pk,
        created_at=AT,
    )
    Delivery.objects.create(
        client=client,
        message_id=message.pk,
        conversation_id=conversation.pk,
        channel="email",
        subject=f"Re: {WORDS}",
        recipient=EMAIL,
        last_error=f"550 {EMAIL} unknown",
        provider_id=f"250 ok {EMAIL}",
        next_attempt_at=AT,
        queued_at=AT,
    )
    return client, customer, call_item


def test_nothing_of_an_erased_customer_remains_anywhere(
    everywhere, twilio, django_capture_on_commit_callbacks
):
    client, customer, call_item = everywhere
    media = Path(settings.MEDIA_ROOT) / "attachments" / client.schema_name
    # Given: the search finds them everywhere (the test's own sanity).
    assert {table for table, _, _ in leftovers(client.schema_name)} >= {
        "customers_customer",
        "conversations_message",
        "conversations_conversation",
        "voice_call",
        "surveys_survey",
        "customers_blockedsender",
    }
    assert {table for table, _, _ in leftovers("public")} >= {
        "routing_workitem",
        "search_searchdocument",
        "intake_inboundreceipt",
        "outbox_delivery",
        "idempotency_idempotentrequest",
    }
    assert files_naming_them(media)
    assert cache.get(screen_pop_key(call_item)) is not None

    with django_capture_on_commit_callbacks(execute=True), in_schema(client):
        customer_erase(customer_id=customer.pk)

    assert leftovers(client.schema_name) == []
    assert leftovers("public") == []
    assert files_naming_them(media) == []
    with in_schema(client):
        # The photo another customer sent too is still theirs.
        (shared,) = Message.objects.exclude(conversation__customer=customer).get().attachments.all()
        assert Path(settings.MEDIA_ROOT, blob_name(shared.sha256, client.schema_name)).exists()
        sids = set(RecordingDeletion.objects.values_list("recording_sid", flat=True))
        assert sids == {RECORDING, VOICEMAIL}
        assert not RecordingDeletion.objects.filter(deleted_at__isnull=True).exists()
        erased = Customer.objects.get(pk=customer.pk)
    assert sorted(twilio.deleted()) == [RECORDING, VOICEMAIL]
    assert twilio.recordings == {}
    assert cache.get(screen_pop_key(call_item)) is None
    assert erased.erased_at is not None and erased.language == "cs"  # the figures' part stays
    assert SearchDocument.objects.filter(client=client).count() == 1  # the other customer's
