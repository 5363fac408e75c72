"""The KPI benchmark's work (``benchmarks/kpis.py`` runs it): filling client-months and timing
their KPIs, stored figures and PDF. Imported once ``django_setup()`` has pointed the settings
at the bench database: the models below need it."""

import os
import random
import resource
import statistics
import time
import tracemalloc
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from _report import Report
from django.core.management import call_command
from django.db import connection
from django.db.models import JSONField
from django_tenants.utils import schema_context
from report_pdf import cpu_seconds

from conversations.models import Conversation
from customers.models import Customer
from hours.models import SlaEvent
from reporting.figures import Period
from reporting.layout import report_pdf
from reporting.selectors import (
    arrivals_for_period,
    call_figures_for_period,
    contact_figures_for_period,
    kpis_for_period,
    satisfaction_by_team_for_period,
    satisfaction_figures_for_period,
    sla_figures_for_period,
)
from reporting.services import kpi_snapshots_clear, kpis_for_month, report_content_build
from reporting.snapshots import SO_FAR_MAX_AGE
from routing.models import WorkItem
from surveys.models import Survey
from telephony.voice.models import Call
from tenants.services import agency_ensure, client_provision

TIME_ZONE = "Europe/Prague"
MONTH = date(2026, 10, 1)
# The report of October, generated early in November as the monthly job does.
NOW = datetime(2026, 11, 5, 6, tzinfo=UTC)
# The month so far, read on the month's last afternoon (October is filled to its end).
SO_FAR_NOW = datetime(2026, 10, 31, 14, tzinfo=UTC)
PDF_RUNS = 5
KPI_TARGET_S = 1.0
FLOOR_FACTOR = 3.0
PDF_TARGET_S = 5.0
MEMORY_GROWTH_TARGET = 1.2

# The mix, as (value, weight).
CHANNELS = [("email", 55), ("chat", 22), ("sms", 9), ("api", 7)]
LANGUAGES = [("cs", 50), ("sk", 25), ("hu", 12), ("en", 9), ("de", 4)]
COUNTRIES = {"cs": "CZ", "sk": "SK", "hu": "HU", "en": "CZ", "de": "CZ"}
CATEGORIES = [f"category-{n:02d}" for n in range(40)]
CATEGORY_WEIGHTS = [1 / (n + 1) for n in range(40)]  # a few big ones, a long tail
TOPICS = [("orders", 35), ("returns", 25), ("delivery", 25), ("payment", 10), ("", 5)]
# First-response promises: hours until due, by channel.
DUE_HOURS = {"email": 24, "chat": 1, "sms": 8, "api": 24, "call": 8}
# Contacts arrive mostly in working hours.
HOUR_WEIGHTS = [1, 1, 1, 1, 1, 2, 4, 8, 12, 14, 14, 13, 12, 13, 13, 12, 10, 8, 7, 6, 5, 4, 2, 1]
CSAT_WEIGHTS = [1, 1, 2, 5, 8]
SURVEYED = ("email", "chat", "sms")
NPS_WEIGHTS = [1, 1, 1, 1, 1, 2, 3, 5, 8, 9, 8]


def pick(rng: random.Random, mix: list[tuple[str, int]]) -> str:
    return rng.choices([value for value, _ in mix], [weight for _, weight in mix])[0]


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile (p99 of 20 runs: the slowest)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


class Copier:
    """COPY rows of a model into its table: the columns not given take the field's default
    (prepared once), so that a column added to the model later needs no change here as long
    as it has a default or may be null."""

    def __init__(self, model, *, with_id: bool = True) -> None:
        self.model = model
        self.fields = [f for f in model._meta.concrete_fields if with_id or not f.primary_key]
        # JSON values given in a row are adapted as Django does (psycopg's Jsonb).
        self.json = {f.attname: f for f in self.fields if isinstance(f, JSONField)}
        # Django's default of each field: "" for a text field without one, None for others.
        self.defaults = {
            f.attname: f.get_db_prep_save(f.get_default(), connection) for f in self.fields
        }
        self.columns = ", ".join(connection.ops.quote_name(f.column) for f in self.fields)
        self.table = connection.ops.quote_name(model._meta.db_table)

    def ids(self, count: int) -> list[int]:
        """``count`` ids from the table's sequence, for rows that others point at."""
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [self.model._meta.db_table, count],
            )
            return [row[0] for row in cursor.fetchall()]

    def sequence_after(self, last: int) -> None:
        """Move the table's sequence past ``last`` (ids given here, not drawn from it)."""
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT setval(sequence, greatest(%s, "
                "coalesce(pg_sequence_last_value(sequence), 1)))"
                " FROM (SELECT pg_get_serial_sequence(%s, 'id')::regclass AS sequence) s",
                [last, self.model._meta.db_table],
            )

    def copy(self, rows: list[dict]) -> None:
        names = [f.attname for f in self.fields]
        with connection.cursor() as cursor:
            copy_sql = f"COPY {self.table} ({self.columns}) FROM STDIN"
            with cursor.cursor.copy(copy_sql) as copy:
                for row in rows:
                    for name, field in self.json.items():
                        if name in row:
                            row[name] = field.get_db_prep_save(row[name], connection)
                    copy.write_row([row[n] if n in row else self.defaults[n] for n in names])


class MonthFiller:
    """Fills one client's months with contacts, work items, SLA events and calls."""

    def __init__(self, client, customers: list[tuple[int, str]], rng: random.Random) -> None:

        self.client, self.customers, self.rng = client, customers, rng
        self.surveys = Copier(Survey, with_id=False)
        self.conversations = Copier(Conversation)
        self.items = Copier(WorkItem)
        self.events = Copier(SlaEvent, with_id=False)
        self.calls = Copier(Call, with_id=False)
        self.call_number = 0

    def moment(self, first: datetime, days: int) -> datetime:
        """A local time in the month, in working hours mostly (wall-clock arithmetic on an
        aware datetime: the change from summer time is crossed as a clock would)."""
        rng = self.rng
        local = first + timedelta(
            days=rng.randrange(days),
            hours=rng.choices(range(24), HOUR_WEIGHTS)[0],
            minutes=rng.randrange(60),
            seconds=rng.randrange(60),
        )
        return local.replace(tzinfo=first.tzinfo).astimezone(UTC)

    def fill(self, month: date, conversations: int, calls: int) -> None:
        zone = ZoneInfo(TIME_ZONE)
        first = datetime(month.year, month.month, 1, tzinfo=zone)
        following = (first + timedelta(days=32)).replace(day=1)
        days = (following - first).days
        contacts: list[dict] = []
        call_rows: list[dict] = []
        for _ in range(calls):
            call = self.call(self.moment(first, days))
            call_rows.append(call)
            if call["outcome"] in ("voicemail", "callback"):
                customer = self.rng.choice(self.customers)
                contact = self.contact(customer, "call", call["ringing_at"] + timedelta(minutes=2))
                contact["language"] = call["language"]
                contacts.append(contact)
                call["_contact"] = contact
        while len(contacts) < conversations:
            contacts.append(
                self.contact(
                    self.rng.choice(self.customers),
                    pick(self.rng, CHANNELS),
                    self.moment(first, days),
                )
            )
        # Ids grow with time, as they do when rows are written as they come, although the
        # months are filled from the latest back: each month has its own range of ids, and
        # rows are written in time order (the table's order follows time, as in production).
        months_back = (MONTH.year - month.year) * 12 + MONTH.month - month.month
        first_id = (100 - months_back) * 10_000_000
        contacts.sort(key=lambda contact: contact["created_at"])
        for n, contact in enumerate(contacts):
            contact["id"] = first_id + n
        self.conversations.sequence_after(first_id + len(contacts))
        for call in call_rows:
            contact = call.pop("_contact", None)
            call["conversation_id"] = contact["id"] if contact else None
        self.conversations.copy(contacts)
        self.surveys.copy([survey for contact in contacts for survey in self.survey(contact)])
        call_rows.sort(key=lambda call: call["ringing_at"])
        self.calls.copy(call_rows)
        items = [item for contact in contacts for item in self.work_items(contact)]
        items.sort(key=lambda item: item["waiting_since"])
        first_id = self.client.pk * 10**10 + first_id  # every client's items in one table
        for n, item in enumerate(items):
            item["id"] = first_id + n
        self.items.sequence_after(first_id + len(items))
        self.items.copy(items)
        self.events.copy([event for item in items for event in self.sla_events(item)])

    def contact(self, customer: tuple[int, str], channel: str, created: datetime) -> dict:
        rng = self.rng
        customer_id, language = customer
        automatic = channel == "email" and rng.random() < 0.02  # auto-replies, bounces
        due = created + timedelta(hours=DUE_HOURS[channel])
        answered = resolved = reopened = None
        reopen_count = 0
        roll = rng.random()
        if automatic:
            resolved = created
        elif roll < 0.90:  # answered, mostly within the promise
            mean_hours = DUE_HOURS[channel] / 4
            answered = created + timedelta(hours=rng.expovariate(1 / mean_hours))
            if rng.random() < 0.82:
                resolved = answered + timedelta(hours=rng.uniform(0.1, 72))
                if rng.random() < 0.07:
                    reopen_count = 1 if rng.random() < 0.85 else 2
                    reopened = resolved + timedelta(hours=rng.uniform(2, 96))
                    if rng.random() < 0.7:  # resolved again
                        resolved = reopened + timedelta(hours=rng.uniform(1, 48))
        elif roll < 0.94:  # resolved without a reply ("Done", the customer's own fix)
            resolved = created + timedelta(hours=rng.uniform(0.2, 2 * DUE_HOURS[channel]))
        status = "resolved" if resolved and (not reopened or resolved > reopened) else "open"
        if status == "open" and answered and rng.random() < 0.4:
            status = "pending"
        return {
            "customer_id": customer_id,
            "channel": channel,
            "subject": f"Objednávka {rng.randrange(10**6):06d}",
            "language": language,
            "status": status,
            "category": "" if automatic else rng.choices(CATEGORIES, CATEGORY_WEIGHTS)[0],
            "tags": [],
            "created_at": created,
            "first_response_at": answered,
            "resolved_at": resolved,
            "pending_since": answered if status == "pending" else None,
            "reopened_at": reopened,
            "reopen_count": reopen_count,
            "first_response_due_at": None if automatic else due,
            "automatic": automatic,
        }

    def survey(self, contact: dict) -> list[dict]:
        """The satisfaction survey of a resolved e-mail, chat or SMS conversation: sent an
        hour after, a few not sent; a third of those sent rated, some with a comment."""
        rng, resolved = self.rng, contact["resolved_at"]
        if contact["automatic"] or not resolved or contact["channel"] not in SURVEYED:
            return []
        sent = resolved + timedelta(hours=1)
        if sent > NOW:
            return []
        survey = {
            "conversation_id": contact["id"],
            "channel": contact["channel"],
            "language": contact["language"],
            "state": "sent",
            "created_at": sent,
        }
        if rng.random() < 0.05:
            survey |= {"state": "skipped", "skipped_reason": "no address on the channel"}
        elif rng.random() < 0.35:
            rated = sent + timedelta(hours=rng.expovariate(1 / 6))
            survey |= {
                "rating": rng.choices(range(1, 6), CSAT_WEIGHTS)[0],
                "rated_at": rated,
                "answered_via": "link" if contact["channel"] == "email" else "reply",
            }
            if rng.random() < 0.2:
                survey |= {"comment": "Děkuji za rychlou odpověď.", "commented_at": rated}
        return [survey]

    def work_items(self, contact: dict) -> list[dict]:
        """The contact's first-response promises: one when it arrived, one more when it was
        reopened (an auto-reply has none)."""
        if contact["automatic"]:
            return []
        channel = contact["channel"]
        answered, resolved = contact["first_response_at"], contact["resolved_at"]
        closed = answered or resolved
        items = [self.work_item(contact, contact["created_at"], answered, closed)]
        if contact["reopened_at"]:
            since = contact["reopened_at"]
            reply = since + timedelta(hours=self.rng.expovariate(4 / DUE_HOURS[channel]))
            items.append(self.work_item(contact, since, reply, reply))
        return items

    def work_item(
        self, contact: dict, since: datetime, responded: datetime | None, closed: datetime | None
    ) -> dict:
        due = since + timedelta(hours=DUE_HOURS[contact["channel"]])
        if closed is None or closed > NOW:
            status, closed, responded = "waiting", None, None
        else:
            status = "done"
        return {
            "client_id": self.client.pk,
            "channel": contact["channel"],
            "language": contact["language"],
            "summary": contact["subject"],
            "source_kind": "conversation",
            "source_id": contact["id"],
            "status": status,
            "waiting_since": since,
            "due_at": due,
            "warn_at": due - (due - since) / 5,
            "assigned_at": responded - timedelta(minutes=5) if responded else None,
            "closed_at": closed,
            "responded_at": responded,
        }

    def sla_events(self, item: dict) -> list[dict]:
        """What the sweep writes: a warning when the warning time passed unanswered, a
        breach when the due time did."""
        answered = item["responded_at"] or item["closed_at"] or NOW
        events = []
        for kind, at in (("warning", item["warn_at"]), ("breach", item["due_at"])):
            if answered > at and at < NOW:
                events.append(
                    {
                        "client_id": self.client.pk,
                        "metric": "first_response",
                        "item_id": item["id"],
                        "kind": kind,
                        "due_at": item["due_at"],
                        "recorded_at": at + timedelta(seconds=30),
                    }
                )
        return events

    def call(self, rang: datetime) -> dict:
        rng = self.rng
        self.call_number += 1
        language = pick(rng, LANGUAGES)
        menu = rng.randrange(5, 40)
        row = {
            "call_sid": f"CAkpis{self.client.pk:04d}{self.call_number:024d}",
            "from_number": f"+420{600000000 + rng.randrange(50_000)}",
            "to_number": "+420212345678",
            "country": COUNTRIES[language],
            "language": language,
            "topic": pick(rng, TOPICS),
            "menu_stack": [],
            "path": [str(rng.randrange(1, 5))],
            "ringing_at": rang,
            "ivr_seconds": menu,
            "menu_left_at": rang + timedelta(seconds=menu),
        }
        roll = rng.random()
        if roll < 0.03:  # the closed-hours message
            row |= {"outcome": "closed", "topic": "", "path": [], "menu_left_at": None}
            end = rang + timedelta(seconds=20)
        elif roll < 0.11:
            row["outcome"] = "ivr_hangup" if roll < 0.08 else "information"
            end = rang + timedelta(seconds=menu)
        else:
            queued = rang + timedelta(seconds=menu)
            wait = round(rng.expovariate(1 / 25))
            left = queued + timedelta(seconds=wait)
            row |= {"queued_at": queued, "queue_left_at": left, "wait_seconds": wait}
            end = left
            roll = rng.random()
            if roll < 0.84:
                talk = round(rng.lognormvariate(5.3, 0.7))
                end = left + timedelta(seconds=talk)
                row |= {
                    "outcome": "answered",
                    "answered_at": left,
                    "talk_seconds": talk,
                    "talk_ended_at": end,
                    "csat": rng.choices(range(1, 6), CSAT_WEIGHTS)[0]
                    if rng.random() < 0.4
                    else None,
                    "nps": rng.choices(range(11), NPS_WEIGHTS)[0] if rng.random() < 0.25 else None,
                    "wrap_category": rng.choices(CATEGORIES, CATEGORY_WEIGHTS)[0],
                    "wrap_resolved": rng.random() < 0.8,
                    "wrapped_at": end + timedelta(seconds=40),
                }
            elif roll < 0.94:
                row["outcome"] = "abandoned"
            elif roll < 0.97:
                row |= {"outcome": "voicemail", "voicemail_seconds": rng.randrange(5, 120)}
            elif roll < 0.99:
                row |= {"outcome": "callback", "queue_exit": "callback"}
            else:
                row["outcome"] = "transferred"
        row["completed_at"] = end + timedelta(seconds=1)
        return row


def customers_fill(count: int, rng: random.Random) -> list[tuple[int, str]]:
    """``count`` customers; returns (id, language) of each."""

    copier = Copier(Customer)
    rows = []
    for id_ in copier.ids(count):
        language = pick(rng, LANGUAGES)
        rows.append(
            {
                "id": id_,
                "name": f"Zákazník {id_}",
                "email": f"c{id_}@bench.example",
                "phone": f"+420{600000000 + id_}",
                "language": language,
                "country": COUNTRIES[language],
                "created_at": datetime(2026, 1, 1, tzinfo=UTC),
            }
        )
    copier.copy(rows)
    return [(row["id"], row["language"]) for row in rows]


def floor_run(period) -> None:
    """The floor: one GROUP BY over the month's conversations and one over its calls."""
    params = [period.start.astimezone(UTC), period.end.astimezone(UTC)]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT channel, count(*) FROM conversations_conversation"
            " WHERE created_at >= %s AND created_at < %s GROUP BY channel",
            params,
        )
        cursor.fetchall()
        cursor.execute(
            "SELECT outcome, count(*) FROM voice_call"
            " WHERE ringing_at >= %s AND ringing_at < %s GROUP BY outcome",
            params,
        )
        cursor.fetchall()


def timed(action, cpu: list[float] | None = None) -> float:
    """Wall seconds of ``action``; its CPU seconds (this process and its PostgreSQL server
    process) appended to ``cpu``."""
    started, started_cpu = time.perf_counter(), cpu_seconds()
    action()
    if cpu is not None:
        cpu.append(cpu_seconds() - started_cpu)
    return time.perf_counter() - started


def kpis_measure(client, runs: int) -> dict:
    """kpis_for_period and the floor, alternately, ``runs`` times each; then each query."""

    period = Period.month(year=MONTH.year, month=MONTH.month, time_zone=client.time_zone)
    kpis = kpis_for_period(client=client, period=period, now=NOW)  # warm the cache
    floor_run(period)
    floors, totals, floors_cpu, totals_cpu = [], [], [], []
    for _ in range(runs):
        floors.append(timed(lambda: floor_run(period), floors_cpu))
        totals.append(
            timed(lambda: kpis_for_period(client=client, period=period, now=NOW), totals_cpu)
        )
    queries = {
        "contacts": lambda: contact_figures_for_period(client=client, period=period),
        "sla": lambda: sla_figures_for_period(client=client, period=period, now=NOW),
        "calls": lambda: call_figures_for_period(client=client, period=period),
        # The daily volume and the heat map, from one query.
        "arrivals": lambda: arrivals_for_period(client=client, period=period),
        "satisfaction": lambda: satisfaction_figures_for_period(client=client, period=period),
        "satisfaction_by_team": lambda: satisfaction_by_team_for_period(
            client=client, period=period
        ),
    }
    each = {
        name: statistics.median(timed(action) for _ in range(3)) for name, action in queries.items()
    }
    calls = kpis.calls.received if kpis.calls else 0
    return {
        "p50": statistics.median(totals),
        "p99": percentile(totals, 0.99),
        "floor_p50": statistics.median(floors),
        "floor_p99": percentile(floors, 0.99),
        "cpu_p50": statistics.median(totals_cpu),
        "floor_cpu_p50": statistics.median(floors_cpu),
        "each": each,
        "received": kpis.totals.received,
        "calls": calls,
        "sla": (kpis.sla.due, kpis.sla.met, kpis.sla.not_applicable),
    }


def stored_measure(client, runs: int) -> dict:
    """The closed month as the portal reads it (``kpis_for_month``): once cold (computed and
    stored), then ``runs`` times from its stored figures, each after one run of the floor."""

    period = Period.month(year=MONTH.year, month=MONTH.month, time_zone=client.time_zone)
    kpi_snapshots_clear(month=MONTH)
    cold = timed(lambda: kpis_for_month(client=client, month=MONTH, now=NOW))
    floors, reads, reads_cpu = [], [], []
    for _ in range(runs):
        floors.append(timed(lambda: floor_run(period)))
        reads.append(timed(lambda: kpis_for_month(client=client, month=MONTH, now=NOW), reads_cpu))
    return {
        "cold": cold,
        "p50": statistics.median(reads),
        "p99": percentile(reads, 0.99),
        "cpu_p50": statistics.median(reads_cpu),
        "floor_p50": statistics.median(floors),
        "floor_p99": percentile(floors, 0.99),
    }


def so_far_measure(client, runs: int) -> dict:
    """The month so far as the portal reads it (``kpis_for_month`` before the month closes):
    once cold (computed and stored, cut at SO_FAR_NOW), then ``runs`` times within the next
    two minutes from its stored figures, each after one run of the floor."""

    period = Period.month(year=MONTH.year, month=MONTH.month, time_zone=client.time_zone)
    kpi_snapshots_clear(month=MONTH)
    cold = timed(lambda: kpis_for_month(client=client, month=MONTH, now=SO_FAR_NOW))
    floors, reads, reads_cpu = [], [], []
    for run in range(runs):
        now = SO_FAR_NOW + SO_FAR_MAX_AGE * (run + 1) / runs
        floors.append(timed(lambda: floor_run(period)))
        reads.append(
            timed(lambda at=now: kpis_for_month(client=client, month=MONTH, now=at), reads_cpu)
        )
    kpi_snapshots_clear(month=MONTH)
    return {
        "cold": cold,
        "p50": statistics.median(reads),
        "p99": percentile(reads, 0.99),
        "cpu_p50": statistics.median(reads_cpu),
        "floor_p50": statistics.median(floors),
        "floor_p99": percentile(floors, 0.99),
    }


def pdf_measure(client) -> dict:
    """The month's report as the monthly job makes it: time, tracemalloc's peak, ru_maxrss."""

    def build() -> bytes:
        # October computed as on its first report, not read from its stored figures.
        kpi_snapshots_clear(month=MONTH)
        content = report_content_build(client=client, month=MONTH, language="cs", now=NOW)
        return report_pdf(content)

    pdf = build()  # warm the cache and the fonts
    cpu: list[float] = []
    seconds = statistics.median(timed(build, cpu) for _ in range(PDF_RUNS))
    tracemalloc.start()
    build()
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {
        "seconds": seconds,
        "cpu": statistics.median(cpu),
        "peak_mib": peak / 2**20,
        "maxrss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "kib": len(pdf) / 1024,
    }


def read_figures(report: Report, name: str, measured: dict) -> None:
    """A stored read's p50 and p99 against the floor's, and p50 over the floor's p50."""
    for stat in ("p50", "p99"):
        report.figure(
            f"{name}, {stat}",
            measured[stat],
            "s",
            floor=measured[f"floor_{stat}"],
            target=KPI_TARGET_S,
        )
    report.figure(
        f"{name} p50 / floor p50",
        measured["p50"] / measured["floor_p50"],
        "x",
        target=FLOOR_FACTOR,
    )


def months_before(month: date, count: int) -> date:
    year, index = divmod(month.year * 12 + month.month - 1 - count, 12)
    return date(year, index + 1, 1)


def size_run(index: int, conversations: int, calls: int, args, report: Report) -> None:

    client = client_provision(
        slug=f"bench-kpis-{index}",
        name=f"Bench Kpis {index}",
        countries=["CZ", "SK", "HU"],
        languages=["cs", "sk", "hu", "en", "de"],
        time_zone=TIME_ZONE,
        currency="CZK",
    ).client
    rng = random.Random(16 + index)
    label = f"{conversations:,} conversations, {calls:,} calls"
    with schema_context(client.schema_name):
        started = time.perf_counter()
        fill_seconds = 0.0
        customers = customers_fill(max(100, conversations // 3), rng)
        filler = MonthFiller(client, customers, rng)
        filled = 0
        for months in args.months:
            while filled < months:
                filler.fill(months_before(MONTH, filled), conversations, calls)
                filled += 1
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
            fill_seconds += time.perf_counter() - started
            print(
                f"\n{label} a month, {months} month(s) filled in "
                f"{fill_seconds:.1f} s (COPY); load {os.getloadavg()[0]:.1f}",
                flush=True,
            )
            kpis = kpis_measure(client, args.runs if months == 1 else max(3, args.runs // 4))
            stored = stored_measure(client, args.runs if months == 1 else max(3, args.runs // 4))
            so_far = so_far_measure(client, args.runs if months == 1 else max(3, args.runs // 4))
            pdf = pdf_measure(client)
            each = ", ".join(f"{name} {seconds:.3f}" for name, seconds in kpis["each"].items())
            print(
                f"  kpis_for_period p50 {kpis['p50']:.3f} s, p99 {kpis['p99']:.3f} s; "
                f"floor p50 {kpis['floor_p50']:.3f} s, p99 {kpis['floor_p99']:.3f} s "
                f"({kpis['p50'] / kpis['floor_p50']:.1f}x); CPU p50 {kpis['cpu_p50']:.3f} s, "
                f"floor {kpis['floor_cpu_p50']:.3f} s\n"
                f"  stored (kpis_for_month, closed month): cold {stored['cold']:.3f} s, "
                f"then p50 {stored['p50']:.4f} s, p99 {stored['p99']:.4f} s "
                f"({stored['p50'] / stored['floor_p50']:.2f}x the floor p50 "
                f"{stored['floor_p50']:.4f} s); CPU p50 {stored['cpu_p50']:.4f} s\n"
                f"  stored (kpis_for_month, month so far): cold {so_far['cold']:.3f} s, "
                f"then p50 {so_far['p50']:.4f} s, p99 {so_far['p99']:.4f} s "
                f"({so_far['p50'] / so_far['floor_p50']:.2f}x the floor p50 "
                f"{so_far['floor_p50']:.4f} s); CPU p50 {so_far['cpu_p50']:.4f} s\n"
                f"  each query (median of 3, s): {each}\n"
                f"  received {kpis['received']:,}, calls {kpis['calls']:,}, "
                f"SLA due {kpis['sla'][0]:,}, met {kpis['sla'][1]:,}, "
                f"not applicable {kpis['sla'][2]:,}\n"
                f"  PDF (data and layout) {pdf['seconds']:.3f} s, CPU {pdf['cpu']:.3f} s, "
                f"{pdf['kib']:.0f} KiB; "
                f"tracemalloc peak {pdf['peak_mib']:.1f} MiB, "
                f"ru_maxrss {pdf['maxrss_mib']:.0f} MiB",
                flush=True,
            )
            started = time.perf_counter()
            report.details[f"{label}, {months} month(s)"] = {
                "kpis_p50_s": round(kpis["p50"], 4),
                "kpis_p99_s": round(kpis["p99"], 4),
                "floor_p50_s": round(kpis["floor_p50"], 4),
                "floor_p99_s": round(kpis["floor_p99"], 4),
                "cpu_p50_s": round(kpis["cpu_p50"], 4),
                "floor_cpu_p50_s": round(kpis["floor_cpu_p50"], 4),
                "stored_cold_s": round(stored["cold"], 4),
                "stored_p50_s": round(stored["p50"], 4),
                "stored_p99_s": round(stored["p99"], 4),
                "stored_cpu_p50_s": round(stored["cpu_p50"], 4),
                "stored_floor_p50_s": round(stored["floor_p50"], 4),
                "so_far_cold_s": round(so_far["cold"], 4),
                "so_far_p50_s": round(so_far["p50"], 4),
                "so_far_p99_s": round(so_far["p99"], 4),
                "so_far_floor_p50_s": round(so_far["floor_p50"], 4),
                "each_s": {name: round(s, 4) for name, s in kpis["each"].items()},
                "pdf_s": round(pdf["seconds"], 4),
                "pdf_cpu_s": round(pdf["cpu"], 4),
                "pdf_peak_mib": round(pdf["peak_mib"], 2),
                "maxrss_mib": round(pdf["maxrss_mib"], 1),
                "received": kpis["received"],
                "calls": kpis["calls"],
                "sla_due_met_not_applicable": list(kpis["sla"]),
                "load": round(os.getloadavg()[0], 2),
            }
            size = f"{conversations / 1000:g}k/{calls / 1000:g}k"
            if months == args.months[0]:
                first_peak = pdf["peak_mib"]
                report.figure(
                    f"{size}: all KPIs p50",
                    kpis["p50"],
                    "s",
                    floor=kpis["floor_p50"],
                    target=KPI_TARGET_S,
                )
                report.figure(
                    f"{size}: all KPIs p99",
                    kpis["p99"],
                    "s",
                    floor=kpis["floor_p99"],
                    target=KPI_TARGET_S,
                )
                report.figure(
                    f"{size}: all KPIs, CPU p50",
                    kpis["cpu_p50"],
                    "s",
                    floor=kpis["floor_cpu_p50"],
                )
                # The computation runs at most once per SO_FAR_MAX_AGE and client-month (the
                # reads below wait for it): the 3x target applies to what a reader waits for.
                report.figure(
                    f"{size}: all KPIs p50 / floor p50",
                    kpis["p50"] / kpis["floor_p50"],
                    "x",
                )
                for kind, measured in (("closed month", stored), ("month so far", so_far)):
                    read_figures(report, f"{size}: {kind} stored", measured)
                report.figure(
                    f"{size}: closed month, first read (computed and stored)",
                    stored["cold"],
                    "s",
                )
            report.figure(
                f"{size}, {months} month(s) of history: PDF",
                pdf["seconds"],
                "s",
                target=PDF_TARGET_S,
            )
            report.figure(f"{size}, {months} month(s) of history: PDF, CPU", pdf["cpu"], "s")
            report.figure(
                f"{size}, {months} month(s) of history: PDF peak memory", pdf["peak_mib"], "MiB"
            )
        if len(args.months) > 1:
            report.figure(
                f"{size}: PDF peak memory, {args.months[-1]} months / {args.months[0]}",
                pdf["peak_mib"] / first_peak,
                "x",
                target=MEMORY_GROWTH_TARGET,
            )


def run(args, report: Report) -> None:
    report.server_describe()

    call_command("migrate_platform", verbosity=0)
    agency_ensure()
    for index, (conversations, calls) in enumerate(args.sizes):
        size_run(index, conversations, calls, args, report)
