"""Periods in the client's time zone, ratios, and the beat entry of the monthly job."""

from datetime import UTC, date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from celery.schedules import crontab

from reporting.figures import Period, ratio

PRAGUE = ZoneInfo("Europe/Prague")


def test_a_month_runs_from_local_midnight_to_local_midnight_across_a_clock_change():
    october = Period.month(year=2026, month=10, time_zone="Europe/Prague")
    assert october.start.astimezone(UTC) == datetime(2026, 9, 30, 22, tzinfo=UTC)  # summer
    assert october.end.astimezone(UTC) == datetime(2026, 10, 31, 23, tzinfo=UTC)  # winter
    assert len(october.days) == 31 and october.days[-1] == date(2026, 10, 31)
    assert october.previous_month().first_day == date(2026, 9, 1)
    january = Period.month(year=2027, month=1, time_zone="Europe/Prague")
    assert january.previous_month().first_day == date(2026, 12, 1)


def test_a_month_so_far_ends_now_and_a_past_month_is_whole():
    october = Period.month(year=2026, month=10, time_zone="Europe/Prague")
    so_far = october.until(datetime(2026, 10, 10, 12, tzinfo=UTC))
    assert so_far.end == datetime(2026, 10, 10, 14, tzinfo=PRAGUE)
    assert len(so_far.days) == 10
    assert october.until(datetime(2026, 11, 5, tzinfo=UTC)) == october


def test_periods_refuse_naive_or_reversed_bounds():
    with pytest.raises(ValueError, match="aware"):
        Period(start=datetime(2026, 10, 1), end=datetime(2026, 11, 1))
    with pytest.raises(ValueError, match="end after"):
        Period(start=datetime(2026, 11, 1, tzinfo=UTC), end=datetime(2026, 10, 1, tzinfo=UTC))


def test_ratios_are_four_places_and_none_for_nothing():
    assert ratio(1, 3) == Decimal("0.3333") and ratio(2, 3) == Decimal("0.6667")
    assert ratio(0, 0) is None


def test_beat_asks_for_the_monthly_reports_on_the_first_at_noon_utc(settings):
    from config.celery import app

    app.loader.import_default_modules()  # what a worker does at start: autodiscovery
    entry = settings.CELERY_BEAT_SCHEDULE["monthly-reports"]
    assert entry["task"] in app.tasks
    assert entry["schedule"] == crontab(minute=0, hour=13, day_of_month=1)
