"""The supervisors' shifts page and the wall's staffing tile."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client as HttpClient
from django.utils import timezone

from accounts.models import User
from audit.models import AuditEvent
from staffing.models import Absence, PlanHour, PlanPool, PlanRun, Shift
from staffing.services import shift_add
from tests.support.desk import agent_with, signed_in, table_rows
from tests.support.factories import UserFactory
from tests.support.tenancy import host_of

pytestmark = pytest.mark.django_db

# Monday 2 November 2026; the supervisor reads Prague time (UTC+1 in November).
MONDAY_UTC = datetime(2026, 11, 2, tzinfo=UTC)
PAGE = "/desk/staffing/shifts/"


@pytest.fixture
def supervisor(two_clients):
    return agent_with(
        [two_clients.a], {"cs": "native"}, is_staff=True, username="boss", time_zone="Europe/Prague"
    )


@pytest.fixture
def eva(two_clients):
    return agent_with([two_clients.a], {"cs": "native", "sk": "fluent"}, username="eva")


def test_agents_and_portal_users_are_refused(two_clients):
    agent = signed_in(agent_with([two_clients.a], {"cs": "native"}))
    assert agent.get(PAGE).status_code == 403
    assert agent.post("/desk/staffing/shifts/add").status_code == 403
    assert agent.get("/desk/staffing/shifts.csv").status_code == 403
    away = Absence.objects.create(
        agent=agent_with([two_clients.a], {"cs": "native"}),
        starts_at=MONDAY_UTC,
        ends_at=MONDAY_UTC + timedelta(days=1),
    )
    assert agent.post(f"/desk/staffing/absences/{away.pk}/remove").status_code == 403
    portal_user = UserFactory(role=User.Role.CLIENT, client=two_clients.a)
    assert signed_in(portal_user).get(PAGE).status_code == 403
    portal = HttpClient(HTTP_HOST=host_of(two_clients.a))
    portal.force_login(portal_user)
    assert portal.get(PAGE).status_code == 404


def test_the_week_shows_shifts_in_the_supervisors_zone_and_adherence(supervisor, eva):
    shift_add(
        agent=eva,
        starts_at=MONDAY_UTC + timedelta(hours=7),
        ends_at=MONDAY_UTC + timedelta(hours=15),
        by=supervisor,
    )
    Absence.objects.create(
        agent=eva,
        starts_at=MONDAY_UTC + timedelta(days=2, hours=-1),
        ends_at=MONDAY_UTC + timedelta(days=3, hours=-1),
        kind="sick",
    )
    page = signed_in(supervisor).get(PAGE, {"week": "2026-W45"})
    assert page.status_code == 200
    rows = {row[0]: row[1:] for row in table_rows(page.content.decode(), "week")}
    # 07:00 to 15:00 UTC is 08:00 to 16:00 in Prague; the sick day is Wednesday.
    assert rows["eva cs, sk"][0] == "08:00–16:00 ×"
    assert rows["eva cs, sk"][1:] == ["", "Sick ×", "", "", "", ""]
    assert rows["boss cs"] == ["", "", "", "", "", "", ""]


def test_a_shift_added_runs_past_midnight_and_a_refusal_is_shown(supervisor, eva):
    http = signed_in(supervisor)
    added = http.post(
        "/desk/staffing/shifts/add",
        {
            "agent": eva.pk,
            "day": "2026-11-02",
            "start": "22:00",
            "end": "06:00",
            "week": "2026-W45",
        },
    )
    assert added.status_code == 302
    assert added["Location"] == "/desk/staffing/shifts/?week=2026-W45"
    shift = Shift.objects.get()
    assert (shift.starts_at, shift.ends_at) == (
        MONDAY_UTC + timedelta(hours=21),
        MONDAY_UTC + timedelta(hours=29),
    )
    overlap = http.post(
        "/desk/staffing/shifts/add",
        {"agent": eva.pk, "day": "2026-11-03", "start": "05:00", "end": "09:00"},
    )
    assert overlap.status_code == 400
    assert "eva is already on shift from 2026-11-02 22:00" in overlap.content.decode()
    removed = http.post(f"/desk/staffing/shifts/{shift.pk}/remove", {"week": "2026-W45"})
    assert removed.status_code == 302
    assert not Shift.objects.exists()
    assert http.post("/desk/staffing/shifts/999999/remove").status_code == 404


def test_an_absence_covers_whole_local_days(supervisor, eva):
    http = signed_in(supervisor)
    answer = http.post(
        "/desk/staffing/absences/add",
        {"agent": eva.pk, "first_day": "2026-11-04", "last_day": "2026-11-05", "kind": "leave"},
    )
    assert answer.status_code == 302
    absence = Absence.objects.get()
    assert (absence.starts_at, absence.ends_at) == (
        datetime(2026, 11, 3, 23, tzinfo=UTC),
        datetime(2026, 11, 5, 23, tzinfo=UTC),
    )


def test_an_upload_with_a_bad_line_names_it_and_the_week_downloads(supervisor, eva, tmp_path):
    http = signed_in(supervisor)
    bad = tmp_path / "shifts.csv"
    bad.write_text("agent,date,start,end\neva,2026-11-02,08:00,16:00\nnobody,2026-11-02,8,16\n")
    with bad.open("rb") as file:
        refused = http.post("/desk/staffing/shifts/upload", {"file": file})
    assert refused.status_code == 400
    assert "Line 3: start &#x27;8&#x27; is not a time" in refused.content.decode()
    assert not Shift.objects.exists()
    good = tmp_path / "good.csv"
    good.write_text("agent,date,start,end\neva,2026-11-02,08:00,16:00\n")
    with good.open("rb") as file:
        imported = http.post("/desk/staffing/shifts/upload", {"file": file})
    assert imported.status_code == 200
    assert Shift.objects.get().source == "imported"
    download = http.get("/desk/staffing/shifts.csv", {"week": "2026-W45"})
    assert download["Content-Disposition"] == 'attachment; filename="shifts-2026-W45.csv"'
    text = b"".join(download.streaming_content).decode("utf-8-sig")
    assert text.splitlines() == ["agent,date,start,end,note", "eva,2026-11-02,08:00,16:00,"]


def test_the_wall_says_when_there_is_no_plan_and_compares_with_the_plan(
    supervisor, eva, two_clients
):
    http = signed_in(supervisor)
    page = http.get("/desk/wall").content.decode()
    assert "No staffing plan has been made yet" in page
    now = timezone.now()
    hour = now.replace(minute=0, second=0, microsecond=0)
    run = PlanRun.objects.create(
        started_at=now,
        status="done",
        horizon_start=hour,
        history_start=hour - timedelta(days=7),
        settings_used={"shrinkage": 30},
    )
    calls = PlanPool.objects.create(run=run, language="cs", channel="call", handle_seconds=300)
    mail = PlanPool.objects.create(run=run, language="cs", channel="email", handle_seconds=300)
    PlanHour.objects.create(pool=calls, hour=hour, forecast=10, baseline=10, agents=1.0)
    PlanHour.objects.create(pool=mail, hour=hour, forecast=10, baseline=10, agents=0.4)
    shift_add(agent=eva, starts_at=hour, ends_at=hour + timedelta(hours=2), by=supervisor)
    rows = table_rows(http.get("/desk/wall").content.decode(), "wall-staffing-languages")
    # (1.0 + 0.4) / 0.7 = 2 agents required; Eva alone, shared with Slovak (nothing
    # required there), covers Czech: 1.0, short.
    assert rows == [["Čeština (Czech)", "2", "1.0 (short)"]]


def test_an_absence_is_removed_and_one_sent_twice_or_overlapping_is_not_stored(supervisor, eva):
    http = signed_in(supervisor)
    wanted = {"agent": eva.pk, "first_day": "2026-11-04", "last_day": "2026-11-05", "kind": "leave"}
    assert http.post("/desk/staffing/absences/add", wanted).status_code == 302
    assert http.post("/desk/staffing/absences/add", wanted).status_code == 302  # a double click
    absence = Absence.objects.get()
    overlapping = http.post(
        "/desk/staffing/absences/add",
        {"agent": eva.pk, "first_day": "2026-11-05", "last_day": "2026-11-06", "kind": "sick"},
    )
    assert overlapping.status_code == 400
    assert "eva is already away from 2026-11-04 00:00 to 2026-11-06 00:00." in overlapping.text
    assert Absence.objects.count() == 1

    page = http.get(PAGE, {"week": "2026-W45"}).content.decode()
    assert f'action="/desk/staffing/absences/{absence.pk}/remove"' in page
    removed = http.post(f"/desk/staffing/absences/{absence.pk}/remove", {"week": "2026-W45"})
    assert removed.status_code == 302
    assert removed["Location"] == "/desk/staffing/shifts/?week=2026-W45"
    assert not Absence.objects.exists()
    assert AuditEvent.objects.filter(action=AuditEvent.Action.ABSENCE_REMOVED).count() == 1
    # Pressed twice: already gone, back to the week.
    again = http.post(f"/desk/staffing/absences/{absence.pk}/remove", {"week": "2026-W45"})
    assert again.status_code == 302


def test_a_local_time_the_clocks_skip_is_refused_on_the_form(supervisor, eva):
    """29 March 2026: Prague's clocks go from 02:00 to 03:00; 02:30 never happens."""
    refused = signed_in(supervisor).post(
        "/desk/staffing/shifts/add",
        {"agent": eva.pk, "day": "2026-03-29", "start": "02:30", "end": "08:00"},
    )
    assert refused.status_code == 400
    assert "2026-03-29 02:30 does not exist in Europe/Prague (the clocks skip it)." in refused.text
    assert not Shift.objects.exists()


def test_the_wall_says_when_the_latest_plan_does_not_cover_this_hour(supervisor):
    made = datetime(2026, 1, 5, 1, 40, tzinfo=UTC)
    PlanRun.objects.create(
        started_at=made - timedelta(minutes=5),
        finished_at=made,
        status="done",
        horizon_start=datetime(2026, 1, 5, tzinfo=UTC),
        history_start=datetime(2024, 1, 5, tzinfo=UTC),
    )
    page = signed_in(supervisor).get("/desk/wall").content.decode()
    # Made at 01:40 UTC, shown in Prague time (UTC+1 in January).
    assert re.search(r"The latest plan \(made on Jan 5, 2026, 2:40:00\WAM\) does not cover", page)
    assert '<a href="/desk/staffing/">Make a new one on the staffing page.</a>' in page


def test_a_week_of_a_year_far_off_shows_this_week(supervisor):
    http = signed_in(supervisor)
    for week in ("9999-W52", "0001-W01"):
        page = http.get(PAGE, {"week": week})
        assert page.status_code == 200, week
        assert "Next week" in page.text
        assert http.get("/desk/staffing/shifts.csv", {"week": week}).status_code == 200, week
        assert http.get(PAGE, {"week": week, "propose": "1"}).status_code == 200, week
