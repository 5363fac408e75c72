"""Benchmark of staffing: forecast and staff every language pool for 4 weeks, hour by hour,
from 2 years of history.

Run from the repository root::

    .venv/bin/python benchmarks/staffing_plan.py [--sizes 50,500] [--weeks 104]

On the PostgreSQL server the settings point at (``DATABASE_URL``, or the embedded one), it
creates a database of its own, ``polydesk_bench_staffing`` (dropped at the end), migrates it,
and for each size fills the public schema: that many clients (rows only: the plan never
enters a client's schema) over 16 languages, each with 2 years of hourly history
(``ContactHour``, written with COPY): a weekday x hour profile in the client's local time, a
growth trend, calls and chats only in the default business hours, e-mail at any hour,
public holidays of the client's country (calls and chats closed, e-mail lower), a yearly
sale week of one client in ten (+80 %, with its ``ClientEvent``), Poisson noise, handle
times and abandonment. A size's clients replace the previous size's.

It prints, per size:
1. the floor, measured in the same run: one GROUP BY reading the whole history per pool,
   channel and hour, then the seasonal baseline (last week repeated) of every pool;
2. ``plan_make``: the forecast, backtest and staffing of 16 languages x 3 channels x 672
   hours, stored: wall time (target: under 60 s at 500 clients) and peak memory;
3. the backtest: the forecast's MAPE and bias over the last 4 weeks of history, averaged
   over the pools, against the seasonal baseline's;
4. checks: the run is done, every pool and hour is stored, no forecast is negative.
"""

import argparse
import multiprocessing
import os
import resource
import sys
import time
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import holidays
import numpy as np
from _report import Report, json_option
from benchdb import bench_database, django_setup, server_find

BENCH_DATABASE = "polydesk_bench_staffing"
# Languages, a country and time zone for each: 16 pools, as the issue asks.
LANGUAGES = [
    ("cs", "CZ", "Europe/Prague"),
    ("sk", "SK", "Europe/Bratislava"),
    ("pl", "PL", "Europe/Warsaw"),
    ("hu", "HU", "Europe/Budapest"),
    ("ro", "RO", "Europe/Bucharest"),
    ("de", "DE", "Europe/Berlin"),
    ("sl", "SI", "Europe/Ljubljana"),
    ("hr", "HR", "Europe/Zagreb"),
    ("bg", "BG", "Europe/Sofia"),
    ("en", "IE", "Europe/Dublin"),
    ("fr", "FR", "Europe/Paris"),
    ("it", "IT", "Europe/Rome"),
    ("es", "ES", "Europe/Madrid"),
    ("nl", "NL", "Europe/Amsterdam"),
    ("pt", "PT", "Europe/Lisbon"),
    ("uk", "UA", "Europe/Kyiv"),
]
# Contacts a month of an average client; each client is 0.3 to 3 times that.
MONTHLY = {"email": 900, "call": 300, "chat": 250}
HANDLE = {"email": 360, "call": 290, "chat": 500}
# Local hours 0-23 of a day, relative.
DAY_PROFILE = np.array(
    [
        *(0.1, 0.05, 0.05, 0.05, 0.1, 0.2, 0.5, 1.0, 1.6, 1.9, 2.0, 1.9),
        *(1.6, 1.7, 1.8, 1.7, 1.5, 1.2, 1.0, 0.9, 0.8, 0.6, 0.4, 0.2),
    ]
)
WEEK_PROFILE = np.array([1.25, 1.1, 1.0, 1.0, 0.95, 0.55, 0.45])


def local_calendar(
    *, zone: str, country: str, start: datetime, hours: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """For each UTC hour from ``start``: the local hour of the day, the local weekday, whether
    the local day is a public holiday of ``country``, and the local day's ordinal."""
    days = hours // 24 + 2
    first = start.date() - timedelta(days=1)
    # The zone's offset per UTC day at noon: the clocks change at night, so an hour or two a
    # year is off by one; enough for a benchmark's history.
    tz = ZoneInfo(zone)
    offsets = np.array(
        [
            int(
                datetime.combine(first + timedelta(days=d), datetime.min.time(), UTC)
                .replace(hour=12)
                .astimezone(tz)
                .utcoffset()
                .total_seconds()
                // 3600
            )
            for d in range(days)
        ]
    )
    index = np.arange(hours)
    utc_day = (start.hour + index) // 24 + 1  # days since `first`
    local = start.hour + index + offsets[utc_day] + 24  # hours since `first` 0:00 local
    local_day = local // 24
    ordinals = first.toordinal() + local_day
    years = range(start.year - 1, start.year + hours // 8760 + 2)
    closed = {d.toordinal() for d in holidays.country_holidays(country, years=years)}
    holiday = np.isin(ordinals, np.fromiter(closed, dtype=np.int64))
    weekday = (ordinals - 1) % 7  # date.fromordinal(1) is a Monday
    return local % 24, weekday, holiday, ordinals


def client_rows(
    *,
    client_id: int,
    language: str,
    calendar: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray],
    size: float,
    sale_ordinals: np.ndarray,
    hour_labels: list[str],
    rng: np.random.Generator,
) -> list[str]:
    """One client's history as COPY lines of ContactHour (hours with no contact left out)."""
    hour_of_day, weekday, holiday, ordinals = calendar
    hours = len(hour_of_day)
    trend = 0.8 + 0.4 * np.arange(hours) / hours  # +50 % over the two years
    base = DAY_PROFILE[hour_of_day] * WEEK_PROFILE[weekday] * trend * size
    sale = np.isin(ordinals, sale_ordinals)
    open_hours = (weekday < 5) & (hour_of_day >= 8) & (hour_of_day < 16) & ~holiday
    lines = []
    for channel, monthly in MONTHLY.items():
        mean = base * monthly / (DAY_PROFILE.mean() * WEEK_PROFILE.mean() * 730)
        if channel == "email":
            mean = np.where(holiday, mean * 0.4, mean)
        else:
            mean = np.where(open_hours, mean * 2.4, 0.0)
        mean = np.where(sale, mean * 1.8, mean)
        contacts = rng.poisson(mean)
        abandoned = (
            rng.binomial(contacts, 0.06) if channel != "email" else np.zeros(hours, dtype=int)
        )
        handled = contacts - abandoned
        waited = contacts * 25 if channel != "email" else np.zeros(hours, dtype=int)
        prefix = f"{client_id}\t{language}\t{channel}\t"
        lines.extend(
            f"{prefix}{hour_labels[h]}\t{c}\t{d}\t{d * HANDLE[channel]}\t{a}\t{w}\timport\n"
            for h, c, d, a, w in zip(
                np.flatnonzero(contacts).tolist(),
                contacts[contacts > 0].tolist(),
                handled[contacts > 0].tolist(),
                abandoned[contacts > 0].tolist(),
                waited[contacts > 0].tolist(),
                strict=True,
            )
        )
    return lines


def fill(clients: int, weeks: int, start: datetime, horizon_end: datetime) -> int:
    """``clients`` clients over the 16 languages with their history; returns the rows."""
    # Django after django_setup(): the settings point at the bench database only then.
    from django.db import connection

    from staffing.models import ClientEvent, ContactHour
    from tenants.models import Client

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
    # Django after django_setup(): the settings point at the bench database only then.
    from django.db import connection

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
    # Django after django_setup(): the settings point at the bench database only then.
    from django.db import connection

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
    # Django after django_setup(): the settings point at the bench database only then.
    from staffing.models import PlanHour, PlanPool, PlanRun
    from staffing.plan import plan_make

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
    django_setup(BENCH_DATABASE)
    report.server_describe()
    # Django after django_setup(): the settings point at the bench database only then.
    from django.core.management import call_command

    call_command("migrate_platform", verbosity=0)
    problems = []
    for size in sizes:
        problems += run_size(size, weeks, report)
    print("check: " + ("OK" if not problems else "; ".join(problems[:5])))
    report.check("checks failed", len(problems))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="50,500", help="clients, e.g. 50,500")
    parser.add_argument("--weeks", type=int, default=104, help="weeks of history")
    json_option(parser)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    server = server_find(BENCH_DATABASE)
    print(f"database: {BENCH_DATABASE} on {server.label}")
    report = Report("staffing_plan", {"clients": sizes, "history_weeks": args.weeks})
    with bench_database(server):
        run(sizes, args.weeks, report)
    return report.emit(args.json)


if __name__ == "__main__":
    sys.exit(main())
