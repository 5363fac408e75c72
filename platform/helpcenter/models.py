"""Answers customers found themselves (tenant schema): a help article opened from the widget's
suggestions or the help center, an order's status shown by the widget. A visitor who then
starts no chat within FOLLOW_UP (helpcenter.services) counts as a contact deflected, when a
chat of theirs could be seen at all (``chat_traceable``; docs/kpis.md)."""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models


class SelfServiceAnswer(models.Model):
    class Kind(models.TextChoices):
        ARTICLE = "article", "Help article"
        ORDER_STATUS = "order_status", "Order status"

    class Source(models.TextChoices):
        WIDGET = "widget", "Chat widget"
        HELP_CENTER = "help_center", "Help center"

    kind = models.CharField(max_length=16, choices=Kind.choices)
    source = models.CharField(max_length=16, choices=Source.choices)
    # The widget's random id (or the help center's), no personal data.
    visitor = models.CharField(max_length=64)
    language = models.CharField(max_length=8)
    article = models.ForeignKey(
        "content.FaqArticle", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()
    # When the same visitor started a chat within FOLLOW_UP after it: not deflected.
    chat_started_at = models.DateTimeField(null=True, blank=True)
    # Whether a chat of the visitor's can be matched to it: the widget's own visitor id (the
    # widget's answers, and help center reads of a page opened from the widget's link with
    # that id). A help center read under its own cookie never can (another domain's storage):
    # counted apart as "articles read in the help center", never as deflected.
    chat_traceable = models.BooleanField(default=True)

    class Meta:
        indexes = [models.Index(fields=["visitor", "-created_at"], name="selfservice_visitor")]

    def __str__(self) -> str:
        return f"{self.kind} {self.created_at:%Y-%m-%d %H:%M}"


class ArticleText(models.Model):
    """An article's text in one language as the help center's search reads it: one row per
    published article and language with a title, written only by the database (a trigger
    on content_faqarticle, migration 0002) in the transaction that changes the article,
    whichever code path wrote it."""

    article = models.ForeignKey("content.FaqArticle", on_delete=models.CASCADE, related_name="+")
    language = models.CharField(max_length=8)
    # The article's, copied: a search reads this table alone.
    slug = models.SlugField(max_length=100, default="")
    position = models.PositiveIntegerField(default=0)
    title = models.TextField()
    body = models.TextField()
    # The title (weight A) and the body (weight B) folded as the desk's search folds
    # (public.search_fold: lower case, no accents) and cut by PostgreSQL's "simple" parser.
    terms = SearchVectorField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["article", "language"], name="articletext_one")
        ]
        indexes = [GinIndex(fields=["terms"], name="articletext_terms")]

    def __str__(self) -> str:
        return f"{self.article_id}/{self.language}"


class ArticleVote(models.Model):
    """ "Was this helpful?": one answer per visitor and article (the first one counts)."""

    article = models.ForeignKey("content.FaqArticle", on_delete=models.CASCADE, related_name="+")
    language = models.CharField(max_length=8)
    visitor = models.CharField(max_length=64)
    helpful = models.BooleanField()
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["article", "visitor"], name="articlevote_once")
        ]

    def __str__(self) -> str:
        return f"{self.article_id} {'yes' if self.helpful else 'no'}"


class SearchMiss(models.Model):
    """Help center searches that found nothing, folded (lower case, no accents), counted
    per day and language: what the client's articles do not answer yet."""

    day = models.DateField()
    language = models.CharField(max_length=8)
    query = models.CharField(max_length=100)
    count = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["day", "language", "query"], name="searchmiss_one")
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.language} {self.query}"


class HelpCenterSettings(models.Model):
    """The client's switch for its public help center (one row; none yet: off). The FAQ was
    the agents' alone before: a client publishes it on purpose."""

    enabled = models.BooleanField(
        "Public help center",
        default=False,
        help_text="The FAQ's published articles at /help/ on the portal's domain, and as the "
        "chat widget's suggestions.",
    )

    class Meta:
        verbose_name = "help center settings"
        verbose_name_plural = "help center settings"

    def __str__(self) -> str:
        return "Public help center: " + ("on" if self.enabled else "off")
