"""The shift proposal on the supervisors' shifts page: proposed, accepted one by one or all
at once, refused when the week changed since."""

from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client as HttpClient

from accounts.models import User
from audit.models import AuditEvent
from staffing.models import Shift
from staffing.services import shift_add
from tests.support.desk import agent_with, signed_in, table_rows
from tests.support.factories import UserFactory
from tests.support.staffing import plan_requiring
from tests.support.tenancy import host_of

pytestmark = pytest.mark.django_db

PAGE = "/desk/staffing/shifts/"
ACCEPT = "/desk/staffing/shifts/accept"
H = timedelta(hours=1)
# The page proposes from now on: a week far ahead (2099-W45, Monday 2 November) is whole.
WEEK = {"week": "2099-W45", "propose": "1"}
TUESDAY_8 = datetime(2099, 11, 3, 7, tzinfo=UTC)  # 08:00 in Budapest


def tuesday_plan() -> None:
    """One Hungarian agent required on Tuesday from 08:00 to 16:00 in Budapest."""
    plan_requiring(
        {"hu": [TUESDAY_8 + n * H for n in range(8)]},
        horizon_start=datetime(2099, 11, 1, tzinfo=UTC),
    )


@pytest.fixture
def supervisor(two_clients):
    return agent_with(
        [two_clients.a],
        {"cs": "native"},
        is_staff=True,
        username="boss",
        time_zone="Europe/Budapest",
    )


@pytest.fixture
def ildi(two_clients):
    return agent_with([two_clients.a], {"hu": "native"}, username="ildi")


def accept_fields(*shifts: tuple[User, datetime, datetime]) -> dict[str, list[str]]:
    return {
        "week": ["2099-W45"],
        "agent": [str(agent.pk) for agent, _starts, _ends in shifts],
        "starts_at": [starts.isoformat() for _agent, starts, _ends in shifts],
        "ends_at": [ends.isoformat() for _agent, _starts, ends in shifts],
    }


def test_agents_and_portal_users_are_refused(two_clients, ildi):
    tuesday_plan()
    agent = signed_in(agent_with([two_clients.a], {"hu": "native"}))
    assert agent.get(PAGE, WEEK).status_code == 403
    assert agent.post(ACCEPT, accept_fields((ildi, TUESDAY_8, TUESDAY_8 + 8 * H))).status_code == (
        403
    )
    portal_user = UserFactory(role=User.Role.CLIENT, client=two_clients.a)
    assert signed_in(portal_user).get(PAGE, WEEK).status_code == 403
    portal = HttpClient(HTTP_HOST=host_of(two_clients.a))
    portal.force_login(portal_user)
    assert portal.get(PAGE, WEEK).status_code == 404
    assert portal.post(ACCEPT, {}).status_code == 404
    assert not Shift.objects.exists()


def test_the_page_proposes_a_shift_in_the_supervisors_zone_and_stores_nothing(supervisor, ildi):
    tuesday_plan()
    http = signed_in(supervisor)

    plain = http.get(PAGE, {"week": "2099-W45"}).content.decode()
    page = http.get(PAGE, WEEK)

    assert "proposal-shifts" not in plain
    assert page.status_code == 200
    html = page.content.decode()
    # 07:00-15:00 UTC is 08:00-16:00 in Budapest.
    assert table_rows(html, "proposal-shifts") == [
        ["ildi", "Tue 3. 11.", "08:00–16:00", "hu", "8", "Accept"]
    ]
    assert table_rows(html, "proposal-gaps") == [["Magyar (Hungarian)", "8", "0"]]
    assert 'value="2099-11-03T07:00:00+00:00"' in html
    assert not Shift.objects.exists()


def test_the_page_says_when_there_is_no_plan(supervisor, ildi):
    page = signed_in(supervisor).get(PAGE, WEEK).content.decode()

    assert "No staffing plan has been made yet: the proposal needs one." in page


def test_accepting_all_stores_the_shifts_as_proposed_and_audited(supervisor, ildi, two_clients):
    anna = agent_with([two_clients.a], {"hu": "native"}, username="anna")
    tuesday, wednesday = (TUESDAY_8, TUESDAY_8 + 8 * H), (TUESDAY_8 + 24 * H, TUESDAY_8 + 30 * H)

    answer = signed_in(supervisor).post(ACCEPT, accept_fields((ildi, *tuesday), (anna, *wednesday)))

    assert answer.status_code == 302
    assert answer["Location"] == "/desk/staffing/shifts/?week=2099-W45"
    assert list(Shift.objects.values_list("agent", "starts_at", "ends_at", "source")) == [
        (ildi.pk, *tuesday, "proposed"),
        (anna.pk, *wednesday, "proposed"),
    ]
    audited = AuditEvent.objects.filter(object_type="shift", action="shift_added")
    assert sorted((event.actor_id, event.details["source"]) for event in audited) == [
        (supervisor.pk, "proposed"),
        (supervisor.pk, "proposed"),
    ]


def test_accepting_one_shift_shows_the_rest_of_the_proposal_again(supervisor, ildi):
    tuesday_plan()
    http = signed_in(supervisor)

    answer = http.post(
        ACCEPT, {**accept_fields((ildi, TUESDAY_8, TUESDAY_8 + 8 * H)), "propose": "1"}
    )

    assert answer["Location"] == "/desk/staffing/shifts/?week=2099-W45&propose=1#proposal"
    page = http.get(PAGE, WEEK).content.decode()
    assert "No gaps: the shifts cover what the plan requires for the rest of the week." in page


def test_an_overlap_since_the_proposal_refuses_all_in_words(supervisor, ildi, two_clients):
    tuesday_plan()
    anna = agent_with([two_clients.a], {"hu": "native"}, username="anna")
    # Made meanwhile by another supervisor: 10:00-12:00 in Budapest, on ildi's Tuesday.
    shift_add(agent=ildi, starts_at=TUESDAY_8 + 2 * H, ends_at=TUESDAY_8 + 4 * H, by=supervisor)
    wednesday = (TUESDAY_8 + 24 * H, TUESDAY_8 + 32 * H)

    answer = signed_in(supervisor).post(
        ACCEPT, accept_fields((anna, *wednesday), (ildi, TUESDAY_8, TUESDAY_8 + 8 * H))
    )

    assert answer.status_code == 400
    assert (
        "Nothing was stored: ildi is already on shift from 2099-11-03 10:00 to 2099-11-03 12:00."
        in answer.content.decode()
    )
    assert Shift.objects.count() == 1  # the one made meanwhile; anna's Wednesday not stored
    assert not Shift.objects.filter(agent=anna).exists()
    # A new proposal: ildi covers 10-12 and rests; anna alone can cover 08-10 and 12-16.
    assert table_rows(answer.content.decode(), "proposal-shifts") == [
        ["anna", "Tue 3. 11.", "08:00–16:00", "hu", "6", "Accept"]
    ]


@pytest.mark.parametrize(
    "fields",
    [
        {"agent": ["1", "2"], "starts_at": ["2099-11-03T07:00:00+00:00"], "ends_at": ["x"]},
        {"agent": ["x"], "starts_at": ["2099-11-03T07:00:00+00:00"], "ends_at": ["x"]},
        {"agent": ["0"], "starts_at": ["2099-11-03T07:00"], "ends_at": ["2099-11-03T15:00"]},
        {},
    ],
)
def test_an_accept_form_that_cannot_be_read_stores_nothing(supervisor, ildi, fields):
    if fields.get("agent") == ["0"]:
        fields = {**fields, "agent": [str(ildi.pk)]}  # naive times

    answer = signed_in(supervisor).post(ACCEPT, fields)

    assert answer.status_code == 400
    assert "Nothing was stored: The proposal could not be read." in answer.content.decode()
    assert not Shift.objects.exists()
