"""The conversation view: client context, customer history, FAQ, notes, triage, transfer."""

import pytest

from accounts.models import User
from content.models import FaqArticle
from conversations.models import Conversation, Message
from hours.models import BusinessHours
from routing.models import WorkItem
from tests.support.desk import agent_with, held_by, inbound, signed_in
from tests.support.factories import UserFactory
from tests.support.tenancy import in_schema

pytestmark = pytest.mark.django_db

CZECH = "Dobrý den, objednané boty mi stále nepřišly, můžete prosím zjistit, kde jsou?"


def test_the_client_is_unmistakable_and_its_opening_hours_are_shown(two_clients):
    agent = agent_with([two_clients.a], {"cs": "native"})
    _, item = inbound(two_clients.a, CZECH, "banner@example.cz")
    BusinessHours.objects.create(
        client=two_clients.a, weekly={str(d): [["00:00", "24:00"]] for d in range(7)}
    )
    page = signed_in(agent).get(f"/desk/items/{item.pk}").text
    assert 'id="client-banner"' in page and 'data-client-colour="hsl(' in page
    assert "Client A Obuv" in page and "CZ, SK" in page and "Europe/Prague" in page
    assert 'class="open-now"' in page

    BusinessHours.objects.filter(client=two_clients.a).update(weekly={})  # never open
    page = signed_in(agent).get(f"/desk/items/{item.pk}").text
    assert 'class="closed-now"' in page and 'class="open-now"' not in page


def test_the_customers_history_spans_channels_newest_first(two_clients):
    agent = agent_with([two_clients.a], {"cs": "native"})
    inbound(
        two_clients.a,
        "Dobrý den, chci vrátit boty, jak na to?",
        "same@example.cz",
        subject="Vrácení bot",
    )
    _, item = inbound(
        two_clients.a, CZECH, "same@example.cz", channel="api", subject="Kde jsou boty"
    )
    inbound(
        two_clients.a,
        "Dobrý den, jiný zákazník se ptá na velikosti.",
        "other@example.cz",
        subject="Velikosti cizího",
    )
    page = signed_in(agent).get(f"/desk/items/{item.pk}").text
    history = page[page.index('id="history"') :]
    assert history.index("Kde jsou boty") < history.index("Vrácení bot")
    assert "Velikosti cizího" not in history
    assert "E-mail" in history and "API" in history


def test_the_faq_is_in_the_customers_language_with_the_fallback_marked(two_clients):
    agent = agent_with([two_clients.a], {"cs": "native"})
    _, item = inbound(two_clients.a, CZECH, "faq@example.cz")
    with in_schema(two_clients.a):
        FaqArticle.objects.create(
            slug="returns", question_cs="Jak vrátit zboží?", answer_cs="Do 30 dnů zdarma."
        )
        FaqArticle.objects.create(slug="sizes", question_en="Sizes?", answer_en="See the chart.")
        FaqArticle.objects.create(slug="hidden", answer_cs="Nezveřejněno.", published=False)
    page = signed_in(agent).get(f"/desk/items/{item.pk}").text
    faq = page[page.index('id="faq"') :]
    assert "Jak vrátit zboží?" in faq and "Do 30 dnů zdarma." in faq
    assert "See the chart." in faq and '<em class="fallback">(en)</em>' in faq
    assert "Nezveřejněno." not in faq


def test_a_note_stays_internal(two_clients):
    agent = agent_with([two_clients.a], {"cs": "native"})
    conversation, item = inbound(two_clients.a, CZECH, "note@example.cz")
    held_by(item, agent)
    http = signed_in(agent)
    assert (
        http.post(
            f"/desk/items/{item.pk}/note", {"text": "Zákazník volal, <b>VIP</b>."}
        ).status_code
        == 302
    )
    assert http.post(f"/desk/items/{item.pk}/note", {"text": "  "}).status_code == 400
    with in_schema(two_clients.a):
        note = Message.objects.get(conversation_id=conversation.pk, direction="note")
        assert (note.author_id, note.sent_at) == (agent.pk, None)
    page = http.get(f"/desk/items/{item.pk}").text
    assert 'class="message note"' in page and "&lt;b&gt;VIP&lt;/b&gt;" in page


def test_triage_sets_category_tags_and_the_queue_priority(two_clients):
    agent = agent_with([two_clients.a], {"cs": "native"})
    conversation, item = inbound(two_clients.a, CZECH, "triage@example.cz")
    http = signed_in(agent)
    response = http.post(
        f"/desk/items/{item.pk}/triage",
        {"category": "delivery", "tags": "Late, courier late", "priority": "2"},
    )
    assert response.status_code == 302
    with in_schema(two_clients.a):
        conversation.refresh_from_db()
    assert (conversation.category, conversation.tags, conversation.priority) == (
        "delivery",
        ["late", "courier"],
        2,
    )
    item.refresh_from_db()
    assert item.priority == 2
    assert http.post(f"/desk/items/{item.pk}/triage", {"priority": "9"}).status_code == 400
    assert http.post(f"/desk/items/{item.pk}/triage", {"priority": "x"}).status_code == 400
    assert (
        http.post(f"/desk/items/{item.pk}/triage", {"priority": "0", "tags": "t" * 40}).status_code
        == 400
    )
    item.refresh_from_db()
    assert item.priority == 2  # a refused change changes nothing


def test_transfer_to_an_agent_who_serves_the_client_and_speaks_the_language(two_clients):
    holder = agent_with([two_clients.a], {"cs": "native"})
    colleague = agent_with([two_clients.a], {"cs": "fluent", "sk": "native"}, first_name="Eva")
    polish = agent_with([two_clients.a], {"pl": "native"})
    elsewhere = agent_with([two_clients.b], {"cs": "native"})
    offline = agent_with([two_clients.a], {"cs": "native"}, presence="offline")
    _, item = inbound(two_clients.a, CZECH, "transfer@example.cz")
    held_by(item, holder)
    http = signed_in(holder)

    page = http.get(f"/desk/items/{item.pk}").text
    options = page[page.index('id="transfer-form"') : page.index('id="queue-form"')]
    assert f'value="{colleague.pk}"' in options
    for unfit in (polish, elsewhere, offline, holder):
        assert f'value="{unfit.pk}"' not in options
    for unfit in (polish, elsewhere, offline):
        assert http.post(f"/desk/items/{item.pk}/transfer", {"agent": unfit.pk}).status_code == 400
    assert http.post(f"/desk/items/{item.pk}/transfer", {"agent": "x"}).status_code == 400
    item.refresh_from_db()
    assert item.agent == holder

    assert http.post(f"/desk/items/{item.pk}/transfer", {"agent": colleague.pk}).status_code == 302
    item.refresh_from_db()
    assert (item.agent, item.status) == (colleague, "assigned")
    # Now the colleague's: the former holder may no longer move it.
    assert http.post(f"/desk/items/{item.pk}/transfer", {"agent": holder.pk}).status_code == 403


def test_back_to_a_language_queue(two_clients):
    holder = agent_with([two_clients.a], {"cs": "native", "sk": "native"})
    conversation, item = inbound(two_clients.a, CZECH, "queue@example.cz")
    held_by(item, holder)
    http = signed_in(holder)
    assert http.post(f"/desk/items/{item.pk}/queue", {"language": "xx"}).status_code == 400
    assert http.post(f"/desk/items/{item.pk}/queue", {"language": "sk"}).status_code == 302
    item.refresh_from_db()
    assert (item.status, item.agent, item.language) == ("waiting", None, "sk")
    with in_schema(two_clients.a):
        assert Conversation.objects.get(pk=conversation.pk).language == "sk"


def test_a_supervisor_may_move_an_item_someone_else_holds(two_clients):
    holder = agent_with([two_clients.a], {"cs": "native"})
    colleague = agent_with([two_clients.a], {"cs": "native"})
    supervisor = agent_with([two_clients.a], {"cs": "native"}, is_staff=True)
    _, item = inbound(two_clients.a, CZECH, "super@example.cz")
    held_by(item, holder)
    assert (
        signed_in(colleague)
        .post(f"/desk/items/{item.pk}/transfer", {"agent": colleague.pk})
        .status_code
        == 403
    )
    assert (
        signed_in(supervisor)
        .post(f"/desk/items/{item.pk}/transfer", {"agent": colleague.pk})
        .status_code
        == 302
    )
    item.refresh_from_db()
    assert item.agent == colleague


@pytest.mark.parametrize(
    ("method", "suffix", "data"),
    [
        ("get", "", {}),
        ("post", "/note", {"text": "x"}),
        ("post", "/triage", {"priority": "1"}),
        ("post", "/queue", {"language": "cs"}),
        ("post", "/transfer", {"agent": "0"}),
        ("post", "/reply", {"text": "x"}),
        ("post", "/done", {}),
        ("post", "/language", {"language": "cs"}),
    ],
)
def test_an_outsider_gets_404_for_every_action(two_clients, method, suffix, data):
    """An agent who does not serve client A learns nothing of A's item, whatever they try."""
    owner = agent_with([two_clients.a], {"cs": "native"})
    outsider = agent_with([two_clients.b], {"cs": "native", "pl": "native"}, is_staff=True)
    data = {**data, "agent": outsider.pk} if "agent" in data else data
    conversation, item = inbound(two_clients.a, CZECH, "outsider@example.cz")
    held_by(item, owner)
    response = getattr(signed_in(outsider), method)(f"/desk/items/{item.pk}{suffix}", data)
    assert response.status_code == 404
    item.refresh_from_db()
    assert (item.agent, item.priority, item.status) == (owner, 0, "assigned")
    with in_schema(two_clients.a):
        assert Message.objects.filter(conversation_id=conversation.pk).count() == 1


def test_client_portal_users_cannot_reach_items(two_clients):
    _, item = inbound(two_clients.a, CZECH, "portal@example.cz")
    portal_user = UserFactory(role=User.Role.CLIENT, client=two_clients.a)
    assert signed_in(portal_user).get(f"/desk/items/{item.pk}").status_code == 403
    assert WorkItem.objects.filter(pk=item.pk, status="waiting").exists()
