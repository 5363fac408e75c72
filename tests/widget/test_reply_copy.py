"""An agent's chat reply that the customer's widget never fetched reaches them by e-mail
(when they gave an address), once, with every unread reply; a reply read in the chat before
the copy is due is not e-mailed (the copy is withdrawn, with the reason)."""

from datetime import timedelta

import pytest
from django.core import mail
from django_tenants.utils import schema_context

from content.models import FaqArticle
from conversations.models import Message
from conversations.services import conversation_reply
from helpcenter.models import SelfServiceAnswer
from helpcenter.services import self_service_record
from hours.models import BusinessHours
from outbox import registry
from outbox.models import Delivery
from outbox.services import delivery_send
from tests.support.factories import agent_serving
from tests.support.tenancy import in_schema
from tests.widget.test_api_guards import MONDAY_10_PRAGUE, SHOP, http, started
from widget.models import ChatSession, WidgetSettings
from widget.services import UNREAD_COPY_AFTER, article_opened_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def widget_a(two_clients, frozen):
    """Client A's widget on, on a Monday at 10:00 in Prague (open)."""
    frozen(MONDAY_10_PRAGUE)
    BusinessHours.objects.create(client=two_clients.a)
    with in_schema(two_clients.a):
        WidgetSettings.objects.create(enabled=True, allowed_origins=[SHOP])
    return two_clients.a


def reply(client, chat: dict, agent, text: str):
    with in_schema(client):
        return conversation_reply(
            client=client, conversation_id=chat["conversation_id"], agent=agent, text=text
        )


def copies(client, chat: dict) -> list[Delivery]:
    return list(
        Delivery.objects.filter(
            client=client, conversation_id=chat["conversation_id"], kind=Delivery.Kind.FORWARD
        ).order_by("pk")
    )


def send(client, delivery: Delivery, *, later: timedelta) -> str:
    with schema_context(client.schema_name):
        return delivery_send(delivery_id=delivery.pk, now=MONDAY_10_PRAGUE + later)


def test_unread_replies_go_by_email_once_in_one_message(widget_a, frozen):
    chat = started(widget_a, email="jana@zakaznik.example", page_url=f"{SHOP}/boty/vltava")
    agent = agent_serving([widget_a])
    agent.first_name = "Petra"
    agent.save(update_fields=["first_name"])
    reply(widget_a, chat, agent, "Balík je na cestě.")
    reply(widget_a, chat, agent, "Přijde zítra do 12:00.")

    first, second = copies(widget_a, chat)
    assert first.state == Delivery.State.WITHDRAWN
    assert "newer" in first.last_error
    assert second.state == Delivery.State.QUEUED
    assert second.recipient == "jana@zakaznik.example"
    assert second.next_attempt_at == MONDAY_10_PRAGUE + UNREAD_COPY_AFTER

    assert send(widget_a, second, later=UNREAD_COPY_AFTER) == Delivery.State.SENT
    [sent] = mail.outbox
    assert sent.to == ["jana@zakaznik.example"]
    assert "Balík je na cestě." in sent.body and "Přijde zítra do 12:00." in sent.body
    assert "Petra" in sent.body
    assert f"{SHOP}/boty/vltava" in sent.body
    assert sent.subject.startswith(widget_a.name)

    # The next reply's copy carries that reply alone: the two above went out already.
    reply(widget_a, chat, agent, "Ještě číslo zásilky: 123.")
    third = copies(widget_a, chat)[-1]
    with in_schema(widget_a):
        body = Message.objects.get(pk=third.message_id).body_text
    assert "Ještě číslo zásilky: 123." in body and "Balík je na cestě." not in body


def test_a_reply_read_in_the_chat_is_not_emailed(widget_a):
    chat = started(widget_a, email="jana@zakaznik.example")
    agent = agent_serving([widget_a])
    reply(widget_a, chat, agent, "Hned to prověřím.")
    read = http(widget_a).get(f"/widget/v1/chats/{chat['token']}").json()
    assert read["messages"][-1]["text"].startswith("Hned to prověřím.")
    with in_schema(widget_a):
        session = ChatSession.objects.get(conversation_id=chat["conversation_id"])
    assert session.seen_message_id == read["messages"][-1]["id"]

    [copy] = copies(widget_a, chat)
    assert send(widget_a, copy, later=UNREAD_COPY_AFTER) == Delivery.State.WITHDRAWN
    copy.refresh_from_db()
    assert copy.state == Delivery.State.WITHDRAWN and "read these replies" in copy.last_error
    assert mail.outbox == []


def test_no_address_no_copy_and_the_chat_still_shows_the_reply(widget_a):
    chat = started(widget_a)
    agent = agent_serving([widget_a])
    reply(widget_a, chat, agent, "Dobrý den.")
    assert copies(widget_a, chat) == []
    read = http(widget_a).get(f"/widget/v1/chats/{chat['token']}").json()
    assert read["messages"][-1]["text"].startswith("Dobrý den.")


def test_a_failing_withdraw_hook_does_not_stop_the_sending(widget_a, monkeypatch):
    """A bug in a hook (or a column a deploy has not added yet) must not hold the outbox:
    the copy goes as asked, logged."""
    chat = started(widget_a, email="jana@zakaznik.example")
    reply(widget_a, chat, agent_serving([widget_a]), "Dobrý den.")

    def broken(**kwargs):
        raise RuntimeError("column copy_delivery_id does not exist")

    monkeypatch.setattr(registry, "WITHDRAWS", [broken])
    [copy] = copies(widget_a, chat)
    assert send(widget_a, copy, later=UNREAD_COPY_AFTER) == Delivery.State.SENT
    assert len(mail.outbox) == 1


def test_an_article_opened_in_the_widget_and_read_in_the_help_center_counts_once(widget_a):
    with in_schema(widget_a):
        article = FaqArticle.objects.create(
            slug="vraceni", question_cs="Vrácení?", answer_cs="Do 30 dnů."
        )
        # The help center's read of the page the widget opened (?v=) came first.
        self_service_record(
            kind=SelfServiceAnswer.Kind.ARTICLE,
            source=SelfServiceAnswer.Source.HELP_CENTER,
            visitor="a" * 32,
            language="cs",
            article_id=article.pk,
        )
        assert not article_opened_record(visitor="a" * 32, article_id=article.pk, language="cs")
        assert SelfServiceAnswer.objects.count() == 1
