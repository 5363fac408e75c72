"""Benchmark of the outbox under faults: outbound mail to a slow SMTP server while the
worker is SIGKILLed and the broker is unreachable for a while.

Run from the repository root (a Redis or RabbitMQ broker in CELERY_BROKER_URL)::

    .venv/bin/python benchmarks/faults.py [--messages 1000] [--kills 4] [--outage 30]

On the PostgreSQL server the settings point at (``DATABASE_URL``, or the embedded one) it
creates a database of its own, ``polydesk_bench_faults`` (dropped at the end), migrates it
and provisions one client with 50 e-mail conversations. A local SMTP server (aiosmtpd, in
this process) answers MAIL, RCPT and the end of each message after ``--delay`` seconds,
keeping the message before its slow answer (the worst case for a sender killed meanwhile).

1. The floor: the same kind of server, fed directly by ``--concurrency`` threads with one
   SMTP connection each (smtplib, no Polydesk): messages a second.
2. The run: this process plays the web (agents' replies through ``conversation_reply``,
   one transaction each, the task sent after the commit) and the beat (the outbox sweep
   every ``--sweep`` seconds); a real Celery worker (threads pool) sends. A third of the
   replies are written with the broker up while the worker is SIGKILLed at fixed shares of
   the messages sent and started again; then the web and the worker are pointed at a closed
   port for ``--outage`` seconds (the web keeps writing: every request must still commit,
   and its time is measured), then back, and the rest is written.
3. Counted: deliveries per Message-ID at the server (lost: none may be; duplicates), every
   row ``sent`` in the database, the time from the broker's return until all are sent.

Prints one JSON line (``benchmarks/_report.py``; the raw measurements under ``details``).
"""

import argparse
import asyncio
import logging
import os
import signal
import smtplib
import socket
import statistics
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from email.message import EmailMessage
from pathlib import Path

from _report import Report, json_option
from benchdb import bench_database, django_setup, server_find

BENCH_DATABASE = "polydesk_bench_faults"
ROOT = Path(__file__).resolve().parents[1]
CONVERSATIONS = 50


class SlowServer:
    """aiosmtpd handler: slow answers; counts what it keeps, by Message-ID."""

    def __init__(self, delay: float, keep_first: bool = True) -> None:
        self.delay, self.keep_first = delay, keep_first
        self.kept: Counter = Counter()
        self.lock = threading.Lock()

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        await asyncio.sleep(self.delay)
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        await asyncio.sleep(self.delay)
        envelope.rcpt_tos.append(address)
        envelope.rcpt_options.extend(rcpt_options)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message_id = ""
        for line in envelope.content.split(b"\r\n"):
            if not line:
                break
            if line.lower().startswith(b"message-id:"):
                message_id = line.split(b":", 1)[1].strip().decode()
        if not self.keep_first:
            # Slow before keeping it (a before-queue filter): a sender that vanishes
            # meanwhile leaves nothing behind (aiosmtpd cancels this handler).
            await asyncio.sleep(self.delay)
        with self.lock:
            self.kept[message_id] += 1
        if self.keep_first:
            await asyncio.sleep(self.delay)
        return "250 OK"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def smtp_server(delay: float, keep_first: bool = True):
    from aiosmtpd.controller import Controller

    handler = SlowServer(delay, keep_first)
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    return handler, controller


def floor(messages: int, concurrency: int, delay: float) -> float:
    """Messages a second the slow server takes from plain smtplib (a connection a thread)."""
    handler, controller = smtp_server(delay)
    shares = [messages // concurrency + (i < messages % concurrency) for i in range(concurrency)]

    def send(count: int, thread: int) -> None:
        with smtplib.SMTP("127.0.0.1", controller.port, timeout=30) as smtp:
            for n in range(count):
                message = EmailMessage()
                message["From"], message["To"] = "shop@bench.example", "customer@bench.example"
                message["Subject"], message["Message-ID"] = "Floor", f"<floor-{thread}-{n}@b>"
                message.set_content("Dobrý den, posíláme nové boty.")
                smtp.send_message(message)

    started = time.perf_counter()
    threads = [threading.Thread(target=send, args=(count, i)) for i, count in enumerate(shares)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    controller.stop()
    assert sum(handler.kept.values()) == messages
    return messages / elapsed


def prepare() -> tuple:
    """Migrate; one client, its address, 50 e-mail conversations held by one agent."""
    from django.core.management import call_command
    from django_tenants.utils import schema_context

    call_command("migrate_platform", verbosity=0)
    from accounts.models import User
    from conversations.services import conversation_open_inbound
    from tenants.models import InboundAddress
    from tenants.services import agency_ensure, client_provision

    agency_ensure()
    client = client_provision(
        slug="bench-mail",
        name="Bench Mail",
        countries=["CZ"],
        languages=["cs"],
        time_zone="Europe/Prague",
        currency="CZK",
    ).client
    InboundAddress.objects.create(client=client, address="podpora@bench.example", country="CZ")
    agent = User.objects.create_user(username="bench-agent", password=None, role=User.Role.AGENT)
    with schema_context(client.schema_name):
        conversations = [
            conversation_open_inbound(
                client=client,
                channel="email",
                text="Dobrý den, kde je moje zásilka?",
                subject=f"Zásilka {n}",
                customer_email=f"customer{n}@bench.example",
                language="cs",
            ).conversation.pk
            for n in range(CONVERSATIONS)
        ]
    return client, agent, conversations


class Worker:
    """A real Celery worker process, restarted on demand, pointed at a broker URL."""

    def __init__(
        self, *, queue: str, smtp_port: int, concurrency: int, lease: int, log: Path
    ) -> None:
        self.queue, self.smtp_port, self.concurrency = queue, smtp_port, concurrency
        self.lease, self.log = lease, log
        self.process: subprocess.Popen | None = None

    def start(self, broker_url: str) -> None:
        env = {
            **os.environ,
            "CELERY_BROKER_URL": broker_url,
            "POLYDESK_CELERY_QUEUE": self.queue,
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(self.smtp_port),
            "POLYDESK_OUTBOX_LEASE_SECONDS": str(self.lease),
            "LOG_LEVEL": "WARNING",
        }
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                "--pool=threads",
                f"--concurrency={self.concurrency}",
                "-Q",
                self.queue,
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "--loglevel=WARNING",
            ],
            cwd=ROOT,
            env=env,
            stdout=self.log.open("a"),
            stderr=subprocess.STDOUT,
        )

    def stop(self, sig: int) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def broker_point(url: str) -> None:
    """Point this process's task sending (the web's and the sweep's) at ``url``."""
    from config.celery import app

    app.conf.broker_write_url = url
    app._pool = None
    app.amqp._producer_pool = None


def run(args) -> dict:
    from django.conf import settings
    from django.utils import timezone
    from django_tenants.utils import schema_context

    from config.celery import app
    from conversations.services import conversation_reply
    from outbox.models import Delivery
    from outbox.services import deliveries_sweep

    logging.getLogger("core.tasks").setLevel(logging.ERROR)  # one line per refused task
    floor_rate = floor(args.messages, args.concurrency, args.delay)

    client, agent, conversations = prepare()
    broker = settings.CELERY_BROKER_URL
    scheme = broker.split("://", 1)[0]
    closed = f"{scheme}://127.0.0.1:{free_port()}/" + ("0" if scheme.startswith("redis") else "/")
    queue = f"bench-faults-{uuid.uuid4().hex[:8]}"
    app.conf.task_default_queue, app.conf.task_always_eager = queue, False
    settings.OUTBOX_REDISPATCH_SECONDS = args.redispatch
    server, controller = smtp_server(args.delay, keep_first=args.server == "keeps-first")
    log = Path(args.log)
    worker = Worker(
        queue=queue,
        smtp_port=controller.port,
        concurrency=args.concurrency,
        lease=args.lease,
        log=log,
    )
    worker.start(broker)

    stop = threading.Event()
    worker_lock = threading.Lock()
    broker_up = threading.Event()
    broker_up.set()

    def sent() -> int:
        return Delivery.objects.filter(client=client, state="sent").count()

    def beat() -> None:
        from django.db import connection

        while not stop.wait(args.sweep):
            deliveries_sweep()
        connection.close()

    # Every kill while the first third is being sent, so that the broker's return is
    # measured on its own.
    thresholds = [args.messages * (0.04 + 0.25 * k / max(args.kills, 1)) for k in range(args.kills)]
    kills = []

    def killer() -> None:
        from django.db import connection

        for threshold in thresholds:
            while not stop.is_set() and (sent() < threshold or not broker_up.is_set()):
                time.sleep(0.01)
            if stop.is_set():
                break
            with worker_lock:
                if not broker_up.is_set():
                    continue
                worker.stop(signal.SIGKILL)  # mid-send: its threads are at work
                kills.append(sent())
                worker.start(broker)
        connection.close()

    beat_thread = threading.Thread(target=beat, daemon=True)
    killer_thread = threading.Thread(target=killer, daemon=True)
    beat_thread.start()
    killer_thread.start()

    write_times = {"broker up": [], "broker down": []}

    written = [0]

    def write(count: int, *, spread_over: float = 0.0) -> None:
        ends = time.monotonic() + spread_over
        for n in range(count):
            if spread_over and time.monotonic() > ends:
                break  # the outage is over: the rest is written after it
            conversation_id = conversations[written[0] % CONVERSATIONS]
            written[0] += 1
            started = time.perf_counter()
            with schema_context(client.schema_name):
                conversation_reply(
                    client=client,
                    conversation_id=conversation_id,
                    agent=agent,
                    text=f"Dobrý den, zásilka {n} je na cestě.",
                )
            took = time.perf_counter() - started
            write_times["broker up" if broker_up.is_set() else "broker down"].append(took)
            if spread_over:
                time.sleep(max(spread_over / count - took, 0))

    first = args.messages // 3
    during = args.messages // 3
    write(first)
    # Let the first kills happen while the broker is up.
    deadline = time.monotonic() + 120
    while len(kills) < args.kills and time.monotonic() < deadline:
        time.sleep(0.05)

    with worker_lock:  # the outage: web and worker pointed at a closed port
        broker_up.clear()
        outage_at = timezone.now()
        worker.stop(signal.SIGTERM)
        worker.start(closed)
        broker_point(closed)
    outage_started = time.monotonic()
    write(during, spread_over=args.outage * 0.9)
    time.sleep(max(args.outage - (time.monotonic() - outage_started), 0))
    with worker_lock:
        worker.stop(signal.SIGKILL)  # it never reached a broker: nothing in flight
        broker_point(broker)
        worker.start(broker)
        broker_up.set()
    returned = time.monotonic()
    returned_at = timezone.now()
    write(args.messages - written[0])
    deadline = returned + args.timeout
    while sent() < args.messages and time.monotonic() < deadline:
        time.sleep(0.1)
    all_sent_after = time.monotonic() - returned
    stop.set()
    killer_thread.join(timeout=60)  # it may be starting a worker: that one is stopped too
    beat_thread.join(timeout=60)
    with worker_lock:
        worker.stop(signal.SIGTERM)
    controller.stop()

    states = Counter(Delivery.objects.filter(client=client).values_list("state", flat=True))
    expected = set(Delivery.objects.filter(client=client).values_list("external_id", flat=True))
    copies = {mid: n for mid, n in server.kept.items() if mid in expected}
    duplicates = sum(n - 1 for n in copies.values())
    lost = len(expected - set(copies))
    # What the web wrote while the broker was down: when it was all sent, and how fast.
    backlog = sorted(
        Delivery.objects.filter(
            client=client, queued_at__gte=outage_at, queued_at__lt=returned_at
        ).values_list("sent_at", flat=True)
    )
    backlog_sent = (backlog[-1] - returned_at).total_seconds() if backlog else None
    span = (backlog[-1] - backlog[0]).total_seconds() if len(backlog) > 1 else 0
    drain_rate = len(backlog) / span if span else None
    written_during = len(write_times["broker down"])

    def ms(values: list[float], q: float) -> float | None:
        if not values:
            return None
        return (
            round(statistics.quantiles(values, n=100)[q - 1] * 1000, 1)
            if len(values) > 1
            else round(values[0] * 1000, 1)
        )

    return {
        "benchmark": "faults",
        "messages": args.messages,
        "smtp_delay_s": args.delay,
        "server": args.server,
        "worker_threads": args.concurrency,
        "lease_s": args.lease,
        "sweep_s": args.sweep,
        "redispatch_s": args.redispatch,
        "outage_s": args.outage,
        "kills": len(kills),
        "killed_at_sent": kills,
        "written_during_outage": written_during,
        "states": dict(states),
        "delivered": sum(copies.values()),
        "lost": lost,
        "duplicates": duplicates,
        "duplicate_pct": round(100 * duplicates / args.messages, 3),
        # Everything, also what a SIGKILLed worker had taken from a Redis broker before the
        # outage (Redis hands it back after its visibility timeout; the sweep sends it
        # again after redispatch_s; RabbitMQ hands it back at once).
        "all_sent_s_after_broker_back": round(all_sent_after, 1),
        "broker": settings.CELERY_BROKER_URL.split(":", 1)[0],
        "reply_ms_p50_p99_broker_up": [
            ms(write_times["broker up"], 50),
            ms(write_times["broker up"], 99),
        ],
        "reply_ms_p50_p99_broker_down": [
            ms(write_times["broker down"], 50),
            ms(write_times["broker down"], 99),
        ],
        "floor_msgs_per_s": round(floor_rate, 1),
        "outage_backlog_sent_s_after_broker_back": (
            round(backlog_sent, 1) if backlog_sent is not None else None
        ),
        # From the first to the last of the outage's backlog sent.
        "outage_backlog_msgs_per_s": round(drain_rate, 1) if drain_rate else None,
    }


def figures_add(report: Report, result: dict) -> None:
    floor = result["floor_msgs_per_s"]
    report.check("lost", result["lost"])
    report.figure("duplicates", result["duplicate_pct"], "%", target=0.1)
    report.figure(
        "outage's backlog sent, after the broker returned",
        result["outage_backlog_sent_s_after_broker_back"],
        "s",
    )
    report.figure(
        "everything sent, after the broker returned", result["all_sent_s_after_broker_back"], "s"
    )
    report.figure(
        "send rate (the outage's backlog)",
        result["outage_backlog_msgs_per_s"],
        "msg/s",
        better="higher",
        floor=floor,
    )
    for state in ("up", "down"):
        p50, p99 = result[f"reply_ms_p50_p99_broker_{state}"]
        report.figure(f"reply p50, broker {state}", p50, "ms")
        report.figure(f"reply p99, broker {state}", p99, "ms")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=1000)
    parser.add_argument("--kills", type=int, default=4, help="SIGKILLs of the worker (≤ 4)")
    parser.add_argument("--outage", type=float, default=30.0, help="seconds without broker")
    parser.add_argument(
        "--delay", type=float, default=0.02, help="seconds the SMTP server waits before each answer"
    )
    parser.add_argument("--concurrency", type=int, default=4, help="worker threads")
    parser.add_argument("--lease", type=int, default=10, help="POLYDESK_OUTBOX_LEASE_SECONDS")
    parser.add_argument("--sweep", type=float, default=30.0, help="seconds between sweeps")
    parser.add_argument(
        "--server",
        choices=["keeps-first", "answers-first"],
        default="keeps-first",
        help="keeps-first: keeps the message, then answers slowly (the worst "
        "case); answers-first: slow before keeping it",
    )
    parser.add_argument(
        "--redispatch", type=int, default=120, help="POLYDESK_OUTBOX_REDISPATCH_SECONDS"
    )
    parser.add_argument("--timeout", type=float, default=600.0)
    parser.add_argument("--log", default=str(ROOT / "var" / "bench-faults-worker.log"))
    json_option(parser)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT / "benchmarks"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    Path(args.log).parent.mkdir(parents=True, exist_ok=True)
    server = server_find(BENCH_DATABASE)
    sizes = {
        "messages": args.messages,
        "kills": args.kills,
        "outage_s": args.outage,
        "smtp_delay_s": args.delay,
        "worker_threads": args.concurrency,
        "server": args.server,
    }
    report = Report("faults", sizes)
    with bench_database(server):
        django_setup(BENCH_DATABASE)
        report.server_describe()
        report.details = run(args)
    report.machine["broker"] = report.details["broker"]
    figures_add(report, report.details)
    return report.emit(args.json)


if __name__ == "__main__":
    sys.exit(main())
