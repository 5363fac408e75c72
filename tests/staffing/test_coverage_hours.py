"""A pool's open hours: its clients' business hours, holidays and closures."""

from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from hours.models import Closure
from staffing.selectors import pool_open_hours

pytestmark = pytest.mark.django_db

MONDAY = datetime(2026, 11, 2, tzinfo=UTC)


def test_a_pool_is_open_in_its_clients_hours_less_holidays_and_closures(two_clients):
    b = two_clients.b  # Poland, the agency's default hours: Monday to Friday 08:00-16:00
    Closure.objects.create(
        client=b,
        starts_at=datetime(2026, 11, 3, 7, tzinfo=UTC),
        ends_at=datetime(2026, 11, 3, 12, 30, tzinfo=UTC),
        reason="Inventory",
    )
    is_open = pool_open_hours(
        language="pl", client_ids=[b.pk], start=MONDAY, end=MONDAY + timedelta(days=10)
    )
    by_day = is_open.reshape(10, 24)
    # 08:00-16:00 in Warsaw (UTC+1) is 07:00-15:00 UTC.
    np.testing.assert_array_equal(np.flatnonzero(by_day[0]), range(7, 15))
    # Tuesday: closed until 12:30 UTC, so the hour from 12:00 is open again.
    np.testing.assert_array_equal(np.flatnonzero(by_day[1]), range(12, 15))
    assert not by_day[5].any() and not by_day[6].any()  # the weekend
    assert not by_day[9].any()  # 11 November, Poland's Independence Day
