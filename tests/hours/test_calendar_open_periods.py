"""BusinessCalendar.open_periods: what the report's business-hours KPIs are built from."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from hours.calendar import DEFAULT_WEEKLY_HOURS, BusinessCalendar

PRAGUE = ZoneInfo("Europe/Prague")


def test_open_periods_are_clipped_ordered_utc_and_skip_holidays():
    calendar = BusinessCalendar(
        time_zone="Europe/Prague", weekly_hours=DEFAULT_WEEKLY_HOURS, country="CZ"
    )
    # Tuesday 27 October 2026 12:00 to Friday 30 October 10:00; the 28th is a holiday.
    periods = calendar.open_periods(
        datetime(2026, 10, 27, 12, tzinfo=PRAGUE), datetime(2026, 10, 30, 10, tzinfo=PRAGUE)
    )
    assert periods == [
        (datetime(2026, 10, 27, 11, tzinfo=UTC), datetime(2026, 10, 27, 15, tzinfo=UTC)),
        (datetime(2026, 10, 29, 7, tzinfo=UTC), datetime(2026, 10, 29, 15, tzinfo=UTC)),
        (datetime(2026, 10, 30, 7, tzinfo=UTC), datetime(2026, 10, 30, 9, tzinfo=UTC)),
    ]
    assert calendar.open_periods(periods[0][1], periods[1][0]) == []
