"""A real Celery worker SIGKILLed while it sends to a slow SMTP server, restarted: every
message is delivered, none lost, and the duplicates (the one window: the server took the
message, the worker died before marking it sent) are counted."""

import os
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter
from pathlib import Path

import pytest
from django.db import transaction
from django.utils import timezone

from config.celery import app
from conversations.email_out import outbound_email_queue
from conversations.models import Conversation
from customers.models import Customer
from outbox.models import Delivery
from outbox.services import deliveries_sweep
from tests.support.billing import billing_tables_truncate
from tests.support.database import test_database_url
from tests.support.smtp_sink import Sink, sink_start
from tests.support.tenancy import in_schema

ROOT = Path(__file__).resolve().parents[2]
MESSAGES = 40
KILL_AFTER = (6, 16, 26)  # sent so far when the worker is killed
LEASE_SECONDS = 2


def worker_start(queue: str, smtp_port: int, log: Path) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": test_database_url(),
        "POLYDESK_ENV": "development",
        "POLYDESK_CELERY_QUEUE": queue,
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_port),
        "EMAIL_TIMEOUT": "10",
        "POLYDESK_OUTBOX_LEASE_SECONDS": str(LEASE_SECONDS),
    }
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--pool=threads",
            "--concurrency=4",
            "-Q",
            queue,
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "--loglevel=INFO",
        ],
        cwd=ROOT,
        env=env,
        stdout=log.open("a"),
        stderr=subprocess.STDOUT,
    )


def sent_count(ids) -> int:
    return Delivery.objects.filter(pk__in=ids, state="sent").count()


@pytest.mark.slow
def test_a_worker_killed_mid_send_loses_nothing(two_clients, django_db_blocker, tmp_path, settings):
    client = two_clients.a
    queue = f"outbox-{uuid.uuid4().hex[:10]}"
    sink = Sink(delay=0.05)
    controller = sink_start(sink)
    log = tmp_path / "worker.log"
    conf = app.conf
    saved = conf.task_always_eager, conf.task_default_queue
    conf.task_always_eager, conf.task_default_queue = False, queue
    settings.OUTBOX_REDISPATCH_SECONDS = 3  # the sweep runs here, in the test's process
    worker = None
    with django_db_blocker.unblock():
        with in_schema(client), transaction.atomic():
            customer = Customer.objects.create(name="Test", email="kill@example.cz")
            conversation = Conversation.objects.create(
                customer=customer,
                channel="email",
                language="cs",
                subject="Kill",
                created_at=timezone.now(),
            )
            messages = [
                outbound_email_queue(
                    client=client,
                    conversation=conversation,
                    body=f"Message {n}",
                    subject=f"n{n}",
                    automatic=True,
                )
                for n in range(MESSAGES)
            ]
        ids = list(
            Delivery.objects.filter(client=client, conversation_id=conversation.pk).values_list(
                "pk", flat=True
            )
        )
        kills = 0
        try:
            worker = worker_start(queue, controller.port, log)
            for threshold in KILL_AFTER:
                deadline = time.monotonic() + 30
                while sent_count(ids) < threshold and time.monotonic() < deadline:
                    assert worker.poll() is None, log.read_text()
                    time.sleep(0.02)
                worker.send_signal(signal.SIGKILL)  # mid-send: four threads at work
                worker.wait(timeout=10)
                kills += 1
                worker = worker_start(queue, controller.port, log)
            deadline = time.monotonic() + 40
            while sent_count(ids) < MESSAGES and time.monotonic() < deadline:
                deliveries_sweep()  # beat's work: queued rows and expired leases
                time.sleep(0.5)
            states = Counter(Delivery.objects.filter(pk__in=ids).values_list("state", flat=True))
            copies = Counter(sink.message_ids())
            wanted = {m.external_id for m in messages}
            duplicates = sum(n - 1 for n in copies.values())
            print(
                f"\n{MESSAGES} messages, {kills} kills: {len(sink.received)} deliveries, "
                f"{duplicates} duplicates"
            )
            assert states == {"sent": MESSAGES}, (states, log.read_text()[-3000:])
            assert set(copies) == wanted  # every message arrived, and only ours
            # At most the sends in flight when a worker died (four threads a worker).
            assert duplicates <= 4 * kills
        finally:
            conf.task_always_eager, conf.task_default_queue = saved
            if worker is not None and worker.poll() is None:
                worker.terminate()
                worker.wait(timeout=30)
            controller.stop()
            Delivery.objects.filter(pk__in=ids).delete()
            with in_schema(client):
                Conversation.objects.filter(pk=conversation.pk).delete()
                Customer.objects.filter(pk=customer.pk).delete()
            # The replies it sent wrote committed usage entries; the ledger refuses DELETE, so
            # TRUNCATE (the next test must not find them).
            billing_tables_truncate()
