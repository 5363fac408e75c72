"""Benchmark of a client's monthly report: KPI queries and the PDF, as the month grows.

Run from the repository root::

    .venv/bin/python benchmarks/report_pdf.py [--conversations 100000] [--calls 30000]

On the PostgreSQL server the settings point at (``DATABASE_URL``, or the embedded one), it
creates a database of its own, ``polydesk_bench_report`` (dropped at the end), migrates it,
provisions one client (Europe/Prague, cs/sk/en, CZ/SK) and fills October 2026 in steps (a
quarter, a half, all of ``--conversations``): conversations from 30,000 customers spread
over the month's days and hours, channels, languages and 40 categories, most answered and
resolved, some reopened, each with its work item (first-response promise) and a breach for
about one in ten; plus September's contacts for the comparison. Calls grow with them (a
quarter, a half, all of ``--calls``): 30,000 callers' calls over the month's working hours,
four in five queued for an agent, most of those answered (a wait of about 25 s, a talk of
about 4 minutes, two in five rated 1-5 after the call), the rest abandoned, voicemails and
callback requests, and some ended in the menus.

At each step it prints, median of 3 runs, wall time and CPU time (this process plus its
PostgreSQL server process, when that runs on this machine), with the load average: every KPI
query, all KPIs together (``kpis_for_period``), the report's data (``report_content_build``:
this month and the previous one), and the PDF (``report_pdf``). Then the PDF layout alone
with 100, 1,000 and 5,000 rows in the category table (plain data, no database), to show that
long tables stay linear. Last, the demo's five clients seeded as by ``make demo`` and the
monthly report of each generated, timed. Targets: KPI queries under 1 s, PDF under 5 s.
"""

import argparse
import os
import random
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta

from _report import Report, json_option
from benchdb import bench_database, django_setup, server_find

BENCH_DATABASE = "polydesk_bench_report"
CUSTOMERS = 30_000
CATEGORIES = [f"category-{n:02d}" for n in range(40)]
CHANNELS = ["email"] * 6 + ["chat"] * 2 + ["sms", "api"]
LANGUAGES = ["cs"] * 6 + ["sk"] * 3 + ["en"]
# Contacts arrive mostly in working hours.
HOUR_WEIGHTS = [1, 1, 1, 1, 1, 2, 4, 8, 12, 14, 14, 13, 12, 13, 13, 12, 10, 8, 7, 6, 5, 4, 2, 1]
TOPICS = ["orders", "returns", "delivery", "payment", ""]
CSAT_WEIGHTS = [1, 1, 2, 5, 8]
UNTARGETED = ("all KPIs (kpis_for_period)", "report data (2 months)")
_call_numbers = iter(range(10**9))


LAST_CPU: list[float] = []


def cpu_seconds() -> float:
    """CPU seconds used so far by this process and by its PostgreSQL server process (read
    from /proc when the server runs on this machine): unlike the wall time, it does not grow
    when other work shares the cores."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    server = 0.0
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        server = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except OSError:  # a server elsewhere: the client's CPU time only
        pass
    return time.process_time() + server


def median_seconds(action, runs: int = 3) -> tuple[float, object]:
    """The median wall time of ``runs`` runs; their median CPU time goes to LAST_CPU."""
    timings, cpu, result = [], [], None
    for _ in range(runs):
        started, started_cpu = time.perf_counter(), cpu_seconds()
        result = action()
        timings.append(time.perf_counter() - started)
        cpu.append(cpu_seconds() - started_cpu)
    LAST_CPU[:] = [statistics.median(cpu)]
    return statistics.median(timings), result


def fill(client, customers: list, count: int, month_start: datetime, rng: random.Random) -> None:
    """``count`` contacts in the month starting at ``month_start`` (bulk inserts)."""
    # After django_setup() has pointed the settings at the bench database: not at the top.
    from conversations.models import Conversation
    from hours.models import SlaEvent
    from routing.models import WorkItem

    days = 30
    for first in range(0, count, 10_000):
        batch = []
        for _ in range(min(10_000, count - first)):
            created = month_start + timedelta(
                days=rng.randrange(days),
                hours=rng.choices(range(24), HOUR_WEIGHTS)[0],
                minutes=rng.randrange(60),
            )
            answered = (
                created + timedelta(minutes=rng.expovariate(1 / 240))
                if rng.random() < 0.92
                else None
            )
            resolved = (
                answered + timedelta(hours=rng.uniform(1, 72))
                if answered and rng.random() < 0.8
                else None
            )
            reopened = resolved + timedelta(days=1) if resolved and rng.random() < 0.06 else None
            batch.append(
                Conversation(
                    customer=rng.choice(customers),
                    channel=rng.choice(CHANNELS),
                    language=rng.choice(LANGUAGES),
                    category=rng.choice(CATEGORIES),
                    created_at=created,
                    first_response_at=answered,
                    resolved_at=resolved,
                    reopened_at=reopened,
                    reopen_count=int(reopened is not None),
                    status="resolved" if resolved and not reopened else "open",
                )
            )
        conversations = Conversation.objects.bulk_create(batch)
        items = WorkItem.objects.bulk_create(
            WorkItem(
                client=client,
                channel=c.channel,
                language=c.language,
                source_kind="conversation",
                source_id=c.pk,
                status="done" if c.first_response_at else "waiting",
                waiting_since=c.created_at,
                due_at=c.created_at + timedelta(hours=24),
                responded_at=c.first_response_at,
            )
            for c in conversations
        )
        SlaEvent.objects.bulk_create(
            SlaEvent(
                client=client, item=item, kind="breach", due_at=item.due_at, recorded_at=item.due_at
            )
            for item in items
            if item.responded_at is None or item.responded_at > item.due_at
        )


def fill_calls(count: int, month_start: datetime, rng: random.Random) -> None:
    """``count`` calls in the month starting at ``month_start`` (bulk inserts)."""
    from telephony.voice.models import Call

    for first in range(0, count, 10_000):
        batch = []
        for _ in range(min(10_000, count - first)):
            number = next(_call_numbers)
            rang = month_start + timedelta(
                days=rng.randrange(30),
                hours=rng.choices(range(24), HOUR_WEIGHTS)[0],
                minutes=rng.randrange(60),
                seconds=rng.randrange(60),
            )
            queued = rang + timedelta(seconds=rng.randrange(10, 60)) if rng.random() < 0.8 else None
            outcome, answered, wait, talk, csat = "ivr_hangup", None, None, None, None
            if queued is not None:
                wait = round(rng.expovariate(1 / 25))
                roll = rng.random()
                if roll < 0.85:
                    outcome, answered = "answered", queued + timedelta(seconds=wait)
                    talk = round(rng.expovariate(1 / 240))
                    if rng.random() < 0.4:
                        csat = rng.choices(range(1, 6), CSAT_WEIGHTS)[0]
                else:
                    outcome = "abandoned" if roll < 0.95 else rng.choice(["voicemail", "callback"])
            batch.append(
                Call(
                    call_sid=f"CAbench{number:026d}",
                    from_number=f"+420{600000000 + number % 30_000}",
                    to_number="+420212345678",
                    language=rng.choice(LANGUAGES),
                    country=rng.choice(["CZ", "CZ", "SK"]),
                    topic=rng.choice(TOPICS),
                    ringing_at=rang,
                    queued_at=queued,
                    answered_at=answered,
                    completed_at=rang + timedelta(minutes=10),
                    wait_seconds=wait,
                    talk_seconds=talk,
                    outcome=outcome,
                    csat=csat,
                )
            )
        Call.objects.bulk_create(batch)


def measure(client, total: int, calls: int) -> dict[str, float]:
    """Time every KPI query, the report's data and the PDF; returns seconds by label."""
    from datetime import date

    from django.db import connection

    from reporting.figures import Period
    from reporting.layout import report_pdf
    from reporting.selectors import (
        call_figures_for_period,
        contact_figures_for_period,
        daily_volume_for_period,
        heatmap_for_period,
        kpis_for_period,
        sla_figures_for_period,
    )
    from reporting.services import report_content_build

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    period = Period.month(year=2026, month=10, time_zone=client.time_zone)
    now = datetime(2026, 11, 5, tzinfo=UTC)
    rows = [
        (
            "contact KPIs and their 4 splits",
            lambda: contact_figures_for_period(client=client, period=period),
        ),
        (
            "SLA met and its 4 splits",
            lambda: sla_figures_for_period(client=client, period=period, now=now),
        ),
        ("daily volume per channel", lambda: daily_volume_for_period(client=client, period=period)),
        ("hour-of-week heat map", lambda: heatmap_for_period(client=client, period=period)),
        (
            "call KPIs, CSAT and their 3 splits",
            lambda: call_figures_for_period(client=client, period=period),
        ),
        (
            "all KPIs (kpis_for_period)",
            lambda: kpis_for_period(client=client, period=period, now=now),
        ),
    ]
    print(
        f"\n{total:,} conversations and {calls:,} calls in October ({client.name}); "
        f"load average {os.getloadavg()[0]:.1f}:"
    )
    timings = {}
    for label, action in rows:
        seconds, _result = median_seconds(action)
        timings[label] = seconds
        print(f"  {label:<34} {seconds:7.3f} s   CPU {LAST_CPU[0]:.3f} s")
    seconds, content = median_seconds(
        lambda: report_content_build(client=client, month=date(2026, 10, 1), language="cs", now=now)
    )
    calls, csat = content.kpis.calls, content.kpis.csat  # None in a month without them
    print(
        f"  {'report data (this and last month)':<34} {seconds:7.3f} s   "
        f"CPU {LAST_CPU[0]:.3f} s   received {content.kpis.totals.received:,}, "
        f"SLA met {content.kpis.sla.met_rate:.1%}, "
        + (
            f"calls {calls.received:,}, service level {calls.service_level:.1%}, "
            if calls
            else "no calls, "
        )
        + f"CSAT {csat.average if csat else '-'}"
    )
    timings["report data (2 months)"] = seconds
    seconds, pdf = median_seconds(lambda: report_pdf(content))
    timings["PDF"] = seconds
    print(
        f"  {'PDF (report_pdf)':<34} {seconds:7.3f} s   CPU {LAST_CPU[0]:.3f} s   "
        f"{len(pdf) / 1024:.0f} KiB"
    )
    return timings


def layout_rows(sizes: list[int]) -> dict[int, float]:
    """The PDF layout alone with long category tables; returns seconds by rows."""
    from reporting.figures import ContactFigures, Kpis, Period, SlaFigures
    from reporting.layout import ReportContent, report_pdf

    period = Period.month(year=2026, month=10, time_zone="Europe/Prague")
    figures = ContactFigures(
        received=100,
        handled=90,
        first_response_median=3600,
        first_response_p90=7200,
        first_response_business_median=1800,
        first_response_business_p90=3600,
        resolved=80,
        reopened=4,
        repeat=9,
    )
    print("\nPDF layout alone, rows in the category table:")
    timings = {}
    for rows in sizes:
        kpis = Kpis(
            period=period,
            totals=figures,
            by={
                "channel": [("email", figures)],
                "language": [("cs", figures)],
                "country": [("CZ", figures)],
                "category": [(f"category {n}", figures) for n in range(rows)],
            },
            sla=SlaFigures(due=10, met=9),
            sla_by={"channel": [], "language": [], "country": [], "category": []},
            daily=[(day, {"email": 3}) for day in period.days],
            heatmap=[[1] * 24 for _ in range(7)],
        )
        content = ReportContent(
            client_name="Bench",
            language="cs",
            time_zone="Europe/Prague",
            currency="CZK",
            kpis=kpis,
            previous_totals=figures,
            previous_sla=None,
            generated_at=datetime(2026, 11, 1, tzinfo=UTC),
        )
        seconds, pdf = median_seconds(lambda content=content: report_pdf(content))
        timings[rows] = seconds
        print(
            f"  {rows:>6,} rows {seconds:7.3f} s   CPU {LAST_CPU[0]:.3f} s, "
            f"{LAST_CPU[0] / rows * 1000:.2f} ms a row, {len(pdf) / 1024:.0f} KiB"
        )
    return timings


def demo_monthly_run() -> float:
    """The demo's clients seeded as by ``make demo``, then the monthly job of each, timed."""
    # After django_setup() has pointed the settings at the bench database: not at the top.
    from django.utils import timezone
    from django_tenants.utils import schema_context

    from core.months import month_previous
    from demo.cast import DEMO_CLIENTS
    from demo.seed import SEED_STEPS
    from reporting.services import report_generate
    from tenants.models import Client

    started = time.perf_counter()
    for step in SEED_STEPS:
        step(lambda line: None)
    print(
        f"\ndemo seeded in {time.perf_counter() - started:.1f} s; monthly run of every demo "
        "client (report_generate):"
    )
    total = time.perf_counter()
    for client in Client.objects.filter(slug__in=[d.slug for d in DEMO_CLIENTS]):
        month = month_previous(timezone.now(), zone=client.tz)
        with schema_context(client.schema_name):
            started = time.perf_counter()
            report = report_generate(client=client, month=month)
            seconds = time.perf_counter() - started
        print(f"  {client.slug:<16} {month:%Y-%m}  {seconds:6.3f} s  {len(report.pdf) // 1024} KiB")
    seconds = time.perf_counter() - total
    print(f"  all {len(DEMO_CLIENTS)} clients      {seconds:6.3f} s")
    return seconds


def run(conversations: int, calls: int, rows: list[int], demo: bool, report: Report) -> None:
    django_setup(BENCH_DATABASE)
    report.server_describe()
    from django.core.management import call_command
    from django_tenants.utils import schema_context

    from customers.models import Customer
    from tenants.services import agency_ensure, client_provision

    call_command("migrate_platform", verbosity=0)
    agency_ensure()
    client = client_provision(
        slug="bench-report",
        name="Bench Obuv",
        countries=["CZ", "SK"],
        languages=["cs", "sk", "en"],
        time_zone="Europe/Prague",
        currency="CZK",
    ).client
    rng = random.Random(7)
    october = datetime(2026, 10, 1, tzinfo=client.tz)
    september = datetime(2026, 9, 1, tzinfo=client.tz)
    print(f"cpus: {os.cpu_count()}")
    with schema_context(client.schema_name):
        started = time.perf_counter()
        customers = Customer.objects.bulk_create(
            Customer(
                name=f"Zákazník {n}",
                email=f"c{n}@bench.example",
                country=rng.choice(["CZ", "CZ", "SK"]),
            )
            for n in range(CUSTOMERS)
        )
        fill(client, customers, conversations // 4, september, rng)
        print(
            f"filled {CUSTOMERS:,} customers and September in {time.perf_counter() - started:.1f} s"
        )
        done = done_calls = 0
        for share in (4, 2, 1):
            target, target_calls = conversations // share, calls // share
            started = time.perf_counter()
            fill(client, customers, target - done, october, rng)
            fill_calls(target_calls - done_calls, october, rng)
            done, done_calls = target, target_calls
            print(
                f"\nfilled to {done:,} conversations and {done_calls:,} calls "
                f"in {time.perf_counter() - started:.1f} s"
            )
            timings = measure(client, done, done_calls)
            report.details[f"{done} conversations, {done_calls} calls"] = {
                label: round(seconds, 3) for label, seconds in timings.items()
            }
    # The figures of the whole month (the last step). Targets: each KPI query under 1 s,
    # the PDF under 5 s; the sums of several (all KPIs, the report's data) have none.
    for label, seconds in timings.items():
        target = 5 if label == "PDF" else None if label in UNTARGETED else 1
        report.figure(label, seconds, "s", target=target)
    for count, seconds in layout_rows(rows).items():
        report.figure(f"PDF layout alone, {count} category rows", seconds, "s")
    if demo:
        report.figure("demo's monthly run, all 5 clients", demo_monthly_run(), "s")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conversations", type=int, default=100_000)
    parser.add_argument("--calls", type=int, default=30_000)
    parser.add_argument(
        "--layout-rows",
        default="100,1000,5000",
        help="category rows of the PDF layout alone, comma-separated (default: 100,1000,5000)",
    )
    parser.add_argument(
        "--no-demo", action="store_true", help="leave out the demo's seeding and monthly run"
    )
    json_option(parser)
    args = parser.parse_args()
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    server = server_find(BENCH_DATABASE)
    print(f"database: {BENCH_DATABASE} on {server.label}")
    rows = [int(part) for part in args.layout_rows.split(",") if part.strip()]
    sizes = {"conversations": args.conversations, "calls": args.calls, "layout_rows": rows}
    report = Report("report_pdf", sizes)
    with bench_database(server):
        run(args.conversations, args.calls, rows, not args.no_demo, report)
    return report.emit(args.json)


if __name__ == "__main__":
    sys.exit(main())
