"""The desk's merge pages: "Merge into…" on an item (choice, confirmation with both
subjects, merge, refusals as 400 with the reason), the merged conversation's page, and the
customer's page with "Merge with…"; outsiders get 404."""

import pytest

from conversations.models import Conversation
from customers.models import Customer
from routing.models import WorkItem
from tests.support.desk import agent_with, held_by, inbound, signed_in
from tests.support.tenancy import in_schema

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair(two_clients):
    """Two e-mail conversations of one customer of client A; the agent holds the second."""
    agent = agent_with([two_clients.a], {"cs": "native"})
    first, first_item = inbound(
        two_clients.a, "Boty mi nepřišly.", "vera@example.cz", subject="Kde jsou boty"
    )
    second, second_item = inbound(
        two_clients.a, "Objednávka 4711 stále nic.", "vera@example.cz", subject="Znovu boty"
    )
    held_by(second_item, agent)
    return agent, (first, first_item), (second, second_item)


def test_merge_into_offers_the_customers_conversations_confirms_and_merges(two_clients, pair):
    agent, (first, first_item), (second, second_item) = pair
    http = signed_in(agent)

    page = http.get(f"/desk/items/{second_item.pk}").text
    assert 'id="merge-card"' in page and f'data-target="{first.pk}"' in page

    odd = http.get(f"/desk/items/{second_item.pk}/merge?target=²")  # a digit int() refuses
    assert odd.status_code < 500
    confirm = http.get(f"/desk/items/{second_item.pk}/merge?target={first.pk}").text
    assert "Kde jsou boty" in confirm and "Znovu boty" in confirm
    assert 'id="merge-confirm-form"' in confirm

    done = http.post(f"/desk/items/{second_item.pk}/merge", {"target": str(first.pk)})

    assert done.status_code == 302 and done.url == f"/desk/items/{first_item.pk}"
    target_page = http.get(done.url).text
    assert "Objednávka 4711 stále nic." in target_page and f"from #{second.pk}" in target_page
    source_page = http.get(f"/desk/items/{second_item.pk}").text
    assert 'id="merged-banner"' in source_page and 'id="reply-form"' not in source_page
    assert 'id="transfer-form"' not in source_page and 'id="resolve-form"' not in source_page
    second_item.refresh_from_db()
    assert second_item.status not in WorkItem.OPEN_STATUSES
    refused = http.post(f"/desk/items/{second_item.pk}/reply", {"text": "Ještě něco"})
    assert refused.status_code == 400 and f"merged into #{first.pk}" in refused.text


@pytest.mark.parametrize(
    ("target", "reason"),
    [("abc", "number"), ("99999", "no conversation"), ("self", "into itself")],
)
def test_a_bad_or_refused_target_is_a_400_with_the_reason(two_clients, pair, target, reason):
    agent, _first, (second, second_item) = pair
    target = str(second.pk) if target == "self" else target
    answer = signed_in(agent).post(f"/desk/items/{second_item.pk}/merge", {"target": target})
    assert answer.status_code == 400 and 'id="merge-refusal"' in answer.text
    assert reason in answer.text.lower()
    with in_schema(two_clients.a):
        assert Conversation.objects.get(pk=second.pk).merged_into_id is None


def test_a_conversation_number_of_another_client_names_nothing_here(two_clients, pair):
    agent, _first, (_second, second_item) = pair
    theirs, _ = inbound(two_clients.b, "Dzień dobry", "jan@example.pl")
    # Client B's number read in client A's schema: one of A's own conversations, or none.
    signed_in(agent).post(f"/desk/items/{second_item.pk}/merge", {"target": theirs.pk})
    with in_schema(two_clients.b):
        fresh = Conversation.objects.get(pk=theirs.pk)
        assert (fresh.status, fresh.merged_into_id) == ("new", None)
        assert not Conversation.objects.filter(merged_into__isnull=False).exists()


def test_the_customers_page_merges_with_another_customer_and_old_links_redirect(two_clients):
    agent = agent_with([two_clients.a], {"cs": "native"})
    first, _ = inbound(two_clients.a, "Boty", "vera@example.cz")
    other, _ = inbound(two_clients.a, "Kabelka", "vera.mala@work.example")
    client = two_clients.a
    http = signed_in(agent)
    target_id, source_id = first.customer_id, other.customer_id

    page = http.get(f"/desk/clients/{client.pk}/customers/{target_id}?who=vera.mala").text
    assert "vera.mala@work.example" in page and 'class="customer-merge-link"' in page
    confirm = http.get(f"/desk/clients/{client.pk}/customers/{source_id}/merge?target={target_id}")
    assert confirm.status_code == 200 and 'id="customer-merge-form"' in confirm.text

    done = http.post(
        f"/desk/clients/{client.pk}/customers/{source_id}/merge", {"target": str(target_id)}
    )

    assert done.url == f"/desk/clients/{client.pk}/customers/{target_id}"
    old = http.get(f"/desk/clients/{client.pk}/customers/{source_id}")
    assert old.status_code == 302 and old.url == done.url
    page = http.get(done.url).text
    assert "vera.mala@work.example" in page and "Kabelka" not in page  # identity, not words
    with in_schema(client):
        assert Customer.objects.get(pk=source_id).merged_into_id == target_id
    again = http.post(
        f"/desk/clients/{client.pk}/customers/{source_id}/merge", {"target": str(target_id)}
    )
    assert again.status_code == 400 and "already merged" in again.text


@pytest.mark.parametrize("method", ["get page", "get merge", "post merge"])
def test_an_outsider_gets_404_for_a_clients_customer(two_clients, method):
    first, _ = inbound(two_clients.a, "Boty", "vera@example.cz")
    other, _ = inbound(two_clients.a, "Kabelka", "vera.mala@work.example")
    outsider = agent_with([two_clients.b], {"cs": "native"})
    base = f"/desk/clients/{two_clients.a.pk}/customers/{other.customer_id}"
    http = signed_in(outsider)
    answer = {
        "get page": lambda: http.get(base),
        "get merge": lambda: http.get(f"{base}/merge?target={first.customer_id}"),
        "post merge": lambda: http.post(f"{base}/merge", {"target": first.customer_id}),
    }[method]()
    assert answer.status_code == 404 and "vera" not in answer.content.decode()
    with in_schema(two_clients.a):
        assert Customer.objects.get(pk=other.customer_id).merged_into_id is None
