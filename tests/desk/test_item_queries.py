"""The item page reads its thread in a fixed number of SQL statements: the same for a short
conversation and a long one with files, internal notes, forwards, delivery states and a
long customer history (benchmarks/desk_item.py times it at 20 and 200 messages)."""

import re
from datetime import timedelta

import lxml.html
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conversations.attachments import IncomingFile, attachment_store
from conversations.models import Conversation, Message
from demo.files import parcel_photo_png
from desk.views.items import THREAD_SHOWN
from outbox.models import Delivery
from tests.support.desk import agent_with, held_by, inbound, signed_in
from tests.support.tenancy import in_schema

pytestmark = pytest.mark.django_db

PHOTO = parcel_photo_png(width=8, height=8)
# Whatever the thread holds, the page needs no more than this (the host's domain, session,
# user and the agent's desk included); the count itself must not move with the thread.
MAX_STATEMENTS = 30


def _thread(client, agent, *, messages: int, history: int, email: str):
    """An item held by ``agent`` whose conversation has ``messages`` more messages (the
    customer's, the agent's replies in every delivery state, notes, a forward), a file on
    every third, and a customer with ``history`` earlier conversations."""
    conversation, item = inbound(client, "Dobrý den, boty jsou poškozené.", email)
    start = conversation.created_at
    with in_schema(client):
        for n in range(history):
            earlier = Conversation.objects.create(
                customer=conversation.customer,
                channel="email",
                language="cs",
                subject=f"Dřívější dotaz {n}",
                status="resolved",
                created_at=start - timedelta(days=n + 1),
            )
            Message.objects.create(
                conversation=earlier,
                direction="in",
                channel="email",
                body_text="Dříve.",
                created_at=earlier.created_at,
            )
        made = Message.objects.bulk_create(
            Message(
                conversation=conversation,
                direction=("in", "out", "note")[n % 3],
                author=None if n % 3 == 0 else agent,
                channel="email",
                body_text=f"Zpráva {n}.\n-- \nPodpis",
                created_at=start + timedelta(minutes=n + 1),
            )
            for n in range(messages)
        )
        for n, message in enumerate(made):
            if n % 3 == 0:
                attachment_store(
                    message=message,
                    file=IncomingFile(f"foto-{n}.png", "image/png", PHOTO + bytes([n % 250])),
                )
    states = ["sent", "queued", "failed", "bounced"]
    Delivery.objects.bulk_create(
        Delivery(
            client=client,
            message_id=message.pk,
            conversation_id=conversation.pk,
            channel="email",
            kind="forward" if message.direction == "note" else "reply",
            recipient="sklad@example.cz" if message.direction == "note" else "",
            state=states[n % len(states)],
            next_attempt_at=message.created_at,
            queued_at=message.created_at,
            last_error="550 mailbox full",
        )
        for n, message in enumerate(made)
        if message.direction != "in"
    )
    return held_by(item, agent)


def _statements(http, item) -> tuple[int, str]:
    http.get(f"/desk/items/{item.pk}")  # warm: the agent's reach, the client's calendar
    with CaptureQueriesContext(connection) as captured:
        page = http.get(f"/desk/items/{item.pk}")
    assert page.status_code == 200
    real = [q for q in captured.captured_queries if "search_path" not in q["sql"]]
    return len(real), page.text


def test_the_item_page_reads_a_long_thread_in_as_many_statements_as_a_short_one(two_clients):
    agent = agent_with([two_clients.a], {"cs": "native"})
    http = signed_in(agent)
    short = _thread(two_clients.a, agent, messages=2, history=1, email="short@example.cz")
    long = _thread(two_clients.a, agent, messages=45, history=25, email="long@example.cz")

    few, short_page = _statements(http, short)
    many, long_page = _statements(http, long)

    assert long_page.count('class="attachment"') == 15
    assert long_page.count('class="message ') == 46
    assert "sklad@example.cz" in long_page and "550 mailbox full" in long_page
    assert short_page.count('class="message ') == 3
    # The customer's 26 conversations: the newest 20 listed, the other 6 counted.
    history = lxml.html.fromstring(long_page).get_element_by_id("history")
    assert len(history.xpath("./li")) == 20
    more = lxml.html.fromstring(long_page).get_element_by_id("history-more")
    assert more.text_content().strip().endswith(": 6")
    short_history = lxml.html.fromstring(short_page).get_element_by_id("history")
    assert len(short_history.xpath("./li")) == 2
    assert 'id="history-more"' not in short_page
    assert many == few
    assert many <= MAX_STATEMENTS


def test_a_long_thread_shows_its_newest_messages_and_the_rest_one_click_away(two_clients):
    agent = agent_with([two_clients.a], {"cs": "native"})
    http = signed_in(agent)
    item = _thread(two_clients.a, agent, messages=59, history=1, email="dlouhe@example.cz")

    statements, page = _statements(http, item)
    everything = http.get(f"/desk/items/{item.pk}?thread=all").text

    assert page.count('class="message ') == THREAD_SHOWN == 50
    assert 'id="thread-older"' in page and "Show 10 older messages" in page
    # The newest are the ones shown: the last message is there, the first is not.
    ids = [int(found) for found in re.findall(r'id="message-(\d+)"', everything)]
    assert len(ids) == 60 and 'id="thread-older"' not in everything
    assert f'id="message-{ids[-1]}"' in page and f'id="message-{ids[0]}"' not in page
    with CaptureQueriesContext(connection) as captured:
        http.get(f"/desk/items/{item.pk}?thread=all")
    assert len([q for q in captured.captured_queries if "search_path" not in q["sql"]]) == (
        statements
    )
