"""Recording self-service answers and the chats that follow them (current client schema)."""

import re
from datetime import datetime, timedelta, tzinfo

from django.db import connection, transaction
from django.http import HttpRequest
from django.utils import timezone

from audit.models import AuditEvent
from audit.services import audit_record
from helpcenter.models import ArticleVote, HelpCenterSettings, SelfServiceAnswer
from search.snippets import fold

# What a visitor may type that names a person or an order (an e-mail address, an order or
# phone number): such a search is not kept (docs/privacy.md, "The help center's visitors").
_PERSONAL = re.compile(r"@|\d{5}|\d[\d ./-]{6,}\d")

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
    chat_traceable: bool = True,
) -> SelfServiceAnswer:
    """A customer found an answer themselves (an article opened, an order's status shown);
    ``chat_traceable`` False when ``visitor`` is not the widget's id (no chat can follow it)."""
    return SelfServiceAnswer.objects.create(
        kind=kind,
        source=source,
        visitor=visitor[:64],
        language=language,
        article_id=article_id,
        created_at=now or timezone.now(),
        chat_traceable=chat_traceable,
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


def help_article_read(
    *,
    visitor: str,
    article_id: int,
    language: str,
    now: datetime | None = None,
    widget_visitor: str = "",
) -> bool:
    """The help center showed an article to a visitor: a self-service answer, once per
    visitor, article and day (a reload or a second look the same day is not another).
    Under ``widget_visitor`` when the page was opened from the widget with its id (a chat
    can then follow it, and the widget's own "opened" of the article that day is the same
    answer), else under the help center's ``visitor``, counted apart (not chat_traceable).
    True when recorded."""
    now = now or timezone.now()
    day_start = now.replace(hour=0, minute=0, second=0, microsecond=0)
    seen = SelfServiceAnswer.objects.filter(
        visitor=(widget_visitor or visitor)[:64],
        article_id=article_id,
        created_at__gte=day_start,
        created_at__lt=day_start + timedelta(days=1),
    )
    if not widget_visitor:
        seen = seen.filter(source=SelfServiceAnswer.Source.HELP_CENTER)
    if seen.exists():
        return False
    self_service_record(
        kind=SelfServiceAnswer.Kind.ARTICLE,
        source=SelfServiceAnswer.Source.HELP_CENTER,
        visitor=widget_visitor or visitor,
        language=language,
        article_id=article_id,
        now=now,
        chat_traceable=bool(widget_visitor),
    )
    return True


def article_vote(
    *, article_id: int, language: str, visitor: str, helpful: bool, now: datetime | None = None
) -> bool:
    """ "Was this helpful?": the visitor's first answer for the article counts, later ones
    are ignored. True when this one was recorded."""
    with transaction.atomic():
        _vote, created = ArticleVote.objects.get_or_create(
            article_id=article_id,
            visitor=visitor[:64],
            defaults={
                "language": language,
                "helpful": helpful,
                "created_at": now or timezone.now(),
            },
        )
    return created


def search_miss_record(
    *, query: str, language: str, zone: tzinfo | None = None, now: datetime | None = None
) -> None:
    """A help center search found nothing: counted per day (in ``zone``, the client's),
    language and folded query; not one that holds an e-mail address or a long number."""
    folded = " ".join(fold(query).split())[:100]
    if not folded or _PERSONAL.search(folded):
        return
    day = timezone.localdate(now or timezone.now(), zone)
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO helpcenter_searchmiss (day, language, query, count)"
            " VALUES (%s, %s, %s, 1) ON CONFLICT (day, language, query)"
            " DO UPDATE SET count = helpcenter_searchmiss.count + 1",
            [day, language[:8], folded],
        )


@transaction.atomic
def help_center_settings_save(
    *, enabled: bool, request: HttpRequest | None = None
) -> HelpCenterSettings:
    """Publish the client's help center or take it down (current schema), recorded in its
    audit log."""
    settings = HelpCenterSettings.objects.select_for_update().order_by("pk").first()
    settings = settings or HelpCenterSettings()
    settings.enabled = enabled
    settings.save()
    audit_record(
        action=AuditEvent.Action.CLIENT_SETTINGS_CHANGED,
        request=request,
        object_type="help_center_settings",
        object_id=settings.pk,
        label="Help center",
        details={"enabled": enabled},
    )
    return settings
