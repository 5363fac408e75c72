"""What a client's retention rule would remove now: the rows of each kind, in the schema of
the current client (the caller enters it), and the counts a dry run reports."""

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Min, Q, QuerySet
from django.db.models.functions import Greatest
from django.utils import translation
from django.utils.translation import gettext, gettext_noop

from conversations.models import Attachment, Conversation, Message
from retention.models import KINDS, RetentionRule
from telephony.voice.models import Call
from telephony.voice.services.erasure import PERSONAL_FIELDS
from tenants.models import Client

# What replaces a removed message's text, in the client's language.
MARKER = gettext_noop("Removed after %(days)s days (retention)")


def retention_marker(*, days: int, language: str) -> str:
    """The text a removed message keeps, e.g. "Removed after 365 days (retention)"."""
    with translation.override(language):
        return gettext(MARKER) % {"days": days}


def _markers_pattern() -> str:
    """A PostgreSQL regular expression matching the marker in every UI language and for
    any number of days: a message that reads so has been removed already (whatever the
    client's language or rule was then), so a second run leaves it as it is."""
    texts = set()
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            template = gettext(MARKER)
        texts.add(re.escape(template).replace(re.escape("%(days)s"), "[0-9]+"))
    return "^(" + "|".join(sorted(texts)) + ")$"


def rule_for_client(*, client: Client) -> RetentionRule | None:
    """The client's rule (public schema); None when it has none (everything is kept)."""
    return RetentionRule.objects.filter(client=client).first()


def cutoff(*, days: int, now: datetime) -> datetime:
    return now - timedelta(days=days)


def _closed(before: datetime) -> QuerySet[Conversation]:
    """Conversations resolved or closed (a spam mark, a merge, an automatic one) before the
    moment, with no message since."""
    return (
        Conversation.objects.filter(
            status__in=[Conversation.Status.RESOLVED, Conversation.Status.CLOSED]
        )
        # The latest of the moments it was closed (NULLs are skipped by GREATEST): resolved
        # long ago and merged or marked spam later counts from the later one.
        .alias(closed_at=Greatest("resolved_at", "merged_at", "spam_at", "created_at"))
        .filter(closed_at__lt=before)
        .exclude(messages__created_at__gte=before)
    )


def conversations_expired(*, before: datetime) -> QuerySet[Conversation]:
    """Closed before the moment. A merged conversation's messages show in its target's
    thread: they wait until the target is closed long enough too."""
    closed = _closed(before)
    return closed.filter(Q(merged_into__isnull=True) | Q(merged_into__in=closed.values("pk")))


def messages_to_redact(*, before: datetime) -> QuerySet[Message]:
    """Messages of expired conversations that still hold text, HTML or the original."""
    removed = Q(body_html="", raw__isnull=True) & (
        Q(body_text="") | Q(body_text__regex=_markers_pattern())
    )
    return Message.objects.filter(
        conversation__in=conversations_expired(before=before).values("pk")
    ).exclude(removed)


def attachments_to_delete(*, before: datetime) -> QuerySet[Attachment]:
    return Attachment.objects.filter(
        message__conversation__in=conversations_expired(before=before).values("pk")
    )


def calls_with_recordings(*, before: datetime) -> QuerySet[Call]:
    """Calls ended before the moment that still link a recording or a voicemail."""
    return Call.objects.filter(completed_at__lt=before).exclude(recording_url="", voicemail_url="")


# A call's personal fields and their emptied values: the same as an erasure empties.
CALL_PERSONAL_FIELDS = PERSONAL_FIELDS


def calls_with_details(*, before: datetime) -> QuerySet[Call]:
    """Calls ended before the moment that still hold a personal field."""
    return Call.objects.filter(completed_at__lt=before).exclude(**CALL_PERSONAL_FIELDS)


def kind_queryset(*, kind: str, before: datetime) -> QuerySet[Any]:
    return {
        "messages": messages_to_redact,
        "attachments": attachments_to_delete,
        "recordings": calls_with_recordings,
        "call_details": calls_with_details,
    }[kind](before=before)


_DATE_FIELDS = {
    "messages": "created_at",
    "attachments": "created_at",
    "recordings": "completed_at",
    "call_details": "completed_at",
}


@dataclass(frozen=True)
class KindDue:
    """One kind of a client's data: its period and what it would remove now."""

    kind: str
    days: int | None
    count: int
    oldest: datetime | None


def retention_due(*, client: Client, now: datetime) -> list[KindDue]:
    """Per kind: the client's period and what a run now would remove (how many, the oldest
    date), without changing anything. Call it in the client's schema."""
    rule = rule_for_client(client=client)
    due = []
    for kind in KINDS:
        days = rule.days(kind) if rule else None
        if days is None:
            due.append(KindDue(kind=kind, days=None, count=0, oldest=None))
            continue
        rows = kind_queryset(kind=kind, before=cutoff(days=days, now=now))
        found = rows.order_by().aggregate(oldest=Min(_DATE_FIELDS[kind]))
        due.append(KindDue(kind=kind, days=days, count=rows.count(), oldest=found["oldest"]))
    return due
