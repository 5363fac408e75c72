"""Applying a client's retention rule: what expired is emptied in batches of short
transactions, rows are kept (threads, call lists and figures stay whole), and each run
leaves one audit record with its counts. Stored figures are not touched: removing text,
files and numbers changes no count, duration or price (docs/privacy.md, "Retention")."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from audit.models import AuditEvent
from audit.services import audit_record
from conversations.attachments import attachments_delete_unused
from order_updates.erasure import order_events_expire
from retention.models import KINDS
from retention.registry import MESSAGE_EXPIRERS
from retention.selectors import (
    CALL_PERSONAL_FIELDS,
    cutoff,
    kind_queryset,
    retention_marker,
    rule_for_client,
)
from telephony.voice.models import Call
from telephony.voice.services.recordings import call_recording_sids, recordings_delete
from tenants.models import Client
from webhooks.privacy import deliveries_expire

# Rows changed in one transaction: a run over years of a large client's history holds no
# lock for long and can be stopped at any point without losing what was done.
BATCH = 500


@dataclass(frozen=True)
class RetentionRun:
    """What one run removed, per kind (and the attachments' stored files)."""

    counts: dict[str, int]
    files_deleted: int


def _batches(rows: QuerySet[Any], apply: Callable[[list[int]], int]) -> int:
    """Apply ``apply`` to the rows' ids in ascending batches, each in its own transaction;
    the total it reports. Ids only move forward, so the loop ends whatever ``apply`` did."""
    done, last = 0, 0
    while True:
        ids = list(rows.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:BATCH])
        if not ids:
            return done
        with transaction.atomic():
            done += apply(ids)
        last = ids[-1]


def _messages_redact(*, client: Client, days: int, before: datetime) -> int:
    marker = retention_marker(days=days, language=client.default_language)
    rows = kind_queryset(kind="messages", before=before)

    def redact(ids: list[int]) -> int:
        # Filtered again inside the transaction: a conversation reopened meanwhile is spared.
        return rows.filter(pk__in=ids).update(body_text=marker, body_html="", raw=None)

    return _batches(rows, redact)


def _attachments_delete(*, before: datetime, hashes: set[str]) -> int:
    rows = kind_queryset(kind="attachments", before=before)

    def delete(ids: list[int]) -> int:
        batch = rows.filter(pk__in=ids)
        hashes.update(batch.values_list("sha256", flat=True))
        deleted, _by_model = batch.delete()
        return deleted

    return _batches(rows, delete)


def _recordings_remove(*, before: datetime, now: datetime) -> int:
    rows = kind_queryset(kind="recordings", before=before)

    def remove(ids: list[int]) -> int:
        # Locked like an erasure locks them: a recording webhook arriving meanwhile waits.
        calls = list(rows.filter(pk__in=ids).select_for_update().order_by("pk"))
        # Twilio's copies: pending deletions written in this transaction, sent after it
        # commits and again by telephony's sweep until Twilio has them gone.
        recordings_delete(
            recording_sids=[sid for call in calls for sid in call_recording_sids(call=call)],
            now=now,
        )
        return Call.objects.filter(pk__in=[call.pk for call in calls]).update(
            recording_url="", voicemail_url=""
        )

    return _batches(rows, remove)


def _call_details_remove(*, before: datetime) -> int:
    rows = kind_queryset(kind="call_details", before=before)

    def remove(ids: list[int]) -> int:
        return Call.objects.filter(pk__in=ids).update(**CALL_PERSONAL_FIELDS)

    return _batches(rows, remove)


def retention_apply(*, client: Client, now: datetime | None = None) -> RetentionRun:
    """Remove what the client's rule says has expired (call it in the client's schema);
    a second run finds nothing more. One audit record per run, with the counts."""
    now = now or timezone.now()
    rule = rule_for_client(client=client)
    counts = dict.fromkeys(KINDS, 0)
    hashes: set[str] = set()
    files_deleted = webhook_payloads = 0
    if rule is not None:
        for kind in KINDS:
            days = rule.days(kind)
            if days is None:
                continue
            before = cutoff(days=days, now=now)
            if kind == "messages":
                counts[kind] = _messages_redact(client=client, days=days, before=before)
                # What the client's systems were sent of those words (webhook deliveries).
                webhook_payloads = deliveries_expire(before=before, now=now)
                # The order updates' details go with the messages' texts (docs/privacy.md).
                order_events_expire(before=before)
                # The rooms above: the widget's pages the customer wrote from.
                for expire in MESSAGE_EXPIRERS:
                    expire(before=before)
            elif kind == "attachments":
                counts[kind] = _attachments_delete(before=before, hashes=hashes)
                # Each file in its own short transaction, only when no row uses it any more.
                files_deleted = attachments_delete_unused(hashes)
            elif kind == "recordings":
                counts[kind] = _recordings_remove(before=before, now=now)
            else:
                counts[kind] = _call_details_remove(before=before)
    with transaction.atomic():
        audit_record(
            action=AuditEvent.Action.RETENTION_APPLIED,
            client=client,
            object_type="client",
            object_id=client.pk,
            label=client.name,
            details={
                **counts,
                "files": files_deleted,
                "webhook_payloads": webhook_payloads,
                "rule": rule is not None,
            },
        )
    return RetentionRun(counts=counts, files_deleted=files_deleted)
