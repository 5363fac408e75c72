"""The week's shift proposal: the latest plan's gaps after the shifts entered, the agents
still free, the shifts proposed (staffing.proposals)."""

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from staffing.models import Absence, PlanRun
from staffing.proposals import LanguageGap, week_bounds, week_proposal
from staffing.selectors import staffing_settings
from staffing.services import shift_add
from tests.support.desk import agent_with
from tests.support.staffing import plan_requiring

pytestmark = pytest.mark.django_db

BUDAPEST = ZoneInfo("Europe/Budapest")  # UTC+1 in November
H = timedelta(hours=1)
# Week 2026-W45: Monday 2 November 00:00 in Budapest is Sunday 23:00 UTC.
MONDAY = datetime(2026, 11, 2, tzinfo=BUDAPEST)
TUESDAY_8 = datetime(2026, 11, 3, 7, tzinfo=UTC)  # 08:00 in Budapest
BEFORE_THE_WEEK = datetime(2026, 10, 30, 12, tzinfo=UTC)


def hungarian_plan(hours: Iterable[datetime], *, horizon_start: datetime | None = None) -> PlanRun:
    """A done plan requiring one Hungarian agent on shift in each of ``hours``."""
    return plan_requiring(
        {"hu": hours}, horizon_start=horizon_start or datetime(2026, 11, 1, tzinfo=UTC)
    )


def tuesday_8_to_16() -> list[datetime]:
    return [TUESDAY_8 + n * H for n in range(8)]


@pytest.fixture
def boss(two_clients):
    return agent_with([two_clients.a], {"cs": "native"}, is_staff=True, username="boss")


@pytest.fixture
def ildi(two_clients):
    return agent_with([two_clients.a], {"hu": "native", "en": "basic"}, username="ildi")


def test_a_tuesday_gap_and_one_free_hungarian_give_one_eight_hour_tuesday_shift(boss, ildi):
    hungarian_plan(tuesday_8_to_16())

    proposal = week_proposal(week_start=MONDAY, zone=BUDAPEST, now=BEFORE_THE_WEEK)

    assert (proposal.start, proposal.hours) == (datetime(2026, 11, 1, 23, tzinfo=UTC), 168)
    assert proposal.status == "optimal"
    [line] = proposal.shifts
    assert (line.agent, line.starts_at, line.ends_at) == (ildi, TUESDAY_8, TUESDAY_8 + 8 * H)
    assert (line.local_start.isoformat(), line.local_end.isoformat()) == (
        "2026-11-03T08:00:00+01:00",
        "2026-11-03T16:00:00+01:00",
    )
    assert (line.languages, line.covers) == (["hu"], 8)
    assert proposal.gaps == [LanguageGap(language="hu", before=8, after=0)]


def test_the_week_is_found_from_any_moment_in_it(boss, ildi):
    hungarian_plan(tuesday_8_to_16())

    proposal = week_proposal(
        week_start=datetime(2026, 11, 7, 15, tzinfo=UTC), zone=BUDAPEST, now=BEFORE_THE_WEEK
    )

    assert proposal.start == datetime(2026, 11, 1, 23, tzinfo=UTC)
    assert [line.starts_at for line in proposal.shifts] == [TUESDAY_8]


def test_hours_already_begun_get_no_gap_and_no_shift_starts_before_now(boss, ildi):
    hungarian_plan(tuesday_8_to_16())
    now = TUESDAY_8 + 4 * H + timedelta(minutes=20)  # 12:20 in Budapest

    proposal = week_proposal(week_start=MONDAY, zone=BUDAPEST, now=now)

    # The hour from 12:00 has begun: 13:00 to 16:00 is left, a 4-hour shift from 13:00
    # (the shortest there is) covers its 3 hours.
    assert proposal.gaps == [LanguageGap(language="hu", before=3, after=0)]
    [line] = proposal.shifts
    assert (line.local_start.hour, line.local_end.hour, line.covers) == (13, 17, 3)


def test_a_shift_entered_covers_its_hours_and_its_agent_keeps_the_rest(boss, ildi, two_clients):
    anna = agent_with([two_clients.a], {"hu": "fluent"}, username="anna")
    shift_add(agent=anna, starts_at=TUESDAY_8, ends_at=TUESDAY_8 + 4 * H, by=boss)
    hungarian_plan(tuesday_8_to_16())

    proposal = week_proposal(week_start=MONDAY, zone=BUDAPEST, now=BEFORE_THE_WEEK)

    # Anna covers 08-12; she is not proposed 12-16 (11 hours of rest after her shift).
    assert proposal.gaps == [LanguageGap(language="hu", before=4, after=0)]
    [line] = proposal.shifts
    assert (line.agent, line.local_start.hour, line.local_end.hour) == (ildi, 12, 16)


def test_the_contracted_week_less_the_hours_on_shift_limits_the_new_hours(boss, ildi):
    settings = staffing_settings()
    settings.week_hours = 38
    settings.save()
    for day in (2, 3, 4, 5):  # Thursday to Sunday, 8 hours each: 32 of 38
        starts = TUESDAY_8 + day * 24 * H
        shift_add(agent=ildi, starts_at=starts, ends_at=starts + 8 * H, by=boss)
    hungarian_plan(tuesday_8_to_16())

    proposal = week_proposal(week_start=MONDAY, zone=BUDAPEST, now=BEFORE_THE_WEEK)

    [line] = proposal.shifts
    assert (line.ends_at - line.starts_at, line.covers) == (6 * H, 6)
    assert proposal.gaps == [LanguageGap(language="hu", before=8, after=2)]


def test_a_day_of_leave_takes_a_working_day_from_the_contracted_week(boss, ildi):
    """38 hours a week; Thursday to Saturday on shift (24 hours), Sunday on leave: a day's
    share of 38 / 5 = 7.6 hours. 38 - 24 - 7.6 = 6.4 left: a 6-hour shift, not 8."""
    settings = staffing_settings()
    settings.week_hours = 38
    settings.save()
    for day in (2, 3, 4):
        starts = TUESDAY_8 + day * 24 * H
        shift_add(agent=ildi, starts_at=starts, ends_at=starts + 8 * H, by=boss)
    monday_start = datetime(2026, 11, 1, 23, tzinfo=UTC)
    Absence.objects.create(
        agent=ildi, starts_at=monday_start + 6 * 24 * H, ends_at=monday_start + 7 * 24 * H
    )
    hungarian_plan(tuesday_8_to_16())

    proposal = week_proposal(week_start=MONDAY, zone=BUDAPEST, now=BEFORE_THE_WEEK)

    [line] = proposal.shifts
    assert line.ends_at - line.starts_at == 6 * H


def test_an_absent_agent_gets_no_shift_but_the_day_after_an_absence_needs_no_rest(boss, ildi):
    hungarian_plan(tuesday_8_to_16())
    monday_start = datetime(2026, 11, 1, 23, tzinfo=UTC)
    tuesday_leave = Absence.objects.create(
        agent=ildi, starts_at=monday_start + 24 * H, ends_at=monday_start + 48 * H
    )

    away = week_proposal(week_start=MONDAY, zone=BUDAPEST, now=BEFORE_THE_WEEK)

    assert (away.status, away.shifts) == ("optimal", [])
    assert away.gaps == [LanguageGap(language="hu", before=8, after=8)]

    # Away all Monday (to Tuesday 00:00): a shift from 08:00 is 8 hours after, and fine.
    tuesday_leave.delete()
    Absence.objects.create(agent=ildi, starts_at=monday_start, ends_at=monday_start + 24 * H)

    back = week_proposal(week_start=MONDAY, zone=BUDAPEST, now=BEFORE_THE_WEEK)

    assert [line.starts_at for line in back.shifts] == [TUESDAY_8]


def test_a_shift_the_day_before_the_week_keeps_its_rest_into_the_week(boss, ildi):
    monday_8 = TUESDAY_8 - 24 * H
    hungarian_plan(monday_8 + n * H for n in range(8))
    # Sunday 15:00 to 23:00 in Budapest, last week: rest until Monday 10:00.
    shift_add(agent=ildi, starts_at=monday_8 - 17 * H, ends_at=monday_8 - 9 * H, by=boss)

    proposal = week_proposal(week_start=MONDAY, zone=BUDAPEST, now=BEFORE_THE_WEEK)

    [line] = proposal.shifts
    assert (line.local_start.hour, line.local_end.hour, line.covers) == (10, 16, 6)
    assert proposal.gaps == [LanguageGap(language="hu", before=8, after=2)]


def test_the_week_the_clocks_go_back_has_169_hours_and_local_shifts(boss, ildi):
    # Sunday 25 October 2026, 03:00 summer time becomes 02:00 winter time in Budapest.
    sunday_8 = datetime(2026, 10, 25, 7, tzinfo=UTC)  # 08:00 in winter time
    hungarian_plan(
        (sunday_8 + n * H for n in range(8)), horizon_start=datetime(2026, 10, 18, tzinfo=UTC)
    )

    proposal = week_proposal(
        week_start=datetime(2026, 10, 19, tzinfo=BUDAPEST),
        zone=BUDAPEST,
        now=datetime(2026, 10, 17, tzinfo=UTC),
    )

    # Monday 19 October 00:00 (UTC+2) to Monday 26 October 00:00 (UTC+1).
    assert proposal.start == datetime(2026, 10, 18, 22, tzinfo=UTC)
    assert proposal.end == datetime(2026, 10, 25, 23, tzinfo=UTC)
    assert proposal.hours == 169
    [line] = proposal.shifts
    assert (line.local_start.isoformat(), line.local_end.isoformat()) == (
        "2026-10-25T08:00:00+01:00",
        "2026-10-25T16:00:00+01:00",
    )
    assert proposal.gaps == [LanguageGap(language="hu", before=8, after=0)]


def test_the_week_the_clocks_go_forward_has_167_hours():
    start, end = week_bounds(week_start=datetime(2026, 3, 25, 12, tzinfo=UTC), zone=BUDAPEST)

    assert (start, end) == (
        datetime(2026, 3, 22, 23, tzinfo=UTC),
        datetime(2026, 3, 29, 22, tzinfo=UTC),
    )
    assert (end - start) / H == 167


def test_without_a_done_plan_nothing_is_proposed_and_it_says_why(boss, ildi):
    assert week_proposal(week_start=MONDAY, zone=BUDAPEST, now=BEFORE_THE_WEEK).status == (
        "no_plan"
    )
    failed = hungarian_plan(tuesday_8_to_16())
    failed.status = PlanRun.Status.FAILED
    failed.save()
    assert week_proposal(week_start=MONDAY, zone=BUDAPEST, now=BEFORE_THE_WEEK).status == (
        "no_plan"
    )


def test_a_week_past_beyond_or_covered_has_nothing_to_propose(boss, ildi):
    hungarian_plan(tuesday_8_to_16())
    weeks_later = MONDAY + timedelta(weeks=5)  # the 28-day plan ends before it

    assert week_proposal(week_start=weeks_later, zone=BUDAPEST, now=BEFORE_THE_WEEK).status == (
        "no_plan_for_week"
    )
    after_the_week = datetime(2026, 11, 9, tzinfo=UTC)
    assert week_proposal(week_start=MONDAY, zone=BUDAPEST, now=after_the_week).status == (
        "week_past"
    )
    shift_add(agent=ildi, starts_at=TUESDAY_8, ends_at=TUESDAY_8 + 8 * H, by=boss)
    covered = week_proposal(week_start=MONDAY, zone=BUDAPEST, now=BEFORE_THE_WEEK)
    assert (covered.status, covered.shifts, covered.gaps) == ("no_gaps", [], [])
