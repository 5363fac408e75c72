"""The desk search benchmark's work (``benchmarks/desk_search.py`` runs it): the documents,
the agent's and the supervisor's queries, the writes. Imported once ``django_setup()`` has
pointed the settings at the bench database: the models below need it."""

import argparse
import statistics
import time

from _report import Report
from desk_search import MESSAGES_PER_CONVERSATION
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_context

from conversations.models import Conversation, Message
from customers.models import Customer
from search.selectors import SearchFilters, conversations_search, tsquery_of
from search.snippets import query_text
from tenants.models import Client
from tenants.services import agency_ensure, client_provision

TARGET_MS = 300

# Documents generated in the server: g is the document's number. Names, texts and numbers
# come from small arrays so that some queries match one document and others thousands.
FILL = """
INSERT INTO search_searchdocument (client_id, conversation_id, customer_id, channel, language,
    status, assignee_id, due_at, last_activity_at, subject, customer_name, customer_email,
    customer_phone, body, terms)
SELECT c.client_id, g, g, (ARRAY['email','chat','sms','call','api'])[1 + g %% 5],
    (ARRAY['cs','sk','de','pl','hu'])[1 + g %% 5],
    (ARRAY['new','open','pending','resolved','closed'])[1 + (g / 5) %% 5],
    NULL, now() + make_interval(hours => (g %% 96) - 24),
    now() - make_interval(mins => (g * 7919) %% 525600),
    c.subject, c.name, c.email, c.phone, c.body,
    to_tsvector('simple', public.search_fold(concat_ws(' ', c.subject, c.name, c.email,
        replace(c.email, '@', ' '), public.search_phone_terms(c.phone), c.body)))
FROM generate_series(1, %(documents)s) AS g
CROSS JOIN LATERAL (SELECT
    -- Hashed, not g modulo: a client's documents are not one column of the arrays below.
    %(first_client)s + (hashint4(g) & 2147483647) %% %(clients)s AS client_id,
    (ARRAY['Jana','Petr','Žofie','Jiří','Ľubica','Zuzana','Tomáš','Anna','Łukasz','Małgorzata',
           'Jürgen','Renée'])[1 + g %% 12]
    || ' ' || (ARRAY['Nováková','Dvořák','Černý','Procházková','Kučera','Veselá',
                     'Žilinský','Müller','Weiß','Wiśniewska','Kowalczyk','Szabó',
                     'Horváth'])[1 + (g / 12) %% 13]
    AS name,
    'zakaznik' || g || '@shop' || (g %% 97) || '.example' AS email,
    '+' || (ARRAY['420','421','49','48','36'])[1 + g %% 5] || (600000000 + g)::text AS phone,
    (ARRAY['Reklamace','Objednávka OBJ-2026-' || g,'Doprava do Žiliny','Vrácení zboží',
           'Faktura č. ' || (900000 + g),'Dotaz na velikost'])[1 + g %% 6] AS subject,
    'Dobrý den, objednávka OBJ-2026-' || g || ' ještě nedorazila. '
    || (ARRAY['Bydlím v Žilině a čekám už týden.','Chtěl bych vrátit sedačku, je poškozená.',
              'Prosím o fakturu na firmu.','Wann kommt meine Bestellung? Grüße aus München.',
              'Zamówienie nie dotarło, proszę o kontakt.'])[1 + g %% 5]
    || E'\n\n' || 'Děkujeme, zásilku jsme předali přepravci, sledovací číslo ' || (g * 31)
    || E'.\n\n' || (ARRAY['Velikost 42 je malá, můžu vyměnit za 43?','Reklamace: rozbitý zip.',
                          'Kdy budou boty skladem?','Platba kartou neprošla.',
                          'Přeji hezký den.'])[1 + (g / 7) %% 5]
    || E'\n\n' || 'Výměnu vyřídíme do tří pracovních dnů.'
    || E'\n\n' || 'S pozdravem, zákaznická podpora' AS body) AS c;
"""

FLOOR = """
CREATE TABLE bench_floor AS SELECT id, last_activity_at, terms FROM search_searchdocument;
CREATE INDEX bench_floor_terms ON bench_floor USING gin (terms);
CREATE INDEX bench_floor_recent ON bench_floor (last_activity_at DESC, id DESC);
ANALYZE bench_floor;
"""

# The floor: the same match, first page and capped count, on one table of every row.
FLOOR_QUERY = """
WITH hits AS (
    SELECT id, last_activity_at FROM bench_floor
    WHERE terms @@ %s::tsquery
    ORDER BY last_activity_at DESC, id DESC LIMIT 1001
)
SELECT (SELECT count(*) FROM hits), id FROM hits ORDER BY last_activity_at DESC, id DESC
LIMIT 25
"""


def queries(documents: int, client_id: int) -> dict[str, str]:
    """Typical queries, those naming one document naming one of ``client_id`` (one of the
    agent's clients)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT min(conversation_id) FROM search_searchdocument"
            " WHERE client_id = %s AND conversation_id >= %s",
            [client_id, documents // 3],
        )
        g = cursor.fetchone()[0]
    phone = str(600000000 + g)
    return {
        "a full name": "zofie novakova",
        "an e-mail address": f"zakaznik{g}@shop{g % 97}.example",
        "an order number": f"OBJ-2026-{g}",
        "a phone number with spaces": f"{phone[:3]} {phone[3:6]} {phone[6:]}",
        "a word without accents": "poskozena",
    }


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


def fill(clients: int, documents: int) -> list[int]:
    rows = [
        Client(
            name=f"Bench {n}",
            slug=f"bench-{n}",
            schema_name=f"client_bench_{n}",
            countries=["CZ"],
            languages=["cs"],
            status="active",
            ready=True,
        )
        for n in range(clients)
    ]
    ids = [client.pk for client in Client.objects.bulk_create(rows)]
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(FILL, {"documents": documents, "first_client": min(ids), "clients": clients})
        cursor.execute("ANALYZE search_searchdocument")
        cursor.execute(FLOOR)
    print(
        f"filled {documents:,} documents ({documents * MESSAGES_PER_CONVERSATION:,} messages)"
        f" of {clients} clients in {time.perf_counter() - started:.1f} s"
    )
    return ids


def search_figures(report: Report, client_ids: list[int], agent_clients: int, runs: int) -> None:
    # The agent's clients spread over the id range, as a real agent's would be.
    step = max(1, len(client_ids) // agent_clients)
    agent = client_ids[::step][:agent_clients]
    worst_agent_p95 = 0.0
    for kind, query in queries(report.sizes["documents"], agent[0]).items():
        floor = timed_ms(lambda q=query: _floor(q), runs)
        for who, scope in (("agent", agent), ("admin", client_ids)):
            found = conversations_search(client_ids=scope, query=query, filters=SearchFilters())
            timings = timed_ms(
                lambda s=scope, q=query: conversations_search(
                    client_ids=s, query=q, filters=SearchFilters()
                ),
                runs,
            )
            p50, p95 = statistics.median(timings), percentile(timings, 0.95)
            print(
                f"  {who:<5} {kind:<28} {query!r:<32} p50 {p50:7.1f} ms  p95 {p95:7.1f} ms"
                f"  (floor p50 {statistics.median(floor):6.1f})  {found.total:,} found"
            )
            if who == "agent":
                worst_agent_p95 = max(worst_agent_p95, p95)
            report.figure(f"{who}, {kind}: p50", p50, "ms", floor=statistics.median(floor))
            report.figure(
                f"{who}, {kind}: p95",
                p95,
                "ms",
                floor=percentile(floor, 0.95),
                target=TARGET_MS if who == "agent" else None,
            )
    report.details["agent_clients"] = len(agent)


def _floor(query: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(FLOOR_QUERY, [tsquery_of(query_text(query))])
        cursor.fetchall()


def write_figures(report: Report, writes: int) -> None:
    """A message written through the ORM into a real client's schema, with the index's
    triggers and without (the floor), mean ms per message."""
    client = client_provision(
        slug="bench-writes",
        name="Bench Writes",
        countries=["CZ"],
        languages=["cs"],
        time_zone="Europe/Prague",
        currency="CZK",
    ).client
    results = {}
    with schema_context(client.schema_name):
        for label, enabled in (("with the index", True), ("without", False)):
            with connection.cursor() as cursor:
                action = "ENABLE" if enabled else "DISABLE"
                cursor.execute(f"ALTER TABLE conversations_message {action} TRIGGER ALL")
            customer = Customer.objects.create(name="Žofie Nováková", email="z@example.cz")
            timings = []
            for n in range(writes):
                if n % MESSAGES_PER_CONVERSATION == 0:
                    conversation = Conversation.objects.create(
                        customer=customer,
                        channel="email",
                        language="cs",
                        created_at=timezone.now(),
                    )
                started = time.perf_counter()
                Message.objects.create(
                    conversation=conversation,
                    direction="in",
                    channel="email",
                    body_text=f"Dobrý den, objednávka OBJ-{n} nedorazila. " * 20,
                    created_at=timezone.now(),
                )
                timings.append((time.perf_counter() - started) * 1000)
            results[label] = statistics.mean(timings)
        with connection.cursor() as cursor:
            cursor.execute("ALTER TABLE conversations_message ENABLE TRIGGER ALL")
    print(
        f"  a message written: {results['with the index']:.2f} ms with the index, "
        f"{results['without']:.2f} ms without"
    )
    report.figure(
        "a message written through the ORM (mean)",
        results["with the index"],
        "ms",
        floor=results["without"],
    )


def run(args: argparse.Namespace, report: Report) -> None:
    report.server_describe()
    call_command("migrate_platform", verbosity=0)
    agency_ensure()
    client_ids = fill(args.clients, report.sizes["documents"])
    search_figures(report, client_ids, args.agent_clients, args.runs)
    if args.writes:
        write_figures(report, args.writes)
