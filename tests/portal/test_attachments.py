"""Files on the portal's conversation page: listed like on the desk, downloadable by the
client's own users and agency admins only, never a file of an internal note."""

import pytest
from django.test import Client as HttpClient

from accounts.models import User
from conversations.attachments import IncomingFile, attachment_store
from conversations.models import Attachment, Message
from conversations.services import conversation_note_add, conversation_open_inbound
from demo.files import parcel_photo_png, receipt_pdf
from tests.support.factories import PASSWORD, UserFactory
from tests.support.tenancy import host_of, in_schema

pytestmark = pytest.mark.django_db

PHOTO = parcel_photo_png(width=40, height=30, seed=3)
PDF = receipt_pdf(shop="Client A Obuv", order="Objednávka č. 12", lines=[("Boty", "990 Kč")])
SECRET = b"%PDF-1.4\n% the agency's own notes\n"


def signed_in(client, user) -> HttpClient:
    http = HttpClient(HTTP_HOST=host_of(client))
    assert http.login(username=user.username, password=PASSWORD)
    return http


@pytest.fixture
def shared(two_clients):
    """Client A's conversation: the customer's photo and PDF, and a note with a file."""
    with in_schema(two_clients.a):
        inbound = conversation_open_inbound(
            client=two_clients.a,
            channel="email",
            text="Krabice přišla rozbitá, foto a účtenka.",
            customer_email="portal-files@example.cz",
            subject="Rozbitá krabice",
        )
        message = inbound.message
        photo = attachment_store(
            message=message, file=IncomingFile("krabice.jpg.png", "image/png", PHOTO)
        )
        pdf = attachment_store(
            message=message, file=IncomingFile("účtenka 12.pdf", "application/pdf", PDF)
        )
        agent = UserFactory(role=User.Role.AGENT)
        note = conversation_note_add(
            client=two_clients.a,
            conversation_id=inbound.conversation.pk,
            agent=agent,
            text="Interní: viz posudek.",
        )
        internal = attachment_store(
            message=note, file=IncomingFile("posudek.pdf", "application/pdf", SECRET)
        )
    return {"conversation": inbound.conversation, "photo": photo, "pdf": pdf, "internal": internal}


def _url(shared, attachment) -> str:
    return f"/conversations/{shared['conversation'].pk}/attachments/{attachment.pk}"


def test_the_conversation_page_lists_the_files_with_a_preview(two_clients, shared):
    user = UserFactory(role=User.Role.CLIENT, client=two_clients.a)
    page = signed_in(two_clients.a, user).get(f"/conversations/{shared['conversation'].pk}/").text
    assert "krabice.jpg.png" in page and "účtenka 12.pdf" in page
    assert f'<img src="{_url(shared, shared["photo"])}?inline=1"' in page
    assert "posudek.pdf" not in page  # an internal note's file is the agency's


def test_the_clients_user_downloads_the_file_as_an_attachment(two_clients, shared):
    user = UserFactory(role=User.Role.CLIENT, client=two_clients.a)
    response = signed_in(two_clients.a, user).get(_url(shared, shared["pdf"]))
    assert response.status_code == 200
    assert (
        response["Content-Disposition"] == "attachment; filename*=utf-8''%C3%BA%C4%8Dtenka%2012.pdf"
    )
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PDF


def test_an_agency_admin_may_download_too(two_clients, shared):
    admin = UserFactory(role=User.Role.ADMIN)
    response = signed_in(two_clients.a, admin).get(_url(shared, shared["photo"]) + "?inline=1")
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content) == PHOTO


def test_an_internal_notes_file_is_a_404_on_the_portal(two_clients, shared):
    user = UserFactory(role=User.Role.CLIENT, client=two_clients.a)
    response = signed_in(two_clients.a, user).get(_url(shared, shared["internal"]))
    assert response.status_code == 404 and SECRET not in response.content


def test_another_clients_user_gets_404_on_either_host(two_clients, shared):
    user_b = UserFactory(role=User.Role.CLIENT, client=two_clients.b)
    # On A's host the isolation middleware refuses B's user.
    http = HttpClient(HTTP_HOST=host_of(two_clients.a))
    http.force_login(user_b)
    response = http.get(_url(shared, shared["pdf"]))
    assert response.status_code == 404 and PDF not in response.content
    # On B's own host the same ids name nothing of A's: B's schema has no such file.
    with in_schema(two_clients.b):
        assert not Attachment.objects.filter(
            pk=shared["pdf"].pk, message__conversation_id=shared["conversation"].pk
        ).exists()
    response = signed_in(two_clients.b, user_b).get(_url(shared, shared["pdf"]))
    assert response.status_code == 404 and PDF not in response.content


def test_an_automatic_message_is_not_shown_as_the_customers_words(two_clients):
    """A bounce or an out-of-office filed in the conversation is labelled as what it is."""

    with in_schema(two_clients.a):
        inbound = conversation_open_inbound(
            client=two_clients.a,
            channel="email",
            text="Kde je můj balík?",
            customer_email="portal-auto@example.cz",
            subject="Balík",
        )
        Message.objects.create(
            conversation=inbound.conversation,
            direction="in",
            channel="email",
            body_text="Jsem mimo kancelář do pondělí.",
            automatic=True,
            created_at=inbound.message.created_at,
        )
    manager = UserFactory(role=User.Role.CLIENT, client=two_clients.a, language="en")
    page = signed_in(two_clients.a, manager).get(f"/conversations/{inbound.conversation.pk}/")
    text = page.content.decode()
    assert text.count("From the customer") == 1
    assert text.count("Automatic reply or bounce") == 1
