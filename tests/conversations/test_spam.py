"""Spam (conversations.spam): marking and undoing it, and what a blocked sender's next
messages become, per client (real schemas, real intake paths)."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.test import Client as HttpClient
from django.utils import timezone

from audit.models import AuditEvent
from billing.models import UsageEntry
from billing.services import invoice_issue, usage_record_first_reply
from conversations.models import Conversation, Message
from conversations.services import conversation_open_inbound
from conversations.spam import conversation_mark_spam, conversation_not_spam
from customers.models import BlockedSender
from customers.services import customer_erase
from hours.models import ResolutionClock, SlaEvent
from intake.services import mail_receive
from outbox.models import Delivery
from outbox.services import deliveries_sweep, delivery_claim
from reporting.figures import Period
from reporting.models import KpiSnapshot
from reporting.selectors import contact_figures_for_period, sla_figures_for_period
from reporting.services import kpis_for_month
from routing.models import WorkItem
from search.selectors import SearchFilters, conversations_search
from telephony.models import PhoneNumber
from tenants.services import api_key_issue
from tests.support.billing import plan_for, utc
from tests.support.desk import agent_with, inbound
from tests.support.mail import email
from tests.support.tenancy import in_schema
from tests.support.voice import TOKEN, sms

pytestmark = pytest.mark.django_db


@pytest.fixture
def agent(two_clients):
    return agent_with([two_clients.a, two_clients.b], {"cs": "native", "pl": "native"})


def _mark(client, conversation, agent, **kwargs):
    with in_schema(client):
        return conversation_mark_spam(
            client=client, conversation_id=conversation.pk, agent=agent, **kwargs
        )


def _undo(client, conversation, agent, **kwargs):
    with in_schema(client):
        return conversation_not_spam(
            client=client, conversation_id=conversation.pk, agent=agent, **kwargs
        )


def test_marking_spam_closes_it_takes_its_work_away_and_blocks_the_sender(two_clients, agent):
    conversation, item = inbound(two_clients.a, "Levné hodinky!!!", "spam@junk.example")
    WorkItem.objects.filter(pk=item.pk).update(agent=agent, status="assigned")

    outcome = _mark(two_clients.a, conversation, agent)

    assert outcome.address == "spam@junk.example"
    item.refresh_from_db()
    assert item.status == "cancelled" and item.closed_at is not None
    with in_schema(two_clients.a):
        marked = Conversation.objects.get(pk=conversation.pk)
        assert (marked.spam, marked.status, marked.spam_by_id) == (True, "closed", agent.pk)
        assert marked.spam_at is not None
        blocked = BlockedSender.objects.get()
        assert (blocked.address, blocked.blocked_by_id) == ("spam@junk.example", agent.pk)
        assert blocked.conversation_id == conversation.pk
        note = Message.objects.get(conversation=conversation, direction="note")
        assert "spam@junk.example" in note.body_text and note.author_id == agent.pk
    with in_schema(two_clients.b):
        assert not BlockedSender.objects.exists()  # that client only
    clock = ResolutionClock.objects.get(client=two_clients.a, conversation_id=conversation.pk)
    assert clock.resolved_at is not None
    assert not SlaEvent.objects.filter(resolution=clock).exists()


def test_marking_twice_changes_nothing(two_clients, agent):
    conversation, _ = inbound(two_clients.a, "Levné hodinky", "spam@junk.example")
    first = _mark(two_clients.a, conversation, agent)
    again = _mark(two_clients.a, conversation, agent, now=timezone.now() + timedelta(hours=1))
    assert again.conversation.spam_at == first.conversation.spam_at
    with in_schema(two_clients.a):
        assert Message.objects.filter(conversation=conversation, direction="note").count() == 1


def test_a_call_or_an_agents_own_email_is_not_spam(two_clients, agent):
    conversation, _ = inbound(two_clients.a, "Vzkaz ze schránky", "jana@example.cz")
    with in_schema(two_clients.a):
        Conversation.objects.filter(pk=conversation.pk).update(channel="call")
    with pytest.raises(ValidationError, match="spam"):
        _mark(two_clients.a, conversation, agent)
    with in_schema(two_clients.a):
        Conversation.objects.filter(pk=conversation.pk).update(
            channel="email", started_by_agent=True
        )
    with pytest.raises(ValidationError, match="spam"):
        _mark(two_clients.a, conversation, agent)


def test_not_spam_queues_it_again_with_its_first_promise_and_unblocks(two_clients, agent):
    conversation, item = inbound(two_clients.a, "Kde je balík?", "jana@example.cz")
    _mark(two_clients.a, conversation, agent)

    later = timezone.now() + timedelta(hours=2)
    outcome = _undo(two_clients.a, conversation, agent, now=later)

    back = WorkItem.objects.get(client=two_clients.a, source_id=conversation.pk, status="waiting")
    assert back.pk != item.pk
    # The customer waits since they wrote, and the promise made then stands.
    assert back.waiting_since == conversation.created_at
    assert back.due_at == conversation.first_response_due_at == item.due_at
    assert back.warn_at == item.warn_at
    with in_schema(two_clients.a):
        undone = Conversation.objects.get(pk=conversation.pk)
        assert (undone.spam, undone.status, undone.spam_by_id) == (False, "open", None)
        assert not BlockedSender.objects.exists()
        notes = Message.objects.filter(conversation=conversation, direction="note")
        assert notes.count() == 2
    assert outcome.address == "jana@example.cz"
    with pytest.raises(ValidationError, match="not marked"):
        _undo(two_clients.a, conversation, agent)
    # Both are in the client's audit log, by whom, without the customer's address.
    events = AuditEvent.objects.filter(client_id=two_clients.a.pk, object_id=str(conversation.pk))
    assert list(events.order_by("at").values_list("action", "actor_id")) == [
        ("marked_spam", agent.pk),
        ("unmarked_spam", agent.pk),
    ]
    assert "jana@example.cz" not in str(list(events.values_list("details", "object_label")))


# --- intake from a blocked sender ----------------------------------------------------------


def test_mail_from_a_blocked_sender_is_kept_as_spam_for_that_client_only(mailboxes, agent):
    first = mail_receive(raw=email(message_id="<s1@customer.example>"), source="pipe")
    with in_schema(mailboxes.a):
        conversation = Conversation.objects.get(pk=first.filed.conversation_id)
    acknowledged = Delivery.objects.filter(client=mailboxes.a, kind="automatic").count()
    _mark(mailboxes.a, conversation, agent)

    again = mail_receive(
        raw=email(message_id="<s2@customer.example>", subject="Zase já"), source="pipe"
    )
    elsewhere = mail_receive(
        raw=email(to="pomoc@sklep.example", message_id="<s3@customer.example>"), source="pipe"
    )

    with in_schema(mailboxes.a):
        spam = Conversation.objects.get(pk=again.filed.conversation_id)
        assert (spam.spam, spam.status, spam.spam_by_id) == (True, "closed", None)
        assert spam.first_response_due_at is None
        assert spam.language_decided_by  # kept like any contact's, for "not spam" later
        message = spam.messages.get()
        assert message.direction == "in" and bytes(message.raw)  # nothing is lost
    assert not WorkItem.objects.filter(client=mailboxes.a, source_id=spam.pk).exists()
    assert not ResolutionClock.objects.filter(client=mailboxes.a, conversation_id=spam.pk)
    # No acknowledgement for the blocked sender's new mail.
    assert Delivery.objects.filter(client=mailboxes.a, kind="automatic").count() == acknowledged
    # Client B never blocked her: an ordinary contact, queued and acknowledged.
    with in_schema(mailboxes.b):
        ordinary = Conversation.objects.get(pk=elsewhere.filed.conversation_id)
        assert not ordinary.spam and ordinary.status == "new"
    assert WorkItem.objects.filter(client=mailboxes.b, source_id=ordinary.pk).exists()
    assert Delivery.objects.filter(client=mailboxes.b, kind="automatic").count() == 1


def test_a_reply_in_a_spam_thread_stays_in_spam(mailboxes, agent):
    first = mail_receive(raw=email(message_id="<t1@customer.example>"), source="pipe")
    with in_schema(mailboxes.a):
        conversation = Conversation.objects.get(pk=first.filed.conversation_id)
    _mark(mailboxes.a, conversation, agent)
    reply = mail_receive(
        raw=email(message_id="<t2@customer.example>", In_Reply_To="<t1@customer.example>"),
        source="pipe",
    )
    assert (reply.filed.conversation_id, reply.filed.threaded) == (conversation.pk, True)
    with in_schema(mailboxes.a):
        assert Conversation.objects.get(pk=conversation.pk).status == "closed"
        assert conversation.messages.filter(direction="in").count() == 2
    assert not WorkItem.objects.filter(
        client=mailboxes.a, source_id=conversation.pk, status__in=WorkItem.OPEN_STATUSES
    ).exists()


def test_an_sms_from_a_blocked_number_is_spam_and_answered_with_nothing(
    two_clients, agent, settings
):
    settings.TWILIO_AUTH_TOKEN = TOKEN
    PhoneNumber.objects.create(
        number="+48221234567", client=two_clients.b, country="PL", default_language="pl"
    )
    sms("Wygrałeś iPhone! Kliknij tutaj teraz.", "SMspam1")
    with in_schema(two_clients.b):
        conversation = Conversation.objects.get()
    _mark(two_clients.b, conversation, agent)
    with in_schema(two_clients.b):
        assert BlockedSender.objects.get().address == "+48601234567"

    response = sms("Wygrałeś znowu! Kliknij tutaj.", "SMspam2")

    assert response.status_code == 200 and b"<Message>" not in response.content
    with in_schema(two_clients.b):
        second = Conversation.objects.exclude(pk=conversation.pk).get()
        assert second.spam and second.channel == "sms"
    assert not WorkItem.objects.filter(client=two_clients.b, source_id=second.pk).exists()


def test_not_spam_of_mail_filed_as_spam_is_due_by_the_promise_from_now(two_clients, agent):
    conversation, _ = inbound(two_clients.a, "Levné hodinky", "jana@example.cz")
    _mark(two_clients.a, conversation, agent)
    with in_schema(two_clients.a):
        filed = conversation_open_inbound(
            client=two_clients.a,
            channel="email",
            text="Kde je můj balík, prosím?",
            customer_email="Jana@Example.cz",
        ).conversation
    assert filed.spam and filed.first_response_due_at is None

    _undo(two_clients.a, filed, agent)

    back = WorkItem.objects.get(client=two_clients.a, source_id=filed.pk, status="waiting")
    assert back.due_at is not None and back.due_at > timezone.now()
    assert back.waiting_since == filed.created_at


# --- figures, billing, search, erasure ------------------------------------------------------


def test_spam_is_no_contact_and_its_promise_is_not_applicable(two_clients, agent):
    conversation, item = inbound(two_clients.a, "Levné hodinky", "spam@junk.example")
    inbound(two_clients.a, "Kde je balík?", "jana@example.cz")
    # Left unanswered past its due time before it was marked: still not a missed promise.
    WorkItem.objects.filter(pk=item.pk).update(due_at=timezone.now() - timedelta(minutes=5))
    _mark(two_clients.a, conversation, agent)
    now = timezone.now()
    period = Period.month(year=now.year, month=now.month, time_zone=two_clients.a.time_zone)
    with in_schema(two_clients.a):
        totals, _ = contact_figures_for_period(client=two_clients.a, period=period)
        sla, _ = sla_figures_for_period(client=two_clients.a, period=period, now=now)
    assert totals.received == 1
    assert (sla.due, sla.not_applicable) == (0, 1)


def test_a_billed_conversation_marked_spam_is_not_rated_until_undone(two_clients, agent):
    plan_for(two_clients.a, price_per_email=Decimal("2.00"))
    conversation, _ = inbound(two_clients.a, "Kde je balík?", "jana@example.cz")
    with in_schema(two_clients.a):
        conversation.refresh_from_db()
        usage_record_first_reply(
            client=two_clients.a, conversation=conversation, agent=agent, at=timezone.now()
        )

    def billed() -> Decimal:
        entries = UsageEntry.objects.filter(client=two_clients.a, kind="email_answered")
        return entries.aggregate(total=Sum("quantity"))["total"]

    marked = _mark(two_clients.a, conversation, agent)
    assert marked.billing.corrected and marked.billing.invoiced is None
    assert billed() == 0
    assert _mark(two_clients.a, conversation, agent).billing.corrected is False
    assert _undo(two_clients.a, conversation, agent).billing.corrected
    assert billed() == 1
    _mark(two_clients.a, conversation, agent)
    assert billed() == 0
    assert UsageEntry.objects.filter(client=two_clients.a).count() == 4  # 1 and 3 corrections


def test_an_invoiced_month_keeps_its_invoice_and_the_mark_says_so(two_clients, agent):
    plan_for(two_clients.a, price_per_email=Decimal("2.00"))
    conversation, _ = inbound(two_clients.a, "Kde je balík?", "jana@example.cz")
    with in_schema(two_clients.a):
        conversation.refresh_from_db()
        usage_record_first_reply(
            client=two_clients.a, conversation=conversation, agent=agent, at=utc(2026, 10, 7, 9)
        )
    invoice = invoice_issue(client=two_clients.a, month=utc(2026, 10, 1).date()).invoice
    assert invoice is not None
    total = invoice.total

    outcome = _mark(two_clients.a, conversation, agent)

    assert outcome.billing.corrected and outcome.billing.invoiced == invoice
    invoice.refresh_from_db()
    assert invoice.total == total  # never touched


def test_search_leaves_spam_out_unless_asked_for(two_clients, agent):
    conversation, _ = inbound(two_clients.a, "Levné hodinky Rolex", "spam@junk.example")
    _mark(two_clients.a, conversation, agent)
    found = conversations_search(
        client_ids=[two_clients.a.pk], query="rolex", filters=SearchFilters()
    )
    assert found.total == 0
    asked = conversations_search(
        client_ids=[two_clients.a.pk], query="rolex", filters=SearchFilters(status="spam")
    )
    assert [hit.conversation_id for hit in asked.hits] == [conversation.pk]
    assert asked.hits[0].status == "spam"
    _undo(two_clients.a, conversation, agent)
    again = conversations_search(
        client_ids=[two_clients.a.pk], query="rolex", filters=SearchFilters()
    )
    assert [hit.status for hit in again.hits] == ["open"]


def test_erasing_the_customer_erases_the_block(two_clients, agent):
    conversation, _ = inbound(two_clients.a, "Levné hodinky", "spam@junk.example")
    _mark(two_clients.a, conversation, agent)
    with in_schema(two_clients.a):
        customer_erase(customer_id=conversation.customer_id)
        assert not BlockedSender.objects.exists()


def test_an_api_message_from_a_blocked_sender_is_answered_closed_and_unacknowledged(
    two_clients, agent
):
    _, key = api_key_issue(client=two_clients.b, name="shop")
    http = HttpClient(HTTP_HOST="localhost", HTTP_AUTHORIZATION=f"Bearer {key}")
    message = {"text": "Tanie zegarki, kliknij tutaj!", "customer": {"email": "x@junk.example"}}
    first = http.post("/api/v1/messages", message, content_type="application/json").json()
    with in_schema(two_clients.b):
        conversation = Conversation.objects.get(pk=first["id"])
    _mark(two_clients.b, conversation, agent)

    again = http.post("/api/v1/messages", message, content_type="application/json")

    assert again.status_code == 201
    body = again.json()
    assert (body["status"], body["first_response_due_at"]) == ("closed", None)
    assert [m["direction"] for m in body["messages"]] == ["in"]  # no acknowledgement
    assert not WorkItem.objects.filter(client=two_clients.b, source_id=body["id"]).exists()


def test_spam_marked_in_a_closed_month_drops_its_stored_figures(two_clients, agent):
    conversation, _item = inbound(two_clients.a, "Levné hodinky!", "hodinky@example.cz")
    october_day = datetime(2026, 10, 20, 9, tzinfo=UTC)
    closed = datetime(2026, 11, 5, 9, tzinfo=UTC)
    with in_schema(two_clients.a):
        Conversation.objects.filter(pk=conversation.pk).update(created_at=october_day)
        before = kpis_for_month(client=two_clients.a, month=date(2026, 10, 1), now=closed)
        assert KpiSnapshot.objects.filter(month=date(2026, 10, 1)).exists()
    _mark(two_clients.a, conversation, agent)
    with in_schema(two_clients.a):
        assert not KpiSnapshot.objects.filter(month=date(2026, 10, 1)).exists()
        after = kpis_for_month(client=two_clients.a, month=date(2026, 10, 1), now=closed)
    assert after.totals.received == before.totals.received - 1


def test_an_acknowledgement_still_queued_is_withdrawn_when_marked_spam(mailboxes, agent):
    """The broker was down: the acknowledgement waits in the outbox. Marking the mail spam
    withdraws it, so the sender never learns the address is read; the desk says so. A sent
    one (another conversation) stays as it was."""
    first = mail_receive(raw=email(message_id="<w1@customer.example>"), source="pipe")
    other = mail_receive(
        raw=email(message_id="<w2@customer.example>", subject="Jiná věc"), source="pipe"
    )
    waiting = Delivery.objects.get(
        client=mailboxes.a, conversation_id=first.filed.conversation_id, kind="automatic"
    )
    Delivery.objects.filter(pk=waiting.pk).update(
        state="queued", dispatched_at=None, next_attempt_at=timezone.now()
    )
    Delivery.objects.filter(client=mailboxes.a, conversation_id=other.filed.conversation_id).update(
        state="sent", sent_at=timezone.now()
    )
    with in_schema(mailboxes.a):
        conversation = Conversation.objects.get(pk=first.filed.conversation_id)
        conversation_b = Conversation.objects.get(pk=other.filed.conversation_id)
    _mark(mailboxes.a, conversation, agent)
    _mark(mailboxes.a, conversation_b, agent)

    waiting.refresh_from_db()
    assert waiting.state == "withdrawn" and waiting.withdrawn_at is not None
    assert "spam" in waiting.last_error
    assert (
        Delivery.objects.get(
            client=mailboxes.a, conversation_id=conversation_b.pk, kind="automatic"
        ).state
        == "sent"
    )
    # The sweep and a late task leave it alone.
    assert deliveries_sweep(now=timezone.now() + timedelta(days=1)) == 0
    assert delivery_claim(delivery_id=waiting.pk, now=timezone.now() + timedelta(days=1)) is None

    page = HttpClient(HTTP_HOST="localhost")
    page.force_login(agent)
    item = WorkItem.objects.get(
        client=mailboxes.a, source_kind="conversation", source_id=conversation.pk
    )
    response = page.get(f"/desk/items/{item.pk}")
    assert response.status_code == 200
    assert "delivery-withdrawn" in response.content.decode()
