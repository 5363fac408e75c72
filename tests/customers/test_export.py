"""A customer's export (subject access request): customer.json, their files and recordings in a
zip written to a temporary file, a README in the client's language, an audit record."""

import json
import os
import tracemalloc
import zipfile
from datetime import UTC, datetime

import pytest
from django.utils import timezone

from audit.models import AuditEvent
from conversations.attachments import IncomingFile, attachment_store
from conversations.models import Message
from conversations.services import conversation_open_inbound
from customers.export import customer_export
from customers.services import customer_merge
from surveys.models import Survey, SurveyOptOut
from telephony.voice.models import Call
from tests.support.factories import CustomerFactory, UserFactory
from tests.support.tenancy import in_schema

pytestmark = pytest.mark.django_db

RECORDING = "RE" + "3" * 32
VOICEMAIL = "RE" + "4" * 32
TWILIO = "https://api.twilio.com/2010-04-01/Accounts/AC123/Recordings"
AT = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


def a_customer_with_everything(client):
    customer = CustomerFactory(
        name="Eva Dvořáková", email="eva@posta.example", phone="+420601000111"
    )
    inbound = conversation_open_inbound(
        client=client,
        channel="email",
        subject="Reklamace bot",
        text="Boty se rozpadly.",
        customer_email=customer.email,
        files=[IncomingFile("účtenka.pdf", "application/pdf", b"%PDF receipt")],
    )
    Message.objects.create(
        conversation=inbound.conversation,
        direction=Message.Direction.NOTE,
        channel="email",
        body_text="Agency note: she is annoyed",
        created_at=timezone.now(),
    )
    Survey.objects.create(
        conversation=inbound.conversation,
        channel="email",
        language="cs",
        state="answered",
        created_at=AT,
        rating=4,
        comment="Rychlé, díky",
    )
    SurveyOptOut.objects.create(customer=customer, created_at=AT)
    Call.objects.create(
        call_sid="CA-eva",
        from_number=customer.phone,
        to_number="+420221111111",
        language="cs",
        ringing_at=AT,
        recording_url=f"{TWILIO}/{RECORDING}",
        voicemail_url=f"{TWILIO}/{VOICEMAIL}",
        wrap_note="Agency: call her back",
        path=["2"],
    )
    return customer, inbound


def read(export) -> tuple[dict, zipfile.ZipFile]:
    archive = zipfile.ZipFile(export.path)
    return json.loads(archive.read("customer.json")), archive


def test_the_export_holds_the_customer_their_conversations_files_surveys_and_calls(
    two_clients, twilio
):
    twilio.recording_add(RECORDING, b"ID3 the call")
    agent = UserFactory(is_staff=True)
    with in_schema(two_clients.a):
        customer, _ = a_customer_with_everything(two_clients.a)
        export = customer_export(
            customer_id=customer.pk, actor=agent, site="desk.example", via="desk"
        )
    data, archive = read(export)
    try:
        assert data["customer"]["name"] == "Eva Dvořáková"
        assert data["customer"]["email"] == "eva@posta.example"
        (conversation,) = data["conversations"]
        assert conversation["subject"] == "Reklamace bot"
        # The agency's internal note is not the customer's: left out.
        assert [m["text"] for m in conversation["messages"]] == ["Boty se rozpadly."]
        (attachment,) = conversation["messages"][0]["attachments"]
        assert archive.read(attachment["file"]) == b"%PDF receipt"
        assert attachment["file"].startswith("attachments/")
        assert data["surveys"][0]["comment"] == "Rychlé, díky"
        assert data["survey_opt_out"]["since"].startswith("2026-11-02")
        (call,) = data["calls"]
        assert (call["from_number"], call["keys_pressed"]) == ("+420601000111", ["2"])
        assert "wrap_note" not in call and "Agency" not in json.dumps(data)
        assert archive.read(call["recording"]["file"]) == b"ID3 the call"
        # Twilio no longer has the voicemail: said, not failed.
        assert call["voicemail"] == {
            "recording_sid": VOICEMAIL,
            "file": None,
            "missing": "deleted at Twilio",
        }
        readme = archive.read("README.txt").decode()
        assert "customer.json" in readme and "Osobní údaje" in readme  # Czech: the client's
        assert export.size == os.path.getsize(export.path) and export.files == 2
    finally:
        archive.close()
        export.path.unlink()
    event = AuditEvent.objects.get(action=AuditEvent.Action.EXPORTED, object_type="customer")
    assert (event.actor_id, event.client_id, event.site) == (
        agent.pk,
        two_clients.a.pk,
        "desk.example",
    )
    assert event.object_id == str(customer.pk) and event.details["via"] == "desk"
    assert "Eva" not in json.dumps(event.details) + event.object_label


def test_a_large_attachment_is_copied_in_chunks_not_held_in_memory(two_clients, twilio, tmp_path):
    big = os.urandom(20 * 1024 * 1024)
    with in_schema(two_clients.a):
        inbound = conversation_open_inbound(
            client=two_clients.a, channel="email", text="Video", customer_email="big@x.example"
        )
        attachment_store(message=inbound.message, file=IncomingFile("video.mp4", "video/mp4", big))
        customer_id = inbound.conversation.customer_id
        del big
        tracemalloc.start()
        try:
            export = customer_export(customer_id=customer_id, directory=str(tmp_path))
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert export.path.parent == tmp_path
    assert export.size > 20 * 1024 * 1024  # random bytes do not compress
    assert peak < 4 * 1024 * 1024, f"peak {peak} bytes"
    with zipfile.ZipFile(export.path) as archive:
        (name,) = [n for n in archive.namelist() if n.startswith("attachments/")]
        assert archive.getinfo(name).file_size == 20 * 1024 * 1024


def test_twilio_down_during_an_export_says_so_in_the_file(two_clients, twilio):
    twilio.answer(f"/2010-04-01/Accounts/AC123/Recordings/{RECORDING}.mp3", 503, {})
    twilio.recording_add(RECORDING, b"ID3")
    with in_schema(two_clients.a):
        customer, _ = a_customer_with_everything(two_clients.a)
        export = customer_export(customer_id=customer.pk)
    data, archive = read(export)
    archive.close()
    recording = data["calls"][0]["recording"]
    assert recording["file"] is None and "503" in recording["missing"]


def test_a_merged_customers_export_is_the_persons(two_clients, twilio):
    with in_schema(two_clients.a):
        target = CustomerFactory(name="Eva D.")
        source = CustomerFactory(name="Eva Dvořáková", email="eva.old@posta.example")
        customer_merge(source_id=source.pk, target_id=target.pk)
        export = customer_export(customer_id=source.pk)
    data, archive = read(export)
    archive.close()
    assert data["customer"]["id"] == target.pk
    assert data["customer"]["other_identities"][0]["email"] == "eva.old@posta.example"


def test_a_failed_export_leaves_no_file(two_clients, twilio, tmp_path, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("storage down")

    monkeypatch.setattr("customers.export.EXPORTERS", [broken])
    with in_schema(two_clients.a):
        customer = CustomerFactory()
        with pytest.raises(RuntimeError):
            customer_export(customer_id=customer.pk, directory=str(tmp_path))
    assert list(tmp_path.iterdir()) == []
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.EXPORTED).exists()


def test_a_call_filed_under_someone_else_on_a_shared_line_is_not_in_the_export(two_clients, twilio):
    """A family's phone: the call filed under the other customer is theirs; a call from the
    number filed under nobody is the customer's."""
    with in_schema(two_clients.a):
        eva = CustomerFactory(name="Eva", phone="+420603111222")
        petr = CustomerFactory(name="Petr", phone="+420603111222")
        common = {"from_number": "+420603111222", "to_number": "+420221111111", "ringing_at": AT}
        Call.objects.create(call_sid="CA-petr", customer=petr, **common)
        Call.objects.create(call_sid="CA-nobody", **common)
        Call.objects.create(call_sid="CA-eva", customer=eva, **common)
        export = customer_export(customer_id=eva.pk)
    data, archive = read(export)
    archive.close()
    assert sorted(call["call_sid"] for call in data["calls"]) == ["CA-eva", "CA-nobody"]


def test_a_pages_export_stops_fetching_recordings_when_its_time_is_spent(two_clients, twilio):
    """A page must answer before the web worker's timeout: past its budget the export asks
    Twilio for nothing more and names each recording left out, with the command to use."""
    twilio.recording_add(RECORDING, b"ID3 the call")
    with in_schema(two_clients.a):
        customer, _ = a_customer_with_everything(two_clients.a)
        export = customer_export(customer_id=customer.pk, fetch_seconds=0)
    data, archive = read(export)
    archive.close()
    export.path.unlink()
    (call,) = data["calls"]
    for kind, sid in (("recording", RECORDING), ("voicemail", VOICEMAIL)):
        assert call[kind]["recording_sid"] == sid and call[kind]["file"] is None
        assert "customer_export" in call[kind]["missing"]
    assert not [path for method, path, _ in twilio.requests if method == "GET"]
