"""The work of benchmarks/chat_live.py (loaded once the settings point at the bench database;
see that file for what is measured)."""

import asyncio
import os
import random
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
from _report import Report
from benchdb import free_port
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone
from django_tenants.utils import schema_context

from conversations.models import Conversation, Message
from customers.models import Customer
from tenants.services import agency_ensure, client_provision
from widget.models import ChatSession
from widget.signals import chat_signal
from widget.tokens import chat_token_make, session_key_new

ROOT = Path(__file__).resolve().parents[1]
IN_FLIGHT = 50  # requests at once in the burst of answers given at once
QUIET = 3.0  # seconds after the agents stop for the last replies to arrive


@dataclass
class Chat:
    conversation_id: int
    token: str


@dataclass
class Run:
    """What one run measured."""

    answers_per_s: float = 0.0
    rss_idle_kb: int = 0
    rss_open_kb: int = 0
    delays_ms: list[float] = field(default_factory=list)
    replies: int = 0
    missed: int = 0
    all_waiting_s: float = 0.0  # from the widgets' start until every one waits

    def per_chat_kb(self, chats: int) -> float:
        return (self.rss_open_kb - self.rss_idle_kb) / chats

    def quantile(self, q: float) -> float | None:
        if len(self.delays_ms) < 2:
            return self.delays_ms[0] if self.delays_ms else None
        return statistics.quantiles(self.delays_ms, n=100, method="inclusive")[round(q * 100) - 1]


def setup(count: int) -> tuple[str, list[Chat]]:
    """One client with ``count`` widget chats, each at seq 1 (one reply already there)."""
    call_command("migrate_platform", verbosity=0)
    agency_ensure()
    client = client_provision(
        slug="bench-chat",
        name="Bench Chat",
        countries=["CZ"],
        languages=["cs"],
        time_zone="Europe/Prague",
        currency="CZK",
    ).client
    now = timezone.now()
    with schema_context(client.schema_name):
        customers = Customer.objects.bulk_create(
            Customer(name=f"Zákazník {n}", email=f"chat{n}@example.cz", country="CZ")
            for n in range(count)
        )
        conversations = Conversation.objects.bulk_create(
            Conversation(customer=c, channel="chat", language="cs", created_at=now)
            for c in customers
        )
        sessions = ChatSession.objects.bulk_create(
            ChatSession(conversation=c, key=session_key_new(), seq=1, created_at=now)
            for c in conversations
        )
    chats = [
        Chat(
            conversation_id=s.conversation_id,
            token=chat_token_make(
                schema_name=client.schema_name, conversation_id=s.conversation_id, key=s.key
            ),
        )
        for s in sessions
    ]
    return client.schema_name, chats


def rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError("no VmRSS")


class Server:
    """The live process or the floor, started with uvicorn on a free port."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self.port = free_port()
        app = (
            ["--factory", "config.live:application"]
            if kind == "live"
            else ["--app-dir", str(ROOT / "benchmarks"), "chat_live_floor:app"]
        )
        command = [sys.executable, "-m", "uvicorn", *app, "--port", str(self.port)]
        command += ["--no-access-log", "--log-level", "warning", "--timeout-graceful-shutdown", "1"]
        # Every widget of the benchmark comes from this one address: no per-address cap.
        environment = {**os.environ, "POLYDESK_LIVE_WAITERS_PER_ADDRESS": "1000000"}
        self.process = subprocess.Popen(command, cwd=ROOT, env=environment)
        self.base = f"http://127.0.0.1:{self.port}"

    def url(self, chat: Chat, index: int, after: int) -> str:
        if self.kind == "live":
            return f"{self.base}/widget/v1/live?token={chat.token}&after={after}"
        return f"{self.base}/wait?chat={index}&after={after}"

    async def ready(self, http: aiohttp.ClientSession) -> None:
        path = "/widget/v1/live/health" if self.kind == "live" else "/wait?chat=-1&after=-1"
        for _ in range(200):
            try:
                async with http.get(self.base + path) as response:
                    if response.status == 200:
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.05)
        raise RuntimeError(f"the {self.kind} server did not start")

    async def all_waiting(self, http: aiohttp.ClientSession, count: int) -> float:
        """Seconds until ``count`` requests wait in the server (its health says so)."""
        path = "/widget/v1/live/health" if self.kind == "live" else "/health"
        started = time.monotonic()
        while time.monotonic() - started < 60:
            async with http.get(self.base + path) as response:
                if (await response.json())["waiting"] >= count:
                    return time.monotonic() - started
            await asyncio.sleep(0.05)
        raise RuntimeError(f"the {self.kind} server never had {count} requests waiting")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=20)


class Agents:
    """Replies at a steady rate to chats drawn at random; the moment of each (chat, seq)."""

    def __init__(self, *, server: Server, schema: str, chats: list[Chat], rate: float) -> None:
        self.server, self.schema, self.chats, self.rate = server, schema, chats, rate
        self.sent: dict[tuple[int, int], float] = {}
        self.seqs = [1] * len(chats)
        self.random = random.Random(7)

    def reply_live(self, index: int) -> None:
        chat = self.chats[index]
        with schema_context(self.schema), transaction.atomic():
            now = timezone.now()
            Message.objects.create(
                conversation_id=chat.conversation_id,
                direction="out",
                channel="chat",
                body_text="Dobrý den, hned se na to podívám.",
                created_at=now,
                sent_at=now,
            )
            seq = chat_signal(conversation_id=chat.conversation_id)
            assert seq is not None
            self.sent[(index, seq)] = time.time()  # just before the commit
        self.seqs[index] = seq

    def run_live(self, seconds: float) -> None:
        """In a thread of its own, as a web process would (one connection)."""
        try:
            self.paced(seconds, self.reply_live)
        finally:
            connection.close()

    def paced(self, seconds: float, reply) -> None:
        started = time.monotonic()
        n = 0
        while time.monotonic() - started < seconds:
            reply(self.random.randrange(len(self.chats)))
            n += 1
            pause = started + n / self.rate - time.monotonic()
            if pause > 0:
                time.sleep(pause)

    async def run_floor(self, http: aiohttp.ClientSession, seconds: float) -> None:
        started = time.monotonic()
        n = 0
        while time.monotonic() - started < seconds:
            index = self.random.randrange(len(self.chats))
            seq = self.seqs[index] + 1
            self.sent[(index, seq)] = time.time()
            self.seqs[index] = seq
            async with http.post(f"{self.server.base}/poke?chat={index}") as response:
                await response.read()
            n += 1
            pause = started + n / self.rate - time.monotonic()
            if pause > 0:
                await asyncio.sleep(pause)


async def burst(server: Server, http: aiohttp.ClientSession, chats: list[Chat], seconds: float):
    """Answers a second when every chat is already past ``after`` (answered at once)."""
    done = 0
    deadline = time.monotonic() + seconds
    in_flight = min(IN_FLIGHT, len(chats))

    async def one(worker: int) -> None:
        nonlocal done
        n = worker
        while time.monotonic() < deadline:
            index = n % len(chats)
            async with http.get(server.url(chats[index], index, 0)) as response:
                await response.read()
                assert response.status == 200, response.status
            done += 1
            n += in_flight

    started = time.monotonic()
    # At most one request per chat at a time at the smallest sizes: the live process holds
    # only WAITERS_PER_CHAT at once for one chat (a fourth tab is refused with 429).
    await asyncio.gather(*(one(w) for w in range(in_flight)))
    return done / (time.monotonic() - started)


async def measure(server: Server, schema: str, chats: list[Chat], args) -> Run:
    run = Run()
    timeout = aiohttp.ClientTimeout(total=60)
    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(timeout=timeout, connector=connector) as http:
        await server.ready(http)
        if server.kind == "floor":
            # The floor's counters start where the chats are (seq 1).
            for index in range(len(chats)):
                async with http.post(f"{server.base}/poke?chat={index}") as response:
                    await response.read()
        run.answers_per_s = await burst(server, http, chats, args.burst)
        await asyncio.sleep(0.5)
        run.rss_idle_kb = rss_kb(server.process.pid)
        agents = Agents(server=server, schema=schema, chats=chats, rate=args.rate)
        seen = [1] * len(chats)

        async def widget(index: int) -> None:
            while True:
                async with http.get(server.url(chats[index], index, seen[index])) as response:
                    body = await response.json()
                got = time.time()
                for seq in range(seen[index] + 1, body["seq"] + 1):
                    sent = agents.sent.get((index, seq))
                    if sent is not None:
                        run.delays_ms.append((got - sent) * 1000)
                seen[index] = max(seen[index], body["seq"])

        widgets = [asyncio.ensure_future(widget(i)) for i in range(len(chats))]
        run.all_waiting_s = await server.all_waiting(http, len(chats))
        await asyncio.sleep(0.5)
        run.rss_open_kb = rss_kb(server.process.pid)
        if server.kind == "live":
            thread = threading.Thread(target=agents.run_live, args=(args.seconds,))
            thread.start()
            while thread.is_alive():
                await asyncio.sleep(0.1)
        else:
            await agents.run_floor(http, args.seconds)
        await asyncio.sleep(QUIET)
        for task in widgets:
            task.cancel()
        await asyncio.gather(*widgets, return_exceptions=True)
        run.replies = len(agents.sent)
        run.missed = sum(1 for index, seq in agents.sent if seen[index] < seq)
    return run


def run(*, args, sizes: list[int], report: Report) -> None:
    schema, chats = setup(max(sizes))
    results: dict[tuple[str, int], Run] = {}
    for size in sizes:
        for kind in ("floor", "live"):
            server = Server(kind)
            try:
                measured = asyncio.run(measure(server, schema, chats[:size], args))
            finally:
                server.stop()
            results[(kind, size)] = measured
            print(
                f"{kind:5} {size:4} chats: delay p50 {measured.quantile(0.5) or 0:7.1f} ms"
                f"  p95 {measured.quantile(0.95) or 0:7.1f} ms"
                f"  p99 {measured.quantile(0.99) or 0:7.1f} ms"
                f"  ({measured.replies} replies, {measured.missed} missed)"
                f"  memory {measured.per_chat_kb(size):6.1f} kB/open chat"
                f" (RSS {measured.rss_idle_kb / 1024:.0f} -> {measured.rss_open_kb / 1024:.0f} MB)"
                f"  {measured.answers_per_s:6.0f} answers/s"
                f"  (all waiting after {measured.all_waiting_s:.2f} s)",
                flush=True,
            )
    for size in sizes:
        live, floor = results[("live", size)], results[("floor", size)]
        for q in (0.5, 0.95, 0.99):
            report.figure(
                f"reply to widget p{round(q * 100)}, {size} chats",
                live.quantile(q),
                "ms",
                floor=floor.quantile(q),
                target=2000 if q == 0.99 else None,
            )
        report.figure(
            f"memory per open chat, {size} chats",
            live.per_chat_kb(size),
            "kB",
            floor=floor.per_chat_kb(size),
        )
        report.figure(
            f"answers a second, {size} chats",
            live.answers_per_s,
            "req/s",
            better="higher",
            floor=floor.answers_per_s,
        )
        report.check(f"replies missed, {size} chats", live.missed + floor.missed)
        report.details[f"{size}"] = {
            kind: {
                "replies": r.replies,
                "rss_idle_kb": r.rss_idle_kb,
                "rss_open_kb": r.rss_open_kb,
                "all_waiting_s": round(r.all_waiting_s, 3),
            }
            for kind, r in (("live", live), ("floor", floor))
        }
