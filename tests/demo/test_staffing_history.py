"""The demo's made-up contact history (plain Python): two years and the real month, a
weekly pattern, calls only while open, holidays and the yearly sale where they should be."""

from collections import defaultdict
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from demo.staffing_history import HistoryClient, contact_history, history_span, sale_spans

PRAGUE = ZoneInfo("Europe/Prague")
OFFICE = {day: ((time(8), time(16)),) for day in range(5)}
BOHEMIA = HistoryClient("bohemia-shoes", ["CZ", "SK"], ["cs", "sk", "en"], "Europe/Prague", OFFICE)
WISLA = HistoryClient("wisla-sport", ["PL"], ["pl", "en"], "Europe/Warsaw", OFFICE, (3, 10))
NOW = datetime(2026, 4, 20, 9, 30, tzinfo=UTC)


@pytest.fixture(scope="module")
def rows():
    start, end = history_span(real_history_starts=NOW - timedelta(days=32), now=NOW)
    return list(contact_history(clients=[BOHEMIA, WISLA], start=start, end=end))


def daily(rows, *, client: str, language: str, channel: str, zone=PRAGUE) -> dict[date, int]:
    days: dict[date, int] = defaultdict(int)
    for row in rows:
        if (row.client, row.language, row.channel) == (client, language, channel):
            days[row.hour.astimezone(zone).date()] += row.contacts
    return days


def test_two_years_before_the_real_month_and_on_to_the_current_hour(rows):
    start, end = history_span(real_history_starts=NOW - timedelta(days=32), now=NOW)
    assert end == datetime(2026, 4, 20, 9, tzinfo=UTC)
    assert start == datetime(2026, 3, 19, 9, tzinfo=UTC) - timedelta(weeks=104)
    hours = [row.hour for row in rows]
    assert min(hours) < start + timedelta(hours=12) and max(hours) == end - timedelta(hours=1)


def test_the_same_rows_every_time(rows):
    start, end = history_span(real_history_starts=NOW - timedelta(days=32), now=NOW)
    again = contact_history(clients=[BOHEMIA, WISLA], start=start, end=end)
    assert [next(again) for _ in range(500)] == rows[:500]


def test_calls_only_while_the_client_is_open(rows):
    calls = [row for row in rows if row.client == "bohemia-shoes" and row.channel == "call"]
    assert calls
    for row in calls:
        local = row.hour.astimezone(PRAGUE)
        assert local.weekday() < 5 and 8 <= local.hour < 16, local


def test_a_weekly_pattern_and_email_at_night_too(rows):
    email = daily(rows, client="bohemia-shoes", language="cs", channel="email")
    mondays = [n for day, n in email.items() if day.weekday() == 0]
    sundays = [n for day, n in email.items() if day.weekday() == 6]
    assert sum(mondays) / len(mondays) > 3 * sum(sundays) / len(sundays)
    night = [r for r in rows if r.channel == "email" and r.hour.astimezone(PRAGUE).hour == 3]
    assert night


def test_christmas_closes_calls_and_lowers_email(rows):
    """24-26 December 2025 (Wednesday to Friday) are Czech public holidays: no calls, and
    less than 60 % of the e-mail of the same days a week before."""
    calls = daily(rows, client="bohemia-shoes", language="cs", channel="call")
    email = daily(rows, client="bohemia-shoes", language="cs", channel="email")
    christmas = [date(2025, 12, 24) + timedelta(days=n) for n in range(3)]
    week_before = [day - timedelta(weeks=1) for day in christmas]
    assert sum(calls[day] for day in christmas) == 0
    assert sum(calls[day] for day in week_before) > 30
    assert sum(email[d] for d in christmas) < 0.6 * sum(email[d] for d in week_before)


def test_the_yearly_sale_raises_the_volume(rows):
    """Wisła Sport's sale (10-16 March) against the same days a week before."""
    spans = sale_spans(WISLA, start=date(2024, 4, 1), end=date(2026, 4, 20))
    assert spans == [
        (date(2025, 3, 10), date(2025, 3, 16)),
        (date(2026, 3, 10), date(2026, 3, 16)),
    ]
    email = daily(rows, client="wisla-sport", language="pl", channel="email")
    for first, last in spans:
        sale = sum(email[first + timedelta(days=n)] for n in range((last - first).days + 1))
        before = sum(email[first - timedelta(days=7 - n)] for n in range(7))
        assert sale > 1.5 * before


def test_calls_carry_handle_times_waits_and_callers_who_hang_up(rows):
    calls = [row for row in rows if row.channel == "call"]
    contacts = sum(row.contacts for row in calls)
    abandoned = sum(row.abandoned for row in calls)
    assert 0.04 < abandoned / contacts < 0.10
    handled = sum(row.handled for row in calls)
    assert 250 < sum(row.handle_seconds for row in calls) / handled < 330
    assert all(row.handled + row.abandoned == row.contacts for row in rows)
    assert sum(row.wait_seconds for row in calls) > 0
    assert all(
        row.abandoned == 0 and row.wait_seconds == 0 for row in rows if row.channel == "email"
    )
