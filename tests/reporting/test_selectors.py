"""Each KPI against a value worked out by hand (tests/reporting/scenario.py)."""

from datetime import date
from decimal import Decimal

import pytest

from reporting.figures import Period
from reporting.selectors import (
    contact_figures_for_period,
    heatmap_for_period,
    kpis_for_period,
    sla_figures_for_period,
)
from tests.support.reporting import local, october_at_client_a
from tests.support.tenancy import in_schema

pytestmark = pytest.mark.django_db

OCTOBER = Period.month(year=2026, month=10, time_zone="Europe/Prague")


@pytest.fixture
def october(two_clients):
    return october_at_client_a(two_clients.a)


def test_contacts_received_and_handled_in_the_clients_month(two_clients, october):
    # #0 is September's; #7 arrived on 1 November local time (31 October 23:30 UTC);
    # #6 (31 October 23:30 local) is October's but was answered in November.
    with in_schema(two_clients.a):
        totals, _ = contact_figures_for_period(client=two_clients.a, period=OCTOBER)
    assert totals.received == 5
    assert totals.handled == 4


def test_first_response_median_and_p90_in_calendar_and_business_time(two_clients, october):
    with in_schema(two_clients.a):
        totals, _ = contact_figures_for_period(client=two_clients.a, period=OCTOBER)
    # Calendar: 3600, 64800, 151200, 167400 s. Median = (64800 + 151200) / 2;
    # p90 (linear, PostgreSQL percentile_cont) = 151200 + 0.7 * (167400 - 151200).
    assert totals.first_response_median == 108000
    assert totals.first_response_p90 == pytest.approx(162540)
    # Business hours: 3600, 7200 (15-16 + 8-9), 1800 (Saturday waits for Monday 08:00),
    # 7200 (28 October is a Czech holiday: 15-16 on the 27th + 8-9 on the 29th).
    assert totals.first_response_business_median == 5400
    assert totals.first_response_business_p90 == pytest.approx(7200)


def test_resolution_reopen_and_repeat_rates(two_clients, october):
    with in_schema(two_clients.a):
        totals, _ = contact_figures_for_period(client=two_clients.a, period=OCTOBER)
    assert (totals.resolved, totals.reopened, totals.repeat) == (2, 1, 3)
    assert totals.resolution_rate == Decimal("0.4000")  # 2 of 5 received
    assert totals.reopen_rate == Decimal("0.5000")  # 1 of the 2 resolved
    # #1 (7 days after September's #0), #2 (4 days after #1), #6 (4 days after #4).
    assert totals.repeat_rate == Decimal("0.6000")


def test_splits_by_channel_language_country_and_category(two_clients, october):
    with in_schema(two_clients.a):
        _, by = contact_figures_for_period(client=two_clients.a, period=OCTOBER)
    received = {dim: [(value, f.received) for value, f in rows] for dim, rows in by.items()}
    assert received == {
        "channel": [("email", 3), ("chat", 1), ("sms", 1)],
        "language": [("cs", 4), ("sk", 1)],
        "country": [("CZ", 4), ("SK", 1)],
        "category": [("", 2), ("delivery", 2), ("returns", 1)],
    }
    chat = dict(by["channel"])["chat"]
    assert (chat.first_response_median, chat.first_response_business_median) == (64800, 7200)
    assert chat.reopen_rate == Decimal(1)


def test_sla_met_counts_promises_due_in_the_period(two_clients, october):
    # Due in October: #1 met, #2 late, #3 breached, #4 met, #2's follow-up open past due.
    with in_schema(two_clients.a):
        sla, by = sla_figures_for_period(client=two_clients.a, period=OCTOBER, now=local(11, 5, 12))
    assert (sla.due, sla.met) == (5, 2)
    assert sla.met_rate == Decimal("0.4000")
    assert [(v, f.due, f.met) for v, f in by["channel"]] == [
        ("chat", 2, 0),
        ("email", 2, 1),
        ("sms", 1, 1),
    ]
    # Seen on 20 October at noon, only the promises due by then count.
    with in_schema(two_clients.a):
        sla, _ = sla_figures_for_period(client=two_clients.a, period=OCTOBER, now=local(10, 20, 12))
    assert (sla.due, sla.met) == (4, 1)


def test_busiest_hours_are_local_weekday_and_hour(two_clients, october):
    with in_schema(two_clients.a):
        grid = heatmap_for_period(client=two_clients.a, period=OCTOBER)
    cells = {(day, hour): n for day, row in enumerate(grid) for hour, n in enumerate(row) if n}
    # Thu 09, Mon 15, Sat 10, Tue 15 (after the change to winter time), Sat 23.
    assert cells == {(3, 9): 1, (0, 15): 1, (5, 10): 1, (1, 15): 1, (5, 23): 1}


def test_daily_volume_per_channel_and_top_categories(two_clients, october):
    with in_schema(two_clients.a):
        kpis = kpis_for_period(client=two_clients.a, period=OCTOBER, now=local(11, 5, 12))
    assert len(kpis.daily) == 31 and kpis.daily[0] == (date(2026, 10, 1), {"email": 1})
    assert dict(kpis.daily)[date(2026, 10, 31)] == {"email": 1}
    assert sum(sum(day.values()) for _, day in kpis.daily) == 5
    assert kpis.top_categories(2) == [("", 2), ("delivery", 2)]
    assert kpis.csat is None and kpis.nps is None and kpis.calls is None


def test_another_clients_data_never_counts(two_clients, october):
    # Client B has none of these contacts nor promises.
    with in_schema(two_clients.b):
        kpis = kpis_for_period(client=two_clients.b, period=OCTOBER, now=local(11, 5, 12))
    assert kpis.totals.received == 0 and kpis.sla.due == 0
    assert kpis.totals.resolution_rate is None and kpis.sla.met_rate is None
