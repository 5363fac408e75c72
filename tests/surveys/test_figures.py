"""The conversation survey in the KPIs: CSAT by channel (the calls' keypad survey beside it),
language and category, on the portal's dashboard and in the PDF report."""

from datetime import date

import pytest

from reporting.figures import Period
from reporting.models import Report
from reporting.selectors import satisfaction_figures_for_period
from reporting.services import report_generate
from surveys.models import Survey
from tests.support.pdf import text_of
from tests.support.portal import signed_in
from tests.support.reporting import local, october_at_client_a, october_calls_at_client_a
from tests.support.tenancy import in_schema

pytestmark = pytest.mark.django_db
OCTOBER = {"year": 2026, "month": 10, "time_zone": "Europe/Prague"}


@pytest.fixture
def october_surveys(two_clients):
    """October at client A (tests.support.reporting) with these surveys:

    | conversation | channel | language | category | sent | rated |
    | 1 | email | cs | delivery | 1 Oct 13:00 | 5, on 2 Oct |
    | 2 | chat | cs | delivery | 6 Oct 13:00 | 2, on 6 Oct |
    | 4 | sms | cs | (none) | 29 Oct 10:00 | - |
    | 3 | email | sk | returns | 30 Sep 10:00 (September) | 4, on 1 Oct 0:30 (October) |
    | 0 | email | cs | returns | 1 Oct 10:00 | 1, on 1 Nov 0:10 (November) |
    """
    scenario = october_at_client_a(two_clients.a)
    october_calls_at_client_a(two_clients.a)  # keypad answers 5, 4, 2 in October
    rows = [
        (1, local(10, 1, 13), 5, local(10, 2, 9)),
        (2, local(10, 6, 13), 2, local(10, 6, 14)),
        (4, local(10, 29, 10), None, None),
        (3, local(9, 30, 10), 4, local(10, 1, 0, 30)),
        (0, local(10, 1, 10), 1, local(11, 1, 0, 10)),
    ]
    with in_schema(two_clients.a):
        for number, sent, rating, rated in rows:
            conversation = scenario.conversations[number]
            Survey.objects.create(
                conversation=conversation,
                channel=conversation.channel,
                language=conversation.language,
                state="sent",
                created_at=sent,
                rating=rating,
                rated_at=rated,
                answered_via="link" if rating else "",
            )
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
    assert rows == ["E-mail", "Chat", "Phone call"]
    # The calls' keypad survey: 5, 4 and 2 -> 3.67, beside the e-mail's 4.50.
    assert "4.50" in channel_table and "3.67" in channel_table
    assert "Surveys sent after resolved conversations: 4, response rate 75.0" in section
    assert 'id="satisfaction-language"' in section and 'id="satisfaction-category"' in section


def test_the_report_has_a_satisfaction_section(two_clients, october_surveys):
    with in_schema(two_clients.a):
        report_generate(client=two_clients.a, month=date(2026, 10, 1), now=local(11, 5, 12))
        text = text_of(bytes(Report.objects.get().pdf))
    assert "Spokojenost zákazníků" in text
    assert "Spokojenost podle kanálu" in text and "Spokojenost podle kategorie" in text
    assert "E-mail 2 4,50" in text  # two answers, an average of 4.50 (Czech decimals)
