"""The desk's spam pages: mark an item's conversation spam, the spam list, "Not spam", and
their refusals (outsiders get 404, whoever holds the item decides, bad input is a 400)."""

import pytest

from conversations.models import Conversation
from customers.models import BlockedSender
from routing.models import WorkItem
from routing.services import work_enqueue
from tests.support.desk import agent_with, held_by, inbound, signed_in, table_rows
from tests.support.tenancy import in_schema

pytestmark = pytest.mark.django_db


@pytest.fixture
def czech(two_clients):
    return agent_with([two_clients.a], {"cs": "native"}, first_name="Eva", last_name="Nová")


@pytest.fixture
def outsider(two_clients):
    """Serves client B only."""
    return agent_with([two_clients.b], {"cs": "native", "pl": "native"})


def test_the_item_page_offers_spam_and_marking_it_empties_the_queue(two_clients, czech):
    _, item = inbound(two_clients.a, "Levné hodinky", "spam@junk.example")
    http = signed_in(czech)
    page = http.get(f"/desk/items/{item.pk}").text
    assert 'id="spam-card"' in page and f'action="/desk/items/{item.pk}/spam"' in page

    response = http.post(f"/desk/items/{item.pk}/spam")

    assert response.status_code == 302 and response["Location"] == "/"
    item.refresh_from_db()
    assert item.status == "cancelled"
    home = http.get("/").text
    assert "spam@junk.example" in home  # the message saying what was blocked
    assert "Levné hodinky" not in home.split('id="inbox"')[1]
    # The item's page now says spam, by whom, and offers the undo.
    page = http.get(f"/desk/items/{item.pk}").text
    assert 'id="spam-banner"' in page and "Eva Nová" in page and 'id="spam-card"' not in page


def test_the_spam_list_shows_who_marked_it_and_not_spam_requeues_it(two_clients, czech):
    conversation, item = inbound(
        two_clients.a, "Levné hodinky", "spam@junk.example", subject="Hodinky"
    )
    http = signed_in(czech)
    http.post(f"/desk/items/{item.pk}/spam")

    page = http.get(f"/desk/spam?client={two_clients.a.pk}").text
    rows = table_rows(page, "spam-list")
    assert len(rows) == 1
    assert "spam@junk.example" in rows[0][1] and "Hodinky" in rows[0][2]
    assert "Eva Nová" in rows[0][4]

    url = f"/desk/clients/{two_clients.a.pk}/spam/{conversation.pk}/not-spam"
    response = http.post(url)

    assert response.status_code == 302
    assert response["Location"] == f"/desk/spam?client={two_clients.a.pk}"
    assert WorkItem.objects.filter(
        client=two_clients.a, source_id=conversation.pk, status="waiting"
    ).exists()
    with in_schema(two_clients.a):
        assert not BlockedSender.objects.exists()
    after = http.get(f"/desk/spam?client={two_clients.a.pk}").text
    assert table_rows(after, "spam-list") == [["No spam."]]
    assert http.post(url).status_code == 400  # not spam any more


def test_the_queue_links_to_the_spam_list(two_clients, czech):
    page = signed_in(czech).get(f"/?client={two_clients.a.pk}").text
    assert f'href="/desk/spam?client={two_clients.a.pk}"' in page


def test_outsiders_get_404_everywhere(two_clients, czech, outsider):
    conversation, item = inbound(two_clients.a, "Levné hodinky", "spam@junk.example")
    stranger = signed_in(outsider)
    assert stranger.post(f"/desk/items/{item.pk}/spam").status_code == 404
    assert stranger.get(f"/desk/spam?client={two_clients.a.pk}").status_code == 404
    signed_in(czech).post(f"/desk/items/{item.pk}/spam")
    url = f"/desk/clients/{two_clients.a.pk}/spam/{conversation.pk}/not-spam"
    assert stranger.post(url).status_code == 404
    with in_schema(two_clients.a):
        assert Conversation.objects.get(pk=conversation.pk).spam  # nothing changed
    # Their own list is client B's, and it does not show A's spam.
    own = stranger.get("/desk/spam").text
    assert "spam@junk.example" not in own


def test_an_item_another_agent_holds_is_theirs_to_mark(two_clients, czech):
    colleague = agent_with([two_clients.a], {"cs": "native"})
    _, item = inbound(two_clients.a, "Levné hodinky", "spam@junk.example")
    held_by(item, colleague)
    assert signed_in(czech).post(f"/desk/items/{item.pk}/spam").status_code == 403
    item.refresh_from_db()
    assert item.status == "assigned"


def test_bad_input_is_a_400_or_404_never_a_500(two_clients, czech):
    http = signed_in(czech)
    assert http.get("/desk/spam?client=abc").status_code == 400
    assert http.get("/desk/spam?page=x").status_code == 400
    assert http.get("/desk/spam?page=²").status_code == 400  # a digit int() refuses
    assert http.get("/desk/spam?client=999999").status_code == 404
    assert http.get("/desk/spam?page=99").status_code == 200  # the last page
    missing = f"/desk/clients/{two_clients.a.pk}/spam/999999/not-spam"
    assert http.post(missing).status_code == 404
    call = work_enqueue(
        client=two_clients.a, channel="call", language="cs", source_kind="call", source_id=5
    )
    assert http.post(f"/desk/items/{call.pk}/spam").status_code == 400
    _, item = inbound(two_clients.a, "Levné hodinky", "spam@junk.example")
    assert http.get(f"/desk/items/{item.pk}/spam").status_code == 405


def test_search_shows_spam_only_when_asked(two_clients, czech):
    _, item = inbound(two_clients.a, "Levné hodinky Rolex", "spam@junk.example")
    http = signed_in(czech)
    http.post(f"/desk/items/{item.pk}/spam")
    assert "spam@junk.example" not in http.get("/desk/search?q=rolex").text
    asked = http.get("/desk/search?q=rolex&status=spam").text
    assert "spam@junk.example" in asked and 'value="spam" selected' in asked
