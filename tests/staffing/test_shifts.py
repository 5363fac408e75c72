"""Shifts and absences: entered, imported, refused; coverage per language; adherence."""

import time
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
from django.core.exceptions import ValidationError

from accounts.models import User
from audit.models import AuditEvent
from routing.services import agent_presence_set
from staffing.models import Shift
from staffing.selectors import adherence, coverage_by_hour, pool_holiday_share, staffing_settings
from staffing.services import (
    ImportRefused,
    ShiftRefused,
    absence_add,
    settings_update,
    shift_add,
    shift_remove,
    shifts_import,
)
from tenants.models import Client
from tests.support.desk import agent_with
from tests.support.factories import UserFactory

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 11, 2, 8, tzinfo=UTC)  # Monday 09:00 in Prague
H = timedelta(hours=1)


@pytest.fixture
def boss(two_clients):
    return agent_with([two_clients.a], {"cs": "native"}, is_staff=True)


def test_overlapping_shifts_are_refused_with_the_other_shift_named(two_clients, boss):
    agent = agent_with([two_clients.a], {"cs": "native"}, first_name="Eva", last_name="Nová")
    shift_add(agent=agent, starts_at=T0, ends_at=T0 + 8 * H, by=boss)
    with pytest.raises(ShiftRefused, match="Eva Nová is already on shift from 2026-11-02 09:00"):
        shift_add(agent=agent, starts_at=T0 + 7 * H, ends_at=T0 + 10 * H, by=boss)
    with pytest.raises(ShiftRefused, match="at most 16 hours"):
        shift_add(agent=agent, starts_at=T0 + 9 * H, ends_at=T0 + 26 * H, by=boss)
    portal_user = UserFactory(role=User.Role.CLIENT, client=two_clients.a)
    with pytest.raises(ShiftRefused, match="not one of the agency's agents"):
        shift_add(agent=portal_user, starts_at=T0, ends_at=T0 + H, by=boss)
    agent.is_active = False
    agent.save()
    with pytest.raises(ShiftRefused, match="not active"):
        shift_add(agent=agent, starts_at=T0 + 9 * H, ends_at=T0 + 10 * H, by=boss)
    assert Shift.objects.count() == 1
    shift_remove(shift=Shift.objects.get(), by=boss)
    assert list(
        AuditEvent.objects.filter(object_type="shift")
        .order_by("id")
        .values_list("action", flat=True)
    ) == ["shift_added", "shift_removed"]


SHIFTS = "agent,date,start,end\n{eva},2026-11-02,09:00,17:00\n{eva},2026-11-03,22:00,06:00\n"


def test_a_shifts_file_in_local_time_imported_twice_does_not_double(two_clients, boss):
    eva = agent_with([two_clients.a], {"cs": "native"}, username="eva")
    data = SHIFTS.format(eva="eva").encode()
    assert shifts_import(data=data, by=boss, zone="Europe/Prague").stored == 2
    assert list(Shift.objects.values_list("starts_at", "ends_at")) == [
        (T0, T0 + 8 * H),
        (datetime(2026, 11, 3, 21, tzinfo=UTC), datetime(2026, 11, 4, 5, tzinfo=UTC)),
    ]
    again = shifts_import(data=data, by=boss, zone="Europe/Prague")
    assert (again.stored, again.unchanged) == (0, 2)
    assert Shift.objects.filter(agent=eva, source="imported").count() == 2


def test_a_shifts_file_with_a_bad_line_stores_nothing(two_clients, boss):
    agent_with([two_clients.a], {"cs": "native"}, username="eva")
    bad = SHIFTS.format(eva="eva") + "eva,2026-11-02,16:00,18:00\n"  # overlaps line 2
    with pytest.raises(ImportRefused, match="Line 4: eva is already on shift"):
        shifts_import(data=bad.encode(), by=boss, zone="Europe/Prague")
    unknown = SHIFTS.format(eva="nobody@example.test")
    with pytest.raises(ImportRefused, match=r"Line 2: no active agent nobody@example\.test"):
        shifts_import(data=unknown.encode(), by=boss, zone="Europe/Prague")
    with pytest.raises(ImportRefused, match="Line 2: start '9' is not a time"):
        shifts_import(data=b"agent,date,start,end\neva,2026-11-02,9,17:00\n", by=boss, zone="UTC")
    assert Shift.objects.count() == 0


def test_a_bilingual_agent_is_counted_once_and_absences_cut_coverage(two_clients, boss):
    czech = agent_with([two_clients.a], {"cs": "native"})
    both = agent_with([two_clients.a], {"cs": "native", "sk": "fluent", "en": "basic"})
    shift_add(agent=czech, starts_at=T0, ends_at=T0 + 2 * H + timedelta(minutes=30), by=boss)
    shift_add(agent=both, starts_at=T0, ends_at=T0 + 3 * H, by=boss)
    absence_add(agent=czech, starts_at=T0 + H, ends_at=T0 + 2 * H, by=boss)

    # Nothing required: the bilingual agent is split evenly.
    even = coverage_by_hour(start=T0, end=T0 + 3 * H, required=None)
    np.testing.assert_allclose(even["cs"], [1.5, 0.5, 1.0])
    np.testing.assert_allclose(even["sk"], [0.5, 0.5, 0.5])
    assert "en" not in even  # a basic skill is not the router's reach
    # Slovak needs one agent, Czech one: the Czech agent covers Czech, so the bilingual
    # agent goes to Slovak. In the hour of the Czech agent's absence, both lack one agent
    # and have as many speakers: the tie goes to the first code (cs). In the last hour the
    # Czech agent leaves at half past: Czech lacks 0.5 agent (2 speakers per agent
    # required), Slovak 1 (1 per agent): the scarcer Slovak pool gets the bilingual agent.
    required = {"cs": np.array([1.0, 1.0, 1.0]), "sk": np.array([1.0, 1.0, 1.0])}
    shared = coverage_by_hour(start=T0, end=T0 + 3 * H, required=required)
    np.testing.assert_allclose(shared["cs"], [1.0, 1.0, 0.5])
    np.testing.assert_allclose(shared["sk"], [1.0, 0.0, 1.0])
    total = shared["cs"] + shared["sk"]
    np.testing.assert_allclose(total, [2.0, 1.0, 1.5])  # never more than the agents there


def test_adherence_lists_who_is_scheduled_but_away_and_who_works_unscheduled(two_clients, boss):
    now = T0 + H
    on_time = agent_with([two_clients.a], {"cs": "native"}, username="on-time")
    late = agent_with([two_clients.a], {"cs": "native"}, username="late", presence="offline")
    extra = agent_with([two_clients.a], {"sk": "native"}, username="extra")
    sick = agent_with([two_clients.a], {"cs": "native"}, username="sick", presence="offline")
    for agent in (on_time, late, sick):
        shift_add(agent=agent, starts_at=T0, ends_at=T0 + 8 * H, by=boss)
    absence_add(agent=sick, starts_at=T0, ends_at=T0 + 24 * H, kind="sick", by=boss)
    agent_presence_set(agent=late, presence="away", now=now - timedelta(minutes=20))
    agent_presence_set(agent=boss, presence="offline")

    found = adherence(now=now)

    assert [(line.name, line.presence) for line in found.not_available] == [("late", "away")]
    assert found.not_available[0].presence_since == now - timedelta(minutes=20)
    assert [line.name for line in found.not_scheduled] == ["extra"]
    assert found.not_scheduled[0].languages == ["sk"]
    assert extra.pk == found.not_scheduled[0].agent_id


def test_the_holiday_share_is_the_share_of_clients_on_a_public_holiday(two_clients):
    shares = {two_clients.a.pk: 0.25, two_clients.b.pk: 0.75}
    start = datetime(2025, 1, 1, tzinfo=UTC)
    share = pool_holiday_share(
        language="cs", shares=shares, start=start, end=start + timedelta(days=365)
    )

    def at(moment):
        return share[(moment - start) // H]

    # 1 January, 00:00 UTC is 01:00 in Prague and Warsaw: New Year's Day in both.
    assert at(start) == pytest.approx(1.0)
    assert at(datetime(2025, 3, 3, 12, tzinfo=UTC)) == 0  # a Monday, no holiday
    # 5 July: Cyril and Methodius, Czech only (client A's Czech customers, 0.25).
    assert at(datetime(2025, 7, 5, 10, tzinfo=UTC)) == pytest.approx(0.25)
    # 3 May: Poland's Constitution Day, local day from 22:00 UTC on 2 May.
    assert at(datetime(2025, 5, 2, 21, tzinfo=UTC)) == 0
    assert at(datetime(2025, 5, 2, 22, tzinfo=UTC)) == pytest.approx(0.75)


def test_the_holiday_share_of_500_clients_over_two_years_takes_under_a_second(two_clients):
    """The benchmark's size: 500 clients, 2 years and 4 weeks of hours."""
    countries = ["CZ", "SK", "PL", "HU", "RO", "DE", "AT"]
    zones = ["Europe/Prague", "Europe/Bratislava", "Europe/Warsaw", "Europe/Budapest"]
    clients = Client.objects.bulk_create(
        Client(
            name=f"Shop {n}",
            slug=f"shop-{n}",
            schema_name=f"shop_{n}",
            countries=[countries[n % len(countries)]],
            time_zone=zones[n % len(zones)],
        )
        for n in range(500)
    )
    start = datetime(2025, 1, 1, tzinfo=UTC)
    end = start + timedelta(days=2 * 365 + 28)
    began = time.perf_counter()
    share = pool_holiday_share(
        language="cs", shares={c.pk: 1 / 500 for c in clients}, start=start, end=end
    )
    took = time.perf_counter() - began
    assert share.shape == ((end - start) // H,)
    assert 0 < share.max() <= 1.0 + 1e-9
    assert took < 1.0, f"{took:.2f} s"


def test_settings_are_made_once_and_changed_validated(boss):
    assert staffing_settings().shrinkage == 30
    settings_update(by=boss, shrinkage=35, chat_concurrency=3)
    assert (staffing_settings().shrinkage, staffing_settings().chat_concurrency) == (35, 3)
    assert staffing_settings().updated_by == boss
    with pytest.raises(ValidationError):
        settings_update(by=boss, shrinkage=95)
    assert staffing_settings().shrinkage == 35
