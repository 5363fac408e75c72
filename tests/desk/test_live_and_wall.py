"""Live inbox updates, counts per language and client, the supervisors' wall."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import User
from routing.models import WorkItem
from routing.services import item_close, work_enqueue
from tests.support.desk import agent_with, signed_in, table_rows
from tests.support.factories import UserFactory

pytestmark = pytest.mark.django_db


def queue(
    client,
    language: str,
    source_id: int,
    summary: str = "",
    *,
    ago: int = 0,
    channel: str = "email",
) -> WorkItem:
    return work_enqueue(
        client=client,
        channel=channel,
        language=language,
        summary=summary,
        source_kind="conversation",
        source_id=source_id,
        waiting_since=timezone.now() - timedelta(minutes=ago),
    )


def test_the_live_endpoint_shows_new_work_and_counts(two_clients):
    agent = agent_with([two_clients.a, two_clients.b], {"cs": "native", "pl": "native"})
    http = signed_in(agent)
    before = http.get("/desk/live").json()
    assert before["waiting"] == 0 and "Nowa paczka" not in before["html"]

    queue(two_clients.b, "pl", 900, "Nowa paczka <b>", ago=30)
    queue(two_clients.a, "cs", 901, "Boty", ago=5)
    queue(two_clients.a, "cs", 902, "Boty 2", ago=1)
    queue(two_clients.a, "de", 903, "Schuhe")  # not a language of the agent
    after = http.get("/desk/live").json()
    assert after["waiting"] == 3 and after["mine"] == 0
    assert after["languages"] == {"cs": 2, "pl": 1}
    assert after["clients"] == {"Client B Sklep": 1, "Client A Obuv": 2}
    html = after["html"]
    assert "Nowa paczka &lt;b&gt;" in html and "Schuhe" not in html
    by_language = html[html.index('id="counts-language"') : html.index('id="counts-client"')]
    assert "<td>cs</td><td>2</td>" in by_language and "<td>pl</td><td>1</td>" in by_language
    by_client = html[html.index('id="counts-client"') :]
    # The client waiting longest comes first.
    assert by_client.index("Client B Sklep") < by_client.index("Client A Obuv")
    assert "<td>Client A Obuv</td><td>2</td>" in by_client


def test_the_live_endpoint_needs_a_signed_in_user(two_clients):
    from django.test import Client as HttpClient

    response = HttpClient(HTTP_HOST="localhost").get("/desk/live")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_desk_page_polls_and_offers_shortcuts(two_clients):
    agent = agent_with([two_clients.a], {"cs": "native"})
    page = signed_in(agent).get("/").text
    assert 'data-live-url="/desk/live"' in page
    assert 'id="shortcuts-help"' in page and "polydesk/desk.js" in page
    assert "<kbd>n</kbd>" in page


def test_take_next_opens_the_item(two_clients):
    agent = agent_with([two_clients.a], {"cs": "native"})
    item = queue(two_clients.a, "cs", 910, "Boty")
    response = signed_in(agent).post("/desk/next")
    assert response.status_code == 302 and response["Location"] == f"/desk/items/{item.pk}"


def test_the_wall_is_for_supervisors_only(two_clients):
    agent = agent_with([two_clients.a], {"cs": "native"})
    # An agency page without the role: the one refusal page (docs/architecture.md, "Refusals").
    refused = signed_in(agent).get("/desk/wall")
    assert refused.status_code == 403 and 'id="refusal"' in refused.text
    assert "/desk/wall" not in signed_in(agent).get("/").text
    supervisor = agent_with([], {"en": "native"}, is_staff=True)
    assert signed_in(supervisor).get("/desk/wall").status_code == 200
    admin = UserFactory(role=User.Role.ADMIN)
    assert signed_in(admin).get("/desk/wall").status_code == 200


def test_the_wall_shows_queues_agents_per_language_and_activity(two_clients):
    czech = agent_with(
        [two_clients.a], {"cs": "native", "en": "basic"}, first_name="Jana", last_name="Nováková"
    )
    agent_with([two_clients.a], {"cs": "fluent"}, presence="away")
    agent_with([two_clients.b], {"pl": "native"})
    # An agency admin: every client's items are named on the wall (a staff supervisor sees
    # those of the clients they serve).
    supervisor = agent_with([], {"en": "native"}, role=User.Role.ADMIN, time_zone="Europe/Prague")
    queue(two_clients.a, "cs", 920, ago=95)
    queue(two_clients.a, "cs", 921, ago=3)
    queue(two_clients.b, "pl", 922, ago=10)
    queue(two_clients.b, "de", 923, ago=7)
    held = queue(two_clients.a, "cs", 924)
    WorkItem.objects.filter(pk=held.pk).update(agent=czech, status="assigned")
    done = queue(two_clients.a, "cs", 925)
    WorkItem.objects.filter(pk=done.pk).update(agent=czech, status="assigned")
    item_close(item_id=done.pk, agent=czech)

    page = signed_in(supervisor).get("/desk/wall").text
    # Language, waiting, calls, messages, longest wait, breached, at risk, due soon, available.
    languages = table_rows(page, "wall-languages")
    assert ["cs", "2", "0", "2", "1 h 35 min", "0", "0", "0", "1"] in languages  # away: not counted
    assert ["pl", "1", "0", "1", "10 min", "0", "0", "0", "1"] in languages
    assert ["en", "0", "0", "0", "—", "0", "0", "0", "1"] in languages  # the supervisor speaks it
    assert 'class="past-due"><td>de</td>' in page  # waiting, nobody to take it
    clients = table_rows(page, "wall-clients")
    assert ["Client A Obuv", "2", "0", "2", "1 h 35 min", "0", "0", "0", "1"] in clients
    agents = {row[0]: row for row in table_rows(page, "wall-agents")}
    jana = agents["Jana Nováková"]
    assert jana[1] == "Available" and jana[4:] == ["1", "1", "cs"]
    assert jana[3].startswith("Client A Obuv · E-mail")  # the item Jana holds, a link


def test_the_queue_head_is_in_the_routers_order(two_clients):
    agent = agent_with([two_clients.a], {"cs": "native"})
    now = timezone.now()
    queue(two_clients.a, "cs", 930, "oldest, no due time", ago=90)
    due_soon = queue(two_clients.a, "cs", 931, "due soon", ago=5)
    urgent = queue(two_clients.a, "cs", 932, "urgent", ago=1)
    WorkItem.objects.filter(pk=due_soon.pk).update(due_at=now + timedelta(hours=1))
    WorkItem.objects.filter(pk=urgent.pk).update(priority=2)
    html = signed_in(agent).get("/desk/live").json()["html"]
    queue_table = html[html.index('id="queue"') :]
    positions = [queue_table.index(text) for text in ("urgent", "due soon", "oldest, no due")]
    assert positions == sorted(positions)  # priority, then due time, then age
