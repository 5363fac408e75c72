"""The stored figures of closed months: the JSON codec, when a month is stored, a stale or
broken row recomputed, two requests at once, and dropping them (command, report regeneration)."""

import json
import logging
from datetime import date, timedelta
from decimal import Decimal
from io import StringIO
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.utils import timezone
from hypothesis import HealthCheck, given, settings

from conversations.models import Conversation
from customers.models import Customer
from reporting.figures import (
    ContactFigures,
    CostLine,
    CostSection,
    Kpis,
    Period,
    SlaFigures,
    satisfaction_all_channels,
)
from reporting.models import KpiSnapshot
from reporting.selectors import contact_figures_for_period, kpi_snapshot_get, kpis_for_period
from reporting.services import (
    kpi_snapshot_store,
    kpis_for_month,
    previous_month_figures,
    report_content_build,
)
from reporting.snapshots import (
    CLOSED_AFTER,
    FORMAT_VERSION,
    SO_FAR_MAX_AGE,
    SO_FAR_STALE_MAX,
    kpis_decode,
    kpis_encode,
    month_is_closed,
    so_far_is_fresh,
)
from tests.support.fuzz import rolled_back
from tests.support.kpi_months import month_store as oracle_store
from tests.support.kpi_months import months as oracle_months
from tests.support.reporting import local, october_at_client_a, october_calls_at_client_a
from tests.support.tenancy import in_schema
from tests.support.threads import parallel

OCTOBER = date(2026, 10, 1)
# October ends at local midnight of 1 November; closed two days later.
CLOSED = local(11, 3, 0)


def _through_json(kpis: Kpis) -> Kpis:
    return kpis_decode(json.loads(json.dumps(kpis_encode(kpis))))


def _october_period(client) -> Period:
    return Period.month_of(day=OCTOBER, time_zone=client.time_zone)


def _another_october_contact(client) -> None:
    with in_schema(client):
        customer = Customer.objects.create(name="Late", email="late@example.cz", country="CZ")
        Conversation.objects.create(
            customer=customer, channel="email", language="cs", created_at=local(10, 20, 10)
        )


@pytest.mark.django_db
def test_octobers_figures_come_back_equal_from_json(two_clients):
    october_at_client_a(two_clients.a)
    october_calls_at_client_a(two_clients.a)
    with in_schema(two_clients.a):
        kpis = kpis_for_period(client=two_clients.a, period=_october_period(two_clients.a))
    assert kpis.calls is not None and kpis.csat is not None  # every nested part is there

    back = _through_json(kpis)

    assert back == kpis
    assert str(back.period.start.tzinfo) == "Europe/Prague"
    assert back.period.previous_month().first_day == date(2026, 9, 1)
    assert [value for value, _f in back.by["language"]] == [v for v, _f in kpis.by["language"]]
    assert list(back.daily[0][1]) == list(kpis.daily[0][1])  # the channels' order too


def test_decimals_dates_and_a_cost_section_come_back_exact():
    period = Period.month(year=2026, month=10, time_zone="Europe/Prague")
    costs = CostSection(
        invoice_number="2026-0042",
        currency="CZK",
        lines=[
            CostLine(
                label="Plan",
                quantity=Decimal("25.9829"),
                unit="h",
                amount=Decimal("1234.50"),
                first_day=date(2026, 10, 1),
                last_day=date(2026, 10, 15),
            )
        ],
        total=Decimal("1234.50"),
    )
    kpis = Kpis(
        period=period,
        totals=_empty_totals(),
        by={},
        sla=_sla(),
        sla_by={},
        daily=[(date(2026, 10, 1), {"email": 3})],
        heatmap=[[0] * 24 for _ in range(7)],
        costs=costs,
    )
    back = _through_json(kpis)
    assert back == kpis and back.costs is not None
    assert str(back.costs.lines[0].quantity) == "25.9829"


def _empty_totals() -> ContactFigures:
    return ContactFigures(
        received=0,
        handled=0,
        first_response_median=None,
        first_response_p90=0.5,
        first_response_business_median=None,
        first_response_business_p90=None,
        resolved=0,
        reopened=0,
        repeat=0,
    )


def _sla() -> SlaFigures:
    return SlaFigures(due=3, met=2, not_applicable=1)


@pytest.mark.parametrize(
    "broken",
    [
        [],
        {"period": None},
        "not figures",
    ],
)
def test_data_of_another_shape_is_refused(broken):
    with pytest.raises(ValueError, match="undecodable"):
        kpis_decode(broken)


@pytest.mark.django_db
@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(month=oracle_months)
def test_the_oracles_months_come_back_equal_from_json(two_clients, month):
    client = two_clients.a
    with in_schema(client), rolled_back():
        oracle_store(client, month)
        kpis = kpis_for_period(client=client, period=month.period, now=month.now)
        assert _through_json(kpis) == kpis


def test_a_month_is_closed_two_days_after_its_end():
    october = Period.month(year=2026, month=10, time_zone="Europe/Prague")
    assert timedelta(days=2) == CLOSED_AFTER
    assert not month_is_closed(
        period=october, now=october.end + CLOSED_AFTER - timedelta(seconds=1)
    )
    assert month_is_closed(period=october, now=october.end + CLOSED_AFTER)


@pytest.mark.django_db
def test_a_closed_month_is_computed_once_then_read_as_stored(two_clients):
    client = two_clients.a
    october_at_client_a(client)
    with in_schema(client):
        first = kpis_for_month(client=client, month=OCTOBER, now=CLOSED)
        assert KpiSnapshot.objects.get().month == OCTOBER
        assert first == kpis_for_period(client=client, period=_october_period(client))
    _another_october_contact(client)

    with in_schema(client):
        again = kpis_for_month(client=client, month=OCTOBER, now=CLOSED + timedelta(days=30))
        live = kpis_for_period(client=client, period=_october_period(client))
    assert again == first and live.totals.received == first.totals.received + 1


@pytest.mark.django_db
def test_the_month_so_far_is_stored_cut_at_its_computation_and_read_for_two_minutes(two_clients):
    client = two_clients.a
    october_at_client_a(client)
    mid_october = local(10, 25, 12)
    with in_schema(client):
        first = kpis_for_month(client=client, month=OCTOBER, now=mid_october)
        stored = kpi_snapshot_get(month=OCTOBER)
    _another_october_contact(client)
    with in_schema(client):
        within = kpis_for_month(client=client, month=OCTOBER, now=mid_october + SO_FAR_MAX_AGE)
        later = kpis_for_month(
            client=client, month=OCTOBER, now=mid_october + SO_FAR_MAX_AGE + timedelta(seconds=1)
        )
        restored = kpi_snapshot_get(month=OCTOBER)

    assert stored is not None and stored.computed_at == mid_october
    assert first.period == _october_period(client).until(mid_october) == stored.kpis.period
    assert within == first
    assert later.totals.received == first.totals.received + 1
    assert later.period.end == mid_october + SO_FAR_MAX_AGE + timedelta(seconds=1)
    assert restored is not None and restored.kpis == later


@pytest.mark.django_db
def test_figures_so_far_computed_after_now_are_not_shown(two_clients):
    client = two_clients.a
    october_at_client_a(client)
    with in_schema(client):
        kpis_for_month(client=client, month=OCTOBER, now=local(10, 25, 12))
        earlier = kpis_for_month(client=client, month=OCTOBER, now=local(10, 25, 11, 59))
    assert earlier.period.end == local(10, 25, 11, 59)


@pytest.mark.django_db
def test_figures_stored_before_the_month_closed_are_computed_again_once_closed(two_clients):
    client = two_clients.a
    october_at_client_a(client)
    just_open = local(11, 2, 23, 59)
    with in_schema(client):
        before = kpis_for_month(client=client, month=OCTOBER, now=just_open)
        so_far = kpis_for_month(client=client, month=date(2026, 11, 1), now=just_open)
        with pytest.raises(ValueError, match="not closed"):
            kpi_snapshot_store(kpis=so_far, now=just_open + timedelta(minutes=1))
    _another_october_contact(client)
    with in_schema(client):
        closed = kpis_for_month(client=client, month=OCTOBER, now=CLOSED)
        stored = kpi_snapshot_get(month=OCTOBER)

    # Before it closed the whole month was stored as its figures so far (cut at its end).
    assert before.period == _october_period(client)
    assert so_far.period.end == just_open
    assert closed.totals.received == before.totals.received + 1
    assert stored is not None and stored.computed_at == CLOSED


@pytest.mark.django_db
def test_a_closed_month_stores_only_its_whole_figures(two_clients):
    client = two_clients.a
    with in_schema(client):
        part = kpis_for_period(client=client, period=_october_period(client).until(local(10, 9, 0)))
        with pytest.raises(ValueError, match="is closed"):
            kpi_snapshot_store(kpis=part, now=CLOSED)


def test_figures_so_far_are_fresh_for_two_minutes_after_their_computation():
    october = Period.month(year=2026, month=10, time_zone="Europe/Prague")
    computed = local(10, 25, 12)
    cut = october.until(computed)

    def fresh(stored: Period, now) -> bool:
        return so_far_is_fresh(stored=stored, computed_at=computed, month=october, now=now)

    assert timedelta(minutes=2) == SO_FAR_MAX_AGE
    assert fresh(cut, computed) and fresh(cut, computed + SO_FAR_MAX_AGE)
    assert not fresh(cut, computed + SO_FAR_MAX_AGE + timedelta(microseconds=1))
    assert not fresh(cut, computed - timedelta(microseconds=1))
    # Another cut than the computation's, or the same bounds in another zone.
    assert not fresh(october.until(computed - timedelta(hours=1)), computed)
    other_zone = Period(
        start=cut.start.astimezone(ZoneInfo("Europe/Berlin")),
        end=cut.end.astimezone(ZoneInfo("Europe/Berlin")),
    )
    assert not fresh(other_zone, computed)


@pytest.mark.django_db
@pytest.mark.parametrize("row", ["another version", "undecodable"])
def test_a_stale_or_broken_row_is_recomputed_and_replaced(two_clients, caplog, row):
    client = two_clients.a
    october_at_client_a(client)
    with in_schema(client):
        stored = kpis_for_month(client=client, month=OCTOBER, now=CLOSED)
        if row == "another version":
            KpiSnapshot.objects.update(format_version=FORMAT_VERSION + 1)
        else:
            KpiSnapshot.objects.update(figures={"period": "October"})
        with caplog.at_level(logging.INFO, logger="reporting.selectors"):
            assert kpi_snapshot_get(month=OCTOBER) is None
            again = kpis_for_month(client=client, month=OCTOBER, now=CLOSED + timedelta(hours=1))
        snapshot = KpiSnapshot.objects.get()
    assert again == stored
    assert (snapshot.format_version, snapshot.computed_at) == (
        FORMAT_VERSION,
        CLOSED + timedelta(hours=1),
    )
    assert "KPI figures of 2026-10-01" in caplog.text


@pytest.mark.django_db
def test_the_previous_month_comes_from_its_stored_figures_once_closed(two_clients):
    client = two_clients.a
    october_at_client_a(client)
    november_closed = local(12, 3, 0)
    with in_schema(client):
        totals, sla, satisfaction = previous_month_figures(
            client=client, month=date(2026, 11, 1), now=november_closed
        )
        stored = kpi_snapshot_get(month=OCTOBER)
        live_totals, _by = contact_figures_for_period(
            client=client, period=_october_period(client), totals_only=True
        )
    assert stored is not None
    assert (totals, sla) == (stored.kpis.totals, stored.kpis.sla)
    assert satisfaction == satisfaction_all_channels(stored.kpis.satisfaction, stored.kpis.calls)
    assert totals == live_totals and totals.received == 5


@pytest.mark.django_db
def test_the_pdfs_figures_of_a_closed_month_are_the_stored_ones(two_clients):
    client = two_clients.a
    october_at_client_a(client)
    with in_schema(client):
        stored = kpis_for_month(client=client, month=OCTOBER, now=CLOSED)
    _another_october_contact(client)
    with in_schema(client):
        content = report_content_build(client=client, month=OCTOBER, language="cs", now=CLOSED)
    assert content.kpis.totals == stored.totals


def test_two_requests_on_a_cold_closed_month_leave_one_row(two_clients, django_db_blocker):
    client = two_clients.b
    with django_db_blocker.unblock():
        try:

            def read() -> Kpis:
                with in_schema(client):
                    return kpis_for_month(client=client, month=OCTOBER, now=timezone.now())

            answers = parallel(read, threads=6)
            with in_schema(client):
                rows = KpiSnapshot.objects.count()
        finally:
            with in_schema(client):
                KpiSnapshot.objects.all().delete()
    assert all(isinstance(answer, Kpis) for answer in answers), answers
    assert len({json.dumps(kpis_encode(answer)) for answer in answers}) == 1
    assert rows == 1


@pytest.mark.django_db
def test_the_command_drops_one_month_or_all(two_clients):
    client = two_clients.a
    with in_schema(client):
        kpis_for_month(client=client, month=OCTOBER, now=local(12, 10, 0))
        kpis_for_month(client=client, month=date(2026, 11, 1), now=local(12, 10, 0))
    out = StringIO()

    call_command("kpi_snapshots_clear", "--client", "client-a", "--month", "2026-10", stdout=out)
    with in_schema(client):
        assert list(KpiSnapshot.objects.values_list("month", flat=True)) == [date(2026, 11, 1)]
    call_command("kpi_snapshots_clear", "--client", "client-a", stdout=out)
    with in_schema(client):
        assert not KpiSnapshot.objects.exists()

    assert out.getvalue().splitlines() == [
        "client-a 2026-10: 1 stored KPI figures dropped",
        "client-a every month: 1 stored KPI figures dropped",
    ]
    with pytest.raises(CommandError, match="No client 'nobody'"):
        call_command("kpi_snapshots_clear", "--client", "nobody")
    with pytest.raises(CommandError):
        call_command("kpi_snapshots_clear", "--client", "client-a", "--month", "October")


@pytest.mark.django_db
def test_regenerating_a_report_with_the_command_recomputes_the_figures(two_clients, tmp_path):
    client = two_clients.a
    october_at_client_a(client)
    with in_schema(client):
        before = kpis_for_month(client=client, month=OCTOBER, now=CLOSED)
    _another_october_contact(client)

    out: Path = tmp_path / "report.pdf"
    call_command(
        "client_report",
        "--client",
        "client-a",
        "--month",
        "2026-10",
        "--out",
        out,
        stdout=StringIO(),
    )

    with in_schema(client):
        stored = kpi_snapshot_get(month=OCTOBER)
    assert stored is not None and stored.kpis.totals.received == before.totals.received + 1


@pytest.mark.django_db
def test_the_dashboard_gets_older_figures_at_once_while_a_worker_computes_new_ones(
    two_clients, django_capture_on_commit_callbacks
):
    client = two_clients.a
    october_at_client_a(client)
    mid_october = local(10, 25, 12)
    cache.clear()
    with in_schema(client):
        first = kpis_for_month(client=client, month=OCTOBER, now=mid_october)
    _another_october_contact(client)
    later = mid_october + SO_FAR_STALE_MAX
    with in_schema(client):
        with django_capture_on_commit_callbacks() as asked:
            shown = kpis_for_month(client=client, month=OCTOBER, now=later, refresh_behind=True)
            again = kpis_for_month(client=client, month=OCTOBER, now=later, refresh_behind=True)
        # Shown at once: the stored figures, as of their cut; one refresh asked for both.
        assert shown == again == first
        assert len(asked) == 1
        asked[0]()  # the worker (tasks run in place in tests): computed at its own now
        refreshed = kpi_snapshot_get(month=OCTOBER)
        # Half an hour without a read: the next one waits for the computation.
        much_later = later + SO_FAR_STALE_MAX + timedelta(seconds=1)
        waited = kpis_for_month(client=client, month=OCTOBER, now=much_later, refresh_behind=True)
    # The worker's now is today's: October closed, its whole figures stored, the new
    # contact in them.
    assert refreshed is not None and refreshed.computed_at > later
    assert refreshed.kpis.totals.received > first.totals.received
    assert waited.period.end == much_later
