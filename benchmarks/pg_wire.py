"""Round trips to PostgreSQL counted at the wire: a TCP proxy between a process and the server.

A process pointed at the proxy (its DATABASE_URL names the proxy's port, with
``sslmode=disable`` so that the protocol can be read) talks to the server as before; the
proxy reads what the process sends and counts every message the process then waits on: a
simple ``Query`` ('Q': psycopg's client-side binding, ``SET search_path``, ``BEGIN``,
``COMMIT``, Django's health check ``SELECT 1``) and each ``Sync`` ('S': the end of an
extended-protocol statement). Nothing a driver or a library sends is left out, whoever sends
it. Used by the voice webhooks' benchmark (benchmarks/telephony_webhooks.py) and by the test
that holds a key press to its limit (tests/telephony/test_voice_round_trips.py).
"""

import socket
import struct
import threading
from dataclasses import dataclass, field

# The startup message's protocol version; the requests before it (SSL, GSS encryption)
# carry other codes, and none of them has a type byte.
_PROTOCOL_3 = 196608


@dataclass
class Wire:
    """The statements seen, in order: ('Q', sql) or ('S', the statement parsed before)."""

    statements: list[tuple[str, str]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def mark(self) -> int:
        with self.lock:
            return len(self.statements)

    def since(self, mark: int) -> list[str]:
        """The statements sent after ``mark``, one line each."""
        with self.lock:
            return [text for _, text in self.statements[mark:]]


class Proxy:
    """Listens on a free loopback port and forwards each connection to ``upstream``."""

    def __init__(self, upstream: tuple[str, int]) -> None:
        self.upstream = upstream
        self.wire = Wire()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port: int = self._listener.getsockname()[1]
        self._stopped = threading.Event()
        threading.Thread(target=self._accept, daemon=True).start()

    def stop(self) -> None:
        self._stopped.set()
        self._listener.close()

    def _accept(self) -> None:
        while not self._stopped.is_set():
            try:
                inbound, _ = self._listener.accept()
            except OSError:
                return
            outbound = socket.create_connection(self.upstream)
            for sock in (inbound, outbound):
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            threading.Thread(
                target=self._from_client, args=(inbound, outbound), daemon=True
            ).start()
            threading.Thread(target=_pump, args=(outbound, inbound), daemon=True).start()

    def _from_client(self, inbound: socket.socket, outbound: socket.socket) -> None:
        started, parsed = False, ""
        try:
            while True:
                if not started:
                    head = _read(inbound, 4)
                    body = _read(inbound, struct.unpack("!i", head)[0] - 4)
                    started = struct.unpack("!i", body[:4])[0] == _PROTOCOL_3
                    outbound.sendall(head + body)
                    continue
                head = _read(inbound, 5)
                kind = chr(head[0])
                body = _read(inbound, struct.unpack("!i", head[1:])[0] - 4)
                if kind == "Q":
                    self._seen(kind, body.rstrip(b"\0").decode(errors="replace"))
                elif kind == "P":  # Parse: name, then the statement
                    parsed = body.split(b"\0")[1].decode(errors="replace")
                elif kind == "S":
                    self._seen(kind, parsed)
                outbound.sendall(head + body)
        except (OSError, ConnectionError, struct.error):
            pass
        finally:
            for sock in (inbound, outbound):
                sock.close()

    def _seen(self, kind: str, text: str) -> None:
        with self.wire.lock:
            self.wire.statements.append((kind, " ".join(text.split())))


def _read(sock: socket.socket, size: int) -> bytes:
    chunks, left = [], size
    while left:
        chunk = sock.recv(left)
        if not chunk:
            raise ConnectionError("closed")
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def _pump(source: socket.socket, target: socket.socket) -> None:
    try:
        while chunk := source.recv(65536):
            target.sendall(chunk)
    except OSError:
        pass
    finally:
        for sock in (source, target):
            sock.close()


# What a web process reads again when its cache of hosts, clients and numbers
# (tenants.domains) has expired: once per 5 s per process and row, not per request; and the
# language catalog's voices and fallbacks (languages.selectors, telephony.voice.twiml), once
# per 60 s per process (on a slow machine, within the calls a test counts).
_CACHE_READS = (
    'SET search_path = "public"',
    'FROM "tenants_domain"',
    'FROM "tenants_client"',
    'FROM "telephony_phonenumber"',
    'FROM "languages_language"',
    'FROM "languages_languagefallback"',
)


def cache_reads(statements: list[str]) -> list[str]:
    """The statements among ``statements`` that refill the process's caches of hosts,
    clients and numbers, and of the language catalog."""
    return [s for s in statements if s.startswith(_CACHE_READS[0]) or _cached_table(s)]


def _cached_table(statement: str) -> bool:
    return statement.startswith("SELECT") and any(t in statement for t in _CACHE_READS[1:])
