"""Merging two conversations of one customer (the desk's "Merge into…"): the source is
closed as "merged into #target", kept and readable; its messages show in the target's thread
and the customer's later replies to it land in the target (docs/architecture.md, "Merging").

Callers are in the client's schema: both conversations are the same client's by
construction, an id of another client's conversation names nothing here."""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from audit.models import AuditEvent
from audit.services import audit_record
from conversations.corrections import figures_corrected
from conversations.models import Conversation
from hours.services import resolution_clock_stop
from routing.services import work_cancel_for_source
from tenants.models import Client

SETTLED = (Conversation.Status.RESOLVED, Conversation.Status.CLOSED)


def merge_refusal(*, source: Conversation, target: Conversation) -> str:
    """Why ``source`` may not be merged into ``target`` ("" when it may), in the active
    language. Read again under the rows' locks by ``conversation_merge``."""
    names = {"source": source.pk, "target": target.pk}
    if source.pk == target.pk:
        return _("A conversation cannot be merged into itself.")
    if source.merged_into_id is not None:
        return _("#%(source)s was already merged into #%(merged)s.") % {
            "source": source.pk,
            "merged": source.merged_into_id,
        }
    if target.merged_into_id is not None:
        # Refused rather than followed: the agent chose #target from what they saw, and
        # should see #merged's subject before anything moves there.
        return _("#%(target)s was merged into #%(merged)s: merge into #%(merged)s instead.") % {
            "target": target.pk,
            "merged": target.merged_into_id,
        }
    if source.customer_id != target.customer_id:
        return _("#%(target)s belongs to another customer: merge the customers first.") % names
    if source.spam or target.spam:
        # Spam stays apart: "Not spam" must be able to bring it back as it was.
        return _("A conversation marked as spam cannot be merged: take the mark back first.")
    if Conversation.Channel.CALL in (source.channel, target.channel):
        return _(
            "A call's conversation (a voicemail, a callback request) stays with its call: "
            "it cannot be merged."
        )
    if target.status in SETTLED and source.status not in SETTLED:
        # The target is left as it is: an open question merged into a settled conversation
        # would wait in no queue.
        return (
            _(
                "#%(target)s is resolved and #%(source)s still waits for an answer: "
                "merge #%(target)s into #%(source)s instead."
            )
            % names
        )
    return ""


@transaction.atomic
def conversation_merge(
    *,
    client: Client,
    source_id: int,
    target_id: int,
    agent: User,
    now: datetime | None = None,
) -> Conversation:
    """Merge conversation ``source_id`` into ``target_id`` (same customer); returns the
    target. Raises Conversation.DoesNotExist for an unknown id, ValidationError with the
    reason for a refused merge (``merge_refusal``)."""
    now = now or timezone.now()
    # Both rows locked in one order (lower id first): two merges of one pair, in either
    # direction, wait for each other instead of deadlocking, and the second sees the first.
    locked = {
        conversation.pk: conversation
        for conversation in Conversation.objects.select_for_update()
        .filter(pk__in=[source_id, target_id])
        .order_by("pk")
    }
    if source_id not in locked or target_id not in locked:
        raise Conversation.DoesNotExist(f"conversation {source_id} or {target_id}")
    source, target = locked[source_id], locked[target_id]
    if refusal := merge_refusal(source=source, target=target):
        raise ValidationError(refusal)
    # What was merged into the source follows it, so that no chain forms: a reply to any of
    # them finds the target in one step. Before the source's own change, whose search
    # trigger then builds the target's document with all of their words.
    Conversation.objects.filter(merged_into=source).update(merged_into=target)
    source.status, source.pending_since = Conversation.Status.CLOSED, None
    source.merged_into, source.merged_at = target, now
    source.save(update_fields=["status", "pending_since", "merged_into", "merged_at"])
    target.tags = target.tags + [tag for tag in source.tags if tag not in target.tags]
    target.save(update_fields=["tags"])
    work_cancel_for_source(client=client, source_kind="conversation", source_id=source.pk, now=now)
    resolution_clock_stop(client=client, conversation_id=source.pk, now=now)
    # Who merged is in the audit log; when, on the source (``merged_at``).
    figures_corrected(client=client, moments=[source.created_at, target.created_at, now])
    audit_record(
        action=AuditEvent.Action.MERGED_CONVERSATIONS,
        actor=agent,
        client=client,
        object_type="conversation",
        object_id=target.pk,
        details={"merged": source.pk},
        at=now,
    )
    return target


def merged_target_locked(*, conversation_id: int) -> Conversation:
    """Where a message for the conversation belongs: itself, or the conversation it was merged
    into (one step: merges re-point their sources, no chain forms), read under its row lock
    (in the caller's transaction): a merge of it that is committing is waited for, so the
    message never lands in a conversation that was merged away meanwhile."""
    conversation = Conversation.objects.select_for_update().get(pk=conversation_id)
    if conversation.merged_into_id is None:
        return conversation
    return Conversation.objects.get(pk=conversation.merged_into_id)


def thread_conversation_ids(*, conversation_id: int) -> list[int]:
    """The conversation and those merged into it: whose messages its thread shows."""
    merged = Conversation.objects.filter(merged_into_id=conversation_id).values_list(
        "pk", flat=True
    )
    return [conversation_id, *merged]
