"""The help center's search: without accents, case or the end of the last word, ranked,
in the language shown (fallbacks), published articles of this client only."""

import pytest
from django.db import connection

from content.models import FaqArticle
from helpcenter.models import ArticleText, HelpCenterSettings
from helpcenter.selectors import articles_found, articles_suggest
from tests.support.tenancy import in_schema

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def public(two_clients):
    """Both clients' help centers are public (the widget's suggestions need it)."""
    for client in (two_clients.a, two_clients.b):
        with in_schema(client):
            HelpCenterSettings.objects.create(enabled=True)


def _article(slug: str, position: int = 0, **texts: str) -> FaqArticle:
    return FaqArticle.objects.create(slug=slug, position=position, **texts)


def _slugs(query: str, language: str) -> list[str]:
    return [found["slug"] for found in articles_found(query=query, language=language)]


def test_found_without_accents_case_or_the_end_of_the_last_word(two_clients):
    with in_schema(two_clients.a):
        _article(
            "returns",
            question_cs="Vrácení zboží",
            answer_cs="Zboží můžete vrátit do 14 dnů od převzetí.",
        )
        _article("delivery", question_cs="Doručení", answer_cs="Doručujeme do dvou dnů.")

        for query in ("vraceni", "VRÁCENÍ", "vrac", "Vráce", "zbozi vrac", "  vraceni  zbozi "):
            assert _slugs(query, "cs") == ["returns"], query
        assert _slugs("prevzeti", "cs") == ["returns"]  # a word of the answer
        assert _slugs("vraceni penez", "cs") == []  # every word must be found
        assert _slugs("dnu", "cs") == ["delivery", "returns"]
        assert _slugs("", "cs") == []
        assert _slugs("!!!", "cs") == []


def test_a_title_match_ranks_above_an_answer_match(two_clients):
    with in_schema(two_clients.a):
        _article(
            "mentions",
            position=0,
            question_cs="Jak platit",
            answer_cs="Reklamace se platí jen u zboží poškozeného při dopravě.",
        )
        _article("claims", position=9, question_cs="Reklamace", answer_cs="Pošlete nám fotku.")

        assert _slugs("reklamace", "cs") == ["claims", "mentions"]


def test_an_article_is_found_in_the_text_it_is_shown_in(two_clients):
    with in_schema(two_clients.a):
        _article(
            "both",
            question_cs="Platba kartou",
            answer_cs="Přijímáme karty.",
            question_en="Card payment",
            answer_en="We take cards.",
        )
        _article("english-only", question_en="Gift cards", answer_en="Ask us.")

        # sk -> cs -> en: "both" is shown in Czech, "english-only" in English.
        assert _slugs("card", "sk") == ["english-only"]
        assert _slugs("karta", "sk") == ["both"]
        found = articles_found(query="gift", language="sk")
        assert (found[0]["language"], found[0]["fallback"]) == ("en", True)
        assert articles_found(query="platba", language="cs")[0]["fallback"] is False


def test_unpublished_articles_and_empty_languages_are_not_found(two_clients):
    with in_schema(two_clients.a):
        hidden = _article("hidden", question_cs="Tajný článek", answer_cs="Tajné.")
        hidden.published = False
        hidden.save()
        assert _slugs("tajny", "cs") == []

        hidden.published = True
        hidden.save()
        assert _slugs("tajny", "cs") == ["hidden"]

        FaqArticle.objects.filter(pk=hidden.pk).update(published=False)  # a bulk update
        assert _slugs("tajny", "cs") == []
        assert ArticleText.objects.filter(article=hidden).count() == 0


def test_edits_and_deletions_follow(two_clients):
    with in_schema(two_clients.a):
        article = _article("x", question_cs="Stará otázka", answer_cs="Odpověď.")
        article.question_cs = "Nová otázka"
        article.question_pl = "Nowe pytanie"
        article.save()
        assert _slugs("stara", "cs") == []
        assert _slugs("nova", "cs") == ["x"]
        assert _slugs("nowe", "pl") == ["x"]
        article.delete()
        assert _slugs("nova", "cs") == []
        assert ArticleText.objects.count() == 0


def test_another_clients_articles_are_never_found(two_clients):
    with in_schema(two_clients.a):
        _article("a-only", question_cs="Výměna velikosti", answer_cs="Vyměníme.")
    with in_schema(two_clients.b):
        assert connection.schema_name == two_clients.b.schema_name
        assert _slugs("vymena", "cs") == []


def test_the_widgets_suggestions(two_clients):
    long_answer = "Úvod. " * 40 + "Vrácení peněz trvá pět pracovních dnů. " + "Konec. " * 40
    with in_schema(two_clients.a):
        article = _article("refund", question_cs="Kdy dostanu peníze?", answer_cs=long_answer)
        suggested = articles_suggest(query="penez", language="cs")

    assert suggested == [
        {
            "id": article.pk,
            "title": "Kdy dostanu peníze?",
            "snippet": suggested[0]["snippet"],
            "url": "/help/cs/refund/",
        }
    ]
    assert len(suggested[0]["snippet"]) <= 160
    assert "Vrácení peněz trvá" in suggested[0]["snippet"]


def test_at_most_limit_suggestions(two_clients):
    with in_schema(two_clients.a):
        for number in range(8):
            _article(f"a{number}", position=number, question_cs=f"Doprava {number}")
        assert len(articles_suggest(query="doprava", language="cs")) == 5
        assert len(articles_suggest(query="doprava", language="cs", limit=2)) == 2


def test_a_suggestion_links_to_a_page_in_one_of_the_clients_languages(two_clients):
    with in_schema(two_clients.a):  # cs and sk
        _article("sizes", question_cs="Tabulka velikostí", question_en="Size chart")
        (polish,) = articles_suggest(query="size", language="pl")  # pl -> en
        (slovak,) = articles_suggest(query="velikost", language="sk")
    assert (polish["title"], polish["url"]) == ("Size chart", "/help/cs/sizes/")
    assert slovak["url"] == "/help/sk/sizes/"
