"""The usage ledger: written once per source event, never changed, corrected by new rows."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from accounts.models import User
from billing.models import UsageEntry
from billing.services import usage_correct, usage_record, usage_record_first_reply
from conversations.services import conversation_open_inbound, conversation_reply
from hours.models import Closure
from outbox.models import Delivery
from outbox.services import delivery_mark_sent
from tests.support.billing import record, utc
from tests.support.factories import UserFactory
from tests.support.outbox import delivery_of, send_now
from tests.support.tenancy import in_schema

pytestmark = pytest.mark.django_db
MONDAY_10_PRAGUE = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
SUNDAY_10_PRAGUE = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)


def test_a_replayed_event_is_recorded_once(make_client):
    client = make_client()
    arguments = {
        "client": client,
        "kind": "call_minutes",
        "quantity": Decimal(95),
        "occurred_at": utc(2026, 10, 5, 10),
        "idempotency_key": "call:CA123",
        "source_kind": "call",
        "source_ref": "CA123",
    }

    first, created = usage_record(**arguments)
    again, created_again = usage_record(**arguments)

    assert (created, created_again) == (True, False)
    assert again.pk == first.pk
    assert UsageEntry.objects.filter(idempotency_key="call:CA123").count() == 1


def test_the_same_key_for_another_event_is_refused(make_client):
    client = make_client()
    record(client, "call_minutes", 95, utc(2026, 10, 5, 10), key="call:CA9")

    with pytest.raises(ValidationError, match="another event"):
        record(client, "call_minutes", 30, utc(2026, 10, 5, 10), key="call:CA9")


@pytest.mark.parametrize(
    ("kind", "quantity", "extra", "message"),
    [
        ("minutes", 1, {}, "Unknown usage kind"),
        ("telephony_cost", "0.01", {}, "currency"),
        ("email_answered", 1, {"currency": "EUR"}, "Only telephony"),
        ("email_answered", -1, {}, "corrects"),
        ("telephony_cost", "0.0000001", {"currency": "USD"}, "At most 6 decimals"),
    ],
)
def test_bad_entries_are_refused_with_the_reason(make_client, kind, quantity, extra, message):
    client = make_client()
    with pytest.raises(ValidationError, match=message):
        record(client, kind, quantity, utc(2026, 10, 5, 10), **extra)
    assert not UsageEntry.objects.filter(client=client).exists()


def test_entries_never_change_neither_through_django_nor_in_the_database(make_client):
    entry = record(make_client(), "email_answered", 1, utc(2026, 10, 5, 10))

    entry.quantity = Decimal(5)
    with pytest.raises(TypeError):
        entry.save()
    with pytest.raises(TypeError):
        entry.delete()
    with pytest.raises(TypeError):
        UsageEntry.objects.filter(pk=entry.pk).update(quantity=5)
    for statement in (
        "UPDATE billing_usageentry SET quantity = 5 WHERE id = %s",
        "DELETE FROM billing_usageentry WHERE id = %s",
    ):
        with (
            pytest.raises(IntegrityError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(statement, [entry.pk])
    assert UsageEntry.objects.get(pk=entry.pk).quantity == Decimal(1)


def test_a_correction_is_a_new_row_pointing_at_the_entry(make_client):
    call = record(make_client(), "call_minutes", 600, utc(2026, 10, 5, 10))

    fix, created = usage_correct(
        entry=call, quantity=-540, reason="double-counted hold", idempotency_key="fix:1"
    )
    replay, created_again = usage_correct(
        entry=call, quantity=-540, reason="again", idempotency_key="fix:1"
    )

    assert (created, created_again, replay.pk) == (True, False, fix.pk)
    assert (fix.corrects_id, fix.quantity, fix.occurred_at) == (call.pk, -540, call.occurred_at)
    assert list(call.corrections.all()) == [fix]


def conversation_in(client, *, channel: str, at: datetime):
    return conversation_open_inbound(
        client=client,
        channel=channel,
        text="Dobrý den, kde je moje objednávka?",
        customer_email=f"{channel}-{at.timestamp()}@example.cz",
        now=at,
    ).conversation


def test_the_first_reply_of_an_agent_bills_the_conversation_once(two_clients):
    agent = UserFactory(role=User.Role.AGENT)
    client = two_clients.a
    with in_schema(client):
        email = conversation_in(client, channel="email", at=timezone.now())
        chat = conversation_in(client, channel="chat", at=timezone.now())
        for _ in range(2):
            conversation_reply(client=client, conversation_id=email.pk, agent=agent, text="Ano.")
            conversation_reply(client=client, conversation_id=chat.pk, agent=agent, text="Ano.")
    # E-mail is billed when the mail server took it (chat at once: handed over as written).
    sent = Delivery.objects.filter(client=client, conversation_id=email.pk, channel="email")
    for message_id in sent.values_list("message_id", flat=True):
        assert send_now(client, message_id) == "sent"

    entries = UsageEntry.objects.filter(
        client=client,
        source_ref__in=[f"{client.schema_name}:{email.pk}", f"{client.schema_name}:{chat.pk}"],
    ).order_by("kind")
    assert [(e.kind, e.quantity, e.language, e.agent_id, e.channel) for e in entries] == [
        ("chat_handled", 1, "cs", agent.pk, "chat"),
        ("email_answered", 1, "cs", agent.pk, "email"),
    ]


def test_a_reply_while_the_client_is_closed_is_out_of_hours(two_clients):
    client = two_clients.a
    now = timezone.now()
    Closure.objects.create(
        client=client, starts_at=now - timedelta(days=1), ends_at=now + timedelta(days=1)
    )
    with in_schema(client):
        conversation = conversation_in(client, channel="sms", at=now)
        reply = conversation_reply(
            client=client, conversation_id=conversation.pk, agent=None, text="Dobrý den."
        )
    assert not UsageEntry.objects.filter(source_ref=f"{client.schema_name}:{conversation.pk}")
    # Billed when Twilio took it.
    delivery_mark_sent(delivery=delivery_of(client, reply.pk), provider_id="SM1")

    entry = UsageEntry.objects.get(source_ref=f"{client.schema_name}:{conversation.pk}")
    assert (entry.kind, entry.out_of_hours) == ("chat_handled", True)


@pytest.mark.parametrize(
    ("at", "out_of_hours"), [(MONDAY_10_PRAGUE, False), (SUNDAY_10_PRAGUE, True)]
)
def test_out_of_hours_follows_the_clients_business_hours(two_clients, at, out_of_hours):
    client = two_clients.a
    with in_schema(client):
        conversation = conversation_in(client, channel="email", at=at)
        usage_record_first_reply(client=client, conversation=conversation, agent=None, at=at)

    entry = UsageEntry.objects.get(source_ref=f"{client.schema_name}:{conversation.pk}")
    assert (entry.occurred_at, entry.out_of_hours) == (at, out_of_hours)


def test_the_ledger_exports_a_clients_month_as_csv(make_client, tmp_path):
    import csv

    from django.core.management import call_command

    client, other = make_client(), make_client()
    record(client, "email_answered", 1, utc(2026, 10, 5, 10), language="cs")
    record(client, "call_minutes", 75, utc(2026, 10, 6, 10), language="sk")
    record(client, "email_answered", 1, utc(2026, 11, 1, 10))  # November
    record(other, "email_answered", 1, utc(2026, 10, 5, 10))
    output = tmp_path / "ledger.csv"

    call_command(
        "export_ledger", "--month", "2026-10", "--client", client.slug, "--output", str(output)
    )

    rows = list(csv.DictReader(output.open(encoding="utf-8")))
    assert [(r["client"], r["kind"], r["quantity"], r["language"]) for r in rows] == [
        (client.slug, "email_answered", "1.000000", "cs"),
        (client.slug, "call_minutes", "75.000000", "sk"),
    ]


def test_a_finished_call_bills_its_talk_seconds_once_and_its_cost(make_client):
    from billing.services import usage_record_call, usage_record_telephony_cost

    client = make_client(currency="CZK")
    for _ in range(2):  # Twilio retries its status callback; the price task may run twice
        call = usage_record_call(
            client=client,
            call_sid="CA42",
            talk_seconds=185,
            answered_at=SUNDAY_10_PRAGUE,
            language="cs",
            country="CZ",
        )
        cost = usage_record_telephony_cost(
            client=client,
            call_sid="CA42",
            amount=Decimal("-0.00125"),
            currency="usd",
            occurred_at=SUNDAY_10_PRAGUE,
        )

    assert (call.kind, call.quantity, call.out_of_hours, call.channel) == (
        "call_minutes",
        Decimal(185),
        True,
        "call",
    )
    assert (cost.kind, cost.quantity, cost.currency) == (
        "telephony_cost",
        Decimal("0.00125"),
        "USD",
    )
    assert UsageEntry.objects.filter(client=client).count() == 2
    unanswered = usage_record_call(
        client=client, call_sid="CA43", talk_seconds=None, answered_at=None, language="cs"
    )
    assert unanswered is None


def test_a_call_backs_leg_is_billed_under_its_own_source_and_keys(make_client):
    from billing.services import usage_record_call, usage_record_telephony_cost

    client = make_client(currency="CZK")
    for _ in range(2):  # the status callback repeated, the price task run twice
        minutes = usage_record_call(
            client=client,
            call_sid="CA77",
            talk_seconds=60,
            answered_at=SUNDAY_10_PRAGUE,
            language="cs",
            country="CZ",
            source_kind="callback",
        )
        cost = usage_record_telephony_cost(
            client=client,
            call_sid="CA77",
            amount=Decimal("0.041"),
            currency="USD",
            occurred_at=SUNDAY_10_PRAGUE,
            source_kind="callback",
        )
    assert [minutes.idempotency_key, cost.idempotency_key] == [
        f"callback:{client.schema_name}:CA77",
        f"callback-cost:{client.schema_name}:CA77",
    ]
    assert {
        (e.kind, e.source_kind, e.source_ref) for e in UsageEntry.objects.filter(client=client)
    } == {
        ("call_minutes", "callback", "CA77"),
        ("telephony_cost", "callback", "CA77"),
    }
    with pytest.raises(ValidationError):
        usage_record_call(
            client=client,
            call_sid="CA78",
            talk_seconds=60,
            language="cs",
            answered_at=SUNDAY_10_PRAGUE,
            source_kind="fax",
        )
