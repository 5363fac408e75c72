"""The demo's satisfaction surveys: every demo client has answers on e-mail and on chat or
SMS (and NPS answers on e-mail), seeded once (the demo is seeded twice); its agents' teams."""

import pytest

from accounts.models import Team, User
from demo.cast import DEMO_CLIENTS, DEMO_TEAMS
from reporting.figures import Period
from reporting.selectors import satisfaction_by_team_for_period, satisfaction_figures_for_period
from surveys.models import Survey
from tenants.models import Client
from tests.support.tenancy import in_schema

pytestmark = pytest.mark.django_db


def test_every_demo_client_has_survey_answers_on_email_and_chat_or_sms(demo_seeded):
    assert "surveys of bohemia-shoes:" in demo_seeded.output
    for client in Client.objects.filter(slug__in=[d.slug for d in DEMO_CLIENTS]):
        with in_schema(client):
            answered = Survey.objects.filter(rating__isnull=False)
            channels = set(answered.values_list("channel", flat=True))
            assert "email" in channels and channels & {"chat", "sms"}, client.slug
            # One survey per conversation, however often the demo was seeded.
            assert Survey.objects.count() == len(set(Survey.objects.values_list("conversation")))
            assert answered.filter(channel="email", answered_via="link").exists()
            assert not answered.filter(channel__in=["chat", "sms"], answered_via="link").exists()
            newest = answered.latest("rated_at").rated_at
            month = Period.month_of(
                day=newest.astimezone(client.tz).date(), time_zone=client.time_zone
            )
            figures = satisfaction_figures_for_period(client=client, period=month)
            teams = satisfaction_by_team_for_period(client=client, period=month)
            # The e-mail page's NPS question, answered only there and only after a rating.
            assert answered.filter(nps__isnull=False).exists(), client.slug
            assert not Survey.objects.filter(nps__isnull=False, channel__in=["chat", "sms"])
        assert figures is not None and figures.totals.count > 0
        assert teams and sum(g.csat.count for _team, g in teams) >= figures.totals.count


def test_the_demo_agents_have_their_teams_and_one_has_none(demo_seeded):
    assert sorted(Team.objects.values_list("name", flat=True)) == sorted(
        name for name, _lead, _members in DEMO_TEAMS
    )
    for name, lead, members in DEMO_TEAMS:
        team = Team.objects.get(name=name)
        assert team.lead is not None and team.lead.username == lead
        assert sorted(team.members.values_list("username", flat=True)) == sorted(members)
    assert User.objects.filter(username="andrei", team__isnull=True).exists()
