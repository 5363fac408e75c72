"""Reads of the help center (current client schema): the articles a customer finds."""

from typing import TypedDict

from django.db import connection

from languages.selectors import language_fallback_chain
from search.selectors import MATCH_SQL
from search.snippets import query_text, query_words, snippet

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
# that "vraceni" and "vrac" find "Vrácení zboží"). A title that holds every word comes
# first, then the rank (title words weigh more than the answer's), then the articles'
# order. The index of words finds the texts; the chain's better languages are checked per
# hit (an article is searched in the text it is shown in, not in its other languages).
_ARTICLES_SQL = f"""
    WITH q AS (SELECT ({MATCH_SQL.replace("%s", "%(text)s")})::tsquery AS query)
    SELECT t.article_id, t.language, t.title, t.body, a.slug
    FROM q, helpcenter_articletext AS t
    JOIN content_faqarticle AS a ON a.id = t.article_id
    WHERE t.terms @@ q.query AND t.language = ANY(%(chain)s)
      AND NOT EXISTS (
        SELECT 1 FROM helpcenter_articletext AS better
        WHERE better.article_id = t.article_id AND better.language = ANY(%(chain)s)
          AND array_position(%(chain)s, better.language)
            < array_position(%(chain)s, t.language))
    ORDER BY ts_filter(t.terms, '{{a}}') @@ q.query DESC,
      ts_rank('{{0.1, 0.2, 0.4, 1.0}}', t.terms, q.query) DESC, a.position, a.slug
    LIMIT %(limit)s
"""  # noqa: S608 (the search app's fixed text: the query's words go as a parameter)


def articles_found(*, query: str, language: str, limit: int = 20) -> list[ArticleFound]:
    """The published articles shown in ``language`` (or in the first language of its
    fallback chain that has the article) whose title or answer hold every word of ``query``,
    best first: {id, slug, title, body, language (the text's), fallback}."""
    text = query_text(query)[:200]
    if not text or limit < 1:
        return []
    chain = language_fallback_chain(language)
    with connection.cursor() as cursor:
        cursor.execute(
            _ARTICLES_SQL,
            {"text": text, "chain": chain, "limit": limit},
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
    answer), url (the help center's page, an absolute path)}."""
    return [
        {
            "id": found["id"],
            "title": found["title"],
            "snippet": article_snippet(found["body"], query),
            "url": f"/help/{language}/{found['slug']}/",
        }
        for found in articles_found(query=query, language=language, limit=limit)
    ]
