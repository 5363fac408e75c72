"""Calendar months: "YYYY-MM" read strictly, arithmetic across year ends, a moment's month
read in a time zone, and a month's bounds as local midnights."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from core.months import (
    month_bounds,
    month_of,
    month_parse,
    month_previous,
    month_query,
    month_span,
    month_start,
    months_back,
)

PRAGUE = ZoneInfo("Europe/Prague")
NEW_YORK = ZoneInfo("America/New_York")


def test_a_month_is_read_as_yyyy_mm():
    assert month_parse("2026-10") == date(2026, 10, 1)
    assert month_parse(" 2027-01\n") == date(2027, 1, 1)


FULL_WIDTH_2026_10 = "\uff12\uff10\uff12\uff16-\uff11\uff10"  # digits, but not ASCII ones


@pytest.mark.parametrize(
    "text",
    ["2026-13", "2026-00", "0000-10", "2026-1", "10/2026", "2026-10-01", "", FULL_WIDTH_2026_10],
)
def test_anything_else_is_refused_with_the_expected_form(text):
    with pytest.raises(ValueError) as refused:
        month_parse(text)
    assert str(refused.value) == f"{text!r} is not a month written as YYYY-MM (e.g. 2026-10)."


@pytest.mark.parametrize("text", ["0001-01", "1899-12", "3000-01", "9999-12"])
def test_a_year_whose_neighbour_months_may_not_exist_is_refused(text):
    with pytest.raises(ValueError, match="YYYY-MM"):
        month_parse(text)


def test_a_refusal_quotes_a_long_text_cut_short():
    with pytest.raises(ValueError) as refused:
        month_parse("9" * 5000)
    assert (
        str(refused.value)
        == f"{'9' * 20 + '…'!r} is not a month written as YYYY-MM (e.g. 2026-10)."
    )


def test_a_query_month_defaults_when_absent_and_is_refused_after_the_latest():
    latest = date(2026, 12, 1)
    assert month_query(None, default=latest, latest=latest) == latest
    assert month_query("", default=latest, latest=latest) == latest
    assert month_query("2026-10", default=latest, latest=latest) == date(2026, 10, 1)
    assert month_query("2099-01", default=latest) == date(2099, 1, 1)
    with pytest.raises(ValueError, match="2027-01 has not started yet"):
        month_query("2027-01", default=latest, latest=latest)


def test_months_back_cross_year_ends_and_ignore_the_day():
    assert months_back(date(2027, 1, 1), 1) == date(2026, 12, 1)
    assert months_back(date(2026, 3, 31), 1) == date(2026, 2, 1)
    assert months_back(date(2026, 10, 1), 0) == date(2026, 10, 1)
    assert months_back(date(2026, 10, 1), 22) == date(2024, 12, 1)
    assert months_back(date(2026, 12, 1), -1) == date(2027, 1, 1)


def test_a_months_days_run_from_its_first_to_the_next_first():
    assert month_bounds(date(2028, 2, 29)) == (date(2028, 2, 1), date(2028, 3, 1))
    assert month_bounds(date(2026, 12, 15)) == (date(2026, 12, 1), date(2027, 1, 1))


def test_a_moments_month_is_read_in_the_zone_given():
    # 23:30 UTC on New Year's Eve is already 00:30 on 1 January in Prague.
    new_year_in_prague = datetime(2026, 12, 31, 23, 30, tzinfo=UTC)
    assert month_of(new_year_in_prague, zone=PRAGUE) == date(2027, 1, 1)
    assert month_of(new_year_in_prague, zone=UTC) == date(2026, 12, 1)
    # 03:00 UTC on 1 January is still 31 December in New York.
    assert month_of(datetime(2027, 1, 1, 3, tzinfo=UTC), zone=NEW_YORK) == date(2026, 12, 1)


def test_the_previous_month_is_the_latest_that_has_ended_in_the_zone():
    new_year_in_prague = datetime(2026, 12, 31, 23, 30, tzinfo=UTC)
    assert month_previous(new_year_in_prague, zone=PRAGUE) == date(2026, 12, 1)
    assert month_previous(new_year_in_prague, zone=UTC) == date(2026, 11, 1)
    assert month_previous(datetime(2026, 10, 31, 23, 30, tzinfo=UTC), zone=PRAGUE) == date(
        2026, 10, 1
    )


def test_a_month_spans_local_midnight_to_local_midnight():
    start, end = month_span(date(2026, 10, 20), zone=PRAGUE)
    assert start == month_start(date(2026, 10, 1), zone=PRAGUE)
    assert start.astimezone(UTC) == datetime(2026, 9, 30, 22, tzinfo=UTC)  # summer time
    assert end.astimezone(UTC) == datetime(2026, 10, 31, 23, tzinfo=UTC)  # winter time
    start, end = month_span(date(2026, 12, 1), zone=NEW_YORK)
    assert start.astimezone(UTC) == datetime(2026, 12, 1, 5, tzinfo=UTC)
    assert end.astimezone(UTC) == datetime(2027, 1, 1, 5, tzinfo=UTC)
