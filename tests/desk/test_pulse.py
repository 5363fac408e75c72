"""The desk's pulse (routing/pulse.py, ``/desk/pulse``): it changes after the commit that
queues work for one of the agent's clients, gives them work or takes it back, and only then;
it lives in a cache every process shares (PostgreSQL without Redis, Redis when set)."""

import socket
import threading

import pytest
from django.conf import settings
from django.core.cache import caches
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from routing.models import WorkItem
from routing.pulse import pulse_bump, pulse_of_agent
from routing.services import agent_next_item, item_close, item_release, work_enqueue
from tests.support.desk import agent_with, signed_in

pytestmark = pytest.mark.django_db

REDIS_URL = "redis://127.0.0.1:6379/13"


def queued(client, number: int, *, channel: str = "email") -> WorkItem:
    return work_enqueue(
        client=client,
        channel=channel,
        language="cs" if client.slug.endswith("a") else "pl",
        summary=f"Pulse {number}",
        source_kind="conversation",
        source_id=90_000 + number,
    )


def pulse(http) -> str:
    answer = http.get("/desk/pulse")
    assert answer.status_code == 200, answer.content
    return answer.json()["pulse"]


def test_work_queued_for_a_client_of_the_agent_changes_their_pulse(
    two_clients, django_capture_on_commit_callbacks
):
    http = signed_in(agent_with([two_clients.a], {"cs": "native"}))
    before = pulse(http)
    assert pulse(http) == before  # nothing happened: the same answer

    with django_capture_on_commit_callbacks(execute=True):
        queued(two_clients.a, 1)

    assert pulse(http) != before


def test_an_outsider_agent_hears_nothing_of_another_clients_queue(
    two_clients, django_capture_on_commit_callbacks
):
    insider = signed_in(agent_with([two_clients.a], {"cs": "native"}))
    outsider = signed_in(agent_with([two_clients.b], {"pl": "native"}))
    before = pulse(outsider)

    with django_capture_on_commit_callbacks(execute=True):
        queued(two_clients.a, 2)

    assert pulse(outsider) == before
    assert insider.get("/desk/pulse").status_code == 200


def test_the_pulse_changes_only_once_the_change_is_committed(
    two_clients, django_capture_on_commit_callbacks
):
    http = signed_in(agent_with([two_clients.a], {"cs": "native"}))
    before = pulse(http)

    with django_capture_on_commit_callbacks() as callbacks:
        queued(two_clients.a, 3)
        # Not yet committed: a desk fetching its inbox now would not see the item.
        assert pulse(http) == before
    for callback in callbacks:
        callback()

    assert pulse(http) != before


def test_work_given_to_the_agent_and_taken_back_changes_their_pulse(
    two_clients, django_capture_on_commit_callbacks
):
    agent = agent_with([two_clients.a], {"cs": "native"})
    http = signed_in(agent)
    with django_capture_on_commit_callbacks(execute=True):
        queued(two_clients.a, 4, channel="chat")
    seen = pulse(http)

    with django_capture_on_commit_callbacks(execute=True):
        given = agent_next_item(agent=agent)
    assert given is not None
    assert pulse(http) != seen
    seen = pulse(http)

    with django_capture_on_commit_callbacks(execute=True):
        item_release(item_id=given.pk)
    assert pulse(http) != seen
    seen = pulse(http)

    with django_capture_on_commit_callbacks(execute=True):
        taken = agent_next_item(agent=agent)
        assert taken is not None
        item_close(item_id=taken.pk, agent=agent)
    assert pulse(http) != seen


def test_the_pulse_is_one_cache_read_after_the_session(two_clients):
    http = signed_in(agent_with([two_clients.a, two_clients.b], {"cs": "native"}))
    pulse(http)  # the agent's reach cached, as on a desk open for a while

    with CaptureQueriesContext(connection) as captured:
        pulse(http)

    real = [q["sql"] for q in captured.captured_queries if "search_path" not in q["sql"]]
    # The host's domain, the session, its user, and without Redis one read of the pulse's table.
    assert len(real) <= 4, real
    assert sum("routing_pulse" in sql for sql in real) == 1


def test_without_redis_the_pulse_lives_in_postgresql_where_every_process_sees_it(two_clients):
    assert not settings.REDIS_URL
    assert caches[settings.PULSE_CACHE].__class__.__name__ == "DatabaseCache"
    before = pulse_of_agent(agent_id=1, client_ids=[two_clients.a.pk])

    # Another connection (as another process would have) bumps outside any transaction.
    def elsewhere() -> None:
        try:
            pulse_bump(client_ids=[two_clients.a.pk])
        finally:
            connection.close()

    thread = threading.Thread(target=elsewhere)
    thread.start()
    thread.join()
    try:
        assert pulse_of_agent(agent_id=1, client_ids=[two_clients.a.pk]) != before
    finally:
        caches[settings.PULSE_CACHE].delete(f"desk:pulse:client:{two_clients.a.pk}")


def _redis_up() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
    except OSError:
        return False
    return True


@pytest.mark.skipif(not _redis_up(), reason="no Redis on 127.0.0.1:6379")
def test_with_redis_the_pulse_lives_in_redis(two_clients, django_capture_on_commit_callbacks):
    redis = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    with override_settings(CACHES={**settings.CACHES, settings.PULSE_CACHE: redis}):
        caches[settings.PULSE_CACHE].clear()
        http = signed_in(agent_with([two_clients.a], {"cs": "native"}))
        before = pulse(http)
        with django_capture_on_commit_callbacks(execute=True):
            queued(two_clients.a, 5)
        with CaptureQueriesContext(connection) as captured:
            after = pulse(http)
        caches[settings.PULSE_CACHE].clear()
    assert after != before
    assert not any("routing_pulse" in q["sql"] for q in captured.captured_queries)


def test_an_unreadable_pulse_is_a_503_with_a_reason_and_a_failed_bump_fails_nothing(
    two_clients, django_capture_on_commit_callbacks
):
    closed = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": ""}
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        closed["LOCATION"] = f"redis://127.0.0.1:{unused.getsockname()[1]}/0"
    http = signed_in(agent_with([two_clients.a], {"cs": "native"}))
    with override_settings(CACHES={**settings.CACHES, settings.PULSE_CACHE: closed}):
        answer = http.get("/desk/pulse")
        with django_capture_on_commit_callbacks(execute=True):
            item = queued(two_clients.a, 6)  # committed; the desks' slower poll brings it
        page = http.get("/")  # the desk still opens, without a pulse to compare
    assert answer.status_code == 503
    assert "live updates" in answer.json()["error"]
    assert WorkItem.objects.filter(pk=item.pk).exists()
    assert page.status_code == 200
    assert 'data-pulse=""' in page.text


def test_the_pulse_is_for_agents_signed_in(two_clients):
    client_user = User.objects.create_user(
        username="pulse-portal", password="x", role="client", client=two_clients.a
    )
    assert signed_in(client_user).get("/desk/pulse").status_code == 403
    anonymous = signed_in(client_user)
    anonymous.logout()
    assert anonymous.get("/desk/pulse").status_code == 302
    agent = signed_in(agent_with([two_clients.a], {"cs": "native"}))
    assert agent.post("/desk/pulse").status_code == 405
