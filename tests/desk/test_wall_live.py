"""The live wall (SLA figures, calls and messages apart, agents' state and current item, the
drill-down), per-agent figures, the agent's settings and the collision notice."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import AgentRating, AgentSettings, User
from desk.selectors.agents import Period, agent_figures_public
from desk.selectors.wall import supervisor_wall_public, wall_items_public
from languages.models import AgentSkill
from routing.models import AgentState, WorkItem
from routing.services import agent_presence_set, agents_release_stale, work_enqueue
from surveys.models import Survey
from surveys.services import survey_rate
from tests.support.desk import agent_with, held_by, signed_in, table_rows
from tests.support.surveys import committed_resolution, sweep
from tests.support.tenancy import in_schema

pytestmark = pytest.mark.django_db

# The wall's pages count against the clock: the items are placed around the present.
NOW = timezone.now().replace(microsecond=0)


def item(client, language: str, source_id: int, *, channel: str = "email", **fields) -> WorkItem:
    """A waiting item; ``fields`` (due_at, warn_at, responded_at, ...) written as given."""
    made = work_enqueue(
        client=client,
        channel=channel,
        language=language,
        summary=f"Item {source_id}",
        source_kind="call" if channel == "call" else "conversation",
        source_id=source_id,
        waiting_since=fields.pop("waiting_since", NOW - timedelta(minutes=10)),
    )
    if fields:
        WorkItem.objects.filter(pk=made.pk).update(**fields)
        made.refresh_from_db()
    return made


@pytest.fixture
def sla_items(two_clients):
    """Client A (cs): a call, a breached e-mail, one at risk, one due within the hour, one
    answered late (not counted), one far; client B (pl): a breached e-mail held by an agent."""
    a, b = two_clients.a, two_clients.b
    return {
        "call": item(a, "cs", 1, channel="call", waiting_since=NOW - timedelta(minutes=3)),
        "breached": item(a, "cs", 2, due_at=NOW - timedelta(minutes=5)),
        "at_risk": item(
            a, "cs", 3, due_at=NOW + timedelta(hours=2), warn_at=NOW - timedelta(minutes=1)
        ),
        "due_soon": item(a, "cs", 4, due_at=NOW + timedelta(minutes=40), warn_at=NOW),
        "answered": item(a, "cs", 5, due_at=NOW - timedelta(hours=1), responded_at=NOW),
        "far": item(a, "cs", 6, due_at=NOW + timedelta(days=1)),
        "held": item(b, "pl", 7, due_at=NOW - timedelta(hours=3), status="assigned"),
    }


def test_the_wall_counts_sla_promises_and_calls_apart(two_clients, sla_items):
    wall = supervisor_wall_public(now=NOW)
    czech = next(line for line in wall.languages if line.key == "cs")
    assert (czech.waiting_calls, czech.waiting_messages, czech.waiting) == (1, 5, 6)
    assert czech.longest_wait == timedelta(minutes=10)
    # at risk: warned, not due yet (the one due within the hour was warned too)
    assert (czech.breached, czech.at_risk, czech.due_soon) == (1, 2, 1)
    polish = next(line for line in wall.languages if line.key == "pl")
    assert (polish.waiting, polish.breached) == (0, 1)  # held, still unanswered and late
    assert polish.longest_wait is None
    by_client = {line.key: line for line in wall.clients}
    # The client with a breach waits first; the query of its drill-down names it.
    assert [line.key for line in wall.clients] == ["Client A Obuv", "Client B Sklep"]
    assert by_client["Client B Sklep"].query == f"client={two_clients.b.pk}"
    assert wall.totals["breached"] == 2 and wall.totals["waiting_calls"] == 1


def test_every_number_drills_down_to_the_same_items(two_clients, sla_items):
    wall = supervisor_wall_public(now=NOW)
    for line in wall.languages + wall.clients:
        field, value = line.query.split("=")
        where = {"language": value} if field == "language" else {"client_id": int(value)}
        for show, count in [
            ("waiting", line.waiting),
            ("calls", line.waiting_calls),
            ("messages", line.waiting_messages),
            ("breached", line.breached),
            ("at_risk", line.at_risk),
            ("due_soon", line.due_soon),
        ]:
            found = wall_items_public(show=show, now=NOW, **where)
            assert found.total == count == len(found.items), (line.key, show)
    breached = wall_items_public(show="breached", now=NOW).items
    assert {found.pk for found in breached} == {sla_items["breached"].pk, sla_items["held"].pk}
    # Most urgent first: the one due earliest.
    assert breached[0].pk == sla_items["held"].pk


def test_the_walls_queries_do_not_grow_with_items_clients_or_agents(two_clients):
    def counted() -> int:
        with CaptureQueriesContext(connection) as captured:
            supervisor_wall_public(now=NOW)
        return len([q for q in captured.captured_queries if "search_path" not in q["sql"]])

    first = agent_with([two_clients.a], {"cs": "native"})
    held_by(item(two_clients.a, "cs", 10), first)
    few = counted()
    for n in range(5):
        holder = agent_with([two_clients.a, two_clients.b], {"pl": "native", "cs": "fluent"})
        held_by(item(two_clients.b, "pl", 20 + n, due_at=NOW), holder)
        item(two_clients.a, "cs", 30 + n, channel="call")
    assert counted() == few <= 8


def test_agents_state_time_in_it_and_current_item(two_clients):
    jana = agent_with([two_clients.a], {"cs": "native"}, first_name="Jana", last_name="Malá")
    AgentState.objects.filter(agent=jana).update(presence_since=NOW - timedelta(minutes=12))
    older = held_by(item(two_clients.a, "cs", 40), jana)
    newer = held_by(item(two_clients.a, "cs", 41, channel="chat"), jana)
    WorkItem.objects.filter(pk=older.pk).update(assigned_at=NOW - timedelta(minutes=30))
    WorkItem.objects.filter(pk=newer.pk).update(assigned_at=NOW - timedelta(minutes=4))
    line = next(a for a in supervisor_wall_public(now=NOW).agents if a.id == jana.pk)
    assert (line.presence, line.in_presence, line.held) == ("available", timedelta(minutes=12), 2)
    assert line.current is not None and line.current.id == newer.pk
    assert line.current.held_for == timedelta(minutes=4)


def test_a_change_of_presence_restarts_the_time_in_it(two_clients):
    agent = agent_with([two_clients.a], {"cs": "native"})
    agent_presence_set(agent=agent, presence="busy", now=NOW)
    agent_presence_set(agent=agent, presence="busy", now=NOW + timedelta(minutes=5))
    assert AgentState.objects.get(agent=agent).presence_since == NOW  # the same presence
    AgentState.objects.filter(agent=agent).update(heartbeat_at=NOW)
    agents_release_stale(now=NOW + timedelta(minutes=10))
    state = AgentState.objects.get(agent=agent)
    assert (state.presence, state.presence_since) == ("offline", NOW + timedelta(minutes=10))


def test_the_wall_updates_through_its_fragment_and_links_every_number(two_clients, sla_items):
    supervisor = agent_with([two_clients.a, two_clients.b], {"en": "native"}, is_staff=True)
    http = signed_in(supervisor)
    page = http.get("/desk/wall").text
    assert 'data-live-url="/desk/wall/live"' in page and "polydesk/desk_live.js" in page
    assert "refresh-seconds" not in page  # no reload any more
    fragment = http.get("/desk/wall/live")
    assert fragment.status_code == 200 and "<html" not in fragment.text
    assert f'href="/desk/wall/items?show=breached&amp;client={two_clients.b.pk}"' in fragment.text
    # A new item shows at the next poll.
    item(two_clients.b, "pl", 50)
    rows = table_rows("<div>" + http.get("/desk/wall/live").text + "</div>", "wall-languages")
    assert next(row for row in rows if row[0] == "pl")[1] == "1"


def test_the_drill_down_lists_links_and_refuses_bad_input(two_clients, sla_items):
    supervisor = agent_with([two_clients.a], {"en": "native"}, is_staff=True)
    http = signed_in(supervisor)
    page = http.get(f"/desk/wall/items?show=waiting&client={two_clients.a.pk}").text
    assert f'href="/desk/items/{sla_items["call"].pk}"' in page
    assert f'href="/desk/items/{sla_items["held"].pk}"' not in page  # client B's, not waiting
    assert http.get("/desk/wall/items?show=everything").status_code == 400
    assert http.get("/desk/wall/items?client=abc").status_code == 400
    assert http.get("/desk/wall/items?client=%C2%B2").status_code == 400  # "²": not int()
    assert http.get("/desk/wall/items?language=<script>").status_code == 400
    assert http.get("/desk/wall/items?client=999999").status_code == 404
    agent = agent_with([two_clients.a], {"cs": "native"})
    for url in ("/desk/wall/live", "/desk/wall/items"):
        assert signed_in(agent).get(url).status_code == 403


def test_a_staff_supervisor_reads_only_the_items_of_the_clients_they_serve(two_clients, sla_items):
    """The items' pages are 404 to a supervisor who does not serve their client: the wall
    names none of them either (counts stay agency-wide); agency admins see every client."""
    supervisor = agent_with([two_clients.a], {"en": "native"}, is_staff=True)
    holder = agent_with([two_clients.b], {"pl": "native"})
    WorkItem.objects.filter(pk=sla_items["held"].pk).update(agent=holder, assigned_at=NOW)
    http = signed_in(supervisor)

    assert http.get(f"/desk/wall/items?show=breached&client={two_clients.b.pk}").status_code == 404
    everything = http.get("/desk/wall/items?show=breached").text
    assert f'href="/desk/items/{sla_items["breached"].pk}"' in everything
    assert f'href="/desk/items/{sla_items["held"].pk}"' not in everything
    wall = http.get("/desk/wall/live").text
    assert sla_items["held"].summary not in wall
    # Its numbers count the supervisor's clients, as the lists behind them do.
    assert "Client B Sklep" not in wall
    polish = next(row for row in table_rows(wall, "wall-languages") if row[0] == "pl")
    assert polish[1] == "0" and polish[5] == "0"  # client B's breach is not counted
    admin = agent_with([], {"en": "native"}, role=User.Role.ADMIN)
    wall = signed_in(admin).get("/desk/wall/live").text
    assert sla_items["held"].summary in wall


def test_the_wall_lists_owned_email_of_an_offline_agent_whose_answer_falls_due(two_clients):
    """E-mail stays with its agent when they go away: the wall names it, for the clients
    the supervisor serves, so that someone available gets it before the promise breaks."""
    away = agent_with([two_clients.a, two_clients.b], {"cs": "native", "pl": "native"})
    late = item(two_clients.a, "cs", 80, due_at=NOW - timedelta(minutes=5), warn_at=NOW)
    other = item(two_clients.b, "pl", 81, due_at=NOW + timedelta(hours=1), warn_at=NOW)
    calm = item(two_clients.a, "cs", 82, due_at=NOW + timedelta(days=1))
    for work in (late, other, calm):
        WorkItem.objects.filter(pk=work.pk).update(agent=away, status="assigned", assigned_at=NOW)
    # Their desk went silent (agents_release_stale): offline, the e-mail still theirs.
    AgentState.objects.filter(agent=away).update(presence="offline")
    supervisor = agent_with([two_clients.a], {"en": "native"}, is_staff=True)

    rows = table_rows(signed_in(supervisor).get("/desk/wall/live").text, "owned-at-risk")

    assert [row[2] for row in rows] == ["Item 80"]  # client B's is not the supervisor's
    admin = agent_with([], {"en": "native"}, role=User.Role.ADMIN)
    rows = table_rows(signed_in(admin).get("/desk/wall/live").text, "owned-at-risk")
    assert [row[2] for row in rows] == ["Item 80", "Item 81"]  # due first; the calm one not


# --- per-agent figures -------------------------------------------------------------------


def done(client, agent, source_id, *, waited, answered_after, taken, closed) -> WorkItem:
    """An item of ``agent`` closed at ``closed`` (answered ``answered_after`` its start)."""
    start = closed - waited
    made = item(client, "cs", source_id, waiting_since=start)
    WorkItem.objects.filter(pk=made.pk).update(
        status="done",
        agent=agent,
        assigned_at=taken,
        closed_at=closed,
        responded_at=None if answered_after is None else start + answered_after,
    )
    return made


def test_first_response_runs_from_the_question_and_not_for_work_an_agent_started(two_clients):
    """A customer's new question on an answered, open item starts its own wait (its
    promise renewed at ``asked_at``); a new e-mail an agent wrote has no question at all."""
    jana = agent_with([two_clients.a], {"cs": "native"}, time_zone="UTC")
    monday = datetime(2026, 12, 7, 8, 0, tzinfo=UTC)
    minute = timedelta(minutes=1)
    renewed = done(
        two_clients.a,
        jana,
        70,
        waited=3 * 24 * 60 * minute,  # began to wait three days ago
        answered_after=3 * 24 * 60 * minute - 5 * minute,
        taken=monday - 10 * minute,
        closed=monday,
    )
    # The customer asked again 9 minutes before the answer that closed it.
    WorkItem.objects.filter(pk=renewed.pk).update(asked_at=monday - 14 * minute)
    started = done(
        two_clients.a,
        jana,
        71,
        waited=minute,
        answered_after=timedelta(0),
        taken=monday - minute,
        closed=monday,
    )
    WorkItem.objects.filter(pk=started.pk).update(asked_at=None)  # work_started_by_agent

    period = Period.of("day", monday.date(), "UTC")
    (line,) = agent_figures_public(period=period, agents=[jana])

    assert line.total.handled == 2
    assert line.total.first_response == timedelta(minutes=9)


def test_figures_per_agent_by_day_and_week(two_clients):
    jana = agent_with([two_clients.a], {"cs": "native"}, time_zone="Europe/Prague")
    other = agent_with([two_clients.a], {"cs": "native"})
    monday = datetime(2026, 12, 7, 8, 0, tzinfo=UTC)
    minute = timedelta(minutes=1)
    done(
        two_clients.a,
        jana,
        60,
        waited=20 * minute,
        answered_after=2 * minute,
        taken=monday - 10 * minute,
        closed=monday,
    )
    done(
        two_clients.a,
        jana,
        61,
        waited=30 * minute,
        answered_after=6 * minute,
        taken=monday - 4 * minute,
        closed=monday + minute,
    )
    done(
        two_clients.a,
        jana,
        62,
        waited=minute,
        answered_after=None,  # a call: no reply
        taken=monday - minute,
        closed=monday + 2 * minute,
    )
    # Sunday 23:30 UTC is already Monday 00:30 in Prague.
    late = datetime(2026, 12, 6, 23, 30, tzinfo=UTC)
    done(
        two_clients.a,
        jana,
        63,
        waited=10 * minute,
        answered_after=minute,
        taken=late - 2 * minute,
        closed=late,
    )
    done(
        two_clients.a, other, 64, waited=minute, answered_after=minute, taken=monday, closed=monday
    )
    for n, rating in enumerate([5, 4, 2]):
        AgentRating.objects.create(
            agent=jana,
            client=two_clients.a,
            channel="email",
            conversation_id=900 + n,
            rating=rating,
            rated_at=monday,
        )

    day = Period.of("day", date(2026, 12, 7), "Europe/Prague")
    with CaptureQueriesContext(connection) as captured:
        (line,) = agent_figures_public(period=day, agents=[jana])
    assert len([q for q in captured.captured_queries if "search_path" not in q["sql"]]) == 2
    total = line.total
    assert total.handled == 4 and total.answered == 3
    assert total.first_response == timedelta(minutes=2)  # median of 1, 2 and 6 minutes
    assert total.handle_time == timedelta(minutes=4)  # of 2, 3, 5 and 10 minutes
    assert (total.ratings, total.csat, total.satisfied_share) == (3, Decimal("3.67"), 67)
    week = Period.of("week", date(2026, 12, 10), "Europe/Prague")
    assert week.first == date(2026, 12, 7)
    (weekly,) = agent_figures_public(period=week, agents=[jana])
    assert weekly.total.handled == 4 and [f.handled for _day, f in weekly.by_day] == [4] + [0] * 6
    assert agent_figures_public(period=day.shifted(-1), agents=[jana])[0].total.handled == 0


def test_a_rating_reaches_the_agents_figures(two_clients, django_db_blocker):
    with committed_resolution(two_clients, django_db_blocker) as conversation:
        try:
            sweep(two_clients.a)
            with in_schema(two_clients.a):
                survey = Survey.objects.get(conversation=conversation)
                survey_rate(survey_id=survey.pk, rating=4, via="link")
                survey_rate(survey_id=survey.pk, rating=5, via="link")  # changed their mind
            rating = AgentRating.objects.get(conversation_id=conversation.pk)
            assert (rating.agent_id, rating.rating, rating.channel) == (
                conversation.assignee_id,
                5,
                "email",
            )
        finally:
            AgentRating.objects.filter(client=two_clients.a).delete()


def test_ratings_given_before_the_copy_are_copied_once(two_clients, django_db_blocker):
    with committed_resolution(two_clients, django_db_blocker) as conversation:
        try:
            sweep(two_clients.a)
            with in_schema(two_clients.a):
                # Rated the old way: on the survey only.
                Survey.objects.filter(conversation=conversation).update(
                    rating=2, rated_at=timezone.now(), answered_via="link"
                )
            assert not AgentRating.objects.filter(conversation_id=conversation.pk).exists()
            out = StringIO()
            call_command("agent_ratings_copy", stdout=out)
            call_command("agent_ratings_copy", stdout=out)  # again: nothing twice
            assert "client-a: 1 ratings" in out.getvalue()
            copied = AgentRating.objects.get(client=two_clients.a, conversation_id=conversation.pk)
            assert (copied.rating, copied.agent_id) == (2, conversation.assignee_id)
        finally:
            AgentRating.objects.filter(client=two_clients.a).delete()


def test_figures_pages_agents_see_their_own_supervisors_everyones(two_clients):
    jana = agent_with([two_clients.a], {"cs": "native"}, first_name="Jana", last_name="Malá")
    petr = agent_with([two_clients.a], {"cs": "native"}, first_name="Petr", last_name="Velký")
    supervisor = agent_with([], {"en": "native"}, is_staff=True)
    own = signed_in(jana).get("/desk/figures?period=week&date=2026-12-07")
    assert own.status_code == 200 and "Jana Malá" in own.text and "Petr" not in own.text
    assert len(table_rows(own.text, "agent-figures")) == 8  # seven days and the week
    assert signed_in(jana).get(f"/desk/figures?agent={petr.pk}").status_code == 403
    everyone = signed_in(supervisor).get("/desk/figures?period=day&date=2026-12-07").text
    names = [row[0] for row in table_rows(everyone, "agent-figures")]
    assert "Jana Malá" in names and "Petr Velký" in names
    assert signed_in(supervisor).get(f"/desk/figures?agent={petr.pk}").status_code == 200
    bad_ones = ("period=month", "date=2026-13-01", "date=abc", "agent=x", "agent=" + "9" * 30)
    for bad in (*bad_ones, "date=0001-01-01"):
        assert signed_in(jana).get(f"/desk/figures?{bad}").status_code == 400, bad


# --- settings ----------------------------------------------------------------------------


def test_an_agent_sets_language_and_notifications_but_not_skills(two_clients):
    agent = agent_with([two_clients.a], {"cs": "native"}, language="cs")
    http = signed_in(agent)
    page = http.get("/desk/settings").text
    assert 'name="skill-cs"' not in page and "Čeština" in page  # read-only for agents
    response = http.post(
        "/desk/settings",
        {
            "language": "",
            "call_sound": "on",
            "queue_desktop": "on",
            "skills": "1",
            "skill-de": "native",
        },
    )
    assert response.status_code == 302
    agent.refresh_from_db()
    assert agent.language == ""  # follows the browser again
    settings = AgentSettings.objects.get(agent=agent)
    assert (settings.call_sound, settings.call_desktop, settings.queue_desktop) == (
        True,
        False,
        True,
    )
    assert list(AgentSkill.objects.filter(agent=agent).values_list("language_id", flat=True)) == [
        "cs"
    ]
    german = http.get("/desk/settings", HTTP_ACCEPT_LANGUAGE="de").text
    assert "Einstellungen" in german
    assert http.post("/desk/settings", {"language": "xx"}).status_code == 400


def test_a_supervisor_changes_the_languages_they_speak(two_clients):
    supervisor = agent_with([], {"en": "native"}, is_staff=True)
    http = signed_in(supervisor)
    assert 'name="skill-cs"' in http.get("/desk/settings").text
    http.post(
        "/desk/settings",
        {"language": "en", "skills": "1", "skill-en": "native", "skill-cs": "fluent"},
    )
    skills = dict(
        AgentSkill.objects.filter(agent=supervisor).values_list("language_id", "proficiency")
    )
    assert skills == {"en": "native", "cs": "fluent"}
    assert http.post("/desk/settings", {"skills": "1", "skill-en": "godlike"}).status_code == 400


def test_the_desk_carries_the_notification_preferences(two_clients):
    agent = agent_with([two_clients.a], {"cs": "native"})
    AgentSettings.objects.create(agent=agent, chat_sound=False)
    page = signed_in(agent).get("/").text
    assert 'id="notify-preferences"' in page and '"chat_sound": false' in page
    item(two_clients.a, "cs", 70)
    live = signed_in(agent).get("/desk/live").json()
    assert live["head"][0]["summary"] == "Item 70" and live["items"] == []


# --- collision notice --------------------------------------------------------------------


def test_two_agents_on_one_conversation_see_each_other(two_clients):
    cache.clear()
    jana = agent_with([two_clients.a], {"cs": "native"}, first_name="Jana", last_name="Malá")
    petr = agent_with([two_clients.a], {"cs": "native"}, first_name="Petr", last_name="Velký")
    shared = item(two_clients.a, "cs", 80)
    url = f"/desk/items/{shared.pk}/viewers"
    assert signed_in(jana).post(url).json() == {"others": []}
    assert signed_in(petr).post(url, {"typing": "1"}).json() == {
        "others": [{"name": "Jana Malá", "typing": False}]
    }
    assert signed_in(jana).post(url).json() == {"others": [{"name": "Petr Velký", "typing": True}]}
    signed_in(petr).post(url, {"leave": "1"})
    assert signed_in(jana).post(url).json() == {"others": []}
    page = signed_in(jana).get(f"/desk/items/{shared.pk}").text
    assert f'data-url="{url}"' in page
    outsider = agent_with([two_clients.b], {"pl": "native"})
    assert signed_in(outsider).post(url).status_code == 404
    assert signed_in(jana).get(url).status_code == 405


def test_a_silent_viewer_is_forgotten(two_clients, monkeypatch):
    cache.clear()
    jana = agent_with([two_clients.a], {"cs": "native"})
    petr = agent_with([two_clients.a], {"cs": "native"})
    shared = item(two_clients.a, "cs", 81)
    url = f"/desk/items/{shared.pk}/viewers"
    signed_in(jana).post(url)
    later = timezone.now() + timedelta(seconds=20)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert signed_in(petr).post(url).json() == {"others": []}


def test_users_of_the_desk_only(two_clients):
    client_user = User.objects.create_user(
        username="portal-user", password="x", role="client", client=two_clients.a
    )
    for url in ("/desk/settings", "/desk/figures"):
        assert signed_in(client_user).get(url).status_code == 403


def test_the_work_given_to_the_agent_is_one_small_poll(two_clients):
    agent = agent_with([two_clients.a], {"cs": "native"})
    http = signed_in(agent)
    assert http.get("/desk/mine").json() == {"items": []}
    given = held_by(item(two_clients.a, "cs", 90, channel="chat"), agent)
    item(two_clients.a, "cs", 91)  # waiting: not theirs
    with CaptureQueriesContext(connection) as captured:
        answer = http.get("/desk/mine").json()
    assert answer == {
        "items": [
            {
                "id": given.pk,
                "status": "assigned",
                "channel": "chat",
                "client": "Client A Obuv",
                "summary": "Item 90",
            }
        ]
    }
    # The session, its user and the items (the same however much waits).
    assert len([q for q in captured.captured_queries if "search_path" not in q["sql"]]) <= 4
    assert http.post("/desk/mine").status_code == 405
