"""The desk item benchmark's work (``benchmarks/desk_item.py`` runs it): filling a thread and
timing its page. Imported once ``django_setup()`` has pointed the settings at the bench
database: the models below need it."""

import argparse
import os
import statistics
import time
import tracemalloc
from datetime import timedelta

from _report import Report
from django.core.management import call_command
from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tenants.utils import schema_context

from accounts.models import User
from conversations.attachments import IncomingFile, attachment_store
from conversations.models import Conversation, Message
from customers.models import Customer
from languages.models import AgentSkill
from outbox.models import Delivery
from routing.models import AgentState, WorkItem
from tenants.services import agency_ensure, client_provision

FILES_EVERY = 4  # every fourth message carries two files
STATES = ["sent", "sent", "sent", "queued", "failed", "bounced"]
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082"
)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def setup():
    """The agency, one provisioned client and the agent who serves it: (client, agent)."""
    agency_ensure()
    client = client_provision(
        slug="bench-item",
        name="Bench Item",
        countries=["CZ"],
        languages=["cs"],
        time_zone="Europe/Prague",
        currency="CZK",
    ).client
    agent = User.objects.create_user(
        username="bench-agent",
        password="!",  # noqa: S106 - Django's unusable password: never signs in
        role="agent",
        first_name="Jana",
        last_name="Benchová",
    )
    agent.served_clients.set([client])
    AgentSkill.objects.create(agent=agent, language_id="cs", proficiency="native")
    now = timezone.now()
    AgentState.objects.create(agent=agent, presence="available", idle_since=now)
    return client, agent


def thread_fill(client, agent, *, size: int, history: int):
    """A customer with ``history`` earlier conversations and one of ``size`` messages held
    by ``agent``; returns (work item, conversation id)."""
    now = timezone.now()
    start = now - timedelta(days=30)
    with schema_context(client.schema_name):
        customer = Customer.objects.create(
            name=f"Žofie Nováková {size}", email=f"zofie{size}@example.cz", country="CZ"
        )
        for n in range(history):
            earlier = Conversation.objects.create(
                customer=customer,
                channel="email",
                language="cs",
                subject=f"Dřívější dotaz {n}",
                status="resolved",
                created_at=start - timedelta(days=n + 1),
            )
            Message.objects.bulk_create(
                Message(
                    conversation=earlier,
                    direction="in" if m % 2 == 0 else "out",
                    channel="email",
                    body_text=f"Zpráva {m} dřívějšího dotazu {n}.",
                    created_at=earlier.created_at + timedelta(minutes=m),
                )
                for m in range(3)
            )
        conversation = Conversation.objects.create(
            customer=customer,
            channel="email",
            language="cs",
            subject=f"Reklamace objednávky OBJ-2026-{size}",
            status="open",
            created_at=start,
        )
        messages = Message.objects.bulk_create(
            Message(
                conversation=conversation,
                direction=("in", "out", "in", "note")[m % 4] if m % 8 != 7 else "out",
                author=None if m % 4 in (0, 2) else agent,
                channel="email",
                body_text=f"Dobrý den, zpráva číslo {m}: zásilka OBJ-2026-{size} dorazila "
                "poškozená, krabice byla promáčklá a chybí návod.\n\n-- \nS pozdravem\n" * 3,
                created_at=start + timedelta(minutes=10 * m),
            )
            for m in range(size)
        )
        for m, message in enumerate(messages):
            if m % FILES_EVERY == 0:
                for copy in range(2):
                    attachment_store(
                        message=message,
                        file=IncomingFile(
                            f"fotka-{copy}.png", "image/png", PNG + bytes([m % 7, copy])
                        ),
                    )
    deliveries = []
    for m, message in enumerate(messages):
        if message.direction == "in":
            continue
        forward = message.direction == "note"
        if forward and m % 3:
            continue  # most notes stay internal; every third is forwarded
        state = STATES[m % len(STATES)]
        deliveries.append(
            Delivery(
                client=client,
                message_id=message.pk,
                conversation_id=conversation.pk,
                channel="email",
                kind="forward" if forward else "reply",
                recipient="sklad@example.cz" if forward else "",
                state=state,
                attempts=1,
                next_attempt_at=message.created_at,
                queued_at=message.created_at,
                sent_at=message.created_at if state == "sent" else None,
                last_error="550 mailbox full" if state in ("failed", "bounced") else "",
            )
        )
    Delivery.objects.bulk_create(deliveries)
    item = WorkItem.objects.create(
        client=client,
        channel="email",
        language="cs",
        summary=conversation.subject,
        source_kind="conversation",
        source_id=conversation.pk,
        status="assigned",
        agent=agent,
        waiting_since=start,
        assigned_at=now,
        due_at=now + timedelta(hours=4),
    )
    return item, conversation.pk


def page_figures(http, item, *, requests: int) -> dict:
    """``requests`` loads of the item's page: timings, SQL, CPU, statements, peak memory."""
    url = f"/desk/items/{item.pk}"
    for _ in range(3):  # warm: the agent's reach, the template loader, the client's calendar
        assert http.get(url).status_code == 200
    with CaptureQueriesContext(connection) as captured:
        response = http.get(url)
    statements = [q["sql"] for q in captured.captured_queries]
    real = [s for s in statements if not s.startswith("SET search_path")]
    sql_seconds = [0.0]

    def timed(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            sql_seconds[0] += time.perf_counter() - started

    timings, in_sql, cpu = [], [], []
    for _ in range(requests):
        sql_seconds[0] = 0.0
        with connection.execute_wrapper(timed):
            started, started_cpu = time.perf_counter(), time.process_time()
            answered = http.get(url)
            timings.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
        in_sql.append(sql_seconds[0] * 1000)
        assert answered.status_code == 200
    tracemalloc.start()
    http.get(url)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return {
        "timings": timings,
        "sql": statistics.median(in_sql),
        "cpu": statistics.median(cpu),
        "statements": len(real),
        "set_path": len(statements) - len(real),
        "kib": len(response.content) / 1024,
        "peak_mib": peak / 2**20,
    }


def floor_timings(client, conversation_id: int, *, requests: int) -> list[float]:
    """One SELECT of the conversation's messages, as the page reads them (ms each)."""
    timings = []
    with schema_context(client.schema_name):
        for _ in range(requests):
            started = time.perf_counter()
            list(Message.objects.filter(conversation_id=conversation_id).defer("raw"))
            timings.append((time.perf_counter() - started) * 1000)
    return timings


def run(args: argparse.Namespace, report: Report) -> None:
    report.server_describe()
    call_command("migrate_platform", verbosity=0)
    client, agent = setup()
    http = HttpClient(HTTP_HOST="localhost")
    http.force_login(agent)
    sizes = [int(size) for size in args.sizes.split(",")]
    statements = {}
    for size in sizes:
        started = time.perf_counter()
        item, conversation_id = thread_fill(client, agent, size=size, history=args.history)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        filled = time.perf_counter() - started
        page = page_figures(http, item, requests=args.requests)
        floor = floor_timings(client, conversation_id, requests=args.requests)
        timings = page["timings"]
        p50, p99 = statistics.median(timings), percentile(timings, 0.99)
        floor_p50, floor_p99 = statistics.median(floor), percentile(floor, 0.99)
        statements[size] = page["statements"]
        print(
            f"{size} messages (filled in {filled:.1f} s, load {os.getloadavg()[0]:.2f}): "
            f"p50 {p50:.1f} ms (SQL {page['sql']:.1f} ms, CPU {page['cpu']:.1f} ms), "
            f"p99 {p99:.1f} ms over {args.requests}; floor p50 {floor_p50:.2f} ms, p99 "
            f"{floor_p99:.2f} ms; {page['statements']} statements (+{page['set_path']} SET "
            f"search_path); {page['kib']:.0f} KiB; peak Python memory {page['peak_mib']:.1f} MiB"
        )
        label = f"{size} messages"
        report.figure(f"{label}: p50", p50, "ms", floor=floor_p50)
        report.figure(
            f"{label}: p99", p99, "ms", floor=floor_p99, target=200 if size >= 200 else None
        )
        report.figure(f"{label}: SQL, p50", page["sql"], "ms")
        report.figure(f"{label}: Django's CPU, p50", page["cpu"], "ms")
        report.figure(f"{label}: queries", page["statements"], "count")
        report.figure(f"{label}: page size", page["kib"], "KiB")
        report.figure(f"{label}: peak Python memory", page["peak_mib"], "MiB")
    # The page's statements must not grow with the thread: any difference is a failure.
    report.check(
        "queries that grow with the thread", max(statements.values()) - min(statements.values())
    )
