"""The desk's search, the one way in: ``conversations_search`` answers from the public
index (``search.models.SearchDocument``) in one statement, for whatever clients the caller
may see. An external engine (OpenSearch) taking over would answer here, with the same
arguments and the same page (docs/operations.md, "Search"). The public REST API lists a
client's conversations from the same index (``conversation_documents``)."""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.contrib.postgres.search import SearchQuery
from django.db import connection
from django.db.models import Q
from psycopg.types.numeric import Int8

from search.models import SearchDocument
from search.snippets import Part, highlighted, query_text, query_words, snippet

PAGE_SIZE = 25
# A search shows the newest 1,000 hits (as Zendesk's does); filters narrow it further.
RESULTS_CAP = 1000


@dataclass(frozen=True)
class SearchFilters:
    client_id: int | None = None
    channel: str = ""
    language: str = ""
    status: str = ""
    assignee_id: int | None = None
    unassigned: bool = False
    due_from: datetime | None = None
    due_until: datetime | None = None


@dataclass(frozen=True)
class SearchHit:
    client_id: int
    conversation_id: int
    customer_id: int
    channel: str
    language: str
    status: str
    assignee_id: int | None
    due_at: datetime | None
    last_activity_at: datetime
    subject: list[Part]
    customer: list[Part]  # name, e-mail and phone, the words found marked
    snippet: list[Part]


@dataclass(frozen=True)
class SearchPage:
    hits: list[SearchHit] = field(default_factory=list)
    total: int = 0  # at most RESULTS_CAP + 1: "more than 1,000"
    page: int = 1

    @property
    def capped(self) -> bool:
        return self.total > RESULTS_CAP

    @property
    def pages(self) -> int:
        return max(1, -(-min(self.total, RESULTS_CAP) // PAGE_SIZE))


# The query's words cut by the same parser and folding as the documents, every one
# required: the last typed as a prefix ("jan nov" finds "Jan Novák"), the others whole, so
# that a common word ("obj" of "OBJ-2026-4711") is skipped over by the index's fast scan
# rather than read in full as a prefix would be. A word of five letters or more loses its
# last letter and is a prefix (STEM_LETTERS): Czech, Slovak, Polish and the rest inflect
# names and words by their ending, so "Žilina" finds "v Žiline" and "sedačka" "sedačky".
# No words (only punctuation): NULL, nothing matches.
MATCH_SQL = """(
    SELECT string_agg(
        CASE WHEN lexeme ~ '^[a-z]{5,}$' THEN quote_literal(left(lexeme, -1)) || ':*'
             WHEN last THEN quote_literal(lexeme) || ':*'
             ELSE quote_literal(lexeme) END, ' & ')
    FROM (SELECT lexeme, positions[array_upper(positions, 1)]
                 = max(positions[array_upper(positions, 1)]) OVER () AS last
          FROM unnest(to_tsvector('simple', public.search_fold(%s)))) AS words)"""


def tsquery_of(text: str) -> str | None:
    """The query's words as a tsquery's text (``'jan' & 'novak':*``), cut by the server."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + MATCH_SQL, [text])
        words: str | None = cursor.fetchone()[0]
    return words


_SEARCH_SQL = """
    WITH hits AS (
        SELECT d.id, d.last_activity_at FROM search_searchdocument AS d
        WHERE d.client_id = ANY(%s){where}
        ORDER BY d.last_activity_at DESC, d.id DESC LIMIT %s
    ), page AS (
        SELECT id, last_activity_at FROM hits
        ORDER BY last_activity_at DESC, id DESC LIMIT %s OFFSET %s
    )
    SELECT (SELECT count(*) FROM hits), d.client_id, d.conversation_id, d.customer_id,
        d.channel, d.language, d.status, d.assignee_id, d.due_at, d.last_activity_at,
        d.subject, d.customer_name, d.customer_email, d.customer_phone, d.body
    FROM (SELECT 1) AS one
    LEFT JOIN (page JOIN search_searchdocument AS d ON d.id = page.id) ON true
    ORDER BY page.last_activity_at DESC, page.id DESC
"""


def _where(query: str, filters: SearchFilters) -> tuple[str, list[Any]]:
    clauses: list[str] = []
    params: list[Any] = []
    if query:
        # A value the planner sees (not a subquery), so that it knows how common the words
        # are: a rare name through the index of words, a common word by walking the newest.
        clauses.append(" AND d.terms @@ %s::tsquery")
        params.append(query)
    equal = {
        "client_id": filters.client_id,
        "channel": filters.channel,
        "language": filters.language,
        "status": filters.status,
        "assignee_id": filters.assignee_id,
    }
    if filters.status != "spam":  # spam is shown only when asked for (status "spam")
        clauses.append(" AND d.status <> 'spam'")
    for column, value in equal.items():
        if value not in (None, ""):
            clauses.append(f" AND d.{column} = %s")
            params.append(value)
    if filters.unassigned:
        clauses.append(" AND d.assignee_id IS NULL")
    if filters.due_from is not None:
        clauses.append(" AND d.due_at >= %s")
        params.append(filters.due_from)
    if filters.due_until is not None:
        clauses.append(" AND d.due_at < %s")
        params.append(filters.due_until)
    return "".join(clauses), params


def conversations_search(
    *, client_ids: list[int], query: str, filters: SearchFilters, page: int = 1
) -> SearchPage:
    """The conversations of ``client_ids`` whose subject, messages or customer (name,
    e-mail, phone in any formatting, shop reference) hold every word of ``query`` (as the
    start of a word, accents and case ignored), newest activity first: one page of hits
    and their number (up to RESULTS_CAP + 1). One statement over the public index, after a
    small one that cuts the query into words."""
    text = query_text(query)
    match = tsquery_of(text) if text else None
    if text and match is None:  # only punctuation: no word to look for
        return SearchPage(page=page)
    where, params = _where(match or "", filters)
    # As bigint[] (psycopg would send smallint[]): hashed once, not probed per client.
    clients = [Int8(client_id) for client_id in client_ids]
    with connection.cursor() as cursor:
        cursor.execute(
            _SEARCH_SQL.format(where=where),
            [clients, *params, RESULTS_CAP + 1, PAGE_SIZE, (page - 1) * PAGE_SIZE],
        )
        rows = cursor.fetchall()
    words = query_words(query)
    hits = [
        SearchHit(
            client_id=row[1],
            conversation_id=row[2],
            customer_id=row[3],
            channel=row[4],
            language=row[5],
            status=row[6],
            assignee_id=row[7],
            due_at=row[8],
            last_activity_at=row[9],
            subject=highlighted(row[10], words),
            customer=highlighted(" · ".join(filter(None, row[11:14])), words),
            snippet=snippet(row[14], words),
        )
        for row in rows
        if row[1] is not None
    ]
    return SearchPage(hits=hits, total=rows[0][0] if rows else 0, page=page)


def conversation_documents(
    *,
    client_id: int,
    query: str = "",
    filters: SearchFilters | None = None,
    updated_since: datetime | None = None,
    after: tuple[datetime, int] | None = None,
    limit: int = PAGE_SIZE,
) -> list[SearchDocument]:
    """One page of a client's conversations as the index holds them (the public REST API's
    list), newest activity first: whose subject, messages or customer hold every word of
    ``query`` (as the desk's search reads it), with ``filters``' channel, language and status
    (spam only when asked for), active at or after ``updated_since``, and after the
    (last activity, document id) of the previous page's last row."""
    filters = filters or SearchFilters()
    documents = SearchDocument.objects.filter(client_id=client_id)
    text = query_text(query) if query else ""
    if text:
        match = tsquery_of(text)
        if match is None:  # only punctuation: no word to look for
            return []
        documents = documents.filter(terms=SearchQuery(match, search_type="raw", config="simple"))
    if filters.status != "spam":
        documents = documents.exclude(status="spam")
    for column in ("channel", "language", "status"):
        if value := getattr(filters, column):
            documents = documents.filter(**{column: value})
    if updated_since is not None:
        documents = documents.filter(last_activity_at__gte=updated_since)
    if after is not None:
        moment, document_id = after
        documents = documents.filter(
            Q(last_activity_at__lt=moment) | Q(last_activity_at=moment, id__lt=document_id)
        )
    return list(documents.order_by("-last_activity_at", "-id")[:limit])
