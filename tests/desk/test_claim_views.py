"""The desk's claim, assignment and "why nothing" pages, and times in the client's zone."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.core.cache import cache

from accounts.models import User
from routing.models import AgentState, WorkItem
from routing.services import item_claim
from tests.support.desk import agent_with, inbound, signed_in
from tests.support.factories import UserFactory

pytestmark = pytest.mark.django_db

CZECH = "Dobrý den, objednané boty mi stále nepřišly, můžete prosím zjistit, kde jsou?"
POLISH = "Dzień dobry, moja paczka nie dotarła, proszę o pomoc w tej sprawie."


@pytest.fixture
def frozen(monkeypatch):
    """Freeze django.utils.timezone.now at a given instant (business hours are real)."""

    def freeze(at: datetime) -> None:
        monkeypatch.setattr("django.utils.timezone.now", lambda: at)

    return freeze


def text(html: str) -> str:
    """The page's words, tags and runs of white space taken out."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


# --- claim -------------------------------------------------------------------------------


def test_an_agent_opens_a_waiting_item_by_its_link_and_claims_it(two_clients):
    agent = agent_with([two_clients.a], {"cs": "native"})
    _, item = inbound(two_clients.a, CZECH, "claim@example.cz")
    http = signed_in(agent)

    page = http.get(f"/desk/items/{item.pk}").text
    assert 'id="claim-form"' in page and 'id="reply-form"' not in page

    answer = http.post(f"/desk/items/{item.pk}/claim")

    assert answer.status_code == 302 and answer.url == f"/desk/items/{item.pk}"
    item.refresh_from_db()
    assert (item.status, item.agent_id) == ("assigned", agent.pk)
    page = http.get(f"/desk/items/{item.pk}").text
    assert 'id="reply-form"' in page and 'id="claim-form"' not in page


def test_an_offline_agent_goes_available_and_claims_in_one_click(two_clients):
    agent = agent_with([two_clients.a], {"cs": "native"}, presence="offline")
    _, item = inbound(two_clients.a, CZECH, "offline@example.cz")
    http = signed_in(agent)
    assert "Go available and claim" in http.get(f"/desk/items/{item.pk}").text

    http.post(f"/desk/items/{item.pk}/claim", {"available": "1"})

    assert AgentState.objects.get(agent=agent).presence == "available"
    item.refresh_from_db()
    assert item.agent_id == agent.pk


def test_a_refused_claim_says_why_on_the_items_page(two_clients):
    agent = agent_with([two_clients.a], {"cs": "native"})
    other = agent_with([two_clients.a], {"cs": "native"}, first_name="Jana", last_name="Nováková")
    _, item = inbound(two_clients.a, CZECH, "taken@example.cz")
    item_claim(item_id=item.pk, agent=other)

    page = signed_in(agent).post(f"/desk/items/{item.pk}/claim", follow=True).text

    assert "Jana Nováková is already working on this item." in page
    item.refresh_from_db()
    assert item.agent_id == other.pk


def test_an_item_of_a_client_the_agent_does_not_serve_stays_a_404(two_clients):
    outsider = agent_with([two_clients.b], {"cs": "native", "pl": "native"})
    supervisor_outsider = agent_with([two_clients.b], {"cs": "native"}, is_staff=True)
    _, item = inbound(two_clients.a, CZECH, "outsider@example.cz")

    for user in (outsider, supervisor_outsider):
        http = signed_in(user)
        assert http.get(f"/desk/items/{item.pk}").status_code == 404
        assert http.post(f"/desk/items/{item.pk}/claim").status_code == 404
        assert http.post(f"/desk/items/{item.pk}/assign", {"agent": user.pk}).status_code == 404
    item.refresh_from_db()
    assert (item.status, item.agent_id) == ("waiting", None)


def test_a_claim_is_a_post(two_clients):
    agent = agent_with([two_clients.a], {"cs": "native"})
    _, item = inbound(two_clients.a, CZECH, "get@example.cz")
    assert signed_in(agent).get(f"/desk/items/{item.pk}/claim").status_code == 405


# --- a supervisor's assignment --------------------------------------------------------------


def test_a_supervisor_sees_whom_the_item_can_go_to_and_why_not(two_clients):
    boss = UserFactory(role=User.Role.ADMIN)
    ready = agent_with([two_clients.a], {"cs": "native", "sk": "fluent"}, first_name="Jana")
    away = agent_with([two_clients.a], {"pl": "native"}, presence="offline", first_name="Piotr")
    stranger = agent_with([two_clients.b], {"cs": "native"}, first_name="Zofia")
    _, item = inbound(two_clients.a, CZECH, "assign@example.cz")

    page = signed_in(boss).get(f"/desk/items/{item.pk}").text
    card = text(page[page.index('id="assign"') :])

    assert f'<option value="{ready.pk}">' in page and f'<option value="{away.pk}">' in page
    assert 'label="Can take it now"' in page and 'label="Needs your confirmation"' in page
    assert "cs native, sk fluent · Available · 0/10 e-mails" in card
    assert "offline; does not answer in Czech" in card
    assert "do not serve Client A Obuv" in card and "Zofia" in card
    assert f'value="{stranger.pk}"' not in page


def test_a_supervisor_assigns_and_confirms_what_the_router_would_not_do(two_clients):
    boss = UserFactory(role=User.Role.ADMIN)
    away = agent_with([two_clients.a], {"cs": "native"}, presence="away", first_name="Lena")
    offline = agent_with([two_clients.a], {"cs": "native"}, presence="offline", first_name="Ota")
    _, item = inbound(two_clients.a, CZECH, "assign2@example.cz")
    http = signed_in(boss)

    page = http.post(f"/desk/items/{item.pk}/assign", {"agent": offline.pk}, follow=True).text
    assert "Ota: offline. Tick “Assign anyway” to give it to them all the same." in page
    assert WorkItem.objects.get(pk=item.pk).agent_id is None

    page = http.post(
        f"/desk/items/{item.pk}/assign", {"agent": offline.pk, "confirm": "1"}, follow=True
    ).text
    assert "Assigned to Ota." in page
    assert WorkItem.objects.get(pk=item.pk).agent_id == offline.pk

    # Away is no concern for an assignment: the router would not push, a supervisor may.
    http.post(f"/desk/items/{item.pk}/assign", {"agent": away.pk})
    assert WorkItem.objects.get(pk=item.pk).agent_id == away.pk


def test_only_supervisors_assign_and_a_bad_agent_is_a_400(two_clients):
    agent = agent_with([two_clients.a], {"cs": "native"})
    boss = agent_with([two_clients.a], {"cs": "native"}, is_staff=True)
    _, item = inbound(two_clients.a, CZECH, "assign3@example.cz")

    assert 'id="assign"' not in signed_in(agent).get(f"/desk/items/{item.pk}").text
    answer = signed_in(agent).post(f"/desk/items/{item.pk}/assign", {"agent": agent.pk})
    assert answer.status_code == 403
    for bad in ("", "abc", "999999999"):
        answer = signed_in(boss).post(f"/desk/items/{item.pk}/assign", {"agent": bad})
        assert answer.status_code == 400 and b"Choose an agent." in answer.content
    assert WorkItem.objects.get(pk=item.pk).agent_id is None


# --- Take next says why ---------------------------------------------------------------------


def test_an_offline_agent_is_told_so_and_goes_available_to_take_next(two_clients):
    agent = agent_with([two_clients.a], {"cs": "native"}, presence="offline")
    _, item = inbound(two_clients.a, CZECH, "why-offline@example.cz")
    http = signed_in(agent)

    home = text(http.post("/desk/next", follow=True).text)
    assert "You are offline. The router gives work only to available agents." in home
    assert "1 item waits for you." in home
    assert "Nothing waiting" not in home

    answer = http.post("/desk/next", {"available": "1"})
    assert answer.url == f"/desk/items/{item.pk}"
    assert AgentState.objects.get(agent=agent).presence == "available"


def test_nothing_in_the_agents_languages_is_said_with_what_waits_elsewhere(two_clients):
    agent = agent_with([two_clients.a, two_clients.b], {"cs": "native"})
    inbound(two_clients.b, POLISH, "why-pl@example.pl")
    inbound(two_clients.b, POLISH, "why-pl2@example.pl")
    http = signed_in(agent)

    home = text(http.post("/desk/next", follow=True).text)

    assert "Nothing waits in your languages. (cs)" in home
    assert (
        "2 items of your clients wait in other languages: Polish 2; the most urgent is due" in home
    )
    assert "Nothing waiting for you" not in home.split("Your items")[0]
    live = http.get("/desk/live").json()["html"]
    assert 'id="why-nothing"' in live  # the live inbox says it too


def test_at_capacity_is_said_when_take_next_is_pressed(two_clients):
    agent = agent_with([two_clients.a], {"cs": "native"})
    AgentState.objects.filter(agent=agent).update(capacity_email=1)
    inbound(two_clients.a, CZECH, "full1@example.cz")
    inbound(two_clients.a, CZECH, "full2@example.cz")
    http = signed_in(agent)
    assert http.post("/desk/next").status_code == 302  # the first one

    home = text(http.post("/desk/next", follow=True).text)

    assert "You are at capacity (e-mails: 1 of 1). Finish an item to take the next." in home


# --- times in the client's zone ---------------------------------------------------------------


def test_the_clients_table_and_banner_show_the_clients_own_clock(two_clients, frozen):
    agent = agent_with([two_clients.a], {"cs": "native"})
    _, item = inbound(two_clients.a, CZECH, "clock@example.cz")
    http = signed_in(agent)
    for now, prague in (
        (datetime(2026, 12, 5, 22, 59, tzinfo=UTC), "23:59"),  # CET, UTC+1
        (datetime(2026, 7, 1, 22, 59, tzinfo=UTC), "00:59"),  # CEST, UTC+2: the next day
    ):
        frozen(now)
        cache.clear()
        home = text(http.get("/").text)
        assert f"Client A Obuv cs, sk CZ, SK {prague} Europe/Prague" in home
        banner = http.get(f"/desk/items/{item.pk}").text
        assert f'<strong id="client-local-time">{prague}</strong>' in banner


def test_the_due_time_reads_in_the_clients_zone_with_business_time_left_across_dst(
    two_clients, frozen
):
    """Friday 23 October 2026, 15:00 in Prague (CEST); due Monday 26 October 09:00 (CET,
    after the clocks went back on Sunday). Open Monday-Friday 08:00-16:00: one hour left on
    Friday and one on Monday."""
    agent = agent_with([two_clients.a], {"cs": "native"}, time_zone="Europe/London")
    _, item = inbound(two_clients.a, CZECH, "due@example.cz")
    due = datetime(2026, 10, 26, 8, 0, tzinfo=UTC)  # 09:00 CET, 08:00 GMT
    WorkItem.objects.filter(pk=item.pk).update(due_at=due)
    http = signed_in(agent)

    frozen(datetime(2026, 10, 23, 13, 0, tzinfo=UTC))
    page = text(http.get(f"/desk/items/{item.pk}").text)
    assert (
        "Answer due Mon 26 Oct, 09:00 client's time, Europe/Prague · Mon 26 Oct, 08:00 your "
        "time · 2 h 00 min of business time left"
    ) in page

    frozen(datetime(2026, 10, 26, 8, 30, tzinfo=UTC))  # 09:30 in Prague
    page = text(http.get(f"/desk/items/{item.pk}").text)
    assert "overdue by 30 min" in page


def test_an_agent_in_the_clients_zone_sees_one_time(two_clients, frozen):
    agent = agent_with([two_clients.a], {"cs": "native"}, time_zone="Europe/Prague")
    _, item = inbound(two_clients.a, CZECH, "due2@example.cz")
    WorkItem.objects.filter(pk=item.pk).update(due_at=datetime(2026, 10, 26, 8, 0, tzinfo=UTC))
    frozen(datetime(2026, 10, 26, 7, 20, tzinfo=UTC))  # Monday 08:20 CET

    page = text(signed_in(agent).get(f"/desk/items/{item.pk}").text)

    assert "Mon 26 Oct, 09:00 client's time, Europe/Prague · 40 min of business time" in page
    assert "your time" not in page


def test_an_answered_item_says_when(two_clients, frozen):
    agent = agent_with([two_clients.a], {"cs": "native"})
    _, item = inbound(two_clients.a, CZECH, "due3@example.cz")
    answered = datetime(2026, 10, 26, 7, 5, tzinfo=UTC)
    WorkItem.objects.filter(pk=item.pk).update(responded_at=answered)
    frozen(answered + timedelta(hours=1))

    page = text(signed_in(agent).get(f"/desk/items/{item.pk}").text)

    assert "First answer sent Mon 26 Oct, 08:05 client's time" in page


def test_an_admin_who_serves_no_client_is_offered_assignment_not_a_claim(two_clients):
    boss = UserFactory(role=User.Role.ADMIN)
    _, item = inbound(two_clients.a, CZECH, "admin-claim@example.cz")
    page = signed_in(boss).get(f"/desk/items/{item.pk}").text
    assert 'id="claim-form"' not in page and 'id="assign"' in page
