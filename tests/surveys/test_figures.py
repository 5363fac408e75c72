"""The conversation survey in the KPIs: CSAT and NPS by channel (the calls' keypad survey
beside it), language and category, both surveys by the handling agent's team, on the portal's
dashboard and in the PDF report."""

from datetime import date

import pytest

from accounts.models import Team, User
from conversations.models import Conversation
from reporting.figures import Period
from reporting.models import KpiSnapshot, Report
from reporting.selectors import satisfaction_by_team_for_period, satisfaction_figures_for_period
from reporting.services import kpis_for_month, report_generate
from reporting.snapshots import FORMAT_VERSION, kpis_encode
from surveys.models import Survey
from telephony.voice.models import Call
from tests.support.factories import UserFactory
from tests.support.pdf import text_of
from tests.support.portal import signed_in
from tests.support.reporting import local, october_at_client_a, october_calls_at_client_a
from tests.support.tenancy import in_schema

pytestmark = pytest.mark.django_db
OCTOBER = {"year": 2026, "month": 10, "time_zone": "Europe/Prague"}


@pytest.fixture
def october_surveys(two_clients):
    """October at client A (tests.support.reporting) with these surveys:

    | conversation | channel | language | category | sent | rated | NPS | handled by |
    | 1 | email | cs | delivery | 1 Oct 13:00 | 5, on 2 Oct | 10 | Alma (Alpha) |
    | 2 | chat | cs | delivery | 6 Oct 13:00 | 2, on 6 Oct | - | Bela (Beta) |
    | 4 | sms | cs | (none) | 29 Oct 10:00 | - | - | - |
    | 3 | email | sk | returns | 30 Sep 10:00 (Sep) | 4, on 1 Oct 0:30 (Oct) | 3 | Nora (none) |
    | 0 | email | cs | returns | 1 Oct 10:00 | 1, on 1 Nov 0:10 (Nov) | 0 | Alma |

    and the calls' keypad answers (CSAT, NPS) in October: (5, 10) and (4, 9) answered by
    Alma, (2, 3) by Bela.
    """
    scenario = october_at_client_a(two_clients.a)
    calls = october_calls_at_client_a(two_clients.a)
    alpha, beta = Team.objects.create(name="Alpha"), Team.objects.create(name="Beta")
    alma = UserFactory(role=User.Role.AGENT, team=alpha)
    bela = UserFactory(role=User.Role.AGENT, team=beta)
    nora = UserFactory(role=User.Role.AGENT)
    rows = [
        (1, local(10, 1, 13), 5, local(10, 2, 9), 10, alma),
        (2, local(10, 6, 13), 2, local(10, 6, 14), None, bela),
        (4, local(10, 29, 10), None, None, None, None),
        (3, local(9, 30, 10), 4, local(10, 1, 0, 30), 3, nora),
        (0, local(10, 1, 10), 1, local(11, 1, 0, 10), 0, alma),
    ]
    with in_schema(two_clients.a):
        for number, sent, rating, rated, nps, agent in rows:
            conversation = scenario.conversations[number]
            Conversation.objects.filter(pk=conversation.pk).update(assignee=agent)
            Survey.objects.create(
                conversation=conversation,
                channel=conversation.channel,
                language=conversation.language,
                state="sent",
                created_at=sent,
                rating=rating,
                rated_at=rated,
                answered_via="link" if rating else "",
                nps=nps,
            )
        for number, agent in [(1, alma), (2, alma), (3, bela)]:
            Call.objects.filter(pk=calls[number].pk).update(agent=agent)
    return scenario


def test_the_answers_given_in_the_month_by_channel_language_and_category(
    two_clients, october_surveys
):
    with in_schema(two_clients.a):
        figures = satisfaction_figures_for_period(
            client=two_clients.a, period=Period.month(**OCTOBER)
        )

    assert figures.totals.answers == {1: 0, 2: 1, 3: 0, 4: 1, 5: 1}
    assert str(figures.totals.average) == "3.67"
    assert str(figures.totals.satisfied_rate) == "0.6667"
    by_channel = {code: f.answers for code, f in figures.by["channel"]}
    assert by_channel == {
        "email": {1: 0, 2: 0, 3: 0, 4: 1, 5: 1},
        "chat": {1: 0, 2: 1, 3: 0, 4: 0, 5: 0},
    }
    assert [(code, f.count) for code, f in figures.by["language"]] == [("cs", 2), ("sk", 1)]
    assert [(code, f.count) for code, f in figures.by["category"]] == [
        ("delivery", 2),
        ("returns", 1),
    ]
    # Sent in October: #1, #2, #4 (and #0); answered of them so far: #1, #2, #0.
    assert (figures.sent, figures.answered_of_sent) == (4, 3)
    assert str(figures.response_rate) == "0.7500"


def test_nps_answers_count_in_the_month_of_their_rating_by_every_split(
    two_clients, october_surveys
):
    with in_schema(two_clients.a):
        figures = satisfaction_figures_for_period(
            client=two_clients.a, period=Period.month(**OCTOBER)
        )

    # October's ratings: #1 (NPS 10), #2 (none), #3 (3); #0's 0 came with its November rating.
    assert (figures.nps_totals.count, figures.nps_totals.promoters) == (2, 1)
    assert str(figures.nps_totals.score) == "0.0"
    by_channel = {code: (f.count, f.score) for code, f in figures.nps_by["channel"]}
    assert {code: (n, str(score)) for code, (n, score) in by_channel.items() if n} == {
        "email": (2, "0.0")
    }
    assert [code for code, _f in figures.nps_by["language"]] == ["cs", "sk"]
    groups = dict(figures.groups("language"))
    assert (groups["cs"].csat.count, groups["cs"].nps.count) == (2, 1)
    assert str(groups["sk"].nps.score) == "-100.0"


def test_both_surveys_split_by_the_team_of_the_agent_who_handled_them(two_clients, october_surveys):
    with in_schema(two_clients.a):
        teams = satisfaction_by_team_for_period(
            client=two_clients.a, period=Period.month(**OCTOBER)
        )

    assert [team for team, _group in teams] == ["Alpha", "Beta", ""]
    alpha, beta, no_team = (group for _team, group in teams)
    # Alpha: e-mail #1 (5, NPS 10) and calls 1 and 2 (5, 10; 4, 9).
    assert alpha.csat.answers == {1: 0, 2: 0, 3: 0, 4: 1, 5: 2}
    assert (alpha.nps.count, str(alpha.nps.score)) == (3, "100.0")
    # Beta: chat #2 (2, no NPS) and call 3 (2, 3).
    assert beta.csat.answers == {1: 0, 2: 2, 3: 0, 4: 0, 5: 0}
    assert (beta.nps.count, str(beta.nps.score)) == (1, "-100.0")
    # No team: #3, handled by an agent of no team (4, NPS 3).
    assert (no_team.csat.count, no_team.nps.count, str(no_team.nps.score)) == (1, 1, "-100.0")


def test_a_month_stored_before_nps_and_teams_is_recomputed_with_them(two_clients, october_surveys):
    closed = local(11, 3, 1)
    with in_schema(two_clients.a):
        now = kpis_for_month(client=two_clients.a, month=date(2026, 10, 1), now=closed)
        # The row as format 1 stored it: no NPS of the conversation survey, no team split.
        old = kpis_encode(now)
        old.pop("satisfaction_by_team")
        old["satisfaction"].pop("nps_totals")
        old["satisfaction"].pop("nps_by")
        KpiSnapshot.objects.update(format_version=1, figures=old)
        again = kpis_for_month(client=two_clients.a, month=date(2026, 10, 1), now=closed)
        assert KpiSnapshot.objects.get().format_version == FORMAT_VERSION
    assert again.satisfaction is not None and again.satisfaction.nps_totals.count == 2
    assert [team for team, _group in again.satisfaction_by_team] == ["Alpha", "Beta", ""]


def test_a_month_without_surveys_has_no_figures(two_clients, october_surveys):
    with in_schema(two_clients.a):
        august = Period.month(year=2026, month=8, time_zone="Europe/Prague")
        assert satisfaction_figures_for_period(client=two_clients.a, period=august) is None


def test_the_dashboard_shows_csat_of_every_channel_side_by_side(
    two_clients, october_surveys, user_a
):
    html = signed_in(two_clients.a, user_a).get("/?month=2026-10").text
    section = html[html.index('id="satisfaction"') :]
    channel_table = section[: section.index("</table>")]
    rows = [row.split("</td>")[0] for row in channel_table.split("<tr><td>")[1:]]
    assert rows == ["E-mail", "Chat", "Phone call", "All channels"]
    # The calls' keypad survey: 5, 4 and 2 -> 3.67, beside the e-mail's 4.50.
    assert "4.50" in channel_table and "3.67" in channel_table
    # Every channel: CSAT 5, 2, 4 and 5, 4, 2 (3.67 of 6); NPS 10, 3 and 10, 9, 3 (3
    # promoters, 2 detractors of 5: 20.0), the PDF's headline figures.
    total = channel_table[channel_table.index("<tr><td>All channels") :]
    assert '<td class="num">6</td><td class="num">3.67</td>' in total
    assert '<td class="num">20.0</td><td class="num">5</td></tr>' in total
    assert "Surveys sent after resolved conversations: 4, response rate 75.0" in section
    assert 'id="satisfaction-language"' in section and 'id="satisfaction-category"' in section
    teams = section[section.index('id="satisfaction-team"') :]
    teams = teams[: teams.index("</table>")]
    assert [row.split("</td>")[0] for row in teams.split("<tr><td>")[1:]] == [
        "Alpha",
        "Beta",
        "No team",
    ]
    # The brackets never wrap.
    assert "NPS (-100\xa0to\xa0100)" in teams and "100.0" in teams and "-100.0" in teams


def test_the_report_has_a_satisfaction_section(two_clients, october_surveys):
    with in_schema(two_clients.a):
        report_generate(client=two_clients.a, month=date(2026, 10, 1), now=local(11, 5, 12))
        text = text_of(bytes(Report.objects.get().pdf))
    assert "Spokojenost zákazníků" in text
    assert "Spokojenost podle kanálu" in text and "Spokojenost podle kategorie" in text
    assert "E-mail 2 4,50" in text  # two answers, an average of 4.50 (Czech decimals)
    # Every channel (the dashboard's "All channels" row), also on the first page.
    assert "Všechny kanály 6 3,67" in text
    first = " ".join(text[: text.index("Kontakty podrobně")].split())
    assert "CSAT, průměrné hodnocení (1\u20135) 3,67" in first
    assert "NPS (\u2212100 až 100) 20,0" in first
    assert "Spokojenost podle týmu" in text and "Bez týmu" in text
    assert "Alpha 3 4,67" in text
