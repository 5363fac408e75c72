"""The desk of an agent who serves every client (User.serves_every_client): every client's
items open, are claimed and searched; supervisors may give them any client's work; their
pulse hears every client's queue from a few buckets, not one key per client."""

import pytest
from django.conf import settings
from django.core.cache import caches

from accounts.models import User
from routing.models import WorkItem
from routing.pulse import EVERY_BUCKETS, pulse_of_agent
from routing.services import work_enqueue
from tenants.models import Client
from tests.support.desk import agent_with, inbound, queue, signed_in
from tests.support.factories import UserFactory

pytestmark = pytest.mark.django_db

CZECH = "Dobrý den, balík do Žiline stále nedorazil, objednávka OBJ-2026/4711."


def pool_agent(**fields) -> User:
    """An agent of every client with no list at all, speaking the test clients' languages."""
    skills = {"cs": "native", "sk": "fluent", "pl": "fluent"}
    return agent_with([], skills, serves_every_client=True, **fields)


def queued(client, language: str, summary: str) -> WorkItem:
    return queue(client, language, 80_000 + len(summary) + client.pk * 100, summary)


def pulse(http) -> str:
    answer = http.get("/desk/pulse")
    assert answer.status_code == 200, answer.content
    return answer.json()["pulse"]


def test_they_open_and_claim_an_item_of_any_client(two_clients):
    http = signed_in(pool_agent())
    _, item = inbound(two_clients.b, "Dzień dobry, gdzie jest paczka?", "pool@example.pl")

    assert http.get(f"/desk/items/{item.pk}").status_code == 200
    answer = http.post(f"/desk/items/{item.pk}/claim")

    assert answer.status_code == 302 and answer.url == f"/desk/items/{item.pk}"
    assert WorkItem.objects.get(pk=item.pk).status in ("assigned", "offered")


def test_their_inbox_lists_every_clients_work_and_every_client_to_filter_by(two_clients):
    http = signed_in(pool_agent())
    quiet = Client.objects.bulk_create(
        [Client(name="Client Quiet", slug="client-quiet", schema_name="client_quiet")]
    )[0]
    queued(two_clients.a, "cs", "Czech of A")
    queued(two_clients.b, "pl", "Polish of B")
    queued(two_clients.b, "de", "German of B")

    def queue_table(page: str) -> str:
        return page[page.index('id="queue"') :].split("</table>")[0]

    page = http.get("/").text
    assert "You serve every client, new ones too" in page  # said, as the list is not shown
    shown = queue_table(page)
    assert "Czech of A" in shown and "Polish of B" in shown and "German of B" not in shown
    for client in (two_clients.a, two_clients.b):
        assert f'<option value="{client.pk}">{client.name}</option>' in page
    # Not every client: those with waiting work (thousands of options otherwise).
    assert f'<option value="{quiet.pk}">' not in page
    chosen = http.get("/", {"client": quiet.pk}).text
    assert f'<option value="{quiet.pk}" selected>' in chosen
    filtered = queue_table(http.get("/", {"client": two_clients.b.pk}).text)
    assert "Polish of B" in filtered and "Czech of A" not in filtered


def test_they_search_every_client(two_clients):
    http = signed_in(pool_agent())
    conversation, _ = inbound(two_clients.a, CZECH, "pool-search@example.cz", subject="Balík")

    page = http.get("/desk/search", {"q": "ziline"}).text

    assert f"/desk/clients/{two_clients.a.pk}/conversations/{conversation.pk}" in page
    scoped = http.get("/desk/search", {"q": "ziline", "client": two_clients.b.pk})
    assert scoped.status_code == 200


def test_a_supervisor_may_give_them_any_clients_item(two_clients):
    boss = UserFactory(role=User.Role.ADMIN)
    pool = pool_agent(first_name="Pola")
    _, item = inbound(two_clients.a, CZECH, "pool-assign@example.cz")

    page = signed_in(boss).get(f"/desk/items/{item.pk}").text
    assert f'<option value="{pool.pk}">' in page

    signed_in(boss).post(f"/desk/items/{item.pk}/assign", {"agent": pool.pk})
    assert WorkItem.objects.get(pk=item.pk).agent_id == pool.pk


def test_a_listed_agent_still_sees_only_their_clients(two_clients):
    listed = agent_with([two_clients.a], {"cs": "native", "pl": "native"})
    _, item = inbound(two_clients.b, "Dzień dobry, paczka?", "pool-listed@example.pl")

    assert signed_in(listed).get(f"/desk/items/{item.pk}").status_code == 404
    assert 'id="every-client"' not in signed_in(listed).get("/").text


def test_their_pulse_changes_when_any_clients_queue_does(
    two_clients, django_capture_on_commit_callbacks
):
    http = signed_in(pool_agent())
    for client in (two_clients.a, two_clients.b):
        before = pulse(http)
        with django_capture_on_commit_callbacks(execute=True):
            work_enqueue(
                client=client,
                channel="email",
                language="cs",
                source_kind="conversation",
                source_id=80_000 + client.pk,
            )
        assert pulse(http) != before


def test_their_pulse_reads_the_buckets_not_one_key_per_client(two_clients, monkeypatch):
    agent = pool_agent()
    read: list[list[str]] = []
    pulse_cache = caches[settings.PULSE_CACHE]
    real = pulse_cache.get_many

    def counted(keys, *args, **kwargs):
        read.append(list(keys))
        return real(keys, *args, **kwargs)

    monkeypatch.setattr(pulse_cache, "get_many", counted)
    pulse_of_agent(agent_id=agent.pk, client_ids=None)

    assert len(read) == 1 and len(read[0]) == 1 + EVERY_BUCKETS
