"""Benchmark of the portal's searches that ignore accents and case (PostgreSQL's unaccent).

Run from the repository root::

    .venv/bin/python benchmarks/portal_search.py [--conversations 100000] [--repeat 3]

On the PostgreSQL server the settings point at (``DATABASE_URL``, or the embedded one), it
creates a database of its own, ``polydesk_bench_search`` (dropped at the end), migrates it,
provisions one client and fills its schema with as many customers as conversations, three
messages each (one in three an internal note), Czech and Slovak words with accents.

It prints, for a word found in many conversations ("sedacky"), a name ("zilinsk") and a
word found nowhere ("xyzzy"), the median time of the first page (50 rows, what the portal's
list shows) and of its count (the paginator's), for ``portal.selectors.conversation_search``
and ``customers.selectors.customer_search``; the floor is the same query before accents were
ignored (``icontains``). Target: the first page and its count together under 5 s.
"""

import argparse
import os
import statistics
import sys
import time

from _report import Report, json_option
from benchdb import bench_database, django_setup, server_find
from django.core.management import call_command
from django.db import connection
from django.db.models import Exists, OuterRef, Q

BENCH_DATABASE = "polydesk_bench_search"
WORDS = {"in many conversations": "sedacky", "in names": "zilinsk", "nowhere": "xyzzy"}

FILL = """
INSERT INTO customers_customer (name, email, phone, language, country, shop_reference,
                                created_at)
SELECT (ARRAY['Řehoř','Jiří','Žofie','Šárka','Tomáš','Ľubica','Zuzana','Petr'])[1 + g %% 8]
       || ' ' || (ARRAY['Žluťoučký','Novák','Dvořák','Černý','Procházka','Kučera','Veselý',
                        'Žilinský'])[1 + (g / 8) %% 8] || ' ' || g,
       'c' || g || '@shop.example', '+42060' || lpad(g::text, 7, '0'), 'cs', 'CZ', '',
       now() - make_interval(mins => g)
FROM generate_series(1, %(n)s) g;
INSERT INTO conversations_conversation (channel, subject, language, language_uncertain,
    language_detected, language_decided_by, status, priority, category, tags, created_at,
    resolved_automatically, reopen_count, automatic, started_by_agent, spam, customer_id)
SELECT (ARRAY['email','chat','sms','call'])[1 + g %% 4],
       (ARRAY['Reklamace bot','Doprava do Žiliny','Vrácení sedačky','Faktura č. ' || g,
              'Dotaz na velikost','Poškozená zásilka'])[1 + g %% 6],
       'cs', false, 'cs', 'text', 'resolved', 0, (ARRAY['delivery','orders','returns'])[1 + g %% 3],
       '{}', now() - make_interval(mins => g), false, 0, false, false, false, c.id
FROM generate_series(1, %(n)s) g
JOIN customers_customer c ON c.phone = '+42060' || lpad(g::text, 7, '0');
INSERT INTO conversations_message (direction, channel, body_text, body_html, external_id,
    created_at, automatic, unreadable_reason, conversation_id)
SELECT (ARRAY['in','out','note'])[1 + g %% 3], 'email',
       'Dobrý den, objednávka číslo ' || g || ' ještě nedorazila. '
       || (ARRAY['Bydlím v Žilině a čekám už týden.','Chtěl bych vrátit sedačku, je poškozená.',
                 'Prosím o fakturu na firmu.','Děkuji za rychlé vyřízení, přeji hezký den.',
                 'Velikost 42 je malá, můžu vyměnit za 43?'])[1 + g %% 5]
       || ' S pozdravem, zákazník z Českých Budějovic, tel. 602 123 456.',
       '', '', now(), false, '', v.id
FROM generate_series(0, 3 * %(n)s - 1) g
JOIN conversations_conversation v ON v.id = (SELECT min(id) FROM conversations_conversation)
                                            + g / 3;
ANALYZE customers_customer;
ANALYZE conversations_conversation;
ANALYZE conversations_message;
"""


def old_conversation_search(query: str):
    """The search before accents were ignored: the floor."""
    # After django_setup() has pointed the settings at the bench database: not at the top.
    from conversations.models import Conversation, Message

    conversations = Conversation.objects.select_related("customer").order_by("-created_at", "-id")
    for word in query.split():
        in_messages = Message.objects.filter(
            conversation=OuterRef("pk"), body_text__icontains=word
        ).exclude(direction=Message.Direction.NOTE)
        conversations = conversations.filter(
            Q(subject__icontains=word)
            | Q(category__icontains=word)
            | Q(customer__name__icontains=word)
            | Q(customer__email__icontains=word)
            | Q(customer__phone__icontains=word)
            | Exists(in_messages)
        )
    return conversations


def old_customer_search(query: str):
    # After django_setup() has pointed the settings at the bench database: not at the top.
    from customers.models import Customer

    return Customer.objects.filter(
        Q(name__icontains=query) | Q(email__icontains=query) | Q(phone__icontains=query)
    )


def timed(work, repeat: int) -> float:
    seconds = []
    for _ in range(repeat):
        started = time.perf_counter()
        work()
        seconds.append(time.perf_counter() - started)
    return statistics.median(seconds)


def run(conversations: int, repeat: int, report: Report) -> None:
    django_setup(BENCH_DATABASE)
    report.server_describe()
    # Only now: django_setup() has pointed the settings at the bench database.
    from django_tenants.utils import schema_context

    from customers.selectors import customer_search
    from portal.selectors import conversation_search
    from tenants.services import agency_ensure, client_provision

    call_command("migrate_platform", verbosity=0)
    agency_ensure()
    client = client_provision(
        slug="bench-search",
        name="Bench Sedačky",
        countries=["CZ", "SK"],
        languages=["cs", "sk"],
        time_zone="Europe/Prague",
        currency="CZK",
    ).client
    with schema_context(client.schema_name):
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(FILL, {"n": conversations})
        print(
            f"filled {conversations:,} customers and conversations, {3 * conversations:,} "
            f"messages in {time.perf_counter() - started:.1f} s"
        )
        for kind, word in WORDS.items():
            for name, new, old in (
                ("conversations", conversation_search(query=word), old_conversation_search(word)),
                ("customers", customer_search(query=word), old_customer_search(word)),
            ):
                page = timed(lambda qs=new: list(qs[:50]), repeat)
                count = timed(new.count, repeat)
                old_page = timed(lambda qs=old: list(qs[:50]), repeat)
                old_count = timed(old.count, repeat)
                print(
                    f"  {name:<13} {word!r:<10} page {page:6.3f} s (was {old_page:6.3f}), "
                    f"count {count:6.3f} s (was {old_count:6.3f}), {new.count():,} found"
                )
                report.figure(
                    f"{name}, a word found {kind}: page and count",
                    page + count,
                    "s",
                    floor=old_page + old_count,
                    target=5,
                )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conversations", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    json_option(parser)
    args = parser.parse_args()
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    server = server_find(BENCH_DATABASE)
    print(f"database: {BENCH_DATABASE} on {server.label}")
    report = Report("portal_search", {"conversations": args.conversations})
    with bench_database(server):
        run(args.conversations, args.repeat, report)
    return report.emit(args.json)


if __name__ == "__main__":
    sys.exit(main())
