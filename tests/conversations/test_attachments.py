import hashlib
import os
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from conversations.attachments import (
    IncomingFile,
    attachment_open,
    attachment_store,
    blob_name,
    safe_content_type,
    safe_filename,
    upload_files_check,
)
from conversations.models import Attachment
from conversations.services import conversation_open_inbound
from customers.services import customer_erase
from tests.support.files import zip_of
from tests.support.tenancy import in_schema

pytestmark = pytest.mark.django_db

PHOTO = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40


def _message(client, email="jana@example.cz"):
    return conversation_open_inbound(
        client=client,
        channel="api",
        text="Bota je rozbitá, posílám fotku.",
        customer_email=email,
    ).message


def test_the_same_file_twice_is_stored_once_and_read_back(two_clients):
    with in_schema(two_clients.a):
        first = attachment_store(
            message=_message(two_clients.a), file=IncomingFile("bota.png", "image/png", PHOTO)
        )
        second = attachment_store(
            message=_message(two_clients.a, "petr@example.cz"),
            file=IncomingFile("IMG_1.png", "image/png", PHOTO),
        )
        with attachment_open(second) as stored:
            assert stored.read() == PHOTO
        name = blob_name(first.sha256)
    assert first.sha256 == second.sha256 and first.size == len(PHOTO)
    assert name.startswith(f"attachments/{two_clients.a.schema_name}/")
    assert default_storage.exists(name)


def test_another_clients_copy_of_the_same_file_is_its_own(two_clients):
    with in_schema(two_clients.a):
        a = attachment_store(
            message=_message(two_clients.a), file=IncomingFile("a.png", "image/png", PHOTO + b"a")
        )
    with in_schema(two_clients.b):
        b = attachment_store(
            message=_message(two_clients.b, "ola@example.pl"),
            file=IncomingFile("b.png", "image/png", PHOTO + b"a"),
        )
    assert blob_name(a.sha256, two_clients.a.schema_name) != blob_name(
        b.sha256, two_clients.b.schema_name
    )


def test_erasing_a_customer_deletes_their_files_but_not_a_file_another_still_uses(
    two_clients, django_capture_on_commit_callbacks
):
    with in_schema(two_clients.a):
        theirs = _message(two_clients.a, "erase-me@example.cz")
        other = _message(two_clients.a, "keep-me@example.cz")
        only_theirs = attachment_store(
            message=theirs, file=IncomingFile("id.pdf", "application/pdf", b"%PDF-1.4 only theirs")
        )
        shared = attachment_store(
            message=theirs, file=IncomingFile("x.png", "image/png", PHOTO + b"s")
        )
        attachment_store(message=other, file=IncomingFile("x.png", "image/png", PHOTO + b"s"))
        with django_capture_on_commit_callbacks(execute=True):
            customer_erase(customer_id=theirs.conversation.customer_id)
        assert not Attachment.objects.filter(message=theirs).exists()
        assert not default_storage.exists(blob_name(only_theirs.sha256))
        assert default_storage.exists(blob_name(shared.sha256))


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\jana\\faktura.pdf", "faktura.pdf"),
        ("zpráva\x00.txt", "zpráva.txt"),
        ("", "attachment.png"),
        ("a" * 300 + ".jpeg", "a" * 250 + ".jpeg"),
    ],
)
def test_file_names_lose_paths_and_control_characters(given, expected):
    assert safe_filename(given, "image/png") == expected


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("image/jpeg", "image/jpeg"),
        ("IMAGE/PNG; name=x.png", "image/png"),
        ("text/html", "application/octet-stream"),
        ("image/svg+xml", "application/octet-stream"),
        ("garbage", "application/octet-stream"),
    ],
)
def test_types_a_browser_would_run_are_served_as_downloads(given, expected):
    assert safe_content_type(given) == expected


@pytest.mark.parametrize(
    "given",
    [
        "a." + "\u0958" * 200,  # NFC splits each into two characters: 402 after normalising
        "a." + "x" * 300,  # an "extension" longer than any name may be
        "\u0958" * 200 + ".pdf",
    ],
)
def test_a_name_long_after_normalising_or_with_a_huge_extension_is_cut_to_255(given):
    name = safe_filename(given)
    assert 0 < len(name) <= 255
    assert name.startswith("a.") or name.endswith(".pdf")


def test_a_short_extension_is_kept_when_a_long_name_is_cut():
    assert safe_filename("\u0958" * 200 + ".pdf").endswith(".pdf")
    assert len(safe_filename("\u0958" * 200 + ".pdf")) == 255


# --- an agent's files: what counts as a program -----------------------------------------------


def _upload(name: str, data: bytes):

    return SimpleUploadedFile(name, data)


@pytest.mark.parametrize("name", ["x.docx", "x.xlsx", "x.pptx", "x.odt", "x.ods", "x.odp"])
def test_a_program_inside_an_office_file_is_refused(name):

    with pytest.raises(ValidationError, match="programs and scripts"):
        upload_files_check([_upload(name, zip_of(["word/document.xml", "payload.exe"]))])


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("statement.txt", b"MZ Bank statement, March"),
        ("notes.md", b"#! a heading someone typed oddly"),
        ("export.csv", b"MZ,1200,CZK\n"),
        ("report.docx", zip_of(["word/document.xml", "docProps/app.xml"])),
    ],
)
def test_text_that_merely_starts_like_a_program_and_plain_office_files_pass(name, data):

    (accepted,) = upload_files_check([_upload(name, data)])
    assert accepted.data == data


@pytest.mark.parametrize(
    ("name", "data"),
    [("invoice.pdf", b"MZ\x90\x00" + b"\x00" * 60), ("photo.jpg", b"#!/bin/sh\nrm -rf ~\n")],
)
def test_program_bytes_behind_a_harmless_binary_name_are_refused(name, data):

    with pytest.raises(ValidationError, match="programs and scripts"):
        upload_files_check([_upload(name, data)])


# --- blobs: a half-written file, and the lock shared with the deletion -----------------------


def _partial_files(name: str) -> list[str]:

    return [p.name for p in Path(default_storage.path(name)).parent.glob(".partial-*")]


def test_a_half_written_blob_is_written_again_by_the_next_store(two_clients):

    data = PHOTO + b"half"
    name = blob_name(hashlib.sha256(data).hexdigest(), two_clients.a.schema_name)
    default_storage.save(name, ContentFile(data[:100]))  # a crash in the middle of a write
    with in_schema(two_clients.a):
        stored = attachment_store(
            message=_message(two_clients.a), file=IncomingFile("a.png", "image/png", data)
        )
        with attachment_open(stored) as opened:
            assert opened.read() == data
    assert default_storage.size(name) == len(data)
    assert _partial_files(name) == []  # no temporary file left behind


def test_a_blob_is_written_under_a_temporary_name_and_moved_into_place(two_clients, monkeypatch):
    """A write that fails half way leaves nothing under the hash's name."""

    data = PHOTO + b"crash"
    name = blob_name(hashlib.sha256(data).hexdigest(), two_clients.a.schema_name)

    def crash(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", crash)
    with in_schema(two_clients.a), pytest.raises(OSError, match="disk full"):
        attachment_store(
            message=_message(two_clients.a), file=IncomingFile("a.png", "image/png", data)
        )
    assert not default_storage.exists(name)
    assert _partial_files(name) == []
