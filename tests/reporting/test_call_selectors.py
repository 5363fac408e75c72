"""Call KPIs, CSAT and NPS against values worked out by hand (scenario.CALLS_TABLE)."""

from datetime import date
from decimal import Decimal

import pytest

from reporting.figures import SERVICE_LEVEL_SECONDS, Period
from reporting.selectors import call_figures_for_period, heatmap_for_period, kpis_for_period
from tests.support.reporting import local, october_calls_at_client_a
from tests.support.tenancy import in_schema

pytestmark = pytest.mark.django_db

OCTOBER = Period.month(year=2026, month=10, time_zone="Europe/Prague")


@pytest.fixture
def calls(two_clients):
    return october_calls_at_client_a(two_clients.a)


def test_calls_received_queued_answered_and_how_they_ended(two_clients, calls):
    # #8 rang in September, #9 on 1 November local time (still 31 October in UTC).
    with in_schema(two_clients.a):
        totals, _ = call_figures_for_period(client=two_clients.a, period=OCTOBER)
    assert (totals.received, totals.queued, totals.answered) == (7, 5, 3)
    assert (totals.abandoned, totals.voicemails, totals.callbacks) == (1, 1, 1)


def test_speed_of_answer_service_level_abandonment_and_handle_time(two_clients, calls):
    with in_schema(two_clients.a):
        totals, _ = call_figures_for_period(client=two_clients.a, period=OCTOBER)
    assert totals.speed_of_answer_average == 25  # (10 + 20 + 45) / 3 answered
    assert SERVICE_LEVEL_SECONDS == totals.target_seconds == 20
    # #1 (10 s) and #2 (exactly 20 s) of the 5 queued calls (#1-#4, #6).
    assert totals.answered_within_target == 2
    assert totals.service_level == Decimal("0.4000")
    assert totals.abandonment_rate == Decimal("0.2000")  # #4 of 5 queued
    assert totals.handle_time_average == 340  # (300 + 600 + 120) / 3


def test_csat_average_distribution_and_share_satisfied(two_clients, calls):
    # Answers 5, 4 and 2 in October; September's 1 does not count.
    with in_schema(two_clients.a):
        kpis = kpis_for_period(client=two_clients.a, period=OCTOBER, now=local(11, 5, 12))
    assert kpis.csat.answers == {1: 0, 2: 1, 3: 0, 4: 1, 5: 1}
    assert kpis.csat.count == 3
    assert kpis.csat.average == Decimal("3.67")  # 11 / 3
    assert kpis.csat.satisfied_rate == Decimal("0.6667")  # 4 and 5: 2 of 3


def test_calls_split_by_language_country_and_topic(two_clients, calls):
    with in_schema(two_clients.a):
        _, by = call_figures_for_period(client=two_clients.a, period=OCTOBER)
    assert [(v, f.received) for v, f in by["language"]] == [("cs", 5), ("sk", 2)]
    assert [(v, f.received) for v, f in by["country"]] == [("CZ", 5), ("SK", 2)]
    assert [(v, f.received) for v, f in by["topic"]] == [("orders", 3), ("returns", 3), ("", 1)]
    slovak = dict(by["language"])["sk"]
    assert (slovak.queued, slovak.answered, slovak.abandoned) == (2, 1, 1)
    assert slovak.speed_of_answer_average == 45
    assert slovak.service_level == Decimal("0.0000")
    assert slovak.csat.average == Decimal("2.00") and slovak.csat.satisfied_rate == 0


def test_calls_count_once_in_the_daily_volume_and_the_heat_map(two_clients, calls):
    # #5 and #6 count as the conversations they became (channel call, two minutes later).
    with in_schema(two_clients.a):
        kpis = kpis_for_period(client=two_clients.a, period=OCTOBER, now=local(11, 5, 12))
        grid = heatmap_for_period(client=two_clients.a, period=OCTOBER)
    days = {day: counts for day, counts in kpis.daily if counts}
    assert days == {date(2026, 10, d): {"call": 1} for d in (1, 2, 5, 6, 10, 20, 21)}
    cells = {(day, hour): n for day, row in enumerate(grid) for hour, n in enumerate(row) if n}
    assert cells == {
        (3, 9): 1,
        (4, 10): 1,
        (0, 11): 1,
        (1, 12): 1,
        (5, 17): 1,
        (1, 14): 1,
        (2, 8): 1,
    }
    # The two conversations are contacts (received, not handled); the calls are not.
    assert kpis.totals.received == 2 and kpis.calls.received == 7


def test_no_calls_means_no_call_figures_not_zero(two_clients, calls):
    with in_schema(two_clients.b):
        kpis = kpis_for_period(client=two_clients.b, period=OCTOBER, now=local(11, 5, 12))
    assert kpis.calls is None and kpis.csat is None and kpis.nps is None
    assert kpis.calls_by == {"language": [], "country": [], "topic": []}


def test_nps_of_the_calls_that_rang_in_the_month(two_clients, calls):
    # Answers 10, 9 and 3 in October (September's 0 does not count): 2 promoters and
    # 1 detractor of 3, 66.67 % - 33.33 % = 33.3 points.
    with in_schema(two_clients.a):
        kpis = kpis_for_period(client=two_clients.a, period=OCTOBER, now=local(11, 5, 12))
        november = kpis_for_period(
            client=two_clients.a,
            now=local(12, 5, 12),
            period=Period.month(year=2026, month=11, time_zone="Europe/Prague"),
        )
    assert (kpis.nps.count, kpis.nps.promoters, kpis.nps.passives, kpis.nps.detractors) == (
        3,
        2,
        0,
        1,
    )
    assert kpis.nps.score == Decimal("33.3")
    slovak = dict(kpis.calls_by["language"])["sk"]
    assert (slovak.nps.count, slovak.nps.score) == (1, Decimal("-100.0"))
    # November has a call (#9, in the menus) but no answer: no NPS, as no CSAT.
    assert november.calls.received == 1 and november.nps is None and november.csat is None


def test_nps_five_promoters_two_passives_three_detractors_is_20(two_clients):
    from telephony.voice.models import Call

    with in_schema(two_clients.a):
        for n, answer in enumerate([10, 10, 9, 9, 9, 8, 7, 6, 3, 0, None]):
            Call.objects.create(
                call_sid=f"CAnps{n}",
                from_number="+420600000000",
                to_number="+420212345678",
                language="cs",
                ringing_at=local(10, 1 + n, 9),
                nps=answer,
            )
        kpis = kpis_for_period(client=two_clients.a, period=OCTOBER, now=local(11, 5, 12))
    assert kpis.nps.count == 10 and kpis.nps.score == Decimal("20.0")
    assert kpis.calls.received == 11
