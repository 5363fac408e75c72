"""The work of benchmarks/outbound_webhooks.py, which loads it by name once django_setup()
has pointed the settings at the bench database (the models below need those settings)."""

import os
import resource
import statistics
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from typing import Any

from _report import Report
from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone
from django_tenants.utils import schema_context

from config.celery import app
from core.events import EVENT_TYPES, webhook_event_emit
from outbox.models import Delivery
from outbox.services import deliveries_sweep
from tenants.models import Client
from tenants.services import agency_ensure, client_provision
from webhooks.models import Attempt, WebhookDelivery
from webhooks.services import endpoint_create

ROOT = Path(__file__).resolve().parents[1]


def prepare(*, count: int, url: str) -> list[Client]:
    """Migrate; ``count`` clients, each with one endpoint at ``url`` for every event."""
    call_command("migrate_platform", verbosity=0)
    agency_ensure()
    clients = []
    for n in range(count):
        client = client_provision(
            slug=f"bench-hooks-{n}",
            name=f"Bench Hooks {n}",
            countries=["CZ"],
            languages=["cs"],
            time_zone="Europe/Prague",
            currency="CZK",
        ).client
        with schema_context(client.schema_name):
            endpoint_create(url=url, events=list(EVENT_TYPES), description="bench")
        clients.append(client)
    return clients


class Worker:
    """A real Celery worker process (threads pool) on this run's own queue."""

    def __init__(self, *, queue: str, concurrency: int, log: Path) -> None:
        command = [
            sys.executable,
            *("-m", "celery", "-A", "config", "worker", "--pool=threads"),
            f"--concurrency={concurrency}",
            *("-Q", queue, "--without-gossip", "--without-mingle", "--without-heartbeat"),
            "--loglevel=WARNING",
        ]
        env = {**os.environ, "POLYDESK_CELERY_QUEUE": queue, "LOG_LEVEL": "WARNING"}
        with log.open("a") as output:
            self.process = subprocess.Popen(
                command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT
            )

    def peak_mib(self) -> float | None:
        """The process's peak resident memory (VmHWM), while it runs."""
        try:
            status = Path(f"/proc/{self.process.pid}/status").read_text()
        except OSError:
            return None
        for line in status.splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
        return None

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def events_emit(clients: list[Client], count: int, run: str) -> None:
    """``count`` events, the clients in turn, one transaction each (as a room emits them)."""
    for n in range(count):
        client = clients[n % len(clients)]
        with schema_context(client.schema_name), transaction.atomic():
            webhook_event_emit(client, "invoice.issued", {"invoice_id": n, "run": run})


def created_times(clients: list[Client], run: str) -> dict[str, float]:
    """When each event of ``run`` was written, by webhook-id."""
    times = {}
    for client in clients:
        with schema_context(client.schema_name):
            rows = WebhookDelivery.objects.filter(payload__data__run=run).values_list(
                "message_id", "created_at"
            )
            times.update({message_id: at.timestamp() for message_id, at in rows})
    return times


def timed_out(clients: list[Client], run: str) -> set[str]:
    """The webhook-ids of ``run`` with an attempt that ended in the sender's timeout."""
    found: set[str] = set()
    for client in clients:
        with schema_context(client.schema_name):
            found.update(
                Attempt.objects.filter(
                    delivery__payload__data__run=run, error__contains="Timeout"
                ).values_list("delivery__message_id", flat=True)
            )
    return found


def percentile(values: list[float], share: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def one_size(*, args, size: int, clients, receiver, report: Report) -> dict[str, Any]:
    run = uuid.uuid4().hex[:8]
    queue = f"bench-webhooks-{run}"
    app.conf.task_default_queue = queue
    worker = Worker(queue=queue, concurrency=args.concurrency, log=ROOT / "var/bench-webhooks.log")
    stop = threading.Event()

    def beat() -> None:
        while not stop.wait(args.sweep):
            deliveries_sweep()
        connection.close()

    beat_thread = threading.Thread(target=beat, daemon=True)
    beat_thread.start()
    # One event a client first, not counted: the clock starts once the worker is up.
    warm_at = timezone.now()
    events_emit(clients, len(clients), f"{run}-warm")
    warm = Delivery.objects.filter(channel="webhook", queued_at__gte=warm_at, state="sent")
    ready_by = time.monotonic() + 120
    while warm.count() < len(clients) and time.monotonic() < ready_by:
        time.sleep(0.1)
    receiver.reset()
    started_at = timezone.now()
    started = time.perf_counter()
    events_emit(clients, size, run)
    emitted = time.perf_counter() - started
    rows = Delivery.objects.filter(channel="webhook", queued_at__gte=started_at)
    deadline = time.monotonic() + args.wait
    peak = None
    while time.monotonic() < deadline:
        peak = worker.peak_mib() or peak
        done = rows.filter(state__in=["sent", "failed"]).count()
        if done >= size:
            break
        time.sleep(0.2)
    total = time.perf_counter() - started
    peak = worker.peak_mib() or peak
    stop.set()
    beat_thread.join(timeout=60)
    worker.stop()

    written = created_times(clients, run)
    delays = [
        receiver.first_seen[mid] - at for mid, at in written.items() if mid in receiver.first_seen
    ]
    delivered = len(receiver.delivered & set(written))
    failed = rows.filter(state="failed").count()
    p50, p99 = percentile(delays, 0.5), percentile(delays, 0.99)
    suffix = f" ({size:,} events)"
    report.check("events not delivered" + suffix, size - delivered)
    report.figure("duplicates received" + suffix, receiver.duplicates, "count")
    report.figure("event to first call p50" + suffix, p50 and p50 * 1000, "ms")
    report.figure("event to first call p99" + suffix, p99 and p99 * 1000, "ms")
    report.figure("total time" + suffix, total, "s", floor=args.floor_seconds[size])
    report.figure("worker peak memory" + suffix, peak, "MiB")
    return {
        "events": size,
        "written": len(written),
        "delivered": delivered,
        "outbox_failed": failed,
        "calls": receiver.calls,
        "retries": receiver.calls - len(receiver.first_seen),
        "duplicates": receiver.duplicates,
        # A duplicate after a timed-out attempt: the receiver's 2xx came after the sender
        # gave up (the outbox's documented window: "a provider that kept the message").
        "duplicated_after_a_timeout": len(receiver.duplicated & timed_out(clients, run)),
        "emit_s": round(emitted, 2),
        "total_s": round(total, 2),
        "floor_s": round(args.floor_seconds[size], 2),
        "delay_mean_ms": round(statistics.fmean(delays) * 1000, 1) if delays else None,
        "worker_peak_mib": peak and round(peak, 1),
    }


def run(*, args, sizes: list[int], receiver, floor, report: Report) -> None:
    clients = prepare(count=args.clients, url=receiver.url)
    args.floor_seconds = {}
    for size in sizes:
        args.floor_seconds[size] = floor(receiver, size, settings.WEBHOOKS_TIMEOUT_SECONDS)
    report.details["runs"] = [
        one_size(args=args, size=size, clients=clients, receiver=receiver, report=report)
        for size in sizes
    ]
    report.details["bench_process_peak_mib"] = round(
        resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1
    )
    for line in report.details["runs"]:
        print(line, flush=True)
