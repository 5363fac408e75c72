"""The shifts CSV: agents named by username or e-mail, local times the clocks skip, a
start at 24:00, and a file imported again after its agent left."""

from datetime import UTC, datetime

import pytest

from staffing.models import Shift
from staffing.services import (
    ImportRefused,
    ShiftWanted,
    proposed_shifts_accept,
    shifts_import,
)
from tests.support.desk import agent_with

pytestmark = pytest.mark.django_db


@pytest.fixture
def eva(two_clients):
    return agent_with([two_clients.a], {"cs": "native"}, username="eva", email="eva@agency.cz")


def test_an_exact_username_wins_and_a_shared_e_mail_is_refused(two_clients, eva):
    agent_with([two_clients.a], {"cs": "native"}, username="eva2", email="team@agency.cz")
    agent_with([two_clients.a], {"cs": "native"}, username="eva3", email="team@agency.cz")
    # An account whose username is another's e-mail: the username is meant.
    named = agent_with([two_clients.a], {"sk": "native"}, username="eva@agency.cz")
    shifts_import(
        data=b"agent,date,start,end\neva@agency.cz,2026-11-02,08:00,16:00\n", by=None, zone="UTC"
    )
    assert Shift.objects.get().agent == named
    with pytest.raises(
        ImportRefused, match=r"Line 2: team@agency\.cz matches 2 accounts: use the username\."
    ):
        shifts_import(
            data=b"agent,date,start,end\nteam@agency.cz,2026-11-03,08:00,16:00\n",
            by=None,
            zone="UTC",
        )


def test_a_local_time_the_clocks_skip_and_a_start_at_24_are_refused_naming_the_line(eva):
    with pytest.raises(
        ImportRefused,
        match=r"Line 3: 2026-03-29 02:30 does not exist in Europe/Prague \(the clocks skip it\).",
    ):
        shifts_import(
            data=b"agent,date,start,end\neva,2026-03-28,08:00,16:00\neva,2026-03-29,02:30,08:00\n",
            by=None,
            zone="Europe/Prague",
        )
    with pytest.raises(ImportRefused, match="Line 2: a shift cannot start at 24:00"):
        shifts_import(
            data=b"agent,date,start,end\neva,2026-11-02,24:00,08:00\n", by=None, zone="UTC"
        )
    assert not Shift.objects.exists()
    # 24:00 as an end is the day's end.
    shifts_import(data=b"agent,date,start,end\neva,2026-11-02,16:00,24:00\n", by=None, zone="UTC")
    assert Shift.objects.get().ends_at == datetime(2026, 11, 3, tzinfo=UTC)


def test_a_week_exported_and_imported_again_after_its_agent_left_is_unchanged(eva):
    data = b"agent,date,start,end\neva,2026-11-02,08:00,16:00\n"
    shifts_import(data=data, by=None, zone="UTC")
    eva.is_active = False
    eva.save(update_fields=["is_active"])
    result = shifts_import(data=data, by=None, zone="UTC")
    assert (result.stored, result.unchanged) == (0, 1)
    with pytest.raises(ImportRefused, match=r"Line 2: no active agent eva\."):
        shifts_import(
            data=b"agent,date,start,end\neva,2026-11-03,08:00,16:00\n", by=None, zone="UTC"
        )


def test_a_proposed_shift_accepted_twice_is_stored_once(eva):
    wanted = ShiftWanted(
        agent=eva,
        starts_at=datetime(2026, 11, 2, 8, tzinfo=UTC),
        ends_at=datetime(2026, 11, 2, 16, tzinfo=UTC),
    )
    first = proposed_shifts_accept(shifts=[wanted], by=None)
    again = proposed_shifts_accept(shifts=[wanted], by=None)
    assert first == again and Shift.objects.count() == 1
