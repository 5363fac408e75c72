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
import importlib
import os
import sys
from datetime import UTC, datetime, timedelta
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
        django_setup(BENCH_DATABASE)
        # The work imports the models, which need the settings django_setup() just pointed at
        # the bench database: loaded by name, now.
        importlib.import_module("staffing_plan_work").run(sizes, args.weeks, report)
    return report.emit(args.json)


if __name__ == "__main__":
    sys.exit(main())
