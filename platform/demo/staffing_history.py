"""Two years of the demo clients' contacts per hour, made up but shaped like a shop's
(plain Python and numpy, seeded: the same rows every time): a weekly and an intraday
pattern in the client's local time, a gentle growth, calls and chats only while the client
is open, e-mail at any hour but mostly in the daytime, the national holidays of each
language's country (calls and chats closed, e-mail lower), one client's yearly sale, and
handle times, waits and callers who hang up (so the plan staffs calls with Erlang A).

``demo.staffing`` inserts the rows as an import from a previous system."""

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import holidays
import numpy as np

from demo.cast import LANGUAGE_COUNTRY

HOUR = timedelta(hours=1)
CHANNELS = ("call", "chat", "email")

# Contacts a day in the first year, per client (all its languages), before the patterns.
DAILY = {"call": 14.0, "chat": 9.0, "email": 28.0}
GROWTH_PER_YEAR = 0.15  # the agency's clients grow: 15 % more contacts a year later
# A weekday's share against an average day (Monday busiest, the weekend quiet).
WEEKDAY_FACTOR = (1.25, 1.1, 1.05, 1.0, 0.95, 0.4, 0.3)
# E-mail by local hour: written at any time, mostly from the morning to the late evening.
EMAIL_BY_HOUR = (
    0.15,
    0.1,
    0.08,
    0.08,
    0.1,
    0.2,
    0.45,
    0.8,
    1.3,
    1.6,
    1.6,
    1.5,
    1.35,
    1.45,
    1.5,
    1.4,
    1.3,
    1.2,
    1.15,
    1.2,
    1.25,
    1.05,
    0.7,
    0.35,
)
# Calls and chats in the open hours: a morning peak and a smaller one after lunch.
LIVE_BY_HOUR = (
    0.5,
    0.5,
    0.5,
    0.5,
    0.5,
    0.5,
    0.6,
    0.9,
    1.3,
    1.5,
    1.45,
    1.2,
    1.0,
    1.2,
    1.25,
    1.1,
    0.9,
    0.7,
    0.6,
    0.5,
    0.5,
    0.5,
    0.5,
    0.5,
)
HOLIDAY_EMAIL = 0.45  # e-mail on a public holiday, against a normal day of that weekday
SALE_UPLIFT = 0.8  # the yearly sale: 80 % more contacts
SALE_DAYS = 7
HANDLE_SECONDS = {"call": 290.0, "chat": 470.0, "email": 340.0}
ABANDON_SHARE = {"call": 0.07, "chat": 0.04, "email": 0.0}
WAIT_SECONDS = {"call": 28.0, "chat": 45.0, "email": 0.0}

type WeeklyHours = Mapping[int, Sequence[tuple[time, time | None]]]


@dataclass(frozen=True)
class HistoryClient:
    """A demo client as the history needs it: where, when open, in which languages."""

    key: str
    countries: Sequence[str]
    languages: Sequence[str]  # the first is the client's main language
    time_zone: str
    weekly_hours: WeeklyHours  # local opening hours per weekday (0 = Monday)
    sale_day: tuple[int, int] | None = None  # (month, day) its yearly sale starts


@dataclass(frozen=True)
class HistoryRow:
    client: str
    language: str
    channel: str
    hour: datetime  # UTC
    contacts: int
    handled: int
    handle_seconds: int
    abandoned: int
    wait_seconds: int


def language_shares(languages: Sequence[str]) -> dict[str, float]:
    """The main language takes most contacts; English (the shop's foreign customers) few."""
    rest = [code for code in languages[1:] if code != "en"]
    shares = {languages[0]: 1.0}
    for code in rest:
        shares[code] = 0.45
    if "en" in languages[1:]:
        shares["en"] = 0.12
    total = sum(shares.values())
    return {code: share / total for code, share in shares.items()}


def sale_spans(client: HistoryClient, *, start: date, end: date) -> list[tuple[date, date]]:
    """The client's yearly sales that touch [start, end]: (first day, last day)."""
    if client.sale_day is None:
        return []
    month, day = client.sale_day
    spans = []
    for year in range(start.year - 1, end.year + 1):
        first = date(year, month, day)
        last = first + timedelta(days=SALE_DAYS - 1)
        if last >= start and first <= end:
            spans.append((first, last))
    return spans


def contact_history(
    *, clients: Sequence[HistoryClient], start: datetime, end: datetime, seed: int = 23
) -> Iterator[HistoryRow]:
    """Every hour [start, end) of every client, language and channel with contacts."""
    hours = int((end - start) / HOUR)
    utc = [start + index * HOUR for index in range(hours)]
    for client in clients:
        zone = ZoneInfo(client.time_zone)
        local = [moment.astimezone(zone) for moment in utc]
        days = [moment.date() for moment in local]
        open_now = np.array([_is_open(client.weekly_hours, moment) for moment in local])
        weekday = np.array([WEEKDAY_FACTOR[moment.weekday()] for moment in local])
        email_hour = np.array([EMAIL_BY_HOUR[moment.hour] for moment in local])
        live_hour = np.array([LIVE_BY_HOUR[moment.hour] for moment in local])
        years = np.array([(moment - start) / timedelta(days=365) for moment in utc])
        trend = 1 + GROWTH_PER_YEAR * years
        sale = np.ones(hours)
        for first, last in sale_spans(client, start=days[0], end=days[-1]):
            sale[[first <= day <= last for day in days]] += SALE_UPLIFT
        open_hours_a_week = (
            sum(_open_hours(client.weekly_hours.get(day, ())) for day in range(7)) or 1.0
        )
        for language, share in language_shares(client.languages).items():
            country = LANGUAGE_COUNTRY.get(language, "")
            if country not in client.countries:
                country = client.countries[0]
            holiday = _holidays(country, days)
            # Seeded per client, language and channel: a change to one leaves the others.
            for channel in CHANNELS:
                rng = np.random.default_rng(
                    [seed, _stable(client.key), _stable(language), ord(channel[1])]
                )
                if channel == "email":
                    shape = email_hour / sum(EMAIL_BY_HOUR) * np.where(holiday, HOLIDAY_EMAIL, 1.0)
                else:
                    # Spread a week's live contacts over its open hours only.
                    shape = live_hour * open_now * ~holiday * 7 / open_hours_a_week
                rate = DAILY[channel] * share * weekday * shape * trend * sale
                contacts = rng.poisson(rate)
                yield from _rows(client.key, language, channel, utc, contacts, rng)


def _rows(
    client: str,
    language: str,
    channel: str,
    utc: list[datetime],
    contacts: np.ndarray,
    rng: np.random.Generator,
) -> Iterator[HistoryRow]:
    abandoned = rng.binomial(contacts, ABANDON_SHARE[channel])
    handled = contacts - abandoned
    handle = rng.gamma(8.0, HANDLE_SECONDS[channel] / 8.0, size=len(utc))
    wait = (
        rng.gamma(2.0, WAIT_SECONDS[channel] / 2.0, size=len(utc))
        if WAIT_SECONDS[channel]
        else None
    )
    for index in np.flatnonzero(contacts):
        count = int(contacts[index])
        yield HistoryRow(
            client=client,
            language=language,
            channel=channel,
            hour=utc[index],
            contacts=count,
            handled=int(handled[index]),
            handle_seconds=int(handled[index] * handle[index]),
            abandoned=int(abandoned[index]),
            wait_seconds=0 if wait is None else int(count * wait[index]),
        )


def _stable(text: str) -> int:
    """A number for a text that is the same in every process (``hash`` is salted)."""
    return int.from_bytes(text.encode(), "big") % (2**32)


def _is_open(weekly: WeeklyHours, moment: datetime) -> bool:
    now = moment.time()
    return any(
        opens <= now and (closes is None or now < closes)
        for opens, closes in weekly.get(moment.weekday(), ())
    )


def _open_hours(intervals: Sequence[tuple[time, time | None]]) -> float:
    total = 0.0
    for opens, closes in intervals:
        end = 24.0 if closes is None else closes.hour + closes.minute / 60
        total += end - (opens.hour + opens.minute / 60)
    return total


def _holidays(country: str, days: list[date]) -> np.ndarray:
    years = sorted({day.year for day in days})
    calendar = holidays.country_holidays(country, years=years)
    return np.array([day in calendar for day in days])


def history_span(
    *, real_history_starts: datetime, now: datetime, years: int = 2
) -> tuple[datetime, datetime]:
    """The hours the made-up history covers: ``years`` of 52 weeks before the real history,
    and on to the current hour (the real month's queue is a few contacts a day: without
    the import's rows beside them the forecast would read a collapse)."""
    start = real_history_starts.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
    end = now.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
    return start - timedelta(weeks=52 * years), end
