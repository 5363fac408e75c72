"""Agent teams (agency-wide): kept by the agency's admin, one team per agent at most."""

import pytest
from django.core.exceptions import ValidationError

from accounts.models import Team, User
from accounts.services import team_ensure
from tests.support.desk import signed_in
from tests.support.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_team_is_made_once_and_an_agent_moved_into_it_leaves_the_former():
    jana, piotr = UserFactory(role=User.Role.AGENT), UserFactory(role=User.Role.AGENT)
    north = team_ensure(name="North", members=[jana, piotr], lead=jana)
    south = team_ensure(name="South", members=[piotr])
    again = team_ensure(name="North", members=[jana], lead=jana)

    assert again.pk == north.pk and Team.objects.count() == 2
    assert list(north.members.all()) == [jana]
    assert list(south.members.all()) == [piotr]
    assert north.lead == jana


def test_a_client_portal_user_is_in_no_team(two_clients):
    manager = UserFactory(role=User.Role.CLIENT, client=two_clients.a)
    with pytest.raises(ValidationError):
        team_ensure(name="North", members=[manager])
    assert not Team.objects.exists()


def test_the_agency_admin_keeps_teams_and_chooses_an_agents_team():
    admin = UserFactory(role=User.Role.ADMIN, is_staff=True, is_superuser=True)
    agent = UserFactory(role=User.Role.AGENT, username="lena")
    http = signed_in(admin)

    inline = {"members-TOTAL_FORMS": "0", "members-INITIAL_FORMS": "0"}
    added = http.post(
        "/admin/accounts/team/add/", {"name": "Danube", "lead": str(agent.pk)} | inline
    )
    assert added.status_code == 302, added.content
    team = Team.objects.get(name="Danube")
    User.objects.filter(pk=agent.pk).update(team=team)

    listing = http.get("/admin/accounts/team/")
    assert listing.status_code == 200 and "Danube" in listing.text
    page = http.get(f"/admin/accounts/team/{team.pk}/change/")
    assert page.status_code == 200 and "lena" in page.text  # its agents, listed
    assert 'name="team"' in http.get(f"/admin/accounts/user/{agent.pk}/change/").text
    # Deleting the team leaves its agents in none (their past answers count under "No team").
    http.post(f"/admin/accounts/team/{team.pk}/delete/", {"post": "yes"})
    agent.refresh_from_db()
    assert agent.team is None
