"""Smoke test: a real Celery worker runs a tenant-aware task in the schema that sent it."""

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.db import transaction

from config.celery import app
from core.tasks import task_enqueue_on_commit
from customers.models import Customer
from customers.tasks import customer_erase_task
from tests.support.database import test_database_url
from tests.support.factories import CustomerFactory
from tests.support.tenancy import in_schema

ROOT = Path(__file__).resolve().parents[2]


def erased(client, customer_id: int) -> bool:
    with in_schema(client):
        return Customer.objects.get(pk=customer_id).erased_at is not None


@pytest.mark.slow
def test_a_worker_erases_the_customer_of_the_schema_the_task_came_from(
    two_clients, django_db_blocker, tmp_path
):
    queue = f"smoke-{uuid.uuid4().hex[:10]}"
    with django_db_blocker.unblock():
        with in_schema(two_clients.a):
            customer_a = CustomerFactory(name="Anna z A")
        with in_schema(two_clients.b):
            # Same primary key in B: a task run in the wrong schema would erase this one.
            Customer.objects.filter(pk=customer_a.pk).delete()
            customer_b = CustomerFactory(id=customer_a.pk, name="Bartek z B")

        log = (tmp_path / "worker.log").open("w")
        worker = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                "--pool=solo",
                "--concurrency=1",
                "-Q",
                queue,
                "--without-gossip",
                "--without-mingle",
                "--loglevel=INFO",
            ],
            cwd=ROOT,
            env={**os.environ, "DATABASE_URL": test_database_url(), "POLYDESK_ENV": "development"},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            with transaction.atomic(), in_schema(two_clients.a):
                task_enqueue_on_commit(customer_erase_task, args=[customer_a.pk], queue=queue)
                # The transaction commits here, back in the public schema: the task must
                # still run in A's schema.
            deadline = time.monotonic() + 90
            while not erased(two_clients.a, customer_a.pk) and time.monotonic() < deadline:
                output = (tmp_path / "worker.log").read_text()
                assert worker.poll() is None and "Traceback" not in output, output
                time.sleep(0.25)

            assert erased(two_clients.a, customer_a.pk), (tmp_path / "worker.log").read_text()
            assert not erased(two_clients.b, customer_b.pk)
        finally:
            app.conf.task_always_eager = True
            worker.terminate()
            worker.wait(timeout=30)
            with in_schema(two_clients.a):
                Customer.objects.filter(pk=customer_a.pk).delete()
            with in_schema(two_clients.b):
                Customer.objects.filter(pk=customer_b.pk).delete()
