"""Benchmark of the help center's search (``helpcenter.selectors.articles_suggest``, what the
widget asks as the customer types and the help center's search page reads).

Run from the repository root::

    .venv/bin/python benchmarks/helpcenter_search.py [--sizes 200,2000] [--runs 30]

On the PostgreSQL server the settings point at (``DATABASE_URL``, or the embedded one), it
creates a database of its own, ``polydesk_bench_helpcenter`` (dropped at the end), migrates
it, provisions one client serving all 16 catalog languages and writes articles through the
ORM, each in every language (2,000 articles: 32,000 article texts), so that the search rows
are written by their trigger as in production. The texts are the demo FAQ's words of each
language, shuffled (titles of 4-8 words, answers of 40-90).

At each size it times typical queries in several languages (a word typed without accents, with
them, the start of a word as the customer types, two words), ``--runs`` times each: p50 and p95
of ``articles_suggest`` (5 suggestions with their snippets). The floor is the same match (the
query's words already cut into a tsquery) on a bare table of the same rows with the same
index, the best 5 by rank: what any full-text search pays. Target: p95 under 100 ms at every
size (the widget asks as the customer types). It also reports the time to write one article
in 16 languages with the trigger.
"""

import argparse
import importlib
import os
import sys

from _report import Report, json_option
from benchdb import bench_database, django_setup, server_find

BENCH_DATABASE = "polydesk_bench_helpcenter"
LANGUAGES = 16  # every catalog language (helpcenter_search_work.LANGUAGES)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="200,2000", help="articles, comma-separated")
    parser.add_argument("--runs", type=int, default=30)
    json_option(parser)
    args = parser.parse_args()
    sizes = sorted(int(size) for size in args.sizes.split(","))
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    server = server_find(BENCH_DATABASE)
    print(f"database: {BENCH_DATABASE} on {server.label}")
    report = Report(
        "helpcenter_search",
        {"articles": sizes, "languages": LANGUAGES, "texts": sizes[-1] * LANGUAGES},
    )
    with bench_database(server):
        django_setup(BENCH_DATABASE)
        report.server_describe()
        # The work imports the models, which need the settings django_setup() just pointed at
        # the bench database: loaded by name, now.
        importlib.import_module("helpcenter_search_work").run(sizes, args.runs, report)
    return report.emit(args.json)


if __name__ == "__main__":
    sys.exit(main())
