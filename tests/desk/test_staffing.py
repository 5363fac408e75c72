"""The supervisors' staffing page and its CSV, read from a plan built by hand: who may open
them, the numbers each hour shows, the gaps and spare agents in words, and the pools'
inputs and backtests."""

import csv
import io
import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from accounts.models import User
from routing.models import WorkItem
from staffing.models import Absence, ContactHour, PlanHour, PlanPool, PlanRun, Shift
from tests.support.desk import agent_with, signed_in, table_rows
from tests.support.factories import UserFactory

pytestmark = pytest.mark.django_db

# Week 2026-W45: Monday 2 November 2026 is in Prague's winter time (UTC+1), so Monday 09:00
# local is 08:00 UTC.
MONDAY_9_UTC = datetime(2026, 11, 2, 8, tzinfo=UTC)
WEEK = "2026-W45"


def at(hours: int) -> datetime:
    return MONDAY_9_UTC + timedelta(hours=hours)


@pytest.fixture
def supervisor(two_clients) -> User:
    return agent_with([two_clients.a], {"cs": "native"}, is_staff=True, time_zone="Europe/Prague")


@pytest.fixture
def plan(two_clients) -> PlanRun:
    """A plan of the Hungarian pool (calls and e-mail) and a quieter Czech one, 20 %
    shrinkage: at Monday 09:00 local, (3.0 + 0.6) / 0.8 = 4.5, so 5 agents on shift; at
    10:00, (1.0 + 0.6) / 0.8 = 2 agents."""
    run = PlanRun.objects.create(
        started_at=datetime(2026, 11, 1, 22, tzinfo=UTC),
        finished_at=datetime(2026, 11, 1, 22, 3, tzinfo=UTC),
        status=PlanRun.Status.DONE,
        horizon_start=datetime(2026, 11, 1, 23, tzinfo=UTC),
        horizon_hours=28 * 24,
        history_start=datetime(2024, 11, 1, 23, tzinfo=UTC),
        settings_used={"shrinkage": 20},
    )
    calls = PlanPool.objects.create(
        run=run,
        language="hu",
        channel="call",
        handle_seconds=312.0,
        patience_seconds=95.0,
        history_contacts=5400,
        model_name="ETS",
        backtest_mape=0.081,
        backtest_bias=0.012,
        baseline_mape=0.124,
        baseline_bias=-0.03,
    )
    email = PlanPool.objects.create(
        run=run, language="hu", channel="email", handle_seconds=360.0, promise_hours=24.0
    )
    czech = PlanPool.objects.create(run=run, language="cs", channel="call", handle_seconds=300.0)
    PlanHour.objects.bulk_create(
        [
            PlanHour(pool=calls, hour=at(0), forecast=12.0, baseline=10.0, agents=3.0),
            PlanHour(pool=email, hour=at(0), forecast=4.0, baseline=5.0, agents=0.6),
            PlanHour(pool=calls, hour=at(1), forecast=3.0, baseline=2.5, agents=1.0),
            PlanHour(pool=email, hour=at(1), forecast=4.0, baseline=4.0, agents=0.6),
            PlanHour(pool=czech, hour=at(0), forecast=1.0, baseline=1.0, agents=0.5),
        ]
    )
    return run


@pytest.fixture
def shifts(two_clients):
    """Hungarian speakers on shift: two from 08:00 to 10:00 UTC, one from 09:00, one whose
    first hour is an absence, and a basic speaker the pool does not count on."""
    speakers = [
        agent_with([two_clients.a], {"hu": level})
        for level in ("native", "fluent", "native", "native", "basic")
    ]
    first, second, third, absent, basic = speakers
    for agent, starts in ((first, 0), (second, 0), (third, 1), (absent, 0), (basic, 0)):
        Shift.objects.create(agent=agent, starts_at=at(starts), ends_at=at(2))
    Absence.objects.create(agent=absent, starts_at=at(-1), ends_at=at(1))


@pytest.fixture
def history(two_clients):
    """What came at Monday 09:00 local: 9 + 2 Hungarian calls (two clients), 3 e-mails."""
    for client, channel, contacts in (
        (two_clients.a, "call", 9),
        (two_clients.b, "call", 2),
        (two_clients.a, "email", 3),
    ):
        ContactHour.objects.create(
            client=client, language="hu", channel=channel, hour=at(0), contacts=contacts
        )


def page(http, **query) -> str:
    response = http.get("/desk/staffing/", {"week": WEEK, **query})
    assert response.status_code == 200
    return response.content.decode()


def test_an_agent_who_is_not_a_supervisor_gets_the_refusal_page(two_clients, plan):
    agent = agent_with([two_clients.a], {"hu": "native"})
    for path in ("/desk/staffing/", "/desk/staffing/plan.csv", "/desk/staffing/what-if/"):
        response = signed_in(agent).get(path)
        assert response.status_code == 403, path
        assert "This page is for supervisors." in response.text
        assert "Hungarian" not in response.text and "ETS" not in response.text


def test_a_client_portal_user_is_refused(two_clients, plan):
    portal_user = UserFactory(role=User.Role.CLIENT, client=two_clients.a)
    for path in ("/desk/staffing/", "/desk/staffing/plan.csv", "/desk/staffing/what-if/"):
        response = signed_in(portal_user).get(path)
        assert response.status_code == 403, path
        assert "ETS" not in response.text


def test_the_busiest_pool_and_its_hours_required_and_scheduled(supervisor, plan, shifts, history):
    text = page(signed_in(supervisor))
    assert 'aria-current="page" class="current">HU<' in text
    assert "Week 2026-W45 (2026-11-02 to 2026-11-08)" in text
    rows = table_rows(text, "hour-table")
    assert len(rows) == 168
    nine, ten, eleven = rows[9], rows[10], rows[11]
    # forecast, baseline, actual, agents per channel (call, chat, e-mail), required,
    # scheduled, the gap in words
    assert nine == ["16.0", "15.0", "14", "3.00", "–", "0.60", "5", "2", "Missing: 3"]
    assert ten == ["7.0", "6.5", "0", "1.00", "–", "0.60", "2", "4", "Spare: 2"]
    assert eleven == ["–", "–", "0", "–", "–", "–", "–", "0", ""]
    assert "Hours short of agents: 1 · Hours with agents to spare: 1" in text


def test_gaps_and_spare_agents_are_drawn_with_patterns_not_colour_alone(supervisor, plan, shifts):
    text = page(signed_in(supervisor))
    assert text.count('class="gap"') >= 1 and 'fill="url(#agents-chart-hatch)"' in text
    assert 'fill="url(#agents-chart-dots)"' in text
    assert "Mon 02.11. 09:00 · Required: 5 · Scheduled: 2 · Missing: 3" in text
    assert "Missing (hatched)" in text and "Spare (dotted)" in text


def test_the_pools_inputs_and_backtest_in_words(supervisor, plan):
    rows = table_rows(page(signed_in(supervisor)), "pool-table")
    assert len(rows) == 2
    call, email = rows
    assert call[0] == "312 s"
    assert call[1].startswith("Erlang A (callers wait 95 s on average before hanging up)")
    assert call[3] == "8.1 % (baseline 12.4 %), bias +1.2 %"
    assert email[2] == "24 business hours"
    assert email[3] == "Not enough history to tell."


def test_the_channel_switch_and_another_pool(supervisor, plan):
    http = signed_in(supervisor)
    calls = page(http, language="hu", channel="call")
    assert "Mon 02.11. 09:00 · Forecast: 12.0 · Baseline: 10.0" in calls
    czech = page(http, language="cs")
    assert table_rows(czech, "hour-table")[9][:2] == ["1.0", "1.0"]
    assert http.get("/desk/staffing/", {"language": "sk"}).status_code == 404
    assert http.get("/desk/staffing/", {"week": "2026-45"}).status_code == 400
    assert http.get("/desk/staffing/", {"channel": "fax"}).status_code == 400


def test_the_latest_failed_run_shows_its_error(supervisor, plan):
    PlanRun.objects.create(
        started_at=datetime(2026, 11, 2, 22, tzinfo=UTC),
        status=PlanRun.Status.FAILED,
        error="No history for any pool.",
        horizon_start=datetime(2026, 11, 2, 23, tzinfo=UTC),
        history_start=datetime(2024, 11, 2, 23, tzinfo=UTC),
    )
    text = page(signed_in(supervisor))
    assert "The latest plan, started at 2026-11-02 23:00, failed." in text
    assert 'Technical reason: <code lang="en">No history for any pool.</code>' in text
    # The plan before it is still shown.
    assert "Plan made 2026-11-01 23:03, for 2026-11-02 to 2026-11-29." in text


def test_no_plan_yet(supervisor):
    text = page(signed_in(supervisor))
    assert "There is no plan yet." in text and 'id="hour-table"' not in text


def test_the_csv_holds_every_pool_hour_by_hour_in_the_readers_zone(
    supervisor, plan, shifts, history
):
    response = signed_in(supervisor).get("/desk/staffing/plan.csv", {"week": WEEK})
    assert response.status_code == 200
    assert 'filename="staffing-plan-2026-W45.csv"' in response["Content-Disposition"]
    content = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(content)))
    assert rows[0] == [
        "language",
        "hour",
        "forecast_call",
        "forecast_chat",
        "forecast_email",
        "baseline_call",
        "baseline_chat",
        "baseline_email",
        "actual_call",
        "actual_chat",
        "actual_email",
        "agents_call",
        "agents_chat",
        "agents_email",
        "required_on_shift",
        "scheduled",
        "gap",
    ]
    assert len(rows) == 1 + 2 * 168  # hu first (the busiest), then cs
    assert rows[1 + 9] == [
        "hu",
        "2026-11-02T09:00:00+01:00",
        "12.00",
        "",
        "4.00",
        "10.00",
        "",
        "5.00",
        "11",
        "0",
        "3",
        "3.00",
        "",
        "0.60",
        "5",
        "2",
        "3",
    ]
    assert rows[1 + 10][-3:] == ["2", "4", "-2"]
    assert rows[1 + 168 + 9][:3] == ["cs", "2026-11-02T09:00:00+01:00", "1.00"]


def test_a_week_across_the_change_of_time_has_its_local_hours(supervisor, plan):
    """The week of 25 October 2026 (Sunday: clocks back) has 169 local hours."""
    response = signed_in(supervisor).get("/desk/staffing/plan.csv", {"week": "2026-W43"})
    content = b"".join(response.streaming_content).decode("utf-8-sig")
    hours = [row[1] for row in csv.reader(io.StringIO(content))][1:]
    assert len(hours) == 2 * 169
    assert "2026-10-25T02:00:00+02:00" in hours and "2026-10-25T02:00:00+01:00" in hours


def test_a_supervisor_asks_for_a_new_plan_and_is_sent_back(supervisor, plan, history):
    """The task runs at once in the tests (eager): its run names who asked."""
    response = signed_in(supervisor).post("/desk/staffing/plan", follow=True)
    assert response.redirect_chain == [("/desk/staffing/", 302)]
    assert "A new plan is being made: reload this page in a minute or two." in response.text
    newest = PlanRun.objects.order_by("-started_at").first()
    assert newest is not None and newest.pk != plan.pk
    assert newest.requested_by == supervisor


def test_the_charts_coordinates_are_not_localized_for_a_czech_reader(two_clients, plan, shifts):
    """Czech writes 44,0: an SVG attribute written so is not a number and the chart breaks;
    the tooltips, for the reader, say 12,0."""
    czech = agent_with(
        [two_clients.a], {"cs": "native"}, is_staff=True, time_zone="Europe/Prague", language="cs"
    )
    text = page(signed_in(czech), language="hu", channel="call")
    coordinates = re.findall(r'\s(?:x|y|x1|x2|y1|y2|width|height)="([^"]*)"', text)
    assert len(coordinates) > 500
    assert [value for value in coordinates if "," in value] == []
    # Monday 09:00, 2 of 5 agents: an hour is 1148 / 168 = 6.83 wide, the bar 80 % of it
    # from 10 % in; 2 agents of a scale to 5 are 248 * 2 / 5 = 99.2 high above y = 260.
    assert '<rect class="scheduled" x="106.2" y="160.8" width="5.47" height="99.2"/>' in text
    assert 'text-anchor="end">2,5</text>' in text  # the agents' scale: 0, 2,5 and 5
    titles = re.findall(r"<title>([^<]*)</title>", text)
    assert any("12,0" in title and "10,0" in title for title in titles)


def test_past_hours_show_the_day_ahead_forecast_not_a_later_plans(supervisor, plan):
    """A plan made on Monday at 09:30 is the latest, but Monday's hours were forecast by
    Sunday night's plan (made before Monday began); Tuesday's by Monday's."""
    later = PlanRun.objects.create(
        started_at=datetime(2026, 11, 2, 9, 30, tzinfo=UTC),
        finished_at=datetime(2026, 11, 2, 9, 33, tzinfo=UTC),
        status=PlanRun.Status.DONE,
        horizon_start=datetime(2026, 11, 2, 0, tzinfo=UTC),
        horizon_hours=28 * 24,
        history_start=datetime(2024, 11, 2, tzinfo=UTC),
        settings_used={"shrinkage": 0},
    )
    calls = PlanPool.objects.create(run=later, language="hu", channel="call", handle_seconds=300)
    PlanHour.objects.bulk_create(
        [
            PlanHour(pool=calls, hour=at(0), forecast=99.0, baseline=98.0, agents=9.0),
            PlanHour(pool=calls, hour=at(24), forecast=7.0, baseline=6.0, agents=2.0),
        ]
    )
    old_calls = PlanPool.objects.get(run=plan, language="hu", channel="call")
    PlanHour.objects.create(pool=old_calls, hour=at(24), forecast=5.0, baseline=5.0, agents=1.0)

    rows = table_rows(page(signed_in(supervisor), language="hu"), "hour-table")
    assert rows[9][:2] == ["16.0", "15.0"]  # Sunday night's plan: 12 calls + 4 e-mails
    assert rows[9][6] == "5"  # its agents, with its 20 % shrinkage
    assert rows[24 + 9][:2] == ["7.0", "6.0"]  # Monday's plan for Tuesday
    assert rows[24 + 9][6] == "2"  # 2 agents, no shrinkage


def test_the_actual_contacts_are_rolled_when_the_page_is_read(supervisor, plan):
    """A call that came two hours ago is counted although no nightly roll ran since."""
    now = timezone.now()
    came = now - timedelta(hours=2)
    WorkItem.objects.create(
        client=supervisor.served_clients.get(),
        channel="call",
        language="cs",
        source_kind="call",
        source_id=1,
        status="cancelled",
        waiting_since=came,
        closed_at=came + timedelta(seconds=30),
    )
    local = came.astimezone(ZoneInfo("Europe/Prague"))
    year, week, _day = local.isocalendar()
    response = signed_in(supervisor).get("/desk/staffing/plan.csv", {"week": f"{year}-W{week:02d}"})
    content = b"".join(response.streaming_content).decode("utf-8-sig")
    hour = local.replace(minute=0, second=0, microsecond=0).isoformat()
    found = [row for row in csv.reader(io.StringIO(content)) if row[:2] == ["cs", hour]]
    assert [row[8] for row in found] == ["1"]  # actual_call


def test_a_plan_being_made_is_shown_and_not_asked_for_twice(supervisor, plan):
    started = timezone.now() - timedelta(minutes=5)
    PlanRun.objects.create(
        started_at=started,
        horizon_start=started.replace(hour=0, minute=0, second=0, microsecond=0),
        history_start=datetime(2024, 11, 2, tzinfo=UTC),
    )
    http = signed_in(supervisor)
    text = page(http)
    assert 'id="plan-running"' in text and 'id="plan-request"' not in text
    when = started.astimezone(ZoneInfo("Europe/Prague")).strftime("%Y-%m-%d %H:%M")
    assert f"A new plan is being made (started at {when})" in text
    response = http.post("/desk/staffing/plan", follow=True)
    assert "A plan is being made already." in response.text
    assert PlanRun.objects.count() == 2


def test_a_run_stopped_long_ago_does_not_hide_the_button(supervisor, plan):
    started = timezone.now() - timedelta(hours=2)
    PlanRun.objects.create(
        started_at=started, horizon_start=started, history_start=datetime(2024, 11, 2, tzinfo=UTC)
    )
    text = page(signed_in(supervisor))
    assert 'id="plan-running"' not in text and 'id="plan-request"' in text


def test_a_week_of_a_year_far_off_is_refused_not_an_error(supervisor, plan):
    http = signed_in(supervisor)
    for week in ("9999-W52", "0001-W01", "1999-W52", "2101-W01"):
        assert http.get("/desk/staffing/", {"week": week}).status_code == 400, week
        assert http.get("/desk/staffing/plan.csv", {"week": week}).status_code == 400, week
    assert http.get("/desk/staffing/", {"week": "2100-W52"}).status_code == 200


def test_a_zone_half_an_hour_off_starts_its_week_at_the_utc_hour_it_falls_in(two_clients):
    """Monday 00:00 in Kolkata (UTC+5:30) is Sunday 18:30 UTC: the week's first row is
    the plan's hour from 18:00 UTC (23:30 local), the next the one from 19:00."""
    reader = agent_with([two_clients.a], {"hu": "native"}, is_staff=True, time_zone="Asia/Kolkata")
    run = PlanRun.objects.create(
        started_at=datetime(2026, 11, 1, 23, tzinfo=UTC),
        status=PlanRun.Status.DONE,
        horizon_start=datetime(2026, 11, 1, tzinfo=UTC),
        history_start=datetime(2024, 11, 1, tzinfo=UTC),
    )
    calls = PlanPool.objects.create(run=run, language="hu", channel="call", handle_seconds=300)
    PlanHour.objects.bulk_create(
        [
            PlanHour(
                pool=calls,
                hour=datetime(2026, 11, 1, 18, tzinfo=UTC),
                forecast=3.0,
                baseline=3.0,
                agents=1.0,
            ),
            PlanHour(
                pool=calls,
                hour=datetime(2026, 11, 1, 19, tzinfo=UTC),
                forecast=5.0,
                baseline=5.0,
                agents=1.0,
            ),
        ]
    )
    text = page(signed_in(reader), language="hu")
    rows = table_rows(text, "hour-table")
    assert [row[:1] for row in rows[:2]] == [["3.0"], ["5.0"]]
    assert "Sun 01.11. 23:30" in text
