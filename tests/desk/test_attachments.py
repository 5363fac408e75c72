"""Files on the desk: listed on the thread (one query, whatever their number), downloaded
only by agents who may see the item, safely; agents attach files to e-mail replies."""

import pytest
from django.core import mail
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.template.defaultfilters import filesizeformat
from django.test.utils import CaptureQueriesContext

from conversations.attachments import IncomingFile, attachment_store, blob_name
from conversations.models import Attachment, Conversation, Message
from conversations.services import conversation_note_add
from demo.files import parcel_photo_png, receipt_pdf
from tests.support.desk import agent_with, held_by, inbound, signed_in
from tests.support.files import zip_of
from tests.support.tenancy import in_schema

pytestmark = pytest.mark.django_db

CZECH = "Dobrý den, boty přišly poškozené, posílám fotku a účtenku."
PHOTO = parcel_photo_png(width=48, height=36)
PDF = receipt_pdf(shop="Client A Obuv", order="Objednávka č. 7", lines=[("Boty", "990 Kč")])


def _with_files(client, conversation, files: list[IncomingFile]) -> Message:
    with in_schema(client):
        message = conversation.messages.get(direction="in")
        for file in files:
            attachment_store(message=message, file=file)
    return message


def _photo_and_pdf(client, email="files@example.cz"):
    conversation, item = inbound(client, CZECH, email, subject="Poškozené boty")
    _with_files(
        client,
        conversation,
        [
            IncomingFile("poškozená krabice.png", "image/png", PHOTO),
            IncomingFile("účtenka.pdf", "application/pdf", PDF),
        ],
    )
    with in_schema(client):
        photo, pdf = Attachment.objects.filter(message__conversation=conversation)
    return conversation, item, photo, pdf


def _content(response) -> bytes:
    return b"".join(response.streaming_content)


def test_the_thread_lists_name_type_size_and_previews_only_raster_images(two_clients):
    agent = agent_with([two_clients.a], {"cs": "native"})
    conversation, item, photo, pdf = _photo_and_pdf(two_clients.a)
    _with_files(
        two_clients.a,
        conversation,
        [
            IncomingFile("kresba.svg", "image/svg+xml", b"<svg onload='alert(1)'/>"),
        ],
    )
    page = signed_in(agent).get(f"/desk/items/{item.pk}").text
    files = page[page.index('class="attachments"') :]
    url = f"/desk/items/{item.pk}/attachments/{photo.pk}"
    assert "poškozená krabice.png" in files and "účtenka.pdf" in files and "kresba.svg" in files
    assert f'<img src="{url}?inline=1"' in files
    assert f"PDF · {filesizeformat(len(PDF))}" in files and "Image (PNG) ·" in files
    assert files.count("<img ") == 1  # the SVG and the PDF get no preview
    assert f'href="/desk/items/{item.pk}/attachments/{pdf.pk}"' in files


def test_the_thread_reads_all_files_in_one_query(two_clients):
    agent = agent_with([two_clients.a], {"cs": "native"})
    http = signed_in(agent)
    conversation, item, _photo, _pdf = _photo_and_pdf(two_clients.a, "one@example.cz")
    http.get(f"/desk/items/{item.pk}")  # warm the caches (agent's reach, client table)
    with CaptureQueriesContext(connection) as few:
        assert http.get(f"/desk/items/{item.pk}").status_code == 200

    held_by(item, agent)

    with in_schema(two_clients.a):
        for number in range(4):
            conversation_note_add(
                client=two_clients.a,
                conversation_id=conversation.pk,
                agent=agent,
                text=f"Poznámka {number}",
            )
            note = conversation.messages.filter(direction="note").latest("id")
            for copy in range(3):
                attachment_store(
                    message=note,
                    file=IncomingFile(
                        f"foto-{number}-{copy}.png", "image/png", PHOTO + bytes([number, copy])
                    ),
                )
    with CaptureQueriesContext(connection) as many:
        page = http.get(f"/desk/items/{item.pk}").text
    assert page.count('class="attachment"') == 14
    reads = [q["sql"] for q in many.captured_queries if "conversations_attachment" in q["sql"]]
    assert len(reads) == 1
    assert len(many.captured_queries) == len(few.captured_queries)


def test_a_download_is_an_attachment_streamed_with_a_safe_type_and_a_non_ascii_name(two_clients):
    agent = agent_with([two_clients.a], {"cs": "native"})
    _conversation, item, photo, pdf = _photo_and_pdf(two_clients.a, "dl@example.cz")
    http = signed_in(agent)

    response = http.get(f"/desk/items/{item.pk}/attachments/{pdf.pk}")
    assert response.status_code == 200 and response.streaming
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"] == ("attachment; filename*=utf-8''%C3%BA%C4%8Dtenka.pdf")
    assert _content(response) == PDF

    preview = http.get(f"/desk/items/{item.pk}/attachments/{photo.pk}?inline=1")
    assert preview["Content-Type"] == "image/png"
    assert preview["Content-Disposition"].startswith("inline;")
    assert _content(preview) == PHOTO
    # A PDF asked inline is still a download: only raster images are shown in the page.
    assert http.get(f"/desk/items/{item.pk}/attachments/{pdf.pk}?inline=1")[
        "Content-Disposition"
    ].startswith("attachment;")


def test_active_content_is_never_served_as_itself(two_clients):
    agent = agent_with([two_clients.a], {"cs": "native"})
    conversation, item = inbound(two_clients.a, CZECH, "html@example.cz")
    _with_files(
        two_clients.a,
        conversation,
        [
            IncomingFile("page.html", "text/html", b"<script>alert(1)</script>"),
            IncomingFile("kresba.svg", "image/svg+xml", b"<svg onload='alert(1)'/>"),
        ],
    )
    with in_schema(two_clients.a):
        html, svg = Attachment.objects.filter(message__conversation=conversation)
    http = signed_in(agent)
    for attachment in (html, svg):
        response = http.get(f"/desk/items/{item.pk}/attachments/{attachment.pk}?inline=1")
        assert response["Content-Type"] == "application/octet-stream"
        assert response["Content-Disposition"].startswith("attachment;")


def test_an_outsider_gets_404_and_no_bytes(two_clients):
    """An agent who does not serve client A, even a supervisor of client B, gets a 404 for
    A's file; a file id of another conversation under A's item is a 404 too."""
    owner = agent_with([two_clients.a], {"cs": "native"})
    outsider = agent_with([two_clients.b], {"pl": "native"}, is_staff=True)
    _conversation, item, photo, _pdf = _photo_and_pdf(two_clients.a, "secret@example.cz")
    url = f"/desk/items/{item.pk}/attachments/{photo.pk}"
    assert signed_in(owner).get(url).status_code == 200
    response = signed_in(outsider).get(url)
    assert response.status_code == 404 and PHOTO not in response.content

    _other, other_item = inbound(two_clients.a, CZECH, "other@example.cz")
    assert (
        signed_in(owner).get(f"/desk/items/{other_item.pk}/attachments/{photo.pk}").status_code
        == 404
    )
    assert signed_in(owner).get(f"/desk/items/{item.pk}/attachments/999999").status_code == 404


def test_a_file_gone_from_the_storage_is_a_404_not_a_500(two_clients):

    agent = agent_with([two_clients.a], {"cs": "native"})
    _conversation, item, photo, _pdf = _photo_and_pdf(two_clients.a, "gone@example.cz")
    with in_schema(two_clients.a):
        default_storage.delete(blob_name(photo.sha256))
    response = signed_in(agent).get(f"/desk/items/{item.pk}/attachments/{photo.pk}")
    assert response.status_code == 404


def _upload(name: str, data: bytes, content_type: str = "application/octet-stream"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def test_an_agent_attaches_files_to_an_email_reply_and_they_are_sent_with_it(
    two_clients, django_capture_on_commit_callbacks
):
    agent = agent_with([two_clients.a], {"cs": "native"})
    conversation, item = inbound(two_clients.a, CZECH, "reply@example.cz")
    held_by(item, agent)
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in(agent).post(
            f"/desk/items/{item.pk}/reply",
            {
                "text": "Posíláme štítek na vrácení.",
                "files": [_upload("štítek.pdf", PDF, "text/html"), _upload("foto.png", PHOTO)],
            },
        )
    assert response.status_code == 302
    with in_schema(two_clients.a):
        reply = Message.objects.get(conversation_id=conversation.pk, direction="out")
        stored = list(reply.attachments.values_list("filename", "content_type", "size"))
    # The type is ours, from the allowed name, never the browser's word for it.
    assert stored == [
        ("štítek.pdf", "application/pdf", len(PDF)),
        ("foto.png", "image/png", len(PHOTO)),
    ]
    page = signed_in(agent).get(f"/desk/items/{item.pk}").text
    assert page.count('class="attachment"') == 2
    assert any("Posíláme štítek" in m.body for m in mail.outbox)


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("setup.exe", b"MZ\x90\x00" + b"\x00" * 60, "programs and scripts"),
        ("invoice.pdf", b"MZ\x90\x00" + b"\x00" * 60, "programs and scripts"),
        ("run.ps1", b"Write-Host hi", "programs and scripts"),
        ("photo.png", b"#!/bin/sh\nrm -rf ~\n", "programs and scripts"),
        ("notes.txt", b"MZ Bank statement, March", None),  # text: judged by its name
        ("x.docx", zip_of(["word/document.xml", "payload.exe"]), "programs and scripts"),
        ("photos.zip", zip_of(["a.jpg", "open-me.scr"]), "programs and scripts"),
        ("tool.zip", zip_of(["META-INF/MANIFEST.MF", "Main.class"]), "programs and scripts"),
        ("table.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 8, None),
        ("page.html", b"<p>hi</p>", "this type of file cannot be sent"),
        ("empty.txt", b"", "is empty"),
    ],
)
def test_programs_and_other_types_are_refused_with_the_text_kept(two_clients, name, data, reason):
    agent = agent_with([two_clients.a], {"cs": "native"})
    conversation, item = inbound(two_clients.a, CZECH, f"refuse-{name}@example.cz")
    held_by(item, agent)
    typed = "Dobrý den, <posíláme> podklady."
    response = signed_in(agent).post(
        f"/desk/items/{item.pk}/reply", {"text": typed, "files": [_upload(name, data)]}
    )
    with in_schema(two_clients.a):
        replies = Message.objects.filter(conversation_id=conversation.pk, direction="out")
        if reason is None:  # an old Office file is an OLE container; text; both allowed
            assert response.status_code == 302 and replies.count() == 1
            return
        assert response.status_code == 400 and not replies.exists()
        assert not Attachment.objects.filter(
            message__conversation_id=conversation.pk, message__direction="out"
        ).exists()
    page = response.content.decode()
    assert 'id="reply-errors"' in page and reason in page and name in page
    assert ">Dobrý den, &lt;posíláme&gt; podklady.</textarea>" in page


def test_size_limits_per_file_and_in_total_are_said_in_the_agents_language(two_clients):
    agent = agent_with([two_clients.a], {"cs": "native"}, language="cs")
    conversation, item = inbound(two_clients.a, CZECH, "big@example.cz")
    held_by(item, agent)
    http = signed_in(agent)
    big = _upload("velká.pdf", b"%PDF-1.4\n" + b"0" * (12 * 1024 * 1024))
    response = http.post(f"/desk/items/{item.pk}/reply", {"text": "Ahoj", "files": [big]})
    assert response.status_code == 400
    assert "velká.pdf: 12,0 MB; nejvýše 10,0 MB na soubor." in response.content.decode()

    three = [_upload(f"část-{n}.pdf", b"%PDF-1.4\n" + b"0" * (9 * 1024 * 1024)) for n in range(3)]
    response = http.post(f"/desk/items/{item.pk}/reply", {"text": "Ahoj", "files": three})
    assert response.status_code == 400
    assert (
        "Soubory mají dohromady 27,0 MB; poslat lze nejvýše 25,0 MB." in response.content.decode()
    )
    with in_schema(two_clients.a):
        assert not Message.objects.filter(conversation_id=conversation.pk, direction="out").exists()


def test_an_sms_conversation_refuses_files_and_keeps_the_text(two_clients):
    agent = agent_with([two_clients.a], {"cs": "native"})
    conversation, item = inbound(two_clients.a, CZECH, "sms@example.cz", channel="sms")
    held_by(item, agent)
    http = signed_in(agent)
    assert 'id="reply-files"' not in http.get(f"/desk/items/{item.pk}").text
    response = http.post(
        f"/desk/items/{item.pk}/reply",
        {"text": "Posílám fotku", "files": [_upload("a.png", PHOTO)]},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Files can be sent by e-mail only" in page and ">Posílám fotku</textarea>" in page
    with in_schema(two_clients.a):
        assert Conversation.objects.get(pk=conversation.pk).first_response_at is None


def test_an_empty_reply_keeps_the_page_and_says_why(two_clients):
    agent = agent_with([two_clients.a], {"cs": "native"})
    _conversation, item = inbound(two_clients.a, CZECH, "empty@example.cz")
    held_by(item, agent)
    files = [_upload("a.png", PHOTO)]
    response = signed_in(agent).post(f"/desk/items/{item.pk}/reply", {"text": "  ", "files": files})
    assert response.status_code == 400 and 'id="reply-errors"' in response.content.decode()
