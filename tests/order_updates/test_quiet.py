"""SMS quiet hours: when a message written at a moment may go out, in the client's time
zone, across midnight, Sundays and the nights the clocks change."""

from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

import pytest

from order_updates.quiet import QuietHours, quiet_until

PRAGUE = ZoneInfo("Europe/Prague")
NIGHT = QuietHours(time(20, 0), time(8, 0), sunday=True)
NIGHT_ONLY = QuietHours(time(20, 0), time(8, 0), sunday=False)


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=PRAGUE)


@pytest.mark.parametrize(
    ("at", "quiet", "until"),
    [
        # Monday 7 December 2026: the evening waits for Tuesday morning.
        (local(2026, 12, 7, 21, 0), NIGHT, local(2026, 12, 8, 8, 0)),
        (local(2026, 12, 7, 20, 0), NIGHT, local(2026, 12, 8, 8, 0)),
        (local(2026, 12, 7, 7, 59), NIGHT, local(2026, 12, 7, 8, 0)),
        (local(2026, 12, 7, 8, 0), NIGHT, None),
        (local(2026, 12, 7, 19, 59), NIGHT, None),
        # Saturday evening: Sunday is quiet all day, so Monday morning.
        (local(2026, 12, 5, 21, 0), NIGHT, local(2026, 12, 7, 8, 0)),
        (local(2026, 12, 6, 12, 0), NIGHT, local(2026, 12, 7, 8, 0)),
        (local(2026, 12, 5, 21, 0), NIGHT_ONLY, local(2026, 12, 6, 8, 0)),
        (local(2026, 12, 6, 12, 0), NIGHT_ONLY, None),
        # Within a day, and none at all.
        (local(2026, 12, 7, 12, 30), QuietHours(time(12), time(14), False), local(2026, 12, 7, 14)),
        (local(2026, 12, 7, 23, 0), QuietHours(time(8), time(8), False), None),
        (local(2026, 12, 6, 23, 0), QuietHours(time(8), time(8), True), local(2026, 12, 7, 0, 0)),
    ],
)
def test_quiet_until(at, quiet, until):
    assert quiet_until(at, zone=PRAGUE, quiet=quiet) == until


def test_the_night_the_clocks_go_forward_ends_at_eight_summer_time():
    # Saturday 28 March 2026, 23:00 CET (22:00 UTC); Sunday 08:00 is CEST, 06:00 UTC.
    at = datetime(2026, 3, 28, 22, 0, tzinfo=UTC)
    assert quiet_until(at, zone=PRAGUE, quiet=NIGHT_ONLY) == datetime(2026, 3, 29, 6, 0, tzinfo=UTC)


def test_the_night_the_clocks_go_back_ends_at_eight_winter_time():
    # Saturday 24 October 2026, 23:00 CEST (21:00 UTC); Sunday 08:00 is CET, 07:00 UTC.
    at = datetime(2026, 10, 24, 21, 0, tzinfo=UTC)
    assert quiet_until(at, zone=PRAGUE, quiet=NIGHT_ONLY) == datetime(
        2026, 10, 25, 7, 0, tzinfo=UTC
    )


def test_an_end_the_clocks_skip_is_read_after_the_change():
    # 02:30 does not exist on 29 March 2026 in Prague: 03:30 CEST, 01:30 UTC.
    quiet = QuietHours(time(20, 0), time(2, 30), sunday=False)
    at = datetime(2026, 3, 28, 22, 0, tzinfo=UTC)
    assert quiet_until(at, zone=PRAGUE, quiet=quiet) == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)
