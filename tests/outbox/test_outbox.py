"""The outbox: every outbound message has a delivery row written with it; it is claimed
with a lease, sent, and marked sent at once; failures are retried or shown with the
reason; figures count what was sent, not what was typed."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import ObjectDoesNotExist
from django.utils import timezone

from accounts.models import User
from billing.models import UsageEntry
from content.models import MessageTemplate
from conversations.attachments import IncomingFile, attachment_store
from conversations.email_in import email_file_raw
from conversations.models import Conversation, Message
from conversations.services import conversation_open_inbound, conversation_reply
from conversations.tasks import email_send_task
from customers.services import customer_erase
from outbox.models import Delivery
from outbox.selectors import undelivered_public
from outbox.services import (
    deliveries_sweep,
    delivery_bounced,
    delivery_claim,
    delivery_mark_sent,
    delivery_retry,
)
from routing.models import WorkItem
from tenants.models import InboundAddress
from tests.support.factories import UserFactory
from tests.support.mail import email
from tests.support.outbox import delivery_of, reply_to_new_mail, send_now
from tests.support.smtp_sink import Sink, free_port, mailers_for, sink_start
from tests.support.tenancy import in_schema

pytestmark = pytest.mark.django_db


@pytest.fixture
def sink(settings):
    sink = Sink()
    controller = sink_start(sink)
    settings.MAILERS = mailers_for(controller.port)
    yield sink
    controller.stop()


@pytest.fixture
def mailbox(two_clients):
    InboundAddress.objects.create(
        client=two_clients.a, address="podpora@obuv.example", country="CZ"
    )
    return two_clients.a


@pytest.fixture
def agent():
    return UserFactory(role=User.Role.AGENT)


def first_reply_entries(client):
    return UsageEntry.objects.filter(client=client, source_kind="conversation")


def test_a_reply_is_queued_with_its_message_and_counts_when_the_server_takes_it(
    mailbox, agent, sink
):
    typed = timezone.now() - timedelta(minutes=5)
    reply = reply_to_new_mail(mailbox, agent, now=typed)
    delivery = delivery_of(mailbox, reply.pk)
    assert (delivery.state, delivery.channel, delivery.kind) == ("queued", "email", "reply")
    assert delivery.external_id == reply.external_id
    with in_schema(mailbox):
        conversation = Conversation.objects.get(pk=reply.conversation_id)
        # Typed, not sent: the customer's turn, but no first response and nothing billed yet.
        assert conversation.status == "pending" and conversation.first_response_at is None
    assert not first_reply_entries(mailbox).exists()

    assert send_now(mailbox, reply.pk) == "sent"

    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts, delivery.lease_until) == ("sent", 1, None)
    assert delivery.provider_id == reply.external_id
    assert sink.message_ids() == [reply.external_id]
    with in_schema(mailbox):
        conversation.refresh_from_db()
        assert Message.objects.get(pk=reply.pk).sent_at == delivery.sent_at
        # The first response is when the server accepted it, not when it was typed.
        assert conversation.first_response_at == delivery.sent_at > typed
    item = WorkItem.objects.get(client=mailbox, source_id=conversation.pk)
    assert item.responded_at == delivery.sent_at
    [entry] = first_reply_entries(mailbox)
    assert entry.occurred_at == delivery.sent_at


def test_a_second_mark_or_a_second_reply_bills_once(mailbox, agent, sink):
    reply = reply_to_new_mail(mailbox, agent)
    send_now(mailbox, reply.pk)
    delivery = delivery_of(mailbox, reply.pk)
    assert delivery_mark_sent(delivery=delivery, provider_id="again") is False
    with in_schema(mailbox):
        second = conversation_reply(
            client=mailbox,
            conversation_id=reply.conversation_id,
            agent=agent,
            text="A ještě jedna věc.",
        )
    assert send_now(mailbox, second.pk) == "sent"
    assert first_reply_entries(mailbox).count() == 1
    assert len(sink.received) == 2


def test_nothing_listening_is_retried_with_a_backoff_then_failed_with_the_reason(
    mailbox, agent, settings
):
    settings.MAILERS = mailers_for(free_port())  # nobody there: connection refused
    settings.OUTBOX_MAX_ATTEMPTS = 2
    reply = reply_to_new_mail(mailbox, agent)
    assert send_now(mailbox, reply.pk) == "queued"
    delivery = delivery_of(mailbox, reply.pk)
    assert delivery.attempts == 1 and "Connection refused" in delivery.last_error
    assert delivery.next_attempt_at > timezone.now() + timedelta(seconds=25)
    assert send_now(mailbox, reply.pk) == ""  # not due yet: nobody sends it early

    Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())
    assert send_now(mailbox, reply.pk) == "failed"
    delivery.refresh_from_db()
    assert delivery.attempts == 2 and delivery.failed_at is not None
    with in_schema(mailbox):
        conversation = Conversation.objects.get(pk=reply.conversation_id)
        note = conversation.messages.get(direction="note")
        assert conversation.status == "open" and conversation.first_response_at is None
        assert Message.objects.get(pk=reply.pk).sent_at is None
    assert "could not be sent" in note.body_text and "Connection refused" in note.body_text
    assert not first_reply_entries(mailbox).exists()  # nothing sent, nothing billed
    assert WorkItem.objects.filter(
        client=mailbox, source_id=conversation.pk, status__in=WorkItem.OPEN_STATUSES
    ).exists()
    [shown] = [u for u in undelivered_public() if u.delivery.pk == delivery.pk]
    assert shown.client_name == mailbox.name and shown.item_id is not None


@pytest.mark.parametrize(
    ("answer", "state"),
    [
        ("550 5.1.1 No such user here", "failed"),
        ("452 4.2.2 Mailbox full, try later", "queued"),
    ],
)
def test_a_5xx_answer_fails_at_once_a_4xx_answer_is_tried_again(
    mailbox, agent, sink, answer, state
):
    sink.reply = answer
    reply = reply_to_new_mail(mailbox, agent)
    assert send_now(mailbox, reply.pk) == state
    delivery = delivery_of(mailbox, reply.pk)
    assert answer.split()[0] in delivery.last_error and delivery.attempts == 1


def test_a_claim_holds_the_row_until_its_lease_runs_out(mailbox, agent):
    reply = reply_to_new_mail(mailbox, agent)
    delivery = delivery_of(mailbox, reply.pk)
    now = timezone.now()
    assert delivery_claim(delivery_id=delivery.pk, now=now).state == "sending"
    assert delivery_claim(delivery_id=delivery.pk, now=now + timedelta(seconds=60)) is None
    later = now + timedelta(seconds=121)  # the worker died: another one takes it
    again = delivery_claim(delivery_id=delivery.pk, now=later)
    assert (again.state, again.attempts) == ("sending", 2)


def test_the_sweep_sends_what_is_due_and_not_on_its_way(mailbox, agent, sink):
    on_its_way = reply_to_new_mail(mailbox, agent)
    not_sent = reply_to_new_mail(mailbox, agent)
    Delivery.objects.filter(message_id=not_sent.pk, client=mailbox).update(dispatched_at=None)
    held = reply_to_new_mail(mailbox, agent)
    now = timezone.now()
    held_row = delivery_of(mailbox, held.pk)
    delivery_claim(delivery_id=held_row.pk)
    # Its worker died three minutes ago, its lease ran out one minute ago.
    Delivery.objects.filter(pk=held_row.pk).update(
        dispatched_at=now - timedelta(minutes=3), lease_until=now - timedelta(minutes=1)
    )

    assert deliveries_sweep(now=now) == 2  # eager here: the tasks run at once
    states = {m.pk: delivery_of(mailbox, m.pk).state for m in (on_its_way, not_sent, held)}
    assert states == {on_its_way.pk: "queued", not_sent.pk: "sent", held.pk: "sent"}
    assert delivery_of(mailbox, held.pk).attempts == 2
    # Its task lost long ago (a broker that dropped it): sent again after the redispatch time.
    assert deliveries_sweep(now=now + timedelta(seconds=301)) == 1
    assert delivery_of(mailbox, on_its_way.pk).state == "sent"
    assert len(sink.received) == 3


def test_a_bounce_marks_the_message_once_and_brings_the_conversation_back(
    mailbox, agent, sink, two_clients
):
    reply = reply_to_new_mail(mailbox, agent)
    send_now(mailbox, reply.pk)
    bare_id = reply.external_id.strip("<>")
    assert (
        delivery_bounced(
            client=two_clients.b, message_external_id=reply.external_id, reason="550 No such user"
        )
        is None
    )  # another client's id
    reason = "550 5.1.1 <vera@customer.example>:\n no such user"
    for _ in range(2):
        delivery = delivery_bounced(client=mailbox, message_external_id=bare_id, reason=reason)
    assert delivery.state == "bounced" and delivery.bounced_at is not None
    assert delivery.last_error == "550 5.1.1 <vera@customer.example>: no such user"
    with in_schema(mailbox):
        conversation = Conversation.objects.get(pk=reply.conversation_id)
        assert conversation.messages.filter(direction="note").count() == 1  # once
        assert conversation.status == "open"
        # Accepted by the server: the first response stands.
        assert conversation.first_response_at is not None
    assert delivery_bounced(client=mailbox, message_external_id="<nobody@x>", reason="x") is None


def test_a_failed_message_is_sent_again_on_request(mailbox, agent, sink, two_clients):
    sink.reply = "554 Transaction failed"
    reply = reply_to_new_mail(mailbox, agent)
    assert send_now(mailbox, reply.pk) == "failed"
    delivery = delivery_of(mailbox, reply.pk)
    with pytest.raises(ObjectDoesNotExist):
        delivery_retry(client=two_clients.b, delivery_id=delivery.pk)
    sink.reply = "250 OK"
    retried = delivery_retry(client=mailbox, delivery_id=delivery.pk)
    assert (retried.state, retried.attempts) == ("queued", 0)
    assert send_now(mailbox, reply.pk) == "sent"
    with pytest.raises(ValueError):
        delivery_retry(client=mailbox, delivery_id=delivery.pk)  # sent: nothing to retry
    assert sink.message_ids() == [reply.external_id]


def test_acknowledgements_are_automatic_replies_and_agents_replies_are_not(
    mailbox, agent, sink, django_capture_on_commit_callbacks
):
    with in_schema(mailbox):
        MessageTemplate.objects.create(
            kind="acknowledgement", subject_cs="Přijali jsme", body_cs="Odpovíme {expected_answer}."
        )
    with django_capture_on_commit_callbacks(execute=True):  # the tasks run (eager)
        filed = email_file_raw(email())
        with in_schema(mailbox):
            conversation_reply(
                client=mailbox,
                conversation_id=filed.conversation_id,
                agent=agent,
                text="Dobrý den.",
            )
    [(_, acknowledgement), (_, answer)] = sink.received
    assert acknowledgement["Subject"] == "Přijali jsme"
    assert acknowledgement["Auto-Submitted"] == "auto-replied"
    assert answer["Auto-Submitted"] is None
    ack = Delivery.objects.get(client=mailbox, kind="automatic")
    assert ack.state == "sent"
    with in_schema(mailbox):
        # The acknowledgement is no answer: the first response is the agent's.
        conversation = Conversation.objects.get(pk=filed.conversation_id)
        answer_sent = Delivery.objects.get(client=mailbox, kind="reply").sent_at
        assert conversation.first_response_at == answer_sent


def test_a_replys_attachments_go_with_it(mailbox, agent, sink):

    reply = reply_to_new_mail(mailbox, agent)
    photo = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40
    with in_schema(mailbox):
        attachment_store(message=reply, file=IncomingFile("boty.png", "image/png", photo))
        attachment_store(
            message=reply, file=IncomingFile("Dodací list.pdf", "application/pdf", b"%PDF-1.4 test")
        )
    send_now(mailbox, reply.pk)
    [(_, sent)] = sink.received
    parts = {part.get_filename(): part for part in sent.iter_attachments()}
    assert parts["boty.png"].get_content() == photo
    assert parts["boty.png"].get_content_type() == "image/png"
    assert parts["Dodací list.pdf"].get_content() == b"%PDF-1.4 test"


def test_a_chat_reply_is_handed_over_and_counts_at_once(two_clients, agent):

    client = two_clients.b
    now = datetime(2026, 3, 4, 10, 0, tzinfo=UTC)
    with in_schema(client):
        opened = conversation_open_inbound(
            client=client,
            channel="chat",
            text="Dzień dobry",
            customer_email="k@example.pl",
            now=now,
        )
        reply = conversation_reply(
            client=client,
            conversation_id=opened.conversation.pk,
            agent=agent,
            text="Dzień dobry!",
            now=now,
        )
        conversation = Conversation.objects.get(pk=opened.conversation.pk)
        assert conversation.first_response_at == now
        assert Message.objects.get(pk=reply.pk).sent_at == now
    delivery = delivery_of(client, reply.pk)
    assert (delivery.state, delivery.sent_at, delivery.attempts) == ("sent", now, 0)
    assert first_reply_entries(client).get().occurred_at == now


def test_erasing_the_customer_clears_what_the_server_said_about_them(mailbox, agent, sink):

    sink.reply = "550 5.1.1 <vera@customer.example>: no such user"
    reply = reply_to_new_mail(mailbox, agent)
    assert send_now(mailbox, reply.pk) == "failed"
    with in_schema(mailbox):
        conversation = Conversation.objects.get(pk=reply.conversation_id)
        customer_erase(customer_id=conversation.customer_id)
    delivery = delivery_of(mailbox, reply.pk)
    assert (delivery.state, delivery.last_error) == ("failed", "")
    assert "vera@" not in str(
        Delivery.objects.filter(client=mailbox).values_list("last_error", "subject")
    )


def test_a_worker_dead_between_the_mark_and_its_effects_is_made_up_for_by_the_sweep(mailbox, agent):
    reply = reply_to_new_mail(mailbox, agent)
    delivery = delivery_of(mailbox, reply.pk)
    accepted = timezone.now()
    # The mark committed, then the worker died: no first response, nothing billed yet.
    Delivery.objects.filter(pk=delivery.pk).update(state="sent", sent_at=accepted)
    assert deliveries_sweep(now=accepted + timedelta(seconds=30)) == 0  # its worker may be at it
    assert not first_reply_entries(mailbox).exists()

    deliveries_sweep(now=accepted + timedelta(minutes=2))
    deliveries_sweep(now=accepted + timedelta(minutes=3))  # once
    with in_schema(mailbox):
        conversation = Conversation.objects.get(pk=reply.conversation_id)
        assert Message.objects.get(pk=reply.pk).sent_at == accepted
    assert conversation.first_response_at == accepted  # when the server took it
    [entry] = first_reply_entries(mailbox)
    assert entry.occurred_at == accepted
    assert delivery_of(mailbox, reply.pk).effects_applied_at is not None


def test_a_send_task_queued_before_the_outbox_still_sends_once(mailbox, agent, sink):

    reply = reply_to_new_mail(mailbox, agent)
    # A message written before the outbox existed: no delivery row.
    Delivery.objects.filter(client=mailbox, message_id=reply.pk).delete()
    with in_schema(mailbox):
        assert email_send_task.apply(args=[reply.pk, "Re: boty"]).get() == "sent"
        assert email_send_task.apply(args=[reply.pk]).get() == ""  # again: nothing
    assert delivery_of(mailbox, reply.pk).state == "sent"
    [(_, sent)] = sink.received
    assert sent["Subject"] == "Re: boty"
