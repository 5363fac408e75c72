"""The staffing benchmark's work (``benchmarks/staffing_plan.py`` runs it): filling the
history and timing the plan. Imported once ``django_setup()`` has pointed the settings at the
bench database: the models below need it."""

import multiprocessing
import resource
import time
from datetime import UTC, date, datetime, timedelta

import numpy as np
from _report import Report
from django.core.management import call_command
from django.db import connection
from staffing_plan import LANGUAGES, client_rows, local_calendar

from staffing.models import ClientEvent, ContactHour, PlanHour, PlanPool, PlanRun
from staffing.plan import plan_make
from tenants.models import Client


def fill(clients: int, weeks: int, start: datetime, horizon_end: datetime) -> int:
    """``clients`` clients over the 16 languages with their history; returns the rows."""

    ContactHour.objects.all().delete()
    ClientEvent.objects.all().delete()
    Client.objects.filter(schema_name__startswith="client_bench_").delete()
    made = Client.objects.bulk_create(
        Client(
            schema_name=f"client_bench_{n}",
            slug=f"bench-{n}",
            name=f"Bench {n}",
            currency="EUR",
            time_zone=LANGUAGES[n % 16][2],
            countries=[LANGUAGES[n % 16][1]],
            languages=[LANGUAGES[n % 16][0]],
            default_language=LANGUAGES[n % 16][0],
            status="active",
            ready=True,
        )
        for n in range(clients)
    )
    hours = weeks * 7 * 24
    rng = np.random.default_rng(23)
    calendars = {
        language: local_calendar(zone=zone, country=country, start=start, hours=hours)
        for language, country, zone in LANGUAGES
    }
    hour_labels = [(start + timedelta(hours=h)).isoformat() for h in range(hours)]
    rows = 0
    events = []
    for n, client in enumerate(made):
        language = LANGUAGES[n % 16][0]
        sale_ordinals = np.array([], dtype=np.int64)
        if n % 10 == 0:  # a Black-Friday week each year, and the coming one
            fridays = [_black_friday(year) for year in range(start.year, horizon_end.year + 1)]
            for friday in fridays:
                events.append(
                    ClientEvent(
                        client=client,
                        name="Black Friday",
                        starts_on=friday - timedelta(days=4),
                        ends_on=friday + timedelta(days=3),
                        uplift_percent=None,
                    )
                )
            sale_ordinals = np.array(
                [
                    (friday + timedelta(days=d)).toordinal()
                    for friday in fridays
                    for d in range(-4, 4)
                ]
            )
        lines = client_rows(
            client_id=client.pk,
            language=language,
            calendar=calendars[language],
            size=float(rng.uniform(0.3, 3.0)),
            sale_ordinals=sale_ordinals,
            hour_labels=hour_labels,
            rng=rng,
        )
        rows += len(lines)
        with (
            connection.cursor() as cursor,
            cursor.copy(
                "COPY staffing_contacthour (client_id, language, channel, hour, contacts, "
                "handled, handle_seconds, abandoned, wait_seconds, source) FROM STDIN"
            ) as copy,
        ):
            copy.write("".join(lines))
    ClientEvent.objects.bulk_create(events)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE staffing_contacthour")
    return rows


def fill_in_child(clients: int, weeks: int, start: datetime, horizon_end: datetime) -> int:
    """``fill`` in a forked process, so that the plan's memory is measured alone."""
    connection.close()  # the child opens its own; a shared socket would mix their queries
    context = multiprocessing.get_context("fork")
    rows = context.Queue()
    child = context.Process(
        target=lambda: rows.put(fill(clients, weeks, start, horizon_end)), daemon=True
    )
    child.start()
    filled = rows.get()
    child.join()
    if child.exitcode:
        raise SystemExit(f"filling the history failed ({child.exitcode})")
    return filled


def _black_friday(year: int) -> date:
    november = datetime(year, 11, 1).date()
    first_friday = november + timedelta(days=(4 - november.weekday()) % 7)
    return first_friday + timedelta(weeks=3)


def floor_seconds(start: datetime, end: datetime) -> float:
    """The floor: one GROUP BY over the history per pool, channel and hour, and the
    seasonal baseline (the last week repeated for four weeks) of every pool."""
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT language, channel, hour, sum(contacts) FROM staffing_contacthour "
            "WHERE hour >= %s AND hour < %s GROUP BY 1, 2, 3",
            [start, end],
        )
        rows = cursor.fetchall()
    hours = int((end - start).total_seconds() // 3600)
    series: dict[tuple[str, str], np.ndarray] = {}
    for language, channel, hour, contacts in rows:
        values = series.setdefault((language, channel), np.zeros(hours))
        values[int((hour - start).total_seconds() // 3600)] = contacts
    baselines = [np.tile(values[-168:], 4) for values in series.values()]
    assert len(baselines) == len(series)
    return time.perf_counter() - started


def run_size(clients: int, weeks: int, report: Report) -> list[str]:

    now = datetime(2026, 11, 2, 6, 30, tzinfo=UTC)
    horizon_start = now.replace(hour=0, minute=0)
    start = horizon_start - timedelta(weeks=weeks)
    started = time.perf_counter()
    rows = fill_in_child(clients, weeks, start, horizon_start + timedelta(weeks=4))
    filled = time.perf_counter() - started
    print(f"filled {clients:,} clients, {rows:,} hours of history in {filled:.1f} s")
    floor = floor_seconds(start, horizon_start)
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    started = time.perf_counter()
    plan = plan_make(now=now)
    seconds = time.perf_counter() - started
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    pools = list(PlanPool.objects.filter(run=plan))
    report.figure(
        f"plan, {clients:,} clients",
        seconds,
        "s",
        floor=floor,
        target=60 if clients >= 500 else None,
    )
    report.figure(f"peak RSS of the plan's process, {clients:,} clients", rss_after, "MiB")

    def mean(values: list[float | None]) -> float | None:
        known = [v for v in values if v is not None]
        return sum(known) / len(known) if known else None

    # The backtest's figures are fractions (0.05 = 5 %).
    model_mape = mean([p.backtest_mape for p in pools])
    base_mape = mean([p.baseline_mape for p in pools])
    model_bias = mean([p.backtest_bias for p in pools])
    base_bias = mean([p.baseline_bias for p in pools])
    model_mape, base_mape, model_bias, base_bias = (
        None if v is None else v * 100 for v in (model_mape, base_mape, model_bias, base_bias)
    )
    report.figure(f"backtest MAPE, {clients:,} clients", model_mape, "%", floor=base_mape)
    report.figure(f"backtest bias, {clients:,} clients", model_bias, "%", floor=base_bias)
    print(
        f"{clients:>5,} clients: floor {floor:.2f} s | plan {seconds:.1f} s, {len(pools)} pools, "
        f"peak RSS {rss_after:.0f} MiB (before {rss_before:.0f}) | backtest MAPE "
        f"{_pct(model_mape)} (baseline {_pct(base_mape)}), bias {_pct(model_bias)} "
        f"(baseline {_pct(base_bias)})"
    )
    problems = []
    if plan.status != PlanRun.Status.DONE:
        problems.append(f"{clients}: plan {plan.status}: {plan.error}")
    expected = 3 * min(clients, len(LANGUAGES))  # every language of a client, three channels
    if len(pools) != expected:
        problems.append(f"{clients}: {len(pools)} pools, not {expected}")
    stored = PlanHour.objects.filter(pool__run=plan).count()
    if stored != len(pools) * plan.horizon_hours:
        problems.append(f"{clients}: {stored} plan hours, not {len(pools) * plan.horizon_hours}")
    if PlanHour.objects.filter(pool__run=plan, forecast__lt=0).exists():
        problems.append(f"{clients}: a negative forecast")
    return problems


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1f} %"


def run(sizes: list[int], weeks: int, report: Report) -> None:
    """Every size in turn, then the checks."""
    report.server_describe()

    call_command("migrate_platform", verbosity=0)
    problems = []
    for size in sizes:
        problems += run_size(size, weeks, report)
    print("check: " + ("OK" if not problems else "; ".join(problems[:5])))
    report.check("checks failed", len(problems))
