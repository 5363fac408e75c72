"""Business-hours calendar: pure arithmetic, no database. Expected values are hand-computed."""

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import holidays
import pytest

from hours.calendar import DEFAULT_WEEKLY_HOURS, BusinessCalendar, _holiday_dates

PRAGUE = ZoneInfo("Europe/Prague")
BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
HOUR = 3600.0

OFFICE = BusinessCalendar(time_zone="Europe/Prague", weekly_hours=DEFAULT_WEEKLY_HOURS)
OFFICE_CZ = BusinessCalendar(
    time_zone="Europe/Prague", weekly_hours=DEFAULT_WEEKLY_HOURS, country="CZ"
)
ALL_DAY = BusinessCalendar(
    time_zone="Europe/Prague", weekly_hours={d: [(time(0), None)] for d in range(7)}
)
NIGHTS = BusinessCalendar(
    time_zone="Europe/Prague", weekly_hours={d: [(time(0), time(6))] for d in range(7)}
)
EVERY_DAY_8_16 = BusinessCalendar(
    time_zone="Europe/Prague", weekly_hours={d: [(time(8), time(16))] for d in range(7)}
)


def prague(*args: int) -> datetime:
    return datetime(*args, tzinfo=PRAGUE)


# 2026 dates used below: Mon 2 Mar, Wed 4 Mar, Fri 6 Mar, Mon 9 Mar, Thu 12 Mar;
# Sun 29 Mar (spring forward); Sun 25 Oct (fall back); Tue 27 / Wed 28 / Thu 29 Oct;
# Wed 23 Dec .. Mon 28 Dec.


# --- is_open ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("at", "expected"),
    [
        (prague(2026, 3, 2, 7, 59, 59, 999999), False),
        (prague(2026, 3, 2, 8), True),
        (prague(2026, 3, 2, 12), True),
        (prague(2026, 3, 2, 15, 59, 59), True),
        (prague(2026, 3, 2, 16), False),
        (prague(2026, 3, 2, 23), False),
        (prague(2026, 3, 7, 10), False),  # Saturday
        (prague(2026, 3, 8, 10), False),  # Sunday
    ],
)
def test_is_open_at_the_edges_of_the_day_and_on_the_weekend(at, expected):
    assert OFFICE.is_open(at) is expected


def test_is_open_reads_input_in_utc_and_in_another_time_zone():
    # Prague is UTC+1 and New York UTC-5 in early March 2026 (US DST starts on 8 March).
    assert OFFICE.is_open(datetime(2026, 3, 2, 7, tzinfo=UTC))
    assert not OFFICE.is_open(datetime(2026, 3, 2, 6, 59, 59, tzinfo=UTC))
    assert OFFICE.is_open(datetime(2026, 3, 2, 9, 59, tzinfo=NEW_YORK))
    assert not OFFICE.is_open(datetime(2026, 3, 2, 10, tzinfo=NEW_YORK))


def test_a_czech_state_holiday_and_christmas_are_closed_days():
    cz = holidays.country_holidays("CZ", years=2026)
    assert date(2026, 10, 28) in cz
    assert {date(2026, 12, 24), date(2026, 12, 25), date(2026, 12, 26)} <= set(cz)

    assert not OFFICE_CZ.is_open(prague(2026, 10, 28, 10))  # Wednesday
    assert not OFFICE_CZ.is_open(prague(2026, 12, 24, 10))  # Thursday
    assert not OFFICE_CZ.is_open(prague(2026, 12, 25, 10))  # Friday
    assert OFFICE_CZ.is_open(prague(2026, 10, 27, 10))
    assert OFFICE.is_open(prague(2026, 10, 28, 10)), "without a country it is a working day"


def test_a_german_holiday_closes_a_german_calendar_but_not_a_czech_one():
    de = holidays.country_holidays("DE", years=2026)
    assert date(2026, 5, 25) in de  # Whit Monday
    assert date(2026, 5, 25) not in holidays.country_holidays("CZ", years=2026)
    germany = BusinessCalendar(
        time_zone="Europe/Berlin", weekly_hours=DEFAULT_WEEKLY_HOURS, country="DE"
    )

    assert not germany.is_open(datetime(2026, 5, 25, 10, tzinfo=BERLIN))
    assert OFFICE_CZ.is_open(prague(2026, 5, 25, 10))
    assert germany.next_opening(datetime(2026, 5, 22, 17, tzinfo=BERLIN)) == datetime(
        2026, 5, 26, 8, tzinfo=BERLIN
    )


def test_a_subdivision_adds_its_own_holidays():
    # Epiphany (Tuesday 6 January 2026) is a holiday in Bavaria, not in all of Germany.
    assert date(2026, 1, 6) in holidays.country_holidays("DE", subdiv="BY", years=2026)
    assert date(2026, 1, 6) not in holidays.country_holidays("DE", years=2026)
    germany = BusinessCalendar(
        time_zone="Europe/Berlin", weekly_hours=DEFAULT_WEEKLY_HOURS, country="DE"
    )
    bavaria = BusinessCalendar(
        time_zone="Europe/Berlin",
        weekly_hours=DEFAULT_WEEKLY_HOURS,
        country="DE",
        subdivision="BY",
    )
    at = datetime(2026, 1, 6, 10, tzinfo=BERLIN)

    assert germany.is_open(at)
    assert not bavaria.is_open(at)


def test_holidays_are_looked_up_once_per_country_and_year():
    OFFICE_CZ.is_open(prague(2026, 6, 1, 10))
    hits = _holiday_dates.cache_info().hits

    OFFICE_CZ.is_open(prague(2026, 6, 2, 10))

    assert _holiday_dates.cache_info().hits > hits


# --- next_opening -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("at", "expected"),
    [
        (prague(2026, 3, 2, 10), prague(2026, 3, 2, 10)),  # open: itself
        (prague(2026, 3, 2, 6), prague(2026, 3, 2, 8)),
        (prague(2026, 3, 2, 16), prague(2026, 3, 3, 8)),
        (prague(2026, 3, 6, 16), prague(2026, 3, 9, 8)),  # Friday closing -> Monday
        (prague(2026, 3, 6, 21, 30), prague(2026, 3, 9, 8)),  # Friday evening -> Monday
        (prague(2026, 3, 8, 23, 59), prague(2026, 3, 9, 8)),  # Sunday night
    ],
)
def test_next_opening(at, expected):
    assert OFFICE.next_opening(at) == expected


def test_next_opening_from_a_holiday_eve_skips_the_holidays():
    assert OFFICE_CZ.next_opening(prague(2026, 10, 27, 16)) == prague(2026, 10, 29, 8)
    # Christmas Eve and Christmas Day fall on Thursday and Friday, St Stephen's on Saturday.
    assert OFFICE_CZ.next_opening(prague(2026, 12, 23, 16)) == prague(2026, 12, 28, 8)


def test_next_opening_is_in_the_calendars_time_zone_whatever_the_input():
    # Friday 6 March 12:00 in New York is 18:00 in Prague.
    result = OFFICE.next_opening(datetime(2026, 3, 6, 12, tzinfo=NEW_YORK))

    assert result == prague(2026, 3, 9, 8)
    assert str(result.tzinfo) == "Europe/Prague"
    assert result.hour == 8


def test_next_opening_is_none_when_the_calendar_never_opens():
    never = BusinessCalendar(time_zone="Europe/Prague", weekly_hours={})
    closed_for_two_years = BusinessCalendar(
        time_zone="Europe/Prague",
        weekly_hours=DEFAULT_WEEKLY_HOURS,
        closures=[(prague(2026, 1, 1), prague(2028, 1, 1))],
    )

    assert never.next_opening(prague(2026, 3, 2, 10)) is None
    assert closed_for_two_years.next_opening(prague(2026, 3, 2, 10)) is None


def test_next_opening_finds_an_opening_after_a_long_closure():
    # Given a closure of ten months, ending on Monday 2 November 2026
    calendar = BusinessCalendar(
        time_zone="Europe/Prague",
        weekly_hours=DEFAULT_WEEKLY_HOURS,
        closures=[(prague(2026, 1, 1), prague(2026, 11, 2))],
    )

    assert calendar.next_opening(prague(2026, 1, 1)) == prague(2026, 11, 2, 8)


# --- add_business_hours -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("calendar", "start", "hours", "expected"),
    [
        (OFFICE, prague(2026, 3, 2, 10), 2, prague(2026, 3, 2, 12)),
        (OFFICE, prague(2026, 3, 2, 8), 8, prague(2026, 3, 2, 16)),  # ends at the closing
        (OFFICE, prague(2026, 3, 2, 15), 2, prague(2026, 3, 3, 9)),  # across a night
        (OFFICE, prague(2026, 3, 6, 15), 2, prague(2026, 3, 9, 9)),  # across a weekend
        (OFFICE, prague(2026, 3, 7, 12), 1, prague(2026, 3, 9, 9)),  # from a closed moment
        (OFFICE, prague(2026, 10, 27, 15), 2, prague(2026, 10, 28, 9)),
        (OFFICE_CZ, prague(2026, 10, 27, 15), 2, prague(2026, 10, 29, 9)),  # across a holiday
        (OFFICE, prague(2026, 3, 2, 12, 30), 0.25, prague(2026, 3, 2, 12, 45)),
    ],
)
def test_add_business_hours(calendar, start, hours, expected):
    assert calendar.add_business_hours(start, hours) == expected


def test_48_business_hours_from_a_wednesday_afternoon():
    # Wed 1 h + Thu 8 + Fri 8 + Mon 8 + Tue 8 + Wed 8 = 41 h, then 7 h on Thursday.
    assert OFFICE_CZ.add_business_hours(prague(2026, 3, 4, 15), 48) == prague(2026, 3, 12, 15)


def test_48_business_hours_over_easter():
    # Good Friday (3 April) and Easter Monday (6 April) are Czech holidays:
    # Wed 1 h + Thu 8 + Tue 8 + Wed 8 + Thu 8 + Fri 8 = 41 h, then 7 h on Monday 13 April.
    assert OFFICE_CZ.add_business_hours(prague(2026, 4, 1, 15), 48) == prague(2026, 4, 13, 15)


def test_zero_hours_is_the_start_when_open_and_the_next_opening_when_closed():
    assert OFFICE.add_business_hours(prague(2026, 3, 2, 10), 0) == prague(2026, 3, 2, 10)
    assert OFFICE.add_business_hours(prague(2026, 3, 6, 16), 0) == prague(2026, 3, 9, 8)


def test_one_second_past_a_full_day_opens_the_next_day():
    result = OFFICE.add_business_hours(prague(2026, 3, 2, 8), timedelta(hours=8, seconds=1))

    assert result == prague(2026, 3, 3, 8, 0, 1)


def test_hours_can_be_a_float_a_decimal_or_a_timedelta():
    start = prague(2026, 3, 2, 15)
    expected = prague(2026, 3, 3, 8, 30)

    assert OFFICE.add_business_hours(start, 1.5) == expected
    assert OFFICE.add_business_hours(start, Decimal("1.5")) == expected
    assert OFFICE.add_business_hours(start, timedelta(minutes=90)) == expected
    # 0.0001 h is exactly 0.36 s.
    assert OFFICE.add_business_hours(start, Decimal("0.0001")) == prague(
        2026, 3, 2, 15, 0, 0, 360000
    )


def test_add_business_hours_takes_utc_and_answers_in_the_calendars_time_zone():
    # 14:00 UTC on Monday 2 March is 15:00 in Prague.
    result = OFFICE.add_business_hours(datetime(2026, 3, 2, 14, tzinfo=UTC), 2)

    assert result == prague(2026, 3, 3, 9)
    assert str(result.tzinfo) == "Europe/Prague"
    assert (result.hour, result.minute) == (9, 0)


@pytest.mark.parametrize(
    "hours", [-1, -0.001, Decimal("-0.5"), timedelta(minutes=-1), float("nan"), float("inf")]
)
def test_negative_or_non_finite_hours_are_rejected(hours):
    with pytest.raises(ValueError, match="hours"):
        OFFICE.add_business_hours(prague(2026, 3, 2, 10), hours)


def test_adding_hours_to_a_calendar_that_never_opens_fails():
    never = BusinessCalendar(time_zone="Europe/Prague", weekly_hours={})

    with pytest.raises(ValueError, match="no open time"):
        never.add_business_hours(prague(2026, 3, 2, 10), 1)


# --- closures -----------------------------------------------------------------------------


def test_a_closure_cuts_a_day_in_half():
    # Given a closure 11:00-12:00 UTC on Monday 2 March, i.e. 12:00-13:00 in Prague
    calendar = BusinessCalendar(
        time_zone="Europe/Prague",
        weekly_hours=DEFAULT_WEEKLY_HOURS,
        closures=[(datetime(2026, 3, 2, 11, tzinfo=UTC), datetime(2026, 3, 2, 12, tzinfo=UTC))],
    )

    assert calendar.is_open(prague(2026, 3, 2, 11, 59, 59))
    assert not calendar.is_open(prague(2026, 3, 2, 12))
    assert not calendar.is_open(prague(2026, 3, 2, 12, 30))
    assert calendar.is_open(prague(2026, 3, 2, 13))
    assert calendar.next_opening(prague(2026, 3, 2, 12, 15)) == prague(2026, 3, 2, 13)
    assert calendar.business_seconds_between(prague(2026, 3, 2), prague(2026, 3, 3)) == 7 * HOUR
    # 4 h in the morning, then 1 h after the closure.
    assert calendar.add_business_hours(prague(2026, 3, 2, 8), 5) == prague(2026, 3, 2, 14)


def test_a_closure_over_several_days():
    # Given an offsite from Wednesday 4 March 12:00 to Friday 6 March 10:00
    calendar = BusinessCalendar(
        time_zone="Europe/Prague",
        weekly_hours=DEFAULT_WEEKLY_HOURS,
        closures=[(prague(2026, 3, 4, 12), prague(2026, 3, 6, 10))],
    )

    assert not calendar.is_open(prague(2026, 3, 5, 10))
    # Wed 08-12 (4 h) + Fri 10-16 (6 h)
    assert calendar.business_seconds_between(prague(2026, 3, 4), prague(2026, 3, 7)) == 10 * HOUR
    assert calendar.add_business_hours(prague(2026, 3, 4, 11), 2) == prague(2026, 3, 6, 11)


# --- daylight saving time -----------------------------------------------------------------


def test_spring_forward_inside_business_hours_makes_a_shorter_day():
    # On Sunday 29 March 2026 Prague jumps from 02:00 CET to 03:00 CEST (01:00 UTC).
    # Then 00:00-06:00 is 23:00 UTC (28th) to 04:00 UTC: 5 real hours.
    day, next_day = prague(2026, 3, 29), prague(2026, 3, 30)

    assert NIGHTS.business_seconds_between(day, prague(2026, 3, 29, 12)) == 5 * HOUR
    assert ALL_DAY.business_seconds_between(day, next_day) == 23 * HOUR
    assert NIGHTS.add_business_hours(day, 5) == prague(2026, 3, 29, 6)
    assert NIGHTS.add_business_hours(day, 6) == prague(2026, 3, 30, 1)

    three_hours_later = NIGHTS.add_business_hours(day, 3)
    assert three_hours_later.astimezone(UTC) == datetime(2026, 3, 29, 2, tzinfo=UTC)
    assert (three_hours_later.hour, three_hours_later.utcoffset()) == (4, timedelta(hours=2))


def test_fall_back_inside_business_hours_makes_a_longer_day():
    # On Sunday 25 October 2026 Prague goes back from 03:00 CEST to 02:00 CET (01:00 UTC).
    # Then 00:00-06:00 is 22:00 UTC (24th) to 05:00 UTC: 7 real hours.
    day, next_day = prague(2026, 10, 25), prague(2026, 10, 26)

    assert NIGHTS.business_seconds_between(day, prague(2026, 10, 25, 12)) == 7 * HOUR
    assert ALL_DAY.business_seconds_between(day, next_day) == 25 * HOUR
    assert NIGHTS.add_business_hours(day, 7) == prague(2026, 10, 25, 6)
    assert NIGHTS.add_business_hours(day, 7.5) == prague(2026, 10, 26, 0, 30)

    # 3 real hours after midnight is the second 02:00 of the night (CET, fold=1).
    three_hours_later = NIGHTS.add_business_hours(day, 3)
    # Compared in UTC: an inter-zone == is always False for a time in a fold (PEP 495).
    assert three_hours_later.astimezone(UTC) == datetime(2026, 10, 25, 1, tzinfo=UTC)
    assert (three_hours_later.hour, three_hours_later.fold) == (2, 1)
    assert three_hours_later.utcoffset() == timedelta(hours=1)


def test_a_dst_change_outside_business_hours_leaves_the_day_at_its_length():
    for day in (prague(2026, 3, 29), prague(2026, 10, 25)):
        next_day = day + timedelta(days=1)
        assert EVERY_DAY_8_16.business_seconds_between(day, next_day) == 8 * HOUR
        assert EVERY_DAY_8_16.add_business_hours(day, 8) == day.replace(hour=16)


def test_an_opening_in_the_spring_forward_gap_moves_forward_by_the_gap():
    # 02:30 does not exist on 29 March: read with the CET offset (fold=0) it is 03:30 CEST.
    calendar = BusinessCalendar(
        time_zone="Europe/Prague", weekly_hours={6: [(time(2, 30), time(4))]}
    )

    assert calendar.next_opening(prague(2026, 3, 29)) == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)
    assert calendar.next_opening(prague(2026, 3, 29)) == prague(2026, 3, 29, 3, 30)
    assert calendar.business_seconds_between(prague(2026, 3, 29), prague(2026, 3, 30)) == 1800
    # An ordinary Sunday: the full 1.5 h.
    assert calendar.business_seconds_between(prague(2026, 3, 22), prague(2026, 3, 23)) == 5400


def test_an_opening_at_an_ambiguous_time_is_its_first_occurrence():
    # 02:30 happens twice on 25 October: opening at the first (CEST, 00:30 UTC), closing at
    # 03:30 CET (02:30 UTC) makes a 2 h interval.
    calendar = BusinessCalendar(
        time_zone="Europe/Prague", weekly_hours={6: [(time(2, 30), time(3, 30))]}
    )

    opening = calendar.next_opening(prague(2026, 10, 25))

    assert opening.astimezone(UTC) == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)
    assert (opening.hour, opening.minute, opening.fold) == (2, 30, 0)
    assert calendar.business_seconds_between(prague(2026, 10, 25), prague(2026, 10, 26)) == 7200


def test_a_dst_gap_that_swallows_an_interval_leaves_it_closed():
    # 02:15-02:45 lies entirely in the gap on 29 March: both ends move to 03:15-03:45 CEST,
    # while 02:45-03:15 would open at 03:45 and close at 03:15, which is nothing.
    calendar = BusinessCalendar(
        time_zone="Europe/Prague",
        weekly_hours={6: [(time(2, 15), time(2, 45)), (time(2, 45), time(3, 15))]},
    )

    seconds = calendar.business_seconds_between(prague(2026, 3, 29), prague(2026, 3, 30))

    assert seconds == 1800
    assert calendar.next_opening(prague(2026, 3, 29)) == prague(2026, 3, 29, 3, 15)


# --- business_seconds_between -------------------------------------------------------------


def test_business_seconds_between():
    assert (
        OFFICE.business_seconds_between(prague(2026, 3, 2, 15), prague(2026, 3, 3, 9)) == 2 * HOUR
    )
    assert OFFICE.business_seconds_between(prague(2026, 3, 2), prague(2026, 3, 9)) == 40 * HOUR
    assert OFFICE_CZ.business_seconds_between(prague(2026, 10, 26), prague(2026, 11, 2)) == (
        32 * HOUR
    )
    assert OFFICE.business_seconds_between(prague(2026, 3, 7), prague(2026, 3, 8, 23)) == 0
    assert OFFICE.business_seconds_between(prague(2026, 3, 3), prague(2026, 3, 2)) == 0
    assert OFFICE.business_seconds_between(prague(2026, 3, 2, 9), prague(2026, 3, 2, 9)) == 0


def test_touching_intervals_count_as_one_open_stretch():
    calendar = BusinessCalendar(
        time_zone="Europe/Prague", weekly_hours={0: [(time(8), time(12)), (time(12), time(16))]}
    )

    assert calendar.is_open(prague(2026, 3, 2, 12))
    assert calendar.business_seconds_between(prague(2026, 3, 2), prague(2026, 3, 3)) == 8 * HOUR


@pytest.mark.parametrize(
    "calendar", [OFFICE_CZ, NIGHTS, ALL_DAY, EVERY_DAY_8_16], ids=["cz", "nights", "24h", "8-16"]
)
@pytest.mark.parametrize("hours", [0, 0.5, 3, 8, 48])
@pytest.mark.parametrize(
    "first_start", [prague(2026, 3, 23), prague(2026, 10, 19)], ids=["march", "october"]
)
def test_business_seconds_between_inverts_add_business_hours(calendar, hours, first_start):
    # Every 5 h 17 min over two weeks that hold a DST change (and, in October, a holiday).
    for step in range(64):
        start = (first_start.astimezone(UTC) + timedelta(hours=5, minutes=17) * step).astimezone(
            PRAGUE
        )

        end = calendar.add_business_hours(start, hours)

        assert end >= start
        assert calendar.business_seconds_between(start, end) == hours * HOUR
        if hours:
            # In UTC: arithmetic on a zoned datetime is wall-clock arithmetic.
            just_before = end.astimezone(UTC) - timedelta(microseconds=1)
            assert calendar.is_open(just_before), "ends in open time"


def test_is_open_agrees_with_business_seconds_between():
    for step in range(200):
        at = datetime(2026, 10, 22, tzinfo=UTC) + timedelta(minutes=47) * step

        opened = OFFICE_CZ.business_seconds_between(at, at + timedelta(seconds=1)) == 1

        assert OFFICE_CZ.is_open(at) is opened


# --- validation ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "call",
    [
        lambda: OFFICE.is_open(datetime(2026, 3, 2, 10)),
        lambda: OFFICE.next_opening(datetime(2026, 3, 2, 10)),
        lambda: OFFICE.add_business_hours(datetime(2026, 3, 2, 10), 1),
        lambda: OFFICE.business_seconds_between(datetime(2026, 3, 2, 10), prague(2026, 3, 3)),
        lambda: OFFICE.business_seconds_between(prague(2026, 3, 2), datetime(2026, 3, 3, 10)),
    ],
)
def test_naive_datetimes_are_rejected(call):
    with pytest.raises(ValueError, match="aware"):
        call()


@pytest.mark.parametrize(
    ("weekly_hours", "message"),
    [
        ({0: [(time(16), time(8))]}, "must close after it opens"),
        ({0: [(time(8), time(8))]}, "must close after it opens"),
        ({0: [(time(8), time(0))]}, "None for midnight"),
        ({0: [(time(8), time(12)), (time(11), time(16))]}, "must not overlap"),
        ({0: [(time(13), time(16)), (time(8), time(12))]}, "sorted"),
        ({0: [(time(20), None), (time(21), time(22))]}, "must not overlap"),
        ({7: [(time(8), time(16))]}, "weekday"),
        ({-1: [(time(8), time(16))]}, "weekday"),
        ({0: [(time(8, tzinfo=UTC), time(16))]}, "without tzinfo"),
        ({0: [(time(8),)]}, "pair"),
        ({0: [("08:00", "16:00")]}, "must be"),
    ],
)
def test_invalid_weekly_hours_are_rejected(weekly_hours, message):
    with pytest.raises(ValueError, match=message):
        BusinessCalendar(time_zone="Europe/Prague", weekly_hours=weekly_hours)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"time_zone": "Europe/Atlantis"}, "unknown time zone"),
        ({"country": "XX"}, "no public holidays"),
        ({"country": "DE", "subdivision": "XX"}, "no public holidays"),
        ({"subdivision": "BY"}, "needs a country"),
        ({"closures": [(prague(2026, 3, 2, 12), prague(2026, 3, 2, 12))]}, "end after"),
        ({"closures": [(datetime(2026, 3, 2, 12), prague(2026, 3, 2, 13))]}, "aware"),
    ],
)
def test_invalid_settings_are_rejected(kwargs, message):
    settings = {"time_zone": "Europe/Prague", "weekly_hours": DEFAULT_WEEKLY_HOURS} | kwargs

    with pytest.raises(ValueError, match=message):
        BusinessCalendar(**settings)


def test_the_default_weekly_hours_are_monday_to_friday_8_to_16_and_read_only():
    assert dict(DEFAULT_WEEKLY_HOURS) == {d: ((time(8), time(16)),) for d in range(5)}
    with pytest.raises(TypeError):
        DEFAULT_WEEKLY_HOURS[5] = [(time(8), time(12))]  # type: ignore[index]


def test_the_calendar_keeps_its_own_copy_of_the_weekly_hours():
    hours = {0: [(time(8), time(16))]}
    calendar = BusinessCalendar(time_zone="Europe/Prague", weekly_hours=hours)

    hours[0].append((time(17), time(18)))

    assert not calendar.is_open(prague(2026, 3, 2, 17, 30))
