"""Merging two conversations of one customer (conversations.merge): the source closed as
merged and kept, its messages in the target's thread, its work out of the queue, replies
refused on it, the customer's later replies to it in the target, the search index, the
refusals, and two merges at once."""

import pytest
from django.core.exceptions import ValidationError

from conversations.email_in import email_file_raw
from conversations.merge import conversation_merge, thread_conversation_ids
from conversations.models import Conversation, Message
from conversations.services import (
    conversation_customer_message,
    conversation_open_inbound,
    conversation_reply,
)
from conversations.spam import conversation_mark_spam, conversation_not_spam
from routing.models import WorkItem
from search.models import SearchDocument
from tests.support.desk import agent_with
from tests.support.mail import email
from tests.support.tenancy import in_schema

pytestmark = pytest.mark.django_db


def _open(client, text: str, who: str = "vera@customer.example", **fields) -> Conversation:
    return conversation_open_inbound(
        client=client,
        channel=fields.pop("channel", "email"),
        text=text,
        customer_email=who,
        **fields,
    ).conversation


@pytest.fixture
def agent(two_clients):
    return agent_with([two_clients.a], {"cs": "native"})


def test_the_source_is_closed_its_work_leaves_and_its_words_show_in_the_target(two_clients, agent):
    client = two_clients.a
    with in_schema(client):
        target = _open(client, "Boty mi nepřišly.", subject="Boty")
        source = _open(client, "Ještě jednou: kde jsou boty? Objednávka 4711.", subject="Znovu")

        conversation_merge(client=client, source_id=source.pk, target_id=target.pk, agent=agent)

        source.refresh_from_db()
        assert (source.status, source.merged_into_id) == ("closed", target.pk)
        assert source.merged_at is not None
        assert thread_conversation_ids(conversation_id=target.pk) == [target.pk, source.pk]
        # The source's own page still reads its messages.
        assert source.messages.filter(direction="in").exists()
        document = SearchDocument.objects.get(client=client, conversation_id=target.pk)
        assert "4711" in document.body
    assert not WorkItem.objects.filter(
        client=client, source_id=source.pk, status__in=WorkItem.OPEN_STATUSES
    ).exists()
    assert WorkItem.objects.filter(
        client=client, source_id=target.pk, status__in=WorkItem.OPEN_STATUSES
    ).exists()


def test_a_reply_on_the_merged_conversation_is_refused_pointing_at_the_target(two_clients, agent):
    client = two_clients.a
    with in_schema(client):
        target, source = _open(client, "A"), _open(client, "B")
        conversation_merge(client=client, source_id=source.pk, target_id=target.pk, agent=agent)
        with pytest.raises(ValidationError, match=f"merged into #{target.pk}"):
            conversation_reply(client=client, conversation_id=source.pk, agent=agent, text="Hi")


def test_refusals_itself_another_customer_already_merged_a_chain_and_calls(two_clients, agent):
    client = two_clients.a
    with in_schema(client):
        a, b, c = _open(client, "A"), _open(client, "B"), _open(client, "C")
        other = _open(client, "D", who="someone@else.example")
        call = _open(client, "voicemail", channel="call")
        with pytest.raises(ValidationError, match="into itself"):
            conversation_merge(client=client, source_id=a.pk, target_id=a.pk, agent=agent)
        with pytest.raises(ValidationError, match="another customer"):
            conversation_merge(client=client, source_id=a.pk, target_id=other.pk, agent=agent)
        with pytest.raises(ValidationError, match="call"):
            conversation_merge(client=client, source_id=call.pk, target_id=a.pk, agent=agent)
        conversation_merge(client=client, source_id=b.pk, target_id=c.pk, agent=agent)
        # Into a conversation merged away: refused, naming where it went.
        with pytest.raises(ValidationError, match=f"merge into #{c.pk} instead"):
            conversation_merge(client=client, source_id=a.pk, target_id=b.pk, agent=agent)
        with pytest.raises(ValidationError, match="already merged"):
            conversation_merge(client=client, source_id=b.pk, target_id=a.pk, agent=agent)
        with pytest.raises(Conversation.DoesNotExist):
            conversation_merge(client=client, source_id=a.pk, target_id=999999, agent=agent)


def test_merging_a_target_moves_its_sources_along_so_no_chain_forms(two_clients, agent):
    client = two_clients.a
    with in_schema(client):
        a, b, c = _open(client, "A first"), _open(client, "B second"), _open(client, "C third")
        conversation_merge(client=client, source_id=a.pk, target_id=b.pk, agent=agent)
        conversation_merge(client=client, source_id=b.pk, target_id=c.pk, agent=agent)
        a.refresh_from_db()
        assert a.merged_into_id == c.pk
        assert sorted(thread_conversation_ids(conversation_id=c.pk)) == sorted([a.pk, b.pk, c.pk])
        body = SearchDocument.objects.get(client=client, conversation_id=c.pk).body
        assert "A first" in body and "B second" in body


def test_an_open_question_is_not_merged_into_a_resolved_conversation(two_clients, agent):
    client = two_clients.a
    with in_schema(client):
        resolved, waiting = _open(client, "old"), _open(client, "new question")
        Conversation.objects.filter(pk=resolved.pk).update(status="resolved")
        with pytest.raises(ValidationError, match=f"merge #{resolved.pk} into #{waiting.pk}"):
            conversation_merge(
                client=client, source_id=waiting.pk, target_id=resolved.pk, agent=agent
            )
        conversation_merge(client=client, source_id=resolved.pk, target_id=waiting.pk, agent=agent)


def test_a_customer_reply_to_the_merged_thread_lands_in_the_target(mailboxes, agent):
    client = mailboxes.a
    email_file_raw(email(message_id="<first@customer.example>", subject="Boty"))
    email_file_raw(email(message_id="<second@customer.example>", subject="Boty znovu"))
    with in_schema(client):
        first = Message.objects.get(external_id="<first@customer.example>").conversation
        second = Message.objects.get(external_id="<second@customer.example>").conversation
        conversation_merge(client=client, source_id=second.pk, target_id=first.pk, agent=agent)

    filed = email_file_raw(
        email(
            message_id="<third@customer.example>",
            subject="Re: Boty znovu",
            body="Pořád nic.",
            In_Reply_To="<second@customer.example>",
            References="<second@customer.example>",
        )
    )

    assert filed.threaded and filed.conversation_id == first.pk
    with in_schema(client):
        assert Message.objects.get(external_id="<third@customer.example>").conversation_id == (
            first.pk
        )
        second.refresh_from_db()
        assert second.status == "closed"  # never reopened by the reply


def test_a_customer_message_to_the_merged_conversation_lands_in_the_target_once(two_clients, agent):
    client = two_clients.a
    with in_schema(client):
        target = _open(client, "Chat one", channel="chat")
        source = _open(client, "Email two")
        conversation_merge(client=client, source_id=source.pk, target_id=target.pk, agent=agent)
        first = conversation_customer_message(
            client=client, conversation_id=source.pk, text="Ještě tohle", external_id="ext-9"
        )
        replay = conversation_customer_message(
            client=client, conversation_id=source.pk, text="Ještě tohle", external_id="ext-9"
        )
        assert first.conversation.pk == target.pk and first.message.channel == "chat"
        assert (replay.created, replay.message.pk) == (False, first.message.pk)


def test_spam_is_not_merged_and_a_merged_conversation_is_not_marked_or_unmarked(two_clients, agent):
    client = two_clients.a
    with in_schema(client):
        target = _open(client, "Boty mi nepřišly.", subject="Boty")
        spam = _open(client, "Levné hodinky!", subject="Akce")
        source = _open(client, "Kde jsou boty?", subject="Znovu")
        conversation_mark_spam(client=client, conversation_id=spam.pk, agent=agent)
        for one, other in ((spam, target), (target, spam)):
            with pytest.raises(ValidationError, match="spam cannot be merged"):
                conversation_merge(client=client, source_id=one.pk, target_id=other.pk, agent=agent)
        conversation_merge(client=client, source_id=source.pk, target_id=target.pk, agent=agent)
        with pytest.raises(ValidationError, match=f"merged into #{target.pk}"):
            conversation_mark_spam(client=client, conversation_id=source.pk, agent=agent)
        # Marked before merges refused spam (or by hand): "Not spam" would queue a
        # conversation nobody can answer.
        Conversation.objects.filter(pk=spam.pk).update(merged_into=target)
        with pytest.raises(ValidationError, match=f"merged into #{target.pk}"):
            conversation_not_spam(client=client, conversation_id=spam.pk, agent=agent)
    assert not WorkItem.objects.filter(client=client, source_id=spam.pk, status="waiting").exists()
