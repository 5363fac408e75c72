"""Periods in the client's time zone, ratios, and the beat entry of the monthly job."""

from datetime import UTC, date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from celery.schedules import crontab

from reporting.figures import NPS_SCORES, NpsFigures, Period, points, ratio

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


def nps_of(**counts: int) -> NpsFigures:
    """NpsFigures from counts by score: nps_of(s9=3, s0=1)."""
    answers = dict.fromkeys(NPS_SCORES, 0)
    for name, n in counts.items():
        answers[int(name[1:])] = n
    return NpsFigures(answers=answers)


def test_nps_is_promoters_minus_detractors_in_points():
    # 5 promoters, 2 passives, 3 detractors: 50 % - 30 % = 20.0
    figures = nps_of(s10=2, s9=3, s8=1, s7=1, s6=1, s3=1, s0=1)
    assert (figures.promoters, figures.passives, figures.detractors) == (5, 2, 3)
    assert figures.count == 10 and figures.score == Decimal("20.0")
    assert nps_of(s10=4).score == Decimal("100.0") and nps_of(s0=1, s6=2).score == -100
    assert nps_of(s7=2, s8=1).score == Decimal("0.0")  # passives only
    assert nps_of(s9=2, s5=1).score == Decimal("33.3")  # 66.67 - 33.33


def test_nps_rounds_half_up_once_to_one_place_and_is_none_without_answers():
    # 16 answers: one more promoter than detractors is 6.25 points, half up 6.3 (not the
    # banker's 6.2); one fewer is -6.3 (a half away from zero).
    assert nps_of(s9=5, s7=7, s1=4).score == Decimal("6.3")
    assert nps_of(s9=4, s7=7, s1=5).score == Decimal("-6.3")
    # Rounded once from the exact value: 79 of 1265 is 6.245... points, so 6.2; ratio()
    # first (0.0625) and then one place would give 6.3.
    assert points(79, 1265) == Decimal("6.2")
    assert nps_of().score is None and nps_of().count == 0
    assert points(1, 0) is None
