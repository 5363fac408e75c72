"""The write-ahead intake on every path: the original kept with a receipt first, then filed;
refusals with a reason and a proper status; sizes up to 25 MB on every path."""

import base64
import json
import os
import subprocess
import sys
from datetime import timedelta
from email.message import EmailMessage
from pathlib import Path

import pytest
from django.test import Client as HttpClient
from django.utils import timezone

from accounts.models import User
from conversations import email_in
from conversations.email_in import MAX_BYTES
from conversations.models import Message
from intake.models import InboundReceipt
from intake.services import (
    mail_receive,
    receipt_process,
    receipt_write,
    receipts_purge,
    receipts_refile,
)
from routing.models import WorkItem
from tests.support.database import test_database_url
from tests.support.mail import corpus
from tests.support.tenancy import in_schema

pytestmark = pytest.mark.django_db
# A photo that makes a message of 23.7 MiB once base64-encoded (24.9 MB).
PHOTO = 18_400_000
HOOK_AUTH = "Basic " + base64.b64encode(b"hook:secret").decode()


def mail(
    *, to="podpora@obuv.example", message_id="<big-1@customer.example>", attachment_bytes=0
) -> bytes:
    message = EmailMessage()
    message["From"], message["To"] = "Věra Malá <vera@customer.example>", to
    message["Subject"] = "Fotka poškozeného zboží"
    if message_id:
        message["Message-ID"] = message_id
    message.set_content("Dobrý den, posílám fotku poškozené krabice.")
    if attachment_bytes:
        message.add_attachment(
            os.urandom(attachment_bytes), maintype="image", subtype="jpeg", filename="krabice.jpg"
        )
    return message.as_bytes()


def megabytes(raw: bytes) -> float:
    return len(raw) / 1024 / 1024


# --- receipts -------------------------------------------------------------------------------


def test_mail_for_nobody_is_refused_and_kept_for_the_postmaster(mailboxes):
    raw = mail(to="ghost@nowhere.example")
    outcome = mail_receive(raw=raw, source="pipe")
    assert (outcome.status, outcome.accepted) == ("no_recipient", False)
    assert "no client receives mail for ghost@nowhere.example" in outcome.reason
    receipt = InboundReceipt.objects.get(pk=outcome.receipt_id)
    assert (receipt.state, bytes(receipt.raw), receipt.client) == ("refused", raw, None)
    assert receipt.message_id == "<big-1@customer.example>"  # for the postmaster's search


def test_what_the_parser_cannot_read_becomes_a_visible_item_with_the_original(
    mailboxes, monkeypatch
):
    # A bug of the standard library's parser on some message (they exist: CPython's tracker
    # has several) stands in for any failure after the receipt is written.
    def parser_bug(self):
        raise IndexError("list index out of range")

    monkeypatch.setattr(email_in.BytesFeedParser, "close", parser_bug)
    raw = corpus("photo_and_pdf.eml")
    outcome = mail_receive(raw=raw, source="http")
    assert (outcome.status, outcome.accepted) == ("unreadable", True)
    assert "IndexError" in outcome.reason
    receipt = InboundReceipt.objects.get(pk=outcome.receipt_id)
    assert (receipt.state, receipt.raw, receipt.client) == ("unreadable", None, mailboxes.a)
    with in_schema(mailboxes.a):
        message = Message.objects.get(pk=outcome.filed.message_pk)
        assert bytes(message.raw) == raw and "IndexError" in message.unreadable_reason
        assert "could not be read" in message.body_text
    item = WorkItem.objects.get(client=mailboxes.a, source_id=outcome.filed.conversation_id)
    assert item.status == "waiting"  # agents see it

    nobodys = mail_receive(raw=mail(to="ghost@nowhere.example"), source="pipe")
    assert nobodys.status == "unparseable"
    assert InboundReceipt.objects.get(pk=nobodys.receipt_id).state == "refused"


def test_a_retried_delivery_is_filed_once_with_or_without_a_message_id(mailboxes):
    with_id = [mail_receive(raw=mail(), source="http") for _ in range(2)]
    no_id = [mail_receive(raw=mail(message_id=None), source="pipe") for _ in range(2)]
    assert [o.status for o in with_id + no_id] == ["filed", "duplicate", "filed", "duplicate"]
    assert with_id[0].filed.conversation_id == with_id[1].filed.conversation_id
    assert no_id[0].filed.conversation_id == no_id[1].filed.conversation_id
    # The same bytes an hour later are a new message, not a retry.
    InboundReceipt.objects.filter(pk=no_id[0].receipt_id).update(
        received_at=timezone.now() - timedelta(hours=2)
    )
    later = mail_receive(raw=mail(message_id=None), source="pipe")
    assert later.status == "filed" and later.filed.conversation_id != no_id[0].filed.conversation_id
    states = InboundReceipt.objects.filter(pk__in=[o.receipt_id for o in with_id])
    assert sorted(states.values_list("state", flat=True)) == ["duplicate", "filed"]


def test_receipts_left_unfiled_are_filed_by_the_sweep_and_old_ones_purged(mailboxes):
    raw = mail(message_id="<died-1@customer.example>")
    # The process died after the receipt was committed, before it was filed.
    kept = receipt_write(raw=raw, source="pipe", size=len(raw))
    assert receipts_refile() == 0  # not yet: it may still be being filed
    assert receipts_refile(now=timezone.now() + timedelta(minutes=5)) == 1
    kept.refresh_from_db()
    assert (kept.state, kept.raw, kept.client) == ("filed", None, mailboxes.a)

    refused = mail_receive(raw=mail(to="ghost@nowhere.example"), source="pipe")
    assert receipts_purge(now=timezone.now() + timedelta(days=29)) == 0
    assert receipts_purge(now=timezone.now() + timedelta(days=31)) >= 2
    assert not InboundReceipt.objects.filter(pk__in=[kept.pk, refused.receipt_id]).exists()


# --- sizes ----------------------------------------------------------------------------------


def test_one_limit_of_25_mb_for_the_whole_message(mailboxes):
    big = mail(attachment_bytes=PHOTO)
    assert 23 < megabytes(big) < 25
    outcome = mail_receive(raw=big, source="pipe")
    assert outcome.status == "filed"
    with in_schema(mailboxes.a):
        assert Message.objects.get(pk=outcome.filed.message_pk).attachments.get().size == PHOTO
    too_big = mail(attachment_bytes=19_500_000, message_id="<big-2@customer.example>")
    refused = mail_receive(raw=too_big, source="pipe")
    assert (refused.status, refused.accepted) == ("too_large", False)
    receipt = InboundReceipt.objects.get(pk=refused.receipt_id)
    assert (receipt.state, receipt.raw, receipt.size) == ("refused", None, len(too_big))


def test_the_raw_http_intake_takes_24_mb_and_answers_413_above_25(mailboxes, settings):
    settings.MAIL_INTAKE_TOKEN = "s3cret-intake"
    http = HttpClient(HTTP_HOST="localhost")

    def post(raw: bytes):
        return http.post(
            "/mail/inbound",
            raw,
            content_type="message/rfc822",
            HTTP_AUTHORIZATION="Bearer s3cret-intake",
        )

    filed = post(mail(attachment_bytes=PHOTO))
    again = post(mail(attachment_bytes=10))  # the same Message-ID: a retry
    too_big = post(mail(attachment_bytes=19_500_000, message_id="<big-3@customer.example>"))
    nobody = post(mail(to="ghost@nowhere.example", message_id="<x-1@customer.example>"))
    assert filed.status_code == 201 and filed.json()["client"] == "client-a"
    assert again.status_code == 200 and again.json()["status"] == "duplicate"
    assert too_big.status_code == 413 and "at most 26214400" in too_big.json()["error"]
    assert nobody.status_code == 422 and "no client receives mail" in nobody.json()["error"]


@pytest.fixture
def provider_webhooks(settings):
    settings.ANYMAIL = {"WEBHOOK_SECRET": "hook:secret"}
    settings.PUBLIC_SCHEMA_URLCONF = "tests.intake.urls_with_anymail"


def test_a_24_mb_photo_arrives_through_postmarks_json_webhook(mailboxes, provider_webhooks):
    photo = os.urandom(PHOTO)
    payload = {
        "FromFull": {"Email": "vera@customer.example", "Name": "Věra Malá"},
        "ToFull": [{"Email": "podpora@obuv.example", "Name": ""}],
        "OriginalRecipient": "podpora@obuv.example",
        "Subject": "Fotka",
        "TextBody": "Dobrý den, posílám fotku poškozené krabice.",
        "Headers": [{"Name": "Message-ID", "Value": "<pm-1@customer.example>"}],
        "Attachments": [
            {
                "Name": "krabice.jpg",
                "ContentType": "image/jpeg",
                "Content": base64.b64encode(photo).decode(),
            }
        ],
    }
    body = json.dumps(payload)
    assert len(body) > 23_000_000  # over ten times Django's default limit
    answer = HttpClient(HTTP_HOST="localhost").post(
        "/anymail/postmark/inbound/",
        body,
        content_type="application/json",
        HTTP_AUTHORIZATION=HOOK_AUTH,
    )
    assert answer.status_code == 200
    receipt = InboundReceipt.objects.get(source="provider:Postmark")
    assert (receipt.state, receipt.client) == ("filed", mailboxes.a)
    with in_schema(mailboxes.a):
        message = Message.objects.get(external_id="<pm-1@customer.example>")
        assert message.attachments.get().size == len(photo)


def test_a_message_over_25_mb_in_a_webhook_is_answered_413_and_kept_refused(
    mailboxes, provider_webhooks
):
    payload = {
        "FromFull": {"Email": "vera@customer.example", "Name": "Věra Malá"},
        "ToFull": [{"Email": "podpora@obuv.example", "Name": ""}],
        "Subject": "Fotka",
        "TextBody": "Dobrý den.",
        "Attachments": [
            {
                "Name": "krabice.jpg",
                "ContentType": "image/jpeg",
                "Content": base64.b64encode(os.urandom(19_500_000)).decode(),
            }
        ],
    }
    answer = HttpClient(HTTP_HOST="localhost").post(
        "/anymail/postmark/inbound/",
        json.dumps(payload),
        content_type="application/json",
        HTTP_AUTHORIZATION=HOOK_AUTH,
    )
    assert answer.status_code == 413 and "over the limit of 26214400" in answer.json()["error"]
    receipt = InboundReceipt.objects.get(source="provider:Postmark")
    assert (receipt.state, receipt.raw) == ("refused", None)


def test_sendgrids_raw_webhook_takes_24_mb_and_answers_413_above(mailboxes, provider_webhooks):
    http = HttpClient(HTTP_HOST="localhost")
    filed = http.post(
        "/anymail/sendgrid/inbound/",
        {"email": mail(attachment_bytes=PHOTO).decode(), "to": ""},
        HTTP_AUTHORIZATION=HOOK_AUTH,
    )
    assert filed.status_code == 200
    assert InboundReceipt.objects.get(source="provider:SendGrid").state == "filed"
    huge = http.post(
        "/anymail/sendgrid/inbound/",
        {"email": "x" * (65 * 1024 * 1024)},
        HTTP_AUTHORIZATION=HOOK_AUTH,
    )
    assert huge.status_code == 413 and "at most" in huge.json()["error"]


def test_a_provider_payload_anymail_cannot_read_is_a_400_with_the_body_kept(
    mailboxes, provider_webhooks
):
    answer = HttpClient(HTTP_HOST="localhost").post(
        "/anymail/postmark/inbound/",
        '{"FromFull": 7, "ToFull": "x", "Attachments": [1]}',
        content_type="application/json",
        HTTP_AUTHORIZATION=HOOK_AUTH,
    )
    assert answer.status_code == 400 and "request unreadable" in answer.json()["error"]
    kept = InboundReceipt.objects.get(source="payload:/anymail/postmark/inbound/")
    assert kept.state == "refused" and b"FromFull" in bytes(kept.raw)
    # Without the webhook's credentials: Django's 400, and nothing of it kept.
    stranger = HttpClient(HTTP_HOST="localhost").post(
        "/anymail/postmark/inbound/",
        '{"FromFull": 7}',
        content_type="application/json",
        HTTP_AUTHORIZATION="Basic " + base64.b64encode(b"hook:wrong").decode(),
    )
    assert stranger.status_code == 400
    assert InboundReceipt.objects.filter(source__startswith="payload:").count() == 1


# --- the MTA pipe ---------------------------------------------------------------------------


def pipe(raw: bytes, *, database_url: str | None = None) -> subprocess.CompletedProcess:
    root = Path(__file__).resolve().parents[2]
    environment = {**os.environ, "DATABASE_URL": database_url or test_database_url()}
    return subprocess.run(
        [sys.executable, "manage.py", "receive_email"],
        input=raw,
        cwd=root,
        env=environment,
        capture_output=True,
        timeout=120,
    )


def test_the_pipe_answers_the_mta_in_sysexits_codes(mailboxes):
    empty = pipe(b"\n")
    nobody = pipe(mail(to="ghost@nowhere.example"))
    too_big = pipe(b"x" * (MAX_BYTES + 1))
    database_down = pipe(mail(), database_url="postgres://postgres@127.0.0.1:9/polydesk")
    assert empty.returncode == 65 and b"an empty message" in empty.stderr
    assert nobody.returncode == 67 and b"no client receives mail" in nobody.stderr
    assert too_big.returncode == 69 and b"552 5.3.4" in too_big.stderr
    assert database_down.returncode == 75 and b"451 4.3.0" in database_down.stderr
    assert b"Traceback" not in empty.stderr + nobody.stderr + too_big.stderr + database_down.stderr


def test_the_postmaster_lists_refused_mail_and_reads_it_in_the_admin(mailboxes):
    refused = mail_receive(raw=mail(to="ghost@nowhere.example"), source="pipe")
    admin = User.objects.create_superuser(username="postmaster", password="x", role="admin")
    http = HttpClient(HTTP_HOST="localhost")
    http.force_login(admin)
    listing = http.get("/admin/intake/inboundreceipt/?state=refused")
    assert listing.status_code == 200 and "no client receives mail for ghost" in listing.text
    page = http.get(f"/admin/intake/inboundreceipt/{refused.receipt_id}/change/")
    assert page.status_code == 200 and "Dobrý den, posílám fotku" in page.text


def test_a_sweep_meeting_a_filed_receipt_files_nothing_again(mailboxes):
    raw = mail(message_id=None)
    kept = receipt_write(raw=raw, source="pipe", size=len(raw))

    first = receipt_process(receipt=kept)
    again = receipt_process(receipt=kept)  # a slow first try and the sweep, one after the other
    assert (first.status, again.status) == ("filed", "duplicate")
    assert again.filed.conversation_id == first.filed.conversation_id


def test_a_webhook_for_nobody_is_answered_200_and_kept_refused(mailboxes, provider_webhooks):
    payload = {
        "FromFull": {"Email": "vera@customer.example", "Name": "Věra\u0000 Malá"},
        "ToFull": [{"Email": "ghost@nowhere.example", "Name": ""}],
        "OriginalRecipient": "ghost@nowhere.example",
        "Subject": "Fotka",
        "TextBody": "Dobrý den.",
    }
    answer = HttpClient(HTTP_HOST="localhost").post(
        "/anymail/postmark/inbound/",
        json.dumps(payload),
        content_type="application/json",
        HTTP_AUTHORIZATION=HOOK_AUTH,
    )
    assert answer.status_code == 200  # so that the provider stops retrying
    receipt = InboundReceipt.objects.get(source="provider:Postmark")
    assert (receipt.state, receipt.envelope_recipient) == ("refused", "ghost@nowhere.example")
    assert b"Subject: Fotka" in bytes(receipt.raw) and "no client receives mail" in receipt.reason
