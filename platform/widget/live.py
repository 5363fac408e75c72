"""The live process: tells a waiting chat widget that its chat changed (docs/decisions.md,
"Live delivery to the chat widget").

A small ASGI application, run by uvicorn apart from the WSGI web processes (Procfile
``live``), serving ``GET /widget/v1/live?token=&after=``: it answers ``{"seq", "agent_typing"}``
as soon as the chat's ``seq`` is greater than ``after``, else after ``wait_seconds`` with the same
seq; the widget then fetches the chat from the WSGI API. A waiting request is a coroutine and
an event, not a thread nor a database connection: one connection per process LISTENs on
widget.signals.CHANNEL and wakes the waiters of the notified chat; a few more answer the short
queries (the token's session, the client's origins). When the LISTEN connection is lost
(PostgreSQL restarted, the backend killed), it reconnects with a growing pause and then wakes
every waiter, who reads its seq again: a NOTIFY sent while nobody listened is not missed.

Waiting is bounded: at most WAITERS_PER_CHAT requests wait on one chat and
WAITERS_PER_ADDRESS on one client address; one more is refused with 429 (the widget retries
after a growing pause and its 15-second refresh runs all along, so nothing is missed).

Django is set up for its settings (the signing key, the database, the translations) by the
entry point, config.live, but no request goes through Django's synchronous stack.
"""

import asyncio
import contextlib
import json
import logging
import re
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, MutableMapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs

import psycopg
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext
from psycopg import sql
from psycopg.conninfo import make_conninfo

from widget.limits import address_key
from widget.signals import CHANNEL
from widget.tokens import chat_token_read

logger = logging.getLogger(__name__)

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

PATH = "/widget/v1/live"
HEALTH_PATH = "/widget/v1/live/health"
WAIT_SECONDS = 25.0
# The client's allowed origins are read again after this long (a manager's change shows
# within it).
ORIGINS_TTL_SECONDS = 30.0
# The pause before the LISTEN connection is tried again, doubled up to the last one.
RECONNECT_PAUSES = (0.2, 0.5, 1.0, 2.0, 5.0)
QUERY_CONNECTIONS = 4
# Waiting requests allowed at once on one chat (a few of the customer's tabs) and from one
# client address (a shop's customers behind one NAT); one more gets 429. Refusing the new one,
# rather than answering the oldest to make room, because the widget polls again at once after
# an answer: tabs that answered each other in turn would poll in a loop, while a refused tab
# waits 1 s, 2 s, ... and a request whose browser has gone unnoticed ends within wait_seconds.
WAITERS_PER_CHAT = 3
WAITERS_PER_ADDRESS = 200
# How the process's connections show in pg_stat_activity.
APPLICATION_NAME = "polydesk-live"
# django-tenants' rule for a schema name (and never PostgreSQL's own pg_ schemas).
SCHEMA_NAME = re.compile(r"^(?!pg_)[_a-zA-Z][_a-zA-Z0-9]{0,62}$")


# Django's own OPTIONS of a PostgreSQL database, not libpq's: left out of the connection string.
DJANGO_ONLY_OPTIONS = frozenset(
    {"isolation_level", "server_side_binding", "pool", "assume_role", "context"}
)


def conninfo_from_settings(database: Mapping[str, Any] | None = None) -> str:
    """The libpq connection string of Django's default database (the test database in tests),
    its OPTIONS included: the embedded PostgreSQL's socket folder comes as ``?host=`` in
    DATABASE_URL, which dj-database-url puts there."""
    db: Mapping[str, Any] = settings.DATABASES["default"] if database is None else database
    params = {
        key: value
        for key, value in (db.get("OPTIONS") or {}).items()
        if key not in DJANGO_ONLY_OPTIONS
    }
    named = {
        "dbname": db.get("NAME"),
        "user": db.get("USER"),
        "password": db.get("PASSWORD"),
        "host": db.get("HOST"),
        "port": db.get("PORT"),
    }
    params.update({key: value for key, value in named.items() if value})
    return make_conninfo(**{k: str(v) for k, v in params.items() if v not in (None, "")})


@dataclass
class Session:
    key: str
    seq: int
    agent_typing: bool


class Refused(Exception):
    """An answer other than 200: its status and reason (already translated)."""

    def __init__(self, status: int, detail: str, *, cors: bool = False) -> None:
        super().__init__(detail)
        self.status, self.detail, self.cors = status, detail, cors


class Connections:
    """A few connections for the short queries, each used by one query at a time; a broken one
    is replaced by the next query that needs it."""

    def __init__(self, conninfo: str, size: int) -> None:
        self.conninfo = conninfo
        self.idle: asyncio.Queue[psycopg.AsyncConnection[Any] | None] = asyncio.Queue()
        for _ in range(size):
            self.idle.put_nowait(None)

    @contextlib.asynccontextmanager
    async def connection(self) -> AsyncIterator[psycopg.AsyncConnection[Any]]:
        conn = await self.idle.get()
        try:
            if conn is None or conn.closed:
                conn = await psycopg.AsyncConnection.connect(
                    self.conninfo, autocommit=True, application_name=APPLICATION_NAME
                )
            yield conn
        except psycopg.OperationalError:
            if conn is not None:
                await conn.close()
            conn = None
            raise
        finally:
            self.idle.put_nowait(conn)

    async def close(self) -> None:
        while not self.idle.empty():
            conn = self.idle.get_nowait()
            if conn is not None:
                await conn.close()


@dataclass
class Listener:
    """The one LISTEN connection of the process and the events of the waiting requests,
    by (schema, conversation id)."""

    conninfo: str
    waiters: dict[tuple[str, int], set[asyncio.Event]] = field(default_factory=dict)
    # Waiting requests by client address (the key gone at 0).
    addresses: dict[str, int] = field(default_factory=dict)
    listening: bool = False
    connection: psycopg.AsyncConnection[Any] | None = None
    reconnects: int = 0

    def add(
        self,
        chat: tuple[str, int],
        event: asyncio.Event,
        *,
        per_chat: int = WAITERS_PER_CHAT,
    ) -> bool:
        """Register a waiter of ``chat``; False (and nothing registered) when ``per_chat``
        already wait on it."""
        events = self.waiters.setdefault(chat, set())
        if len(events) >= per_chat:
            return False
        events.add(event)
        return True

    def address_take(self, address: str, *, limit: int = WAITERS_PER_ADDRESS) -> bool:
        """One more waiting request from ``address``; False when ``limit`` already wait."""
        if self.addresses.get(address, 0) >= limit:
            return False
        self.addresses[address] = self.addresses.get(address, 0) + 1
        return True

    def address_release(self, address: str) -> None:
        left = self.addresses.get(address, 0) - 1
        if left > 0:
            self.addresses[address] = left
        else:
            self.addresses.pop(address, None)

    def discard(self, chat: tuple[str, int], event: asyncio.Event) -> None:
        events = self.waiters.get(chat)
        if events is not None:
            events.discard(event)
            if not events:
                del self.waiters[chat]

    def wake(self, chat: tuple[str, int]) -> None:
        for event in self.waiters.get(chat, ()):
            event.set()

    def wake_all(self) -> None:
        for events in self.waiters.values():
            for event in events:
                event.set()

    def notified(self, payload: str) -> None:
        schema, _, rest = payload.partition(":")
        conversation, _, _seq = rest.partition(":")
        if conversation.isdigit():
            self.wake((schema, int(conversation)))

    async def run(self) -> None:
        """Listen for ever; after a lost connection, reconnect and wake everyone."""
        failures = 0
        while True:
            try:
                async with await psycopg.AsyncConnection.connect(
                    self.conninfo, autocommit=True, application_name=APPLICATION_NAME
                ) as conn:
                    self.connection = conn
                    await conn.execute(sql.SQL("LISTEN {}").format(sql.Identifier(CHANNEL)))
                    self.listening, failures = True, 0
                    # Whatever was notified while nobody listened: every waiter reads again.
                    self.wake_all()
                    async for notify in conn.notifies():
                        self.notified(notify.payload)
            except psycopg.Error as error:
                logger.warning("live: the LISTEN connection was lost (%s); reconnecting", error)
            finally:
                self.listening, self.connection = False, None
            self.reconnects += 1
            await asyncio.sleep(RECONNECT_PAUSES[min(failures, len(RECONNECT_PAUSES) - 1)])
            failures += 1


class LiveApp:
    """The ASGI application (see the module's docstring)."""

    def __init__(
        self,
        *,
        conninfo: str,
        wait_seconds: float = WAIT_SECONDS,
        query_connections: int = QUERY_CONNECTIONS,
        waiters_per_chat: int = WAITERS_PER_CHAT,
        waiters_per_address: int = WAITERS_PER_ADDRESS,
    ) -> None:
        self.conninfo = conninfo
        self.wait_seconds = wait_seconds
        self.waiters_per_chat = waiters_per_chat
        self.waiters_per_address = waiters_per_address
        self.query_connections = query_connections
        self.listener = Listener(conninfo)
        self.connections: Connections | None = None
        self.origins: dict[str, tuple[float, frozenset[str]]] = {}
        self.tasks: set[asyncio.Task[None]] = set()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self.lifespan(receive, send)
        elif scope["type"] == "http":
            await self.http(scope, receive, send)

    async def lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                self.start()
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await self.stop()
                await send({"type": "lifespan.shutdown.complete"})
                return

    def start(self) -> None:
        self.connections = Connections(self.conninfo, self.query_connections)
        task = asyncio.create_task(self.listener.run())
        self.tasks.add(task)

    async def stop(self) -> None:
        for task in self.tasks:
            task.cancel()
        self.tasks.clear()
        if self.connections is not None:
            await self.connections.close()

    # --- HTTP -----------------------------------------------------------------------------

    async def http(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        language = language_pick(query, headers)
        origin = headers.get("origin", "")
        path, method = scope["path"], scope["method"]
        with translation.override(language):
            if path == HEALTH_PATH:
                status = 200 if self.listener.listening else 503
                waiting = sum(len(events) for events in self.listener.waiters.values())
                await respond(
                    send, status, {"listening": self.listener.listening, "waiting": waiting}
                )
                return
            if path != PATH:
                await respond(send, 404, {"detail": gettext("Not found.")})
                return
            try:
                if method == "OPTIONS":
                    await self.preflight(send, query, origin, headers)
                elif method == "GET":
                    address = waiter_address(scope, headers)
                    await self.wait(send, receive, query, origin, address)
                else:
                    raise Refused(405, gettext("Use GET."))
            except Refused as refused:
                cors = cors_headers(origin) if refused.cors and origin else []
                await respond(send, refused.status, {"detail": refused.detail}, cors)
            except psycopg.OperationalError:
                logger.exception("live: the database did not answer")
                await respond(
                    send, 503, {"detail": gettext("The chat is not reachable; try again.")}
                )

    async def preflight(
        self, send: Send, query: dict[str, list[str]], origin: str, headers: dict[str, str]
    ) -> None:
        schema, _conversation, _key = self.token_parse(query)
        await self.origin_check(schema, origin)
        extra = [
            (b"access-control-allow-methods", b"GET, OPTIONS"),
            (b"access-control-max-age", b"600"),
        ]
        if headers.get("access-control-request-headers"):
            extra.append((b"access-control-allow-headers", b"content-type"))
        await respond(send, 204, None, cors_headers(origin) + extra)

    async def wait(
        self,
        send: Send,
        receive: Receive,
        query: dict[str, list[str]],
        origin: str,
        address: str = "",
    ) -> None:
        schema, conversation, key = self.token_parse(query)
        await self.origin_check(schema, origin)
        # From here the page's origin is the client's: its refusals are readable by the
        # widget (CORS), so that it can act on them (a withdrawn token: start a new chat).
        try:
            if not self.listener.address_take(address, limit=self.waiters_per_address):
                raise Refused(429, gettext("Too many requests. Please wait a moment."))
            try:
                await self.wait_allowed(send, receive, query, origin, schema, conversation, key)
            finally:
                self.listener.address_release(address)
        except Refused as refused:
            refused.cors = True
            raise
        except psycopg.OperationalError as error:
            logger.exception("live: the database did not answer")
            raise Refused(
                503, gettext("The chat is not reachable; try again."), cors=True
            ) from error

    async def wait_allowed(
        self,
        send: Send,
        receive: Receive,
        query: dict[str, list[str]],
        origin: str,
        schema: str,
        conversation: int,
        key: str,
    ) -> None:
        after = after_parse(query)
        chat = (schema, conversation)
        deadline = time.monotonic() + self.wait_seconds
        event = asyncio.Event()
        if not self.listener.add(chat, event, per_chat=self.waiters_per_chat):
            raise Refused(429, gettext("Too many requests. Please wait a moment."))
        gone = asyncio.ensure_future(disconnected(receive))
        try:
            while True:
                # Registered before reading: a NOTIFY after the read still sets the event.
                event.clear()
                session = await self.session_read(schema, conversation, key)
                remaining = deadline - time.monotonic()
                if session.seq > after or remaining <= 0:
                    break
                woken = asyncio.ensure_future(event.wait())
                done, _ = await asyncio.wait(
                    {woken, gone}, timeout=remaining, return_when=asyncio.FIRST_COMPLETED
                )
                woken.cancel()
                if gone in done:
                    return
        finally:
            self.listener.discard(chat, event)
            gone.cancel()
        body = {"seq": session.seq, "agent_typing": session.agent_typing}
        await respond(send, 200, body, cors_headers(origin) if origin else [])

    def token_parse(self, query: dict[str, list[str]]) -> tuple[str, int, str]:
        token = chat_token_read(first(query, "token"))
        if token is None or not SCHEMA_NAME.match(token.schema_name):
            raise Refused(403, gettext("This chat's link is not valid; start a new chat."))
        return token.schema_name, token.conversation_id, token.key

    async def session_read(self, schema: str, conversation: int, key: str) -> Session:
        query = sql.SQL(
            "SELECT key, seq, coalesce(agent_typing_until > now(), false)"
            " FROM {}.widget_chatsession WHERE conversation_id = %s"
        ).format(sql.Identifier(schema))
        row = await self.fetchone(query, [conversation])
        if row is None or row[0] != key:
            raise Refused(403, gettext("This chat's link is not valid; start a new chat."))
        return Session(key=row[0], seq=int(row[1]), agent_typing=bool(row[2]))

    async def origin_check(self, schema: str, origin: str) -> None:
        """Refuse a browser on a site the client has not allowed (no Origin: not a browser's
        cross-site call, nothing to refuse)."""
        if not origin:
            return
        if origin not in await self.origins_allowed(schema):
            raise Refused(403, gettext("This site may not use this shop's chat."))

    async def origins_allowed(self, schema: str) -> frozenset[str]:
        cached = self.origins.get(schema)
        if cached is not None and cached[0] > time.monotonic():
            return cached[1]
        query = sql.SQL("SELECT allowed_origins FROM {}.widget_widgetsettings").format(
            sql.Identifier(schema)
        )
        rows = await self.fetchall(query, [])
        allowed = frozenset(o.rstrip("/") for row in rows for o in (row[0] or ()))
        self.origins[schema] = (time.monotonic() + ORIGINS_TTL_SECONDS, allowed)
        return allowed

    async def fetchone(self, query: sql.Composed, params: list[Any]) -> tuple[Any, ...] | None:
        rows = await self.fetchall(query, params)
        return rows[0] if rows else None

    async def fetchall(self, query: sql.Composed, params: list[Any]) -> list[tuple[Any, ...]]:
        """The query's rows; a connection broken since its last use (PostgreSQL restarted) is
        replaced and the query tried again, until every connection was tried afresh."""
        for _ in range(self.query_connections):
            try:
                return await self.fetchall_once(query, params)
            except psycopg.OperationalError:
                continue
        return await self.fetchall_once(query, params)

    async def fetchall_once(self, query: sql.Composed, params: list[Any]) -> list[tuple[Any, ...]]:
        if self.connections is None:
            raise RuntimeError("the live app's lifespan was not started")
        async with self.connections.connection() as conn:
            try:
                cursor = await conn.execute(query, params)
            except (psycopg.errors.UndefinedTable, psycopg.errors.InvalidSchemaName):
                # A signed token naming a schema without a chat (the public schema, a
                # client since removed).
                raise Refused(
                    403, gettext("This chat's link is not valid; start a new chat.")
                ) from None
            return await cursor.fetchall()


def first(query: dict[str, list[str]], name: str) -> str:
    values = query.get(name)
    return values[0] if values else ""


def after_parse(query: dict[str, list[str]]) -> int:
    raw = first(query, "after") or "0"
    if not raw.isdigit() or len(raw) > 18:
        raise Refused(400, gettext("after must be a whole number (the last seq you saw)."))
    return int(raw)


def language_pick(query: dict[str, list[str]], headers: dict[str, str]) -> str:
    """The request's language: ?language=, else the browser's first one we speak."""
    wanted = [first(query, "language")] + [
        part.split(";")[0].strip() for part in headers.get("accept-language", "").split(",")
    ]
    for code in wanted:
        try:
            return translation.get_supported_language_variant(code.lower())
        except LookupError:
            continue
    return settings.LANGUAGE_CODE


def client_address(scope: Scope, headers: dict[str, str]) -> str:
    """The caller's address, by the web processes' rule (accounts.signin.client_address):
    behind the TLS proxy the last address it appended to X-Forwarded-For (earlier ones are the
    caller's own word), else the socket's peer."""
    forwarded = headers.get("x-forwarded-for", "")
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None) and forwarded.strip():
        return forwarded.split(",")[-1].strip()
    peer = scope.get("client")
    return str(peer[0]) if peer else ""


def waiter_address(scope: Scope, headers: dict[str, str]) -> str:
    """Whom a waiting request counts for (WAITERS_PER_ADDRESS), as the web processes' limits
    count (widget.limits.address_key): an IPv6 address by its /64."""
    return address_key(client_address(scope, headers))


def cors_headers(origin: str) -> list[tuple[bytes, bytes]]:
    return [
        (b"access-control-allow-origin", origin.encode("latin-1")),
        (b"vary", b"Origin"),
    ]


async def disconnected(receive: Receive) -> None:
    """Returns when the client has gone (the request has no body to read)."""
    while (await receive())["type"] != "http.disconnect":
        pass


async def respond(
    send: Send,
    status: int,
    body: dict[str, Any] | None,
    headers: Sequence[tuple[bytes, bytes]] = (),
) -> None:
    content = b"" if body is None else json.dumps(body).encode()
    all_headers = [
        (b"cache-control", b"no-store"),
        (b"content-length", str(len(content)).encode()),
        *headers,
    ]
    if body is not None:
        all_headers.append((b"content-type", b"application/json"))
    await send({"type": "http.response.start", "status": status, "headers": all_headers})
    await send({"type": "http.response.body", "body": content})
