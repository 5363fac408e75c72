"""The demo's help centers, public: every demo client's FAQ in three categories (eight articles in
its languages), and a month of visitors who read articles, saw an order's status in the
widget, voted and searched, so that the portal's "Help center" page and the report's
deflection line have figures. The same on every run: the demo's visitors' rows are made
again from a seed of the client's slug."""

import random
from collections.abc import Callable
from datetime import timedelta

from django.utils import timezone
from django_tenants.utils import schema_context

from content.models import FaqArticle, FaqCategory
from demo.cast import DEMO_CLIENTS
from demo.helpcenter_texts import HELP_ARTICLE_CATEGORIES, HELP_ARTICLES, HELP_CATEGORIES
from helpcenter.models import ArticleVote, HelpCenterSettings, SearchMiss, SelfServiceAnswer
from helpcenter.services import FOLLOW_UP, article_vote, search_miss_record, self_service_record
from tenants.models import Client

VISITORS = 60
# Help center readers who did not come from the widget (no chat can be matched to them).
HELP_CENTER_READERS = 20
DAYS = 30
# Searches with no result the demo's visitors typed (as they typed them), per language.
MISSED_SEARCHES = {
    "cs": ["dárkový poukaz", "Zásilkovna", "faktura na firmu"],
    "sk": ["darčeková poukážka", "faktúra"],
    "pl": ["bon podarunkowy", "paczkomat", "faktura VAT"],
    "de": ["Gutschein", "Rechnung Firma"],
    "hu": ["ajándékutalvány", "számla cégre"],
    "ro": ["voucher cadou", "factură firmă"],
    "sl": ["darilni bon", "račun za podjetje"],
    "hr": ["poklon bon", "račun R1"],
    "en": ["gift card", "invoice"],
}
DEMO_VISITOR = "demo-"


def _articles_seed(languages: set[str]) -> None:
    categories = {}
    for position, (slug, names) in enumerate(HELP_CATEGORIES.items(), start=1):
        categories[slug], _created = FaqCategory.objects.update_or_create(
            slug=slug,
            defaults={
                "position": position,
                **{f"name_{code}": name for code, name in names.items() if code in languages},
            },
        )
    for slug, texts in HELP_ARTICLES.items():
        fields = {}
        for code, (question, answer) in texts.items():
            if code in languages:
                fields[f"question_{code}"], fields[f"answer_{code}"] = question, answer
        FaqArticle.objects.update_or_create(slug=slug, defaults=fields)
    for position, (slug, category) in enumerate(HELP_ARTICLE_CATEGORIES.items(), start=1):
        FaqArticle.objects.filter(slug=slug).update(
            category=categories[category], position=position
        )


def _visitors_seed(client: Client, generator: random.Random) -> int:
    """A month of the demo's visitors: answers, chats after some, votes; the rows of the
    previous run replaced."""
    SelfServiceAnswer.objects.filter(visitor__startswith=DEMO_VISITOR).delete()
    ArticleVote.objects.filter(visitor__startswith=DEMO_VISITOR).delete()
    articles = list(FaqArticle.objects.filter(published=True).order_by("position", "slug"))
    now = timezone.now()
    for number in range(VISITORS):
        visitor = f"{DEMO_VISITOR}{client.slug}-{number}"
        language = generator.choice(client.languages)
        at = now - timedelta(days=generator.uniform(0.1, DAYS))
        if generator.random() < 0.2:
            answer = self_service_record(
                kind="order_status", source="widget", visitor=visitor, language=language, now=at
            )
        else:
            article = generator.choice(articles)
            answer = self_service_record(
                kind="article",
                source=generator.choice(["widget", "help_center", "help_center"]),
                visitor=visitor,
                language=language,
                article_id=article.pk,
                now=at,
            )
            if generator.random() < 0.5:
                article_vote(
                    article_id=article.pk,
                    language=language,
                    visitor=visitor,
                    helpful=generator.random() < 0.8,
                    now=at,
                )
        if generator.random() < 0.25:  # not settled by it: a chat within the follow-up
            chat_at = at + FOLLOW_UP * generator.uniform(0.1, 0.9)
            SelfServiceAnswer.objects.filter(pk=answer.pk).update(chat_started_at=chat_at)
    for number in range(HELP_CENTER_READERS):
        self_service_record(
            kind="article",
            source="help_center",
            visitor=f"{DEMO_VISITOR}{client.slug}-reader-{number}",
            language=generator.choice(client.languages),
            article_id=generator.choice(articles).pk,
            now=now - timedelta(days=generator.uniform(0.1, DAYS)),
            chat_traceable=False,
        )
    return VISITORS


def _misses_seed(client: Client, generator: random.Random) -> None:
    SearchMiss.objects.all().delete()  # the demo's own: a demo client has no other visitors
    now = timezone.now()
    for code in client.languages:
        for query in MISSED_SEARCHES.get(code, []):
            for _time in range(generator.randint(1, 6)):
                at = now - timedelta(days=generator.uniform(0, DAYS))
                search_miss_record(query=query, language=code, zone=client.tz, now=at)


def seed_help_center(log: Callable[[str], None]) -> None:
    """Every demo client's help center, with a month of visitors."""
    for client in Client.objects.clients().filter(slug__in=[d.slug for d in DEMO_CLIENTS]):
        generator = random.Random(f"help-center:{client.slug}")  # noqa: S311 - repeatable demo data
        with schema_context(client.schema_name):
            _articles_seed(set(client.languages) | {"en"})
            HelpCenterSettings.objects.exclude(enabled=True).delete()
            HelpCenterSettings.objects.get_or_create(enabled=True)  # the demo's is public
            visitors = _visitors_seed(client, generator)
            _misses_seed(client, generator)
            articles = FaqArticle.objects.filter(category__isnull=False).count()
        log(
            f"help center of {client.slug}: {len(HELP_CATEGORIES)} categories, {articles} "
            f"articles, {visitors} visitors"
        )
