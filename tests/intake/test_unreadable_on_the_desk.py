"""An unreadable message is an item agents see, marked so, with the original to download
by those who may see the conversation, and by nobody else."""

import pytest
from django.test import Client as HttpClient

from accounts.models import User
from conversations import email_in
from intake.services import mail_receive, receipt_process, receipt_write
from routing.models import WorkItem
from tests.support.factories import UserFactory
from tests.support.mail import corpus

pytestmark = pytest.mark.django_db


def agent_of(client) -> HttpClient:
    agent = UserFactory(role=User.Role.AGENT, language="en")
    agent.served_clients.set([client])
    http = HttpClient(HTTP_HOST="localhost")
    http.force_login(agent)
    return http


def test_an_agent_sees_the_unreadable_message_and_downloads_its_original(mailboxes, monkeypatch):
    def parser_bug(self):
        raise IndexError("list index out of range")

    monkeypatch.setattr(email_in.BytesFeedParser, "close", parser_bug)
    raw = corpus("photo_and_pdf.eml")
    outcome = mail_receive(raw=raw, source="pipe")
    monkeypatch.undo()
    readable = mail_receive(raw=corpus("eight_bit_headers.eml"), source="pipe")
    item = WorkItem.objects.get(client=mailboxes.a, source_id=outcome.filed.conversation_id)
    other = WorkItem.objects.get(client=mailboxes.a, source_id=readable.filed.conversation_id)
    message_pk = outcome.filed.message_pk

    http = agent_of(mailboxes.a)
    page = http.get(f"/desk/items/{item.pk}").text
    assert "Unreadable message</strong>: could not be read: IndexError" in page
    link = f"/desk/items/{item.pk}/messages/{message_pk}/original"
    assert f'href="{link}"' in page
    original = http.get(link)
    assert original.status_code == 200 and original.content == raw
    assert original["Content-Type"] == "application/octet-stream"
    assert original["Content-Disposition"] == f'attachment; filename="message-{message_pk}.eml"'
    # Named through another item of the same client: not that item's message.
    assert http.get(f"/desk/items/{other.pk}/messages/{message_pk}/original").status_code == 404

    outsider = agent_of(mailboxes.b)
    assert outsider.get(link).status_code == 404
    assert HttpClient(HTTP_HOST="localhost").get(link).status_code == 302  # to the login


def test_a_receipt_processed_twice_is_one_unreadable_item(mailboxes, monkeypatch):
    """The sweep and a slow first try may meet on one receipt: the second finds it filed."""

    def parser_bug(self):
        raise IndexError("list index out of range")

    monkeypatch.setattr(email_in.BytesFeedParser, "close", parser_bug)
    raw = corpus("photo_and_pdf.eml")
    receipt = receipt_write(raw=raw, source="pipe", size=len(raw))
    first = receipt_process(receipt=receipt)
    second = receipt_process(receipt=receipt)  # the same receipt as the sweep read it
    assert (first.status, second.status) == ("unreadable", "duplicate")
    assert second.filed.conversation_id == first.filed.conversation_id
    assert (
        WorkItem.objects.filter(client=mailboxes.a, source_id=first.filed.conversation_id).count()
        == 1
    )
