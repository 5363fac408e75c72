"""Recording self-service answers and the chats that follow them (current client schema)."""

from datetime import datetime, timedelta

from django.utils import timezone

from helpcenter.models import SelfServiceAnswer

# A chat started this soon after a self-service answer means the answer did not settle it.
FOLLOW_UP = timedelta(minutes=30)


def self_service_record(
    *,
    kind: str,
    source: str,
    visitor: str,
    language: str,
    article_id: int | None = None,
    now: datetime | None = None,
) -> SelfServiceAnswer:
    """A customer found an answer themselves (an article opened, an order's status shown)."""
    return SelfServiceAnswer.objects.create(
        kind=kind,
        source=source,
        visitor=visitor[:64],
        language=language,
        article_id=article_id,
        created_at=now or timezone.now(),
    )


def self_service_chat_started(*, visitor: str, now: datetime | None = None) -> int:
    """The visitor started a chat: their answers of the last FOLLOW_UP did not deflect it.
    The number of answers marked."""
    if not visitor:
        return 0
    now = now or timezone.now()
    return SelfServiceAnswer.objects.filter(
        visitor=visitor[:64], created_at__gte=now - FOLLOW_UP, chat_started_at__isnull=True
    ).update(chat_started_at=now)
