"""The desk's search page, the conversation links, and the queue's filters and pages: what an
agent sees, what an outsider does not, bad input refused, queries bounded."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from conversations.models import Conversation
from routing.models import WorkItem
from tests.support.desk import agent_with, inbound, signed_in
from tests.support.factories import UserFactory
from tests.support.tenancy import in_schema

pytestmark = pytest.mark.django_db

CZECH = "Dobrý den, balík do Žiline stále nedorazil, objednávka OBJ-2026/4711."


def test_a_hit_shows_its_client_the_match_and_links_to_the_item(two_clients):
    agent = agent_with([two_clients.a], {"cs": "native"})
    conversation, item = inbound(two_clients.a, CZECH, "zofie@example.cz", subject="Balík")
    response = signed_in(agent).get("/desk/search", {"q": "ziline"})
    page = response.text
    assert response.status_code == 200
    assert "Client A Obuv" in page and 'data-client-colour="hsl(' in page
    assert "<mark>Žiline</mark>" in page
    link = f"/desk/clients/{two_clients.a.pk}/conversations/{conversation.pk}"
    assert link in page
    opened = signed_in(agent).get(link)
    assert opened.status_code == 302 and opened["Location"] == f"/desk/items/{item.pk}"


def test_customer_text_is_escaped_in_hits(two_clients):
    agent = agent_with([two_clients.a], {"cs": "native"})
    inbound(two_clients.a, "Žiline <script>alert(1)</script> prosím", "x@example.cz")
    page = signed_in(agent).get("/desk/search", {"q": "ziline"}).text
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page


def test_an_outsider_finds_nothing_and_gets_404_for_the_link(two_clients):
    owner = agent_with([two_clients.a], {"cs": "native"})
    outsider = agent_with([two_clients.b], {"cs": "native"}, is_staff=True)
    conversation, _ = inbound(two_clients.a, CZECH, "secret@example.cz")
    assert "secret@example.cz" in signed_in(owner).get("/desk/search", {"q": "ziline"}).text
    page = signed_in(outsider).get("/desk/search", {"q": "secret@example.cz"}).text
    assert "secret@example.cz" not in page.split('id="search-count"')[1]
    link = f"/desk/clients/{two_clients.a.pk}/conversations/{conversation.pk}"
    assert signed_in(outsider).get(link).status_code == 404
    # Naming the client in the filter is refused: not one of the outsider's clients.
    refused = signed_in(outsider).get("/desk/search", {"q": "x", "client": two_clients.a.pk})
    assert refused.status_code == 400


def test_an_admin_searches_every_client(two_clients):
    admin = UserFactory(role=User.Role.ADMIN)
    inbound(two_clients.a, CZECH, "a@example.cz")
    inbound(two_clients.b, "Dzień dobry, paczka do Žiline nie dotarła.", "b@example.pl")
    page = signed_in(admin).get("/desk/search", {"q": "ziline"}).text
    assert "Client A Obuv" in page and "Client B Sklep" in page


@pytest.mark.parametrize(
    "params",
    [
        {"q": "x", "page": "abc"},
        {"q": "x", "page": "0"},
        {"q": "x", "page": "1000"},
        {"q": "x", "channel": "fax"},
        {"q": "x", "status": "deleted"},
        {"q": "x", "due": "tomorrow"},
        {"q": "x", "assignee": "somebody"},
        {"q": "x" * 201},
    ],
)
def test_bad_search_input_is_a_400(two_clients, params):
    agent = agent_with([two_clients.a], {"cs": "native"})
    assert signed_in(agent).get("/desk/search", params).status_code == 400


def test_results_are_paginated(two_clients):
    agent = agent_with([two_clients.a], {"cs": "native"})
    for n in range(27):
        inbound(two_clients.a, f"Reklamace číslo {n}.", f"p{n}@example.cz")
    http = signed_in(agent)
    first = http.get("/desk/search", {"q": "reklamace"}).text
    second = http.get("/desk/search", {"q": "reklamace", "page": 2}).text
    assert first.count('class="search-hit"') == 25 and second.count('class="search-hit"') == 2
    assert "27" in first and 'rel="next"' in first and 'rel="prev"' in second


def test_the_search_page_costs_the_same_queries_for_one_hit_or_many(two_clients):
    agent = agent_with([two_clients.a, two_clients.b], {"cs": "native"})
    http = signed_in(agent)
    first, _ = inbound(two_clients.a, "Reklamace jedna.", "q0@example.cz")
    with in_schema(two_clients.a):
        Conversation.objects.filter(pk=first.pk).update(assignee_id=agent.pk)

    def statements() -> int:
        cache.clear()
        with CaptureQueriesContext(connection) as captured:
            assert http.get("/desk/search", {"q": "reklamace"}).status_code == 200
        return len(captured.captured_queries)

    one = statements()
    for n in range(1, 12):
        conversation, _ = inbound(two_clients.a, f"Reklamace {n}.", f"q{n}@example.cz")
        holder = agent_with([two_clients.a], {"cs": "native"})
        with in_schema(two_clients.a):  # each hit with an assignee of its own
            Conversation.objects.filter(pk=conversation.pk).update(assignee_id=holder.pk)
    inbound(two_clients.b, "Reklamace z Polska.", "qb@example.pl")
    assert statements() == one


def test_a_conversation_without_work_item_is_shown_read_only(two_clients):
    agent = agent_with([two_clients.a], {"cs": "native"})
    conversation, item = inbound(two_clients.a, CZECH, "history@example.cz", subject="Starý")
    WorkItem.objects.filter(pk=item.pk).delete()
    link = f"/desk/clients/{two_clients.a.pk}/conversations/{conversation.pk}"
    response = signed_in(agent).get(link)
    assert response.status_code == 200
    page = response.text
    assert 'id="read-only"' in page and "Starý" in page and "Žiline" in page
    assert 'id="reply-form"' not in page
    missing = f"/desk/clients/{two_clients.a.pk}/conversations/{conversation.pk + 999}"
    assert signed_in(agent).get(missing).status_code == 404


def test_history_entries_are_links(two_clients):
    agent = agent_with([two_clients.a], {"cs": "native"})
    earlier, _ = inbound(two_clients.a, "Dřívější dotaz.", "same@example.cz", subject="Dřív")
    _, item = inbound(two_clients.a, CZECH, "same@example.cz", subject="Teď")
    page = signed_in(agent).get(f"/desk/items/{item.pk}").text
    history = page[page.index('id="history"') :]
    assert f'href="/desk/clients/{two_clients.a.pk}/conversations/{earlier.pk}"' in history


def test_the_search_box_is_on_desk_pages_only(two_clients):
    agent = agent_with([two_clients.a], {"cs": "native"})
    assert 'id="desk-search-q"' in signed_in(agent).get("/").text
    assert 'id="desk-search-q"' not in signed_in(agent).get("/accounts/login/").text


def test_queue_rows_link_to_their_items_and_filter(two_clients):
    agent = agent_with([two_clients.a], {"cs": "native", "sk": "native"})
    _, email = inbound(two_clients.a, CZECH, "e@example.cz", subject="E-mail")
    _, chat = inbound(two_clients.a, "Dobrý den, kde je balík?", "c@example.cz", channel="chat")
    http = signed_in(agent)
    queue = http.get("/").text.split('<table id="queue">')[1]
    assert f'href="/desk/items/{email.pk}"' in queue and f'href="/desk/items/{chat.pk}"' in queue
    chats = http.get("/", {"channel": "chat"}).text.split('<table id="queue">')[1]
    assert f'href="/desk/items/{chat.pk}"' in chats and f"/desk/items/{email.pk}" not in chats
    live = http.get("/desk/live", {"channel": "email"}).json()["html"]
    live = live.split('<table id="queue">')[1]
    assert f'href="/desk/items/{email.pk}"' in live and f"/desk/items/{chat.pk}" not in live
    other = http.get("/", {"client": two_clients.b.pk}).text.split('<table id="queue">')[1]
    assert "/desk/items/" not in other


def test_the_queue_is_paginated(two_clients):
    agent = agent_with([two_clients.a], {"cs": "native", "sk": "native"})
    items = [inbound(two_clients.a, CZECH, f"page{n}@example.cz")[1] for n in range(27)]
    http = signed_in(agent)
    first = http.get("/").text.split('<table id="queue">')[1]
    second = http.get("/", {"page": 2}).text.split('<table id="queue">')[1]
    shown = [item for item in items if f'href="/desk/items/{item.pk}"' in first]
    rest = [item for item in items if f'href="/desk/items/{item.pk}"' in second]
    assert len(shown) == 25 and len(rest) == 2 and not set(shown) & set(rest)
    assert 'id="queue-pager"' in first


@pytest.mark.parametrize(
    "params",
    [{"page": "x"}, {"page": "0"}, {"channel": "fax"}, {"client": "abc"}, {"due": "soon"}],
)
def test_bad_queue_input_is_a_400(two_clients, params):
    agent = agent_with([two_clients.a], {"cs": "native"})
    http = signed_in(agent)
    assert http.get("/", params).status_code == 400
    assert http.get("/desk/live", params).status_code == 400


def test_a_conversation_of_another_client_in_the_url_is_404(two_clients):
    agent = agent_with([two_clients.a], {"cs": "native"})
    conversation, _ = inbound(two_clients.b, "Dzień dobry.", "pl@example.pl")
    url = f"/desk/clients/{two_clients.b.pk}/conversations/{conversation.pk}"
    assert signed_in(agent).get(url).status_code == 404
