"""One refusal policy for every agency-only page (docs/architecture.md, "Refusals"):
not signed in, sign in first; signed in without the page's agency role, the 403 page in the
user's language with a short text and a link back; an agent outside a client, a 404 for that
client's objects. Whatever was refused changed nothing."""

import pytest
from django.test import Client as HttpClient

from accounts.models import User
from conversations.models import Conversation, Message
from outbox.models import Delivery
from routing.models import WorkItem
from tests.support.desk import agent_with, held_by, inbound, signed_in
from tests.support.factories import UserFactory
from tests.support.tenancy import in_schema

pytestmark = pytest.mark.django_db

# Every agency-only page: (method, path, data); "{item}" is one of client A's work items,
# "{delivery}" one of its deliveries.
OBJECT_PAGES = [
    ("get", "/desk/items/{item}", {}),
    ("post", "/desk/items/{item}/language", {"language": "sk"}),
    ("post", "/desk/items/{item}/reply", {"text": "x"}),
    ("post", "/desk/items/{item}/done", {}),
    ("post", "/desk/items/{item}/resolve", {}),
    ("post", "/desk/items/{item}/note", {"text": "x"}),
    ("post", "/desk/items/{item}/triage", {"priority": "3"}),
    ("post", "/desk/items/{item}/queue", {"language": "sk"}),
    ("post", "/desk/items/{item}/transfer", {"agent": "0"}),
    ("post", "/desk/items/{item}/forward", {"to": "sklad@example.cz", "note": "x"}),
    ("post", "/desk/items/{item}/call-outcome", {"outcome": "resolved"}),
    ("post", "/desk/items/{item}/call-back", {}),
    ("get", "/desk/items/{item}/recording", {}),
    ("get", "/desk/items/{item}/attachments/1", {}),
    ("get", "/desk/items/{item}/messages/1/original", {}),
    ("post", "/desk/deliveries/{delivery}/retry", {}),
    ("get", "/desk/items/{item}/merge", {}),
    ("post", "/desk/items/{item}/merge", {"target": "1"}),
]
AGENCY_PAGES = [
    ("get", "/", {}),
    ("get", "/desk/live", {}),
    ("post", "/desk/presence", {"presence": "away"}),
    ("post", "/desk/next", {}),
    ("post", "/desk/heartbeat", {}),
    ("get", "/desk/wall", {}),
    ("get", "/desk/compose", {}),
    ("get", "/billing/", {}),
    ("get", "/desk/audit", {}),
    ("get", "/desk/audit.csv", {}),
    *OBJECT_PAGES,
]


@pytest.fixture
def held_item(two_clients):
    """A conversation of client A held by its agent, with a reply waiting in the outbox."""
    owner = agent_with([two_clients.a], {"cs": "native"})
    conversation, item = inbound(two_clients.a, "Dobrý den, kde jsou boty?", "x@example.cz")
    held_by(item, owner)
    reply = signed_in(owner).post(f"/desk/items/{item.pk}/reply", {"text": "Hned."})
    assert reply.status_code == 302
    with in_schema(two_clients.a):
        conversation.refresh_from_db()
    delivery = Delivery.objects.get(client=two_clients.a, conversation_id=conversation.pk)
    return conversation, item, delivery


def request(http: HttpClient, page: tuple[str, str, dict], item: WorkItem, delivery: Delivery):
    method, path, data = page
    return getattr(http, method)(path.format(item=item.pk, delivery=delivery.pk), data)


def nothing_changed(client, conversation, item: WorkItem, delivery: Delivery) -> None:
    before = (item.agent_id, item.status, item.priority, item.language)
    item.refresh_from_db()
    assert (item.agent_id, item.status, item.priority, item.language) == before
    now = Delivery.objects.get(pk=delivery.pk)
    assert (now.state, now.attempts, now.next_attempt_at) == (
        delivery.state,
        delivery.attempts,
        delivery.next_attempt_at,
    )
    with in_schema(client):
        messages = Message.objects.filter(conversation_id=conversation.pk)
        assert not messages.filter(direction="note").exists()
        fresh = Conversation.objects.get(pk=conversation.pk)
        assert (fresh.language, fresh.status) == (conversation.language, conversation.status)
        assert messages.filter(direction="out").count() == 1  # the owner's reply only


@pytest.mark.parametrize("page", AGENCY_PAGES, ids=lambda page: f"{page[0]} {page[1]}")
def test_a_client_user_gets_the_refusal_page_in_their_language(two_clients, held_item, page):
    conversation, item, delivery = held_item
    portal_user = UserFactory(role=User.Role.CLIENT, client=two_clients.a, language="cs")
    response = request(signed_in(portal_user), page, item, delivery)
    assert response.status_code == 403
    text = response.content.decode()
    assert 'id="refusal"' in text and 'lang="cs"' in text
    assert "Uživatelé klienta používají svůj vlastní portál." in text
    assert 'href="/" id="refusal-back"' in text
    assert "Dobrý den" not in text
    nothing_changed(two_clients.a, conversation, item, delivery)


@pytest.mark.parametrize(
    ("path", "role", "text"),
    [
        ("/desk/wall", {"role": User.Role.AGENT}, "Tato stránka je pro supervizory."),
        ("/desk/audit", {"role": User.Role.AGENT}, "Tato stránka je pro supervizory."),
        (
            "/billing/",
            {"role": User.Role.AGENT, "is_staff": True},
            "Tato stránka je pro administrátory agentury.",
        ),
    ],
)
def test_an_agent_without_the_pages_role_gets_the_refusal_page(two_clients, path, role, text):
    agent = agent_with([two_clients.a], {"cs": "native"}, language="cs", **role)
    response = signed_in(agent).get(path)
    assert response.status_code == 403 and 'id="refusal"' in response.text
    assert 'href="/" id="refusal-back"' in response.text
    assert (text or "Tuto stránku nemůžete otevřít.") in response.text


@pytest.mark.parametrize("page", OBJECT_PAGES, ids=lambda page: f"{page[0]} {page[1]}")
def test_an_agent_outside_the_client_gets_404_for_its_objects(two_clients, held_item, page):
    conversation, item, delivery = held_item
    outsider = agent_with([two_clients.b], {"cs": "native"}, is_staff=True)
    response = request(signed_in(outsider), page, item, delivery)
    assert response.status_code == 404
    assert "Dobrý den" not in response.content.decode()
    nothing_changed(two_clients.a, conversation, item, delivery)


@pytest.mark.parametrize("page", AGENCY_PAGES, ids=lambda page: f"{page[0]} {page[1]}")
def test_someone_not_signed_in_is_asked_to_sign_in(two_clients, held_item, page):
    conversation, item, delivery = held_item
    response = request(HttpClient(HTTP_HOST="localhost"), page, item, delivery)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")
    nothing_changed(two_clients.a, conversation, item, delivery)


def test_a_colleague_gets_the_refusal_page_with_the_reason(two_clients, held_item):
    """An item another agent holds: the same 403 page, saying why."""
    conversation, item, delivery = held_item
    colleague = agent_with([two_clients.a], {"cs": "native"}, language="cs")
    response = signed_in(colleague).post(f"/desk/items/{item.pk}/note", {"text": "x"})
    assert response.status_code == 403 and 'id="refusal"' in response.text
    assert "Na této položce pracuje jiný operátor." in response.text
    nothing_changed(two_clients.a, conversation, item, delivery)
