"""Reads of the help center (current client schema): the articles a customer finds."""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, TypedDict

from django.db import connection
from django.db.models import Count, F, Q, Sum
from django.utils import timezone

from content.models import FaqArticle, FaqCategory
from helpcenter.models import ArticleVote, HelpCenterSettings, SearchMiss, SelfServiceAnswer
from helpcenter.registry import WIDGET_CHATS_STARTED
from helpcenter.services import FOLLOW_UP
from languages.selectors import language_fallback_chain
from search.selectors import tsquery_of
from search.snippets import query_text, query_words, snippet
from tenants.models import Client

SNIPPET_CHARACTERS = 160


class ArticleFound(TypedDict):
    id: int
    slug: str
    title: str
    body: str
    language: str  # the text's: the first of the chain that has the article
    fallback: bool  # not the language asked for


class ArticleSuggestion(TypedDict):
    id: int
    title: str
    snippet: str  # at most SNIPPET_CHARACTERS of the answer, around the first word found
    url: str  # the help center's page of the article, an absolute path


# The articles shown in a language (each in the first language of the chain it has a text
# in), whose title or answer hold every word of the query: the desk's rule (the words
# folded, the last a prefix, a word of five letters or more without its last letter, so
# that "vraceni" and "vrac" find "Vrácení zboží"; search.selectors.tsquery_of). A title that
# holds every word comes first, then the rank (title words weigh more than the answer's),
# then the articles' order. The index of words finds the texts, the query a value the
# planner sees; a text in a later language of the chain is checked for a better one (an
# article is searched in the text it is shown in, not in its other languages).
_ARTICLES_SQL = """
    SELECT t.article_id, t.language, t.title, t.body, t.slug
    FROM helpcenter_articletext AS t
    WHERE t.terms @@ %(query)s::tsquery AND t.language = ANY(%(chain)s)
      AND (t.language = %(language)s OR NOT EXISTS (
        SELECT 1 FROM helpcenter_articletext AS better
        WHERE better.article_id = t.article_id AND better.language = ANY(%(chain)s)
          AND array_position(%(chain)s, better.language)
            < array_position(%(chain)s, t.language)))
    ORDER BY ts_filter(t.terms, '{a}') @@ %(query)s::tsquery DESC,
      ts_rank('{0.1, 0.2, 0.4, 1.0}', t.terms, %(query)s::tsquery) DESC, t.position, t.slug
    LIMIT %(limit)s
"""


def help_center_enabled() -> bool:
    """Whether the client (current schema) publishes its help center: /help/ and the chat
    widget's article suggestions. Off until a manager turns it on. The first row is the one
    the portal saves (helpcenter.services.help_center_settings_save): a second one, made by
    two first saves at once, never keeps it on."""
    first = HelpCenterSettings.objects.order_by("pk").values_list("enabled", flat=True).first()
    return bool(first)


def articles_found(*, query: str, language: str, limit: int = 20) -> list[ArticleFound]:
    """The published articles shown in ``language`` (or in the first language of its
    fallback chain that has the article) whose title or answer hold every word of ``query``,
    best first: {id, slug, title, body, language (the text's), fallback}."""
    text = query_text(query)[:200]
    if not text or limit < 1:
        return []
    match = tsquery_of(text)
    if match is None:  # only punctuation: no word to look for
        return []
    chain = language_fallback_chain(language)
    with connection.cursor() as cursor:
        cursor.execute(
            _ARTICLES_SQL,
            {"query": match, "chain": chain, "language": language, "limit": limit},
        )
        rows = cursor.fetchall()
    return [
        {
            "id": row[0],
            "slug": row[4],
            "title": row[2],
            "body": row[3],
            "language": row[1],
            "fallback": row[1] != language,
        }
        for row in rows
    ]


def article_snippet(body: str, query: str, *, characters: int = SNIPPET_CHARACTERS) -> str:
    """At most ``characters`` of ``body`` around the first word of ``query`` found in it."""
    parts = snippet(body, query_words(query), width=characters - 4)
    return "".join(part.text for part in parts)[:characters]


def articles_suggest(*, query: str, language: str, limit: int = 5) -> list[ArticleSuggestion]:
    """The widget's suggestions as the customer types: up to ``limit`` articles for
    ``query`` in ``language``, each {id, title, snippet (at most 160 characters of the
    answer), url (the help center's page, an absolute path)}; none while the client's help
    center is not public (help_center_enabled)."""
    if not help_center_enabled():
        return []
    page_language = _help_center_language(language)
    return [
        {
            "id": found["id"],
            "title": found["title"],
            "snippet": article_snippet(found["body"], query),
            "url": f"/help/{page_language}/{found['slug']}/",
        }
        for found in articles_found(query=query, language=language, limit=limit)
    ]


def _help_center_language(language: str) -> str:
    """The help center's pages are in the client's languages: ``language`` when it is one,
    else the client's default (the page then shows the article in its fallback)."""
    client = getattr(connection, "tenant", None)
    if not isinstance(client, Client):  # entered by schema name (a task, a test): read it
        schema = connection.schema_name  # type: ignore[attr-defined]  # django-tenants
        client = Client.objects.filter(schema_name=schema).first()
    if client is None or not client.languages or language in client.languages:
        return language
    return client.default_language or client.languages[0]


@dataclass(frozen=True)
class ArticleShown:
    id: int
    slug: str
    title: str
    answer: str
    language: str  # the text's: the first language of the chain that has a title
    fallback: bool


@dataclass(frozen=True)
class CategoryShown:
    slug: str
    name: str
    articles: list[ArticleShown]


def _shown(article: FaqArticle, language: str) -> ArticleShown | None:
    """The article in ``language`` or the first of its chain with a title (its answer in
    that same language), None when no language of the chain has one."""
    for code in language_fallback_chain(language):
        title = (getattr(article, f"question_{code}", None) or "").strip()
        if title:
            answer = getattr(article, f"answer_{code}", None) or ""
            return ArticleShown(article.pk, article.slug, title, answer, code, code != language)
    return None


def help_article(*, slug: str, language: str) -> ArticleShown | None:
    """A published article by its slug as the help center shows it in ``language``."""
    article = FaqArticle.objects.filter(slug=slug, published=True).first()
    return _shown(article, language) if article is not None else None


def help_article_neighbours(*, slug: str, language: str) -> tuple[str, list[ArticleShown]]:
    """The name of the article's category in ``language`` (or its chain) and its other
    published articles shown in that language, in their order; ("", []) without one."""
    article = FaqArticle.objects.select_related("category").filter(slug=slug).first()
    if article is None or article.category is None:
        return "", []
    chain = language_fallback_chain(language)
    category = article.category
    name = next((n for code in chain if (n := getattr(category, f"name_{code}", None))), "")
    others = FaqArticle.objects.filter(category=category, published=True).exclude(pk=article.pk)
    shown = [_shown(other, language) for other in others]
    return name or category.slug, [item for item in shown if item is not None]


def help_categories(*, language: str) -> list[CategoryShown]:
    """The help center's front page: its categories in their order, each with its published
    articles that have a text on ``language``'s chain (in their order); the articles of no
    category last, under an empty name. A category with no such article is left out."""
    chain = language_fallback_chain(language)
    by_category: dict[int | None, list[ArticleShown]] = {}
    for article in FaqArticle.objects.filter(published=True):
        shown = _shown(article, language)
        if shown is not None:
            by_category.setdefault(article.category_id, []).append(shown)
    categories = [
        CategoryShown(
            category.slug,
            next((n for code in chain if (n := getattr(category, f"name_{code}", None))), "")
            or category.slug,
            by_category[category.pk],
        )
        for category in FaqCategory.objects.all()
        if category.pk in by_category
    ]
    if None in by_category:
        categories.append(CategoryShown("", "", by_category[None]))
    return categories


def article_votes(*, start: datetime, end: datetime) -> list[dict[str, Any]]:
    """Votes given in [start, end) per article and language: {article_id, slug, language,
    yes, no, votes}, the most voted first."""
    return [
        dict(row)
        for row in ArticleVote.objects.filter(created_at__gte=start, created_at__lt=end)
        .values("article_id", "language", slug=F("article__slug"))
        .annotate(
            yes=Count("id", filter=Q(helpful=True)),
            no=Count("id", filter=Q(helpful=False)),
            votes=Count("id"),
        )
        .order_by("-votes", "slug", "language")
    ]


@dataclass(frozen=True)
class DeflectionFigures:
    """Self-service answers of a period and what followed them (docs/kpis.md, "Contacts
    deflected by self-service")."""

    answers: int  # self-service answers given in the period that a chat could follow
    deflected: int  # ... their follow-up window over, and no chat started in it
    followed_by_chat: int  # ... the same visitor started a chat within FOLLOW_UP
    pending: int  # ... the window not over yet, no chat so far: counted neither way
    widget_chats: int  # chats the widget started in the period
    by_kind: dict[str, int]  # deflected by where the answer came from: article, order_status
    by_source: dict[str, int]  # deflected by widget, help_center
    # Help center reads under the help center's own visitor id (not opened from the widget):
    # no chat can be matched to them, so they are none of the above.
    help_center_reads: int = 0

    @property
    def rate(self) -> Decimal | None:
        """Deflected of the answers whose window is over."""
        settled = self.deflected + self.followed_by_chat
        return Decimal(self.deflected) / settled if settled else None

    @property
    def share(self) -> Decimal | None:
        """Deflected against the contacts of the same door: deflected + widget chats."""
        whole = self.deflected + self.widget_chats
        return Decimal(self.deflected) / whole if whole else None


def deflection_figures(
    *, start: datetime, end: datetime, now: datetime | None = None
) -> DeflectionFigures:
    """The self-service answers given in [start, end) (current client schema) that a chat
    could follow (chat_traceable): deflected when the visitor started no chat within
    FOLLOW_UP, followed by a chat when they did, pending while the window runs; the chats the
    widget started in the period; and, apart, the help center's reads no chat can follow."""
    now = now or timezone.now()
    period = SelfServiceAnswer.objects.filter(created_at__gte=start, created_at__lt=end)
    answers = period.filter(chat_traceable=True)
    settled = Q(created_at__lte=now - FOLLOW_UP)
    no_chat = Q(chat_started_at__isnull=True)
    totals = answers.aggregate(
        answers=Count("id"),
        deflected=Count("id", filter=settled & no_chat),
        followed_by_chat=Count("id", filter=~no_chat),
        pending=Count("id", filter=~settled & no_chat),
    )
    deflected = answers.filter(settled & no_chat)
    by_kind = dict(deflected.values_list("kind").annotate(n=Count("id")).order_by("kind"))
    by_source = dict(deflected.values_list("source").annotate(n=Count("id")).order_by("source"))
    widget_chats = sum(count(start=start, end=end) for count in WIDGET_CHATS_STARTED)
    return DeflectionFigures(
        **totals,
        widget_chats=widget_chats,
        by_kind=by_kind,
        by_source=by_source,
        help_center_reads=period.filter(chat_traceable=False).count(),
    )


@dataclass(frozen=True)
class ArticleFigures:
    article_id: int
    slug: str
    title: str  # in the language asked for, or its fallback
    reads: int  # self-service answers with the article (widget and help center)
    helpful: int  # votes given in the period
    not_helpful: int

    @property
    def helpful_rate(self) -> Decimal | None:
        votes = self.helpful + self.not_helpful
        return Decimal(self.helpful) / votes if votes else None


def articles_top(
    *, start: datetime, end: datetime, language: str, limit: int = 10
) -> list[ArticleFigures]:
    """The articles most read in [start, end) (opened in the widget or read in the help
    center), with the votes given on them in the period; titles in ``language``."""
    reads = dict(
        SelfServiceAnswer.objects.filter(
            created_at__gte=start, created_at__lt=end, article__isnull=False
        )
        .values_list("article_id")
        .annotate(n=Count("id"))
        .order_by("-n", "article_id")[:limit]
    )
    votes: dict[int, tuple[int, int]] = {}
    for row in article_votes(start=start, end=end):
        helpful, not_helpful = votes.get(row["article_id"], (0, 0))
        votes[row["article_id"]] = (helpful + row["yes"], not_helpful + row["no"])
    articles = FaqArticle.objects.in_bulk(list(reads))
    top = []
    for article_id, count in reads.items():
        article = articles.get(article_id)
        if article is None:
            continue
        shown = _shown(article, language)
        helpful, not_helpful = votes.get(article_id, (0, 0))
        title = shown.title if shown else article.slug
        top.append(ArticleFigures(article_id, article.slug, title, count, helpful, not_helpful))
    return top


def search_misses(*, first_day: date, last_day: date, limit: int = 20) -> list[dict[str, Any]]:
    """The help center's searches that found nothing between the two days (both included),
    folded, most frequent first: {query, language, count}."""
    return [
        dict(row)
        for row in SearchMiss.objects.filter(day__gte=first_day, day__lte=last_day)
        .values("query", "language")
        .annotate(count=Sum("count"))
        .order_by("-count", "query", "language")[:limit]
    ]
