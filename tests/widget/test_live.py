"""The live process (widget.live), run in this process by uvicorn on a free port against the
test database: a committed change wakes the waiting widget, a rolled-back one wakes nobody,
tokens and origins are checked, and a lost LISTEN connection is taken up again without
missing a change."""

import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import pytest
import uvicorn
from django.db import connection, transaction
from django.utils import timezone

from config.live import application
from conversations.models import Conversation
from tests.support.factories import CustomerFactory
from tests.support.tenancy import in_schema
from widget.live import (
    APPLICATION_NAME,
    HEALTH_PATH,
    PATH,
    LiveApp,
    client_address,
    conninfo_from_settings,
    waiter_address,
)
from widget.models import ChatSession, WidgetSettings
from widget.signals import chat_signal
from widget.tokens import chat_token_make, session_key_new
from widget.typing import agent_typing_mark

pytestmark = pytest.mark.slow
SHOP = "https://shop-a.example"
WAIT = 2.0


@dataclass
class Live:
    app: LiveApp
    base: str


@dataclass
class Chat:
    schema: str
    conversation_id: int
    token: str


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def live(two_clients, django_db_blocker) -> Iterator[Live]:
    """The live process on a free port (a short wait, so a timeout is seen within seconds)."""
    app = LiveApp(conninfo=conninfo_from_settings(), wait_seconds=WAIT)
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        if server.started and app.listener.listening:
            break
        time.sleep(0.05)
    with django_db_blocker.unblock(), in_schema(two_clients.a), transaction.atomic():
        WidgetSettings.objects.all().delete()
        WidgetSettings.objects.create(enabled=True, allowed_origins=[SHOP])
    with django_db_blocker.unblock(), in_schema(two_clients.b), transaction.atomic():
        WidgetSettings.objects.all().delete()
        WidgetSettings.objects.create(enabled=True, allowed_origins=["https://shop-b.example"])
    yield Live(app=app, base=base)
    server.should_exit = True
    thread.join(timeout=10)
    for client in (two_clients.a, two_clients.b):
        with django_db_blocker.unblock(), in_schema(client):
            WidgetSettings.objects.all().delete()


@pytest.fixture
def chat(two_clients, django_db_blocker) -> Iterator[Chat]:
    """A committed widget chat of client A."""
    with django_db_blocker.unblock(), in_schema(two_clients.a), transaction.atomic():
        customer = CustomerFactory()
        conversation = Conversation.objects.create(
            customer=customer, channel="chat", language="cs", created_at=timezone.now()
        )
        key = session_key_new()
        ChatSession.objects.create(conversation=conversation, key=key, created_at=timezone.now())
    schema = two_clients.a.schema_name
    yield Chat(
        schema=schema,
        conversation_id=conversation.pk,
        token=chat_token_make(schema_name=schema, conversation_id=conversation.pk, key=key),
    )
    with django_db_blocker.unblock(), in_schema(two_clients.a):
        conversation.delete()
        customer.delete()


def get(url: str, origin: str = "", method: str = "GET") -> tuple[int, dict, dict]:
    """Status, JSON body and headers."""
    request = urllib.request.Request(url, method=method)  # noqa: S310 - local
    if origin:
        request.add_header("Origin", origin)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - local
            body = response.read()
            return response.status, json.loads(body or b"{}"), dict(response.headers)
    except urllib.error.HTTPError as error:
        body = error.read()
        return error.code, json.loads(body or b"{}"), dict(error.headers)


def poll_url(live: Live, chat: Chat, after: int) -> str:
    return f"{live.base}{PATH}?token={chat.token}&after={after}"


def signal(client, django_db_blocker, chat: Chat, *, commit: bool = True) -> None:
    with django_db_blocker.unblock(), in_schema(client), transaction.atomic():
        chat_signal(conversation_id=chat.conversation_id)
        if not commit:
            transaction.set_rollback(True)


def waiting(live: Live, chat: Chat) -> None:
    """Returns once a request of this chat waits in the live process."""
    for _ in range(200):
        if live.app.listener.waiters.get((chat.schema, chat.conversation_id)):
            return
        time.sleep(0.01)
    raise AssertionError("no request is waiting")


def test_a_committed_change_wakes_the_waiting_widget(live, chat, two_clients, django_db_blocker):
    with ThreadPoolExecutor(1) as pool:
        started = time.monotonic()
        answer = pool.submit(get, poll_url(live, chat, 0), SHOP)
        waiting(live, chat)
        signal(two_clients.a, django_db_blocker, chat)
        status, body, headers = answer.result(timeout=10)
        took = time.monotonic() - started
    assert status == 200
    assert body == {"seq": 1, "agent_typing": False}
    assert took < WAIT  # woken, not timed out
    assert headers["access-control-allow-origin"] == SHOP
    assert headers["cache-control"] == "no-store"


def test_a_rollback_wakes_nobody(live, chat, two_clients, django_db_blocker):
    with ThreadPoolExecutor(1) as pool:
        started = time.monotonic()
        answer = pool.submit(get, poll_url(live, chat, 0), SHOP)
        waiting(live, chat)
        signal(two_clients.a, django_db_blocker, chat, commit=False)
        status, body, _ = answer.result(timeout=10)
    assert status == 200
    assert body["seq"] == 0
    assert time.monotonic() - started >= WAIT - 0.1  # it waited for the timeout


def test_a_seq_already_past_answers_at_once(live, chat, two_clients, django_db_blocker):
    signal(two_clients.a, django_db_blocker, chat)
    signal(two_clients.a, django_db_blocker, chat)
    started = time.monotonic()
    status, body, _ = get(poll_url(live, chat, 1))
    assert (status, body["seq"]) == (200, 2)
    assert time.monotonic() - started < WAIT * 0.75  # well before the timeout


def test_the_timeout_answers_the_same_seq(live, chat):
    status, body, _ = get(poll_url(live, chat, 0))
    assert (status, body) == (200, {"seq": 0, "agent_typing": False})


def test_the_agent_typing_is_told(live, chat, two_clients, django_db_blocker):
    with django_db_blocker.unblock(), in_schema(two_clients.a), transaction.atomic():
        assert agent_typing_mark(conversation_id=chat.conversation_id, now=timezone.now())
        # Throttled: a second mark within 3 s neither marks nor wakes anyone again.
        assert not agent_typing_mark(conversation_id=chat.conversation_id, now=timezone.now())
    status, body, _ = get(poll_url(live, chat, 0))
    assert (status, body) == (200, {"seq": 1, "agent_typing": True})


def waiting_count(live: Live, chat: Chat, count: int) -> None:
    """Returns once ``count`` requests of this chat wait in the live process."""
    for _ in range(300):
        if len(live.app.listener.waiters.get((chat.schema, chat.conversation_id), ())) == count:
            return
        time.sleep(0.01)
    raise AssertionError(f"not {count} requests waiting")


def addresses_released(live: Live) -> None:
    """Returns once the live process holds no request of any address: it releases one just
    after it answers (its finally), so a test's next line may come first."""
    for _ in range(300):
        if live.app.listener.addresses == {}:
            return
        time.sleep(0.01)
    raise AssertionError(f"addresses still held: {live.app.listener.addresses}")


def test_a_fourth_waiter_on_one_chat_is_refused_until_one_ends(live, chat):
    with ThreadPoolExecutor(max_workers=3) as pool:
        held = [pool.submit(get, poll_url(live, chat, 0), SHOP) for _ in range(3)]
        waiting_count(live, chat, 3)
        started = time.monotonic()
        status, body, headers = get(poll_url(live, chat, 0), SHOP)
        assert (status, bool(body["detail"])) == (429, True)
        assert headers["access-control-allow-origin"] == SHOP  # the widget reads it
        assert time.monotonic() - started < WAIT * 0.75  # at once, not after the wait
        assert [future.result()[0] for future in held] == [200, 200, 200]
    assert get(poll_url(live, chat, 0), SHOP)[0] == 200
    addresses_released(live)


def test_waiters_from_one_address_are_capped(live, chat, monkeypatch):
    monkeypatch.setattr(live.app, "waiters_per_address", 2)
    with ThreadPoolExecutor(max_workers=2) as pool:
        held = [pool.submit(get, poll_url(live, chat, 0), SHOP) for _ in range(2)]
        waiting_count(live, chat, 2)
        assert live.app.listener.addresses == {"127.0.0.1": 2}
        assert get(poll_url(live, chat, 0), SHOP)[0] == 429
        assert [future.result()[0] for future in held] == [200, 200]
    addresses_released(live)


def test_the_address_is_the_proxys_last_forwarded_one_behind_it(settings):
    scope = {"client": ("10.0.0.5", 5000)}
    forwarded = {"x-forwarded-for": "1.2.3.4, 203.0.113.9"}
    settings.SECURE_PROXY_SSL_HEADER = None
    assert client_address(scope, forwarded) == "10.0.0.5"
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    assert client_address(scope, forwarded) == "203.0.113.9"
    assert client_address(scope, {}) == "10.0.0.5"


def test_waiters_of_one_ipv6_64_count_as_one_address(settings):
    settings.SECURE_PROXY_SSL_HEADER = None
    one = waiter_address({"client": ("2001:db8:1:2::a", 5000)}, {})
    other = waiter_address({"client": ("2001:db8:1:2:ffff::1", 5000)}, {})
    assert one == other != waiter_address({"client": ("2001:db8:1:3::a", 5000)}, {})
    assert waiter_address({"client": ("10.0.0.5", 5000)}, {}) == "10.0.0.5"


@pytest.mark.parametrize(
    "token",
    ["", "garbage", "eyJzIjoiY2xpZW50X2EiLCJjIjoxLCJrIjoieCJ9:forged:signature"],
)
def test_a_bad_token_is_refused(live, chat, token):
    status, body, _ = get(f"{live.base}{PATH}?token={token}&after=0")
    assert status == 403
    assert body["detail"]


def test_a_withdrawn_token_is_refused(live, chat, two_clients, django_db_blocker):
    with django_db_blocker.unblock(), in_schema(two_clients.a):
        ChatSession.objects.filter(conversation_id=chat.conversation_id).update(
            key=session_key_new()
        )
    status, body, headers = get(poll_url(live, chat, 0), SHOP)
    assert status == 403
    assert body["detail"]
    # On the client's own shop the widget can read the refusal and start a new chat.
    assert headers["access-control-allow-origin"] == SHOP


def test_a_token_of_another_schema_or_a_bad_schema_is_refused(live, chat, two_clients):
    for schema in (two_clients.b.schema_name, "public", 'a"; drop table x; --', "pg_catalog"):
        token = chat_token_make(schema_name=schema, conversation_id=chat.conversation_id, key="k")
        status, _, _ = get(f"{live.base}{PATH}?token={token}&after=0")
        assert status == 403, schema


def test_another_clients_origin_is_refused(live, chat):
    status, body, headers = get(poll_url(live, chat, 0), "https://shop-b.example")
    assert status == 403
    assert body["detail"]
    assert "access-control-allow-origin" not in {k.lower() for k in headers}


def test_the_preflight_answers_the_allowed_origin_only(live, chat):
    status, _, headers = get(poll_url(live, chat, 0), SHOP, method="OPTIONS")
    assert status == 204
    assert headers["access-control-allow-origin"] == SHOP
    assert "GET" in headers["access-control-allow-methods"]
    status, _, _ = get(poll_url(live, chat, 0), "https://evil.example", method="OPTIONS")
    assert status == 403


def test_bad_input_is_a_400_in_the_requests_language(live, chat):
    request = urllib.request.Request(  # noqa: S310 - local
        f"{live.base}{PATH}?token={chat.token}&after=-1",
        headers={"Accept-Language": "de", "Origin": SHOP},
    )
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=10)  # noqa: S310 - local
    assert refused.value.code == 400
    assert refused.value.headers["access-control-allow-origin"] == SHOP
    detail = json.loads(refused.value.read())["detail"]
    assert detail == "after muss eine ganze Zahl sein (die zuletzt gesehene seq)."


def test_health(live):
    status, body, _ = get(f"{live.base}{HEALTH_PATH}")
    assert (status, body) == (200, {"listening": True, "waiting": 0})


def test_the_listener_reconnects_and_nothing_is_missed(live, chat, two_clients, django_db_blocker):
    """Every backend of the live process (the LISTEN connection and the query connections,
    as when PostgreSQL restarts) is killed while a widget waits, and a reply is committed
    before the listener is back: the widget still gets it (every waiter reads again on
    reconnect, through fresh query connections)."""
    reconnects = live.app.listener.reconnects
    with ThreadPoolExecutor(1) as pool:
        answer = pool.submit(get, poll_url(live, chat, 0), SHOP)
        waiting(live, chat)
        with django_db_blocker.unblock(), connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                " WHERE datname = current_database() AND application_name = %s",
                [APPLICATION_NAME],
            )
            assert cursor.fetchone()[0] >= 2  # the listener and a query connection
        # Committed while nobody listens (the listener waits a moment before reconnecting).
        signal(two_clients.a, django_db_blocker, chat)
        status, body, _ = answer.result(timeout=10)
    assert (status, body["seq"]) == (200, 1)
    for _ in range(100):
        if live.app.listener.listening:
            break
        time.sleep(0.05)
    assert live.app.listener.reconnects == reconnects + 1
    # And it listens again: the next change wakes the next waiter.
    with ThreadPoolExecutor(1) as pool:
        started = time.monotonic()
        answer = pool.submit(get, poll_url(live, chat, 1), SHOP)
        waiting(live, chat)
        signal(two_clients.a, django_db_blocker, chat)
        status, body, _ = answer.result(timeout=10)
    assert (status, body["seq"]) == (200, 2)
    assert time.monotonic() - started < WAIT


def test_the_entry_point_refuses_production_with_the_development_key():
    """config.live, uvicorn's factory: like the web processes, production with the
    development key (which would let anyone sign a widget's token) does not start."""
    environment = {**os.environ, "POLYDESK_ENV": "production"}
    environment.pop("SECRET_KEY", None)
    started = subprocess.run(
        [sys.executable, "-c", "from config.live import application; application()"],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert started.returncode != 0
    assert "SECRET_KEY is the development key" in started.stderr


def test_the_entry_point_makes_the_app_in_development():
    app = application()
    assert isinstance(app, LiveApp)
    assert "dbname=" in app.conninfo
