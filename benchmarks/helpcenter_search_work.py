"""The help center search benchmark's work (``benchmarks/helpcenter_search.py`` runs it):
the articles, the queries, the floor. Imported once ``django_setup()`` has pointed the
settings at the bench database: the models below need it."""

import random
import re
import statistics
import time

from _report import Report
from django.core.management import call_command
from django.db import connection
from django_tenants.utils import schema_context

from content.models import FaqArticle
from demo.content_texts import CANNED_REPLIES, FAQ_ARTICLES
from demo.helpcenter_texts import HELP_ARTICLES
from helpcenter.models import HelpCenterSettings
from helpcenter.selectors import articles_suggest
from search.selectors import tsquery_of
from search.snippets import query_text
from tenants.services import agency_ensure, client_provision

TARGET_MS = 100
LANGUAGES = ["cs", "sk", "pl", "de", "hu", "ro", "sl", "hr", "bg", "en", "fr", "it", "es", "nl"]
LANGUAGES += ["pt", "el"]
# (language, kind, query): typical searches, accents left out, typed in part.
QUERIES = [
    ("cs", "no accents", "zbozi"),
    ("cs", "accents", "zboží"),
    ("cs", "prefix while typing", "vrat"),
    ("cs", "two words", "doruceni zasilky"),
    ("de", "no accents", "zuruck"),
    ("de", "prefix while typing", "lief"),
    ("pl", "no accents", "zamowienie"),
    ("hu", "two words", "csomag szallitas"),
]

FLOOR = """
CREATE TABLE bench_floor AS SELECT id, language, terms FROM helpcenter_articletext;
CREATE INDEX bench_floor_terms ON bench_floor USING gin (terms);
ANALYZE bench_floor;
"""
FLOOR_QUERY = """
SELECT id FROM bench_floor WHERE terms @@ %s::tsquery AND language = %s
ORDER BY ts_rank(terms, %s::tsquery) DESC LIMIT 5
"""


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def timed_ms(work, runs: int) -> list[float]:
    work()  # warm: the first run reads the index from disk
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        timings.append((time.perf_counter() - started) * 1000)
    return timings


def vocabulary() -> dict[str, list[str]]:
    """Each language's words from the demo's FAQ texts (every catalog language)."""

    words: dict[str, set[str]] = {code: set() for code in LANGUAGES}
    for table in (FAQ_ARTICLES, HELP_ARTICLES, CANNED_REPLIES):
        for texts in table.values():
            for code, pair in texts.items():
                for text in pair:
                    words[code].update(re.findall(r"[^\W\d_]{3,}", text))
    return {code: sorted(found) for code, found in words.items()}


def articles_fill(first: int, count: int, words: dict[str, list[str]]) -> float:
    """Articles first .. first + count - 1 written through the ORM (the trigger writes their
    search rows); the seconds it took."""

    generator = random.Random(first)
    started = time.perf_counter()
    batch = []
    for number in range(first, first + count):
        fields = {}
        for code in LANGUAGES:
            vocabulary_of = words[code]
            title = generator.sample(vocabulary_of, generator.randint(4, 8))
            body = generator.choices(vocabulary_of, k=generator.randint(40, 90))
            fields[f"question_{code}"] = " ".join(title).capitalize() + "?"
            fields[f"answer_{code}"] = " ".join(body).capitalize() + "."
        batch.append(FaqArticle(slug=f"article-{number}", position=number, **fields))
        if len(batch) == 200:
            FaqArticle.objects.bulk_create(batch)
            batch = []
    if batch:
        FaqArticle.objects.bulk_create(batch)
    return time.perf_counter() - started


def floor_ms(query: str, language: str, runs: int) -> list[float]:

    match = tsquery_of(query_text(query))

    def work() -> None:
        with connection.cursor() as cursor:
            cursor.execute(FLOOR_QUERY, [match, language, match])
            cursor.fetchall()

    return timed_ms(work, runs)


def measure(report: Report, size: int, runs: int) -> None:

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE helpcenter_articletext")
        cursor.execute("DROP TABLE IF EXISTS bench_floor")
        cursor.execute(FLOOR)
        cursor.execute("SELECT count(*) FROM helpcenter_articletext")
        texts = cursor.fetchone()[0]
    print(f"{size:,} articles, {texts:,} article texts:")
    every, floors = [], []
    for language, kind, query in QUERIES:
        found = len(articles_suggest(query=query, language=language))
        timings = timed_ms(
            lambda q=query, lang=language: articles_suggest(query=q, language=lang), runs
        )
        floor = floor_ms(query, language, runs)
        every += timings
        floors += floor
        print(
            f"  {language} {kind:<20} {query!r:<20} p50 {statistics.median(timings):6.1f} ms"
            f"  p95 {percentile(timings, 0.95):6.1f} ms  (floor p95 {percentile(floor, 0.95):5.1f})"
            f"  {found} suggested"
        )
        if not found:
            report.details.setdefault("queries_without_hits", []).append(query)
    if len(report.details.get("queries_without_hits", [])) == len(QUERIES):
        # Timing a search that returns nothing measures nothing (a help center switched off).
        raise SystemExit("No query suggested an article: nothing was measured.")
    p95, floor_p95 = percentile(every, 0.95), percentile(floors, 0.95)
    report.figure(
        f"{size} articles: suggest p50",
        statistics.median(every),
        "ms",
        floor=statistics.median(floors),
    )
    report.figure(f"{size} articles: suggest p95", p95, "ms", floor=floor_p95, target=TARGET_MS)
    report.figure(f"{size} articles: suggest p95 / floor p95", p95 / floor_p95, "ratio")


def run(sizes: list[int], runs: int, report: Report) -> None:

    call_command("migrate_platform", verbosity=0)
    agency_ensure()
    client = client_provision(
        slug="bench-help",
        name="Bench Help",
        countries=["CZ"],
        languages=LANGUAGES,
        time_zone="Europe/Prague",
        currency="EUR",
    ).client
    words = vocabulary()
    written = 0
    with schema_context(client.schema_name):
        # Published, as the widget asks it (a help center that is off suggests nothing).
        HelpCenterSettings.objects.create(enabled=True)
        for size in sizes:
            seconds = articles_fill(written, size - written, words)
            print(f"wrote {size - written:,} articles in 16 languages in {seconds:.1f} s")
            report.figure(
                f"{size} articles: write one article in 16 languages",
                seconds * 1000 / max(1, size - written),
                "ms",
            )
            written = size
            measure(report, size, runs)
