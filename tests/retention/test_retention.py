"""Retention per client: the rule's limits, what a run empties and what it spares, a second
run, the dry run's counts, stored figures, the beat entry, the audit record, the command and
the portal page."""

from datetime import UTC, datetime, timedelta
from io import StringIO
from unittest import mock

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.db.models import F
from django.test import Client as HttpClient

from accounts.models import User
from audit.models import AuditEvent
from conversations.attachments import IncomingFile, attachment_store, blob_name
from conversations.models import Attachment, Conversation, Message
from customers.models import Customer
from reporting.figures import Period
from reporting.models import KpiSnapshot
from reporting.selectors import kpis_for_period
from reporting.services import kpis_for_month
from retention.models import RetentionRule
from retention.selectors import retention_due, retention_marker
from retention.services import retention_apply
from retention.tasks import retention_client_task, retention_sweep_task
from search.models import SearchDocument
from telephony.voice.models import Call, RecordingDeletion
from tests.support.factories import UserFactory
from tests.support.portal import signed_in
from tests.support.reporting import october_at_client_a, october_calls_at_client_a
from tests.support.tenancy import in_schema

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 12, 6, 3, 0, tzinfo=UTC)
RECORDINGS = "https://api.twilio.com/2010-04-01/Accounts/AC1/Recordings"


def _rule(client, **days) -> RetentionRule:
    return RetentionRule.objects.create(client=client, **days)


def _conversation(*, closed_days_ago: int | None, text: str, opened_days_ago: int = 400):
    """A customer's e-mail conversation; resolved ``closed_days_ago`` (None: still open)."""
    customer = Customer.objects.create(name="Jiří Šťastný", email="jiri@example.cz")
    opened = NOW - timedelta(days=opened_days_ago)
    conversation = Conversation.objects.create(
        customer=customer,
        channel="email",
        language="cs",
        subject="Reklamace",
        created_at=opened,
        status="open" if closed_days_ago is None else "resolved",
        resolved_at=None if closed_days_ago is None else NOW - timedelta(days=closed_days_ago),
    )
    message = Message.objects.create(
        conversation=conversation,
        direction="in",
        channel="email",
        body_text=text,
        body_html=f"<p>{text}</p>",
        raw=f"From: jiri@example.cz\n\n{text}".encode(),
        created_at=opened,
    )
    return conversation, message


def _call(sid: str, *, ended_days_ago: int) -> Call:
    ended = NOW - timedelta(days=ended_days_ago)
    return Call.objects.create(
        call_sid=sid,
        from_number="+420601111222",
        to_number="+420221111111",
        language="cs",
        ringing_at=ended - timedelta(minutes=5),
        completed_at=ended,
        talk_seconds=240,
        outcome="answered",
        path=["1", "2"],
        menu_stack=["main"],
        last_twiml="<Response/>",
        wrap_note="Wants a refund to IBAN CZ65 0800 0000 1920 0014 5399",
        wrap_category="returns",
        recording_url=f"{RECORDINGS}/RE{sid[3:]}-call",
        voicemail_url=f"{RECORDINGS}/RE{sid[3:]}-voicemail",
    )


def _fields(model, pk: int, *names: str) -> tuple:
    return model.objects.values_list(*names).get(pk=pk)


# --- the rule -----------------------------------------------------------------------------


def test_a_period_shorter_than_thirty_days_is_refused(two_clients):
    rule = RetentionRule(client=two_clients.a, messages_days=29, recordings_days=30)
    with pytest.raises(ValidationError) as refused:
        rule.full_clean()
    assert list(refused.value.message_dict) == ["messages_days"]
    RetentionRule(client=two_clients.a, messages_days=None, recordings_days=30).full_clean()


def test_the_database_refuses_a_period_the_form_would_refuse(two_clients):
    with pytest.raises(IntegrityError), transaction.atomic():
        RetentionRule.objects.create(client=two_clients.a, call_details_days=7)


# --- a run --------------------------------------------------------------------------------


def test_an_old_closed_conversation_is_emptied_and_open_or_recent_ones_are_not(two_clients):
    _rule(two_clients.a, messages_days=365)
    with in_schema(two_clients.a):
        old, old_message = _conversation(closed_days_ago=400, text="Bydlím na Kounicově 12")
        _open, open_message = _conversation(closed_days_ago=None, text="Stále čekám na boty")
        _recent, recent_message = _conversation(closed_days_ago=100, text="Děkuji, přišlo to")
        run = retention_apply(client=two_clients.a, now=NOW)
        marker = retention_marker(days=365, language="cs")
        assert _fields(Message, old_message.pk, "body_text", "body_html", "raw") == (
            marker,
            "",
            None,
        )
        assert _fields(Message, open_message.pk, "body_text")[0] == "Stále čekám na boty"
        assert _fields(Message, recent_message.pk, "body_text")[0] == "Děkuji, přišlo to"
        assert Conversation.objects.get(pk=old.pk).status == "resolved"  # the row stays
    assert run.counts["messages"] == 1
    assert marker == "Odstraněno po 365 dnech (uchovávání údajů)"
    # The desk's search follows (its trigger): the old words are gone from the index.
    document = SearchDocument.objects.get(client=two_clients.a, conversation_id=old.pk)
    assert "Kounicově" not in document.body and marker in document.body


def test_a_merged_conversation_waits_for_the_one_it_was_merged_into(two_clients):
    _rule(two_clients.a, messages_days=365)
    with in_schema(two_clients.a):
        target, _target_message = _conversation(closed_days_ago=None, text="Pořád nic")
        source, source_message = _conversation(closed_days_ago=None, text="První zpráva")
        Conversation.objects.filter(pk=source.pk).update(
            status="closed", merged_into=target, merged_at=NOW - timedelta(days=500)
        )
        retention_apply(client=two_clients.a, now=NOW)
        assert _fields(Message, source_message.pk, "body_text")[0] == "První zpráva"


def test_old_attachments_go_and_their_bytes_with_them_unless_a_kept_message_uses_them(
    two_clients,
):
    _rule(two_clients.a, attachments_days=90)
    with in_schema(two_clients.a):
        _old, old_message = _conversation(closed_days_ago=120, text="Fotky")
        _recent, recent_message = _conversation(closed_days_ago=10, text="Fotka")
        only_old = attachment_store(
            message=old_message,
            file=IncomingFile("bota.jpg", "image/jpeg", b"old photo only"),
        )
        shared = IncomingFile("obe.jpg", "image/jpeg", b"photo sent twice")
        attachment_store(message=old_message, file=shared)
        kept = attachment_store(message=recent_message, file=shared)
        with mock.patch("django.db.transaction.on_commit", lambda f: f()):
            run = retention_apply(client=two_clients.a, now=NOW)
        assert list(Attachment.objects.values_list("pk", flat=True)) == [kept.pk]
        assert not default_storage.exists(blob_name(only_old.sha256))
        assert default_storage.exists(blob_name(kept.sha256))
        # The message itself keeps its text: attachments have their own period.
        assert _fields(Message, old_message.pk, "body_text")[0] == "Fotky"
    assert (run.counts["attachments"], run.files_deleted) == (2, 1)


def test_old_calls_lose_their_recordings_and_personal_fields_and_keep_their_figures(
    two_clients,
):
    _rule(two_clients.a, recordings_days=90, call_details_days=180)
    with in_schema(two_clients.a):
        very_old = _call("CA-very-old", ended_days_ago=200)
        old = _call("CA-old", ended_days_ago=100)
        recent = _call("CA-recent", ended_days_ago=20)
        run = retention_apply(client=two_clients.a, now=NOW)
        personal = ("from_number", "path", "menu_stack", "last_twiml", "wrap_note")
        recordings = ("recording_url", "voicemail_url")
        figures = ("talk_seconds", "outcome", "wrap_category", "completed_at")
        assert _fields(Call, very_old.pk, *personal, *recordings) == ("", [], [], "", "", "", "")
        assert _fields(Call, old.pk, *recordings) == ("", "")
        assert _fields(Call, old.pk, "from_number", "wrap_note")[0] == "+420601111222"
        assert _fields(Call, recent.pk, *recordings) == (recent.recording_url, recent.voicemail_url)
        assert _fields(Call, very_old.pk, *figures) == (
            240,
            "answered",
            "returns",
            very_old.completed_at,
        )
    assert (run.counts["recordings"], run.counts["call_details"]) == (2, 1)
    # Twilio's copies: a pending deletion each, sent after the commit (telephony's outbox).
    with in_schema(two_clients.a):
        pending = set(RecordingDeletion.objects.values_list("recording_sid", flat=True))
    assert pending == {
        "REvery-old-call",
        "REvery-old-voicemail",
        "REold-call",
        "REold-voicemail",
    }


def test_a_second_run_changes_nothing(two_clients):
    _rule(
        two_clients.a,
        messages_days=365,
        attachments_days=365,
        recordings_days=90,
        call_details_days=90,
    )
    with in_schema(two_clients.a):
        _old, message = _conversation(closed_days_ago=400, text="Adresa: Brno")
        attachment_store(message=message, file=IncomingFile("a.txt", "text/plain", b"x"))
        call = _call("CA-twice", ended_days_ago=100)
        first = retention_apply(client=two_clients.a, now=NOW)
        after_first = (
            list(Message.objects.values_list("pk", "body_text", "body_html", "raw")),
            list(Call.objects.filter(pk=call.pk).values()),
        )
        second = retention_apply(client=two_clients.a, now=NOW + timedelta(days=1))
        after_second = (
            list(Message.objects.values_list("pk", "body_text", "body_html", "raw")),
            list(Call.objects.filter(pk=call.pk).values()),
        )
    assert sum(first.counts.values()) == 4
    assert second.counts == {"messages": 0, "attachments": 0, "recordings": 0, "call_details": 0}
    assert after_first == after_second


def test_a_marker_written_in_another_language_or_period_counts_as_removed(two_clients):
    _rule(two_clients.a, messages_days=400)
    with in_schema(two_clients.a):
        _old, message = _conversation(closed_days_ago=500, text="x")
        Message.objects.filter(pk=message.pk).update(
            body_text=retention_marker(days=365, language="de"), body_html="", raw=None
        )
        assert retention_apply(client=two_clients.a, now=NOW).counts["messages"] == 0


def test_the_dry_run_changes_nothing_and_counts_what_the_run_then_removes(two_clients):
    _rule(
        two_clients.a,
        messages_days=365,
        attachments_days=60,
        recordings_days=30,
        call_details_days=60,
    )
    with in_schema(two_clients.a):
        old, message = _conversation(closed_days_ago=400, text="Tajné")
        _conversation(closed_days_ago=370, text="Mladší", opened_days_ago=380)
        attachment_store(message=message, file=IncomingFile("b.txt", "text/plain", b"y"))
        _call("CA-dry-1", ended_days_ago=100)
        _call("CA-dry-2", ended_days_ago=40)
        due = retention_due(client=two_clients.a, now=NOW)
        assert _fields(Message, message.pk, "body_text")[0] == "Tajné"
        assert Call.objects.exclude(recording_url="").count() == 2
        run = retention_apply(client=two_clients.a, now=NOW)
    assert (
        {kind.kind: kind.count for kind in due}
        == run.counts
        == {
            "messages": 2,
            "attachments": 1,
            "recordings": 2,
            "call_details": 1,
        }
    )
    oldest = {kind.kind: kind.oldest for kind in due}
    assert oldest["messages"] == old.created_at
    assert oldest["recordings"] == NOW - timedelta(days=100)


def test_a_client_without_a_rule_keeps_everything_and_the_run_is_still_recorded(two_clients):
    with in_schema(two_clients.b):
        _conversation(closed_days_ago=3000, text="Stara wiadomość")
        run = retention_apply(client=two_clients.b, now=NOW)
        assert Message.objects.filter(body_text="Stara wiadomość").exists()
    assert sum(run.counts.values()) == 0
    event = AuditEvent.objects.get(client_id=two_clients.b.pk, action="retention")
    assert event.details["rule"] is False


def test_a_run_leaves_one_audit_record_with_its_counts(two_clients):
    _rule(two_clients.a, messages_days=365)
    with in_schema(two_clients.a):
        _conversation(closed_days_ago=400, text="Jedna")
        _conversation(closed_days_ago=401, text="Dvě")
        retention_apply(client=two_clients.a, now=NOW)
    event = AuditEvent.objects.get(client_id=two_clients.a.pk, action="retention")
    assert event.actor_id is None and event.object_label == two_clients.a.name
    assert event.details == {
        "messages": 2,
        "attachments": 0,
        "recordings": 0,
        "call_details": 0,
        "files": 0,
        "webhook_payloads": 0,  # no endpoint (tests/webhooks/test_privacy.py)
        "rule": True,
    }


# --- stored figures -------------------------------------------------------------------------


def test_a_closed_months_stored_figures_are_the_same_after_a_run(two_clients):
    october_at_client_a(two_clients.a)
    october_calls_at_client_a(two_clients.a)
    _rule(
        two_clients.a,
        messages_days=30,
        attachments_days=30,
        recordings_days=30,
        call_details_days=30,
    )
    month = datetime(2026, 10, 1).date()
    period = Period.month_of(day=month, time_zone=two_clients.a.time_zone)
    with in_schema(two_clients.a):
        Message.objects.create(
            conversation=Conversation.objects.filter(status="resolved").first(),
            direction="in",
            channel="email",
            body_text="Moje adresa je Brno",
            created_at=datetime(2026, 10, 1, 9, tzinfo=UTC),
        )
        Call.objects.filter(completed_at__isnull=True).update(completed_at=F("ringing_at"))
        before = kpis_for_month(client=two_clients.a, month=month, now=NOW)
        stored = list(KpiSnapshot.objects.values())
        run = retention_apply(client=two_clients.a, now=NOW + timedelta(days=365))
        assert run.counts["messages"] >= 1 and run.counts["call_details"] >= 1
        assert list(KpiSnapshot.objects.values()) == stored
        assert kpis_for_month(client=two_clients.a, month=month, now=NOW) == before
        # Not only the stored copy: the figures computed again from the emptied rows agree.
        assert kpis_for_period(client=two_clients.a, period=period, now=NOW) == before


# --- beat, command, portal ---------------------------------------------------------------


def test_beat_runs_the_sweep_daily_and_the_sweep_asks_each_client_with_a_rule(two_clients):
    entry = settings.CELERY_BEAT_SCHEDULE["apply-retention"]
    assert entry["task"] == retention_sweep_task.name
    assert str(entry["schedule"].hour) == "{2}"
    _rule(two_clients.a, messages_days=365)
    with mock.patch.object(retention_client_task, "apply_async") as send:
        assert retention_sweep_task() == 1
    send.assert_called_once_with(headers={"_schema_name": two_clients.a.schema_name})


def test_the_command_dry_run_prints_the_counts_and_the_real_run_applies_them(two_clients):
    _rule(two_clients.a, messages_days=365)
    with in_schema(two_clients.a):
        _old, message = _conversation(closed_days_ago=400, text="Na Kounicově", opened_days_ago=800)
    out = StringIO()
    call_command("retention_run", "--client", "client-a", "--dry-run", stdout=out)
    assert "client-a\tmessages\t365 days\twould go: 1\toldest: " in out.getvalue()
    assert "client-a\trecordings\tkept\twould go: 0" in out.getvalue()
    with in_schema(two_clients.a):
        assert _fields(Message, message.pk, "body_text")[0] == "Na Kounicově"
    out = StringIO()
    call_command("retention_run", "--all", stdout=out)
    assert "client-a\tmessages\t365 days\tremoved: 1" in out.getvalue()
    assert "client-b\tmessages\tkept\tremoved: 0" in out.getvalue()
    with in_schema(two_clients.a):
        assert _fields(Message, message.pk, "body_text")[0].startswith("Odstraněno po 365")


def test_the_portal_page_shows_the_periods_and_the_next_runs_counts(two_clients, user_a):
    _rule(two_clients.a, messages_days=730, recordings_days=90)
    with in_schema(two_clients.a):
        _conversation(closed_days_ago=800, text="Stará", opened_days_ago=900)
        _conversation(closed_days_ago=900, text="Starší", opened_days_ago=1000)
    response = signed_in(two_clients.a, user_a).get("/privacy/retention/")
    assert response.status_code == 200
    rows = {label: kind for label, kind in response.context["rows"]}
    messages_row = rows["Messages (text and e-mails)"]
    assert (messages_row.days, messages_row.count) == (730, 2)
    assert rows["Attachments"].days is None
    page = response.content.decode()
    assert "730 days" in page and "90 days" in page and "As long as our contract lasts" in page
    with in_schema(two_clients.a):
        assert Message.objects.filter(body_text="Stará").exists()  # a dry run only


# --- the agency's admin ---------------------------------------------------------------------


def test_an_agency_admin_sets_a_rule_in_the_admin_and_the_change_is_audited(two_clients):
    admin = UserFactory(role=User.Role.ADMIN, is_staff=True, is_superuser=True)
    agency = HttpClient(HTTP_HOST="localhost")
    agency.force_login(admin)
    refused = agency.post(
        "/admin/retention/retentionrule/add/",
        {"client": two_clients.a.pk, "messages_days": "7", "recordings_days": "90"},
    )
    assert refused.status_code == 200 and not RetentionRule.objects.exists()
    assert "Ensure this value is greater than or equal to 30." in refused.text
    added = agency.post(
        "/admin/retention/retentionrule/add/",
        {"client": two_clients.a.pk, "messages_days": "730", "recordings_days": "90"},
    )
    assert added.status_code == 302
    rule = RetentionRule.objects.get(client=two_clients.a)
    assert (rule.messages_days, rule.attachments_days, rule.recordings_days) == (730, None, 90)
    event = AuditEvent.objects.get(client_id=two_clients.a.pk, actor_id=admin.pk)
    assert event.action == AuditEvent.Action.CLIENT_SETTINGS_CHANGED
    assert event.object_type == "retention_rule"
    assert (event.details["messages_days"], event.details["attachments_days"]) == (730, None)
