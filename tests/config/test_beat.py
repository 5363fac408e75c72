"""One beat, safely (config.beat): two real beats on the test database and the real broker
send each due run of an entry once, by the beat that holds the lock; when that beat is killed,
the other takes over and keeps sending, still once per due time."""

import os
import re
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter
from datetime import datetime
from itertools import pairwise
from pathlib import Path

import pytest
from django.conf import settings
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from config.beat import FROM_SETTINGS
from config.celery import app
from tests.support.database import test_database_url

ROOT = Path(__file__).resolve().parents[2]

# The probe entry's interval, and how long each beat is watched sending it.
INTERVAL = 1.0
WATCH = 6.0
SENT = re.compile(
    r"^\[(?P<at>[\d-]+ [\d:,]+): INFO/MainProcess\] Scheduler: Sending due task (?P<name>\S+)"
)
HOLDS = "holds the beat lock"
INSTALLED = "beat: installed the"


def beat_start(tmp_path: Path, name: str, queue: str) -> tuple[subprocess.Popen, Path]:
    log = tmp_path / f"{name}.log"
    process = subprocess.Popen(
        # Every second: a standby tries the lock again, the active beat checks it still holds it.
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "beat",
            "--loglevel=INFO",
            "--max-interval=1",
        ],
        cwd=ROOT,
        env={
            **os.environ,
            "DATABASE_URL": test_database_url(),
            "POLYDESK_ENV": "development",
            # Everything these beats send goes to a queue no worker reads: counted, never run.
            "POLYDESK_CELERY_QUEUE": queue,
        },
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    return process, log


def wait_for(log: Path, text: str, process: subprocess.Popen, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while text not in log.read_text():
        output = log.read_text()
        assert process.poll() is None and "Traceback" not in output, output
        assert time.monotonic() < deadline, f"no {text!r} in {seconds} s:\n{output}"
        time.sleep(0.2)


def sends(log: Path, entry: str) -> list[datetime]:
    """When the beat of this log sent the entry (one line per message published)."""
    found = []
    for line in log.read_text().splitlines():
        match = SENT.match(line)
        if match and match["name"] == entry:
            found.append(datetime.strptime(match["at"], "%Y-%m-%d %H:%M:%S,%f"))
    return found


def queued(queue: str) -> Counter:
    """The messages waiting in the queue, taken off it, counted by the beat entry that sent
    them (django-celery-beat names it in each message's headers)."""
    counts: Counter = Counter()
    with app.connection_for_read() as connection:
        messages = connection.SimpleQueue(queue)
        try:
            while True:
                try:
                    message = messages.get_nowait()
                except messages.Empty:
                    break
                counts[message.headers.get("periodic_task_name")] += 1
                message.ack()
        finally:
            messages.close()
            # Redis keeps a queue's binding after its last message: leave nothing behind.
            connection.default_channel.queue_delete(queue)
    return counts


def gaps(times: list[datetime]) -> list[float]:
    times = sorted(times)
    return [(later - earlier).total_seconds() for earlier, later in pairwise(times)]


@pytest.mark.slow
def test_two_beats_send_each_due_run_once_and_the_standby_takes_over(
    django_db_setup, django_db_blocker, tmp_path
):
    queue = f"beat-{uuid.uuid4().hex[:10]}"
    entry = f"probe-{queue}"
    with django_db_blocker.unblock():
        # An entry added the way an operator adds one in the admin: kept at every start.
        every_second, _ = IntervalSchedule.objects.get_or_create(
            every=int(INTERVAL), period=IntervalSchedule.SECONDS
        )
        PeriodicTask.objects.create(
            name=entry, task="polydesk.beat_probe", interval=every_second, queue=queue
        )
        first, first_log = beat_start(tmp_path, "first", queue)
        second, second_log = beat_start(tmp_path, "second", queue)
        processes = [first, second]
        try:
            # Given two beats started on the same database, one holds the lock...
            for process, log in ((first, first_log), (second, second_log)):
                wait_for(log, "beat: Starting...", process, 60)
            deadline = time.monotonic() + 30
            while not any(INSTALLED in log.read_text() for log in (first_log, second_log)):
                assert time.monotonic() < deadline, first_log.read_text() + second_log.read_text()
                time.sleep(0.2)
            active, active_log, standby, standby_log = (
                (first, first_log, second, second_log)
                if INSTALLED in first_log.read_text()
                else (second, second_log, first, first_log)
            )
            # ...and the other stands by, naming the process that holds it.
            wait_for(standby_log, "standing by, sending nothing", standby, 30)
            assert "polydesk beat on" in standby_log.read_text()

            # When both run for a while, only the active beat sends.
            time.sleep(WATCH)
            assert sends(standby_log, entry) == [], standby_log.read_text()
            before = sends(active_log, entry)
            assert len(before) >= WATCH / INTERVAL - 2, active_log.read_text()

            # When the active beat dies, its session ends and the standby takes over.
            active.send_signal(signal.SIGKILL)
            active.wait(timeout=30)
            wait_for(standby_log, INSTALLED, standby, 30)
            time.sleep(WATCH)
            after = sends(standby_log, entry)
            assert len(after) >= WATCH / INTERVAL - 2, standby_log.read_text()
        finally:
            for process in processes:
                if process.poll() is None:
                    process.send_signal(signal.SIGTERM)
            for process in processes:
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    process.kill()
            counts = queued(queue)
            runs = PeriodicTask.objects.get(name=entry).total_run_count
            PeriodicTask.objects.filter(name=entry).delete()

    # Then every due time was sent once: no two sends of the entry closer than half its
    # interval, also across the takeover (the first beat's last run was saved as it was sent).
    everything = sends(first_log, entry) + sends(second_log, entry)
    assert min(gaps(everything)) >= INTERVAL / 2, gaps(everything)
    # The standby went on from the run count the killed beat had saved: every send counted.
    assert len(everything) - 1 <= runs <= len(everything), (runs, len(everything))
    # And what the beats logged is what the broker holds: one message per logged send, for
    # the probe and for the project's own schedule alike.
    logged = Counter(
        match["name"]
        for log in (first_log, second_log)
        for match in map(SENT.match, log.read_text().splitlines())
        if match
    )
    # (A beat killed between logging a send and publishing it leaves one line unmatched.)
    assert not counts - logged, (counts, logged)
    missing = logged - counts
    assert sum(missing.values()) <= 1, (counts, logged)
    assert counts[entry] >= len(everything) - 1


@pytest.mark.slow
def test_the_settings_schedule_is_installed_and_what_it_dropped_is_deleted(
    django_db_setup, django_db_blocker, tmp_path
):
    queue = f"beat-{uuid.uuid4().hex[:10]}"
    with django_db_blocker.unblock():
        every_7s, _ = IntervalSchedule.objects.get_or_create(
            every=7, period=IntervalSchedule.SECONDS
        )
        # An entry the settings installed once and no longer name, and one an operator added.
        dropped = PeriodicTask.objects.create(
            name=f"dropped-{queue}", task="x", interval=every_7s, description=FROM_SETTINGS
        )
        added = PeriodicTask.objects.create(
            name=f"added-{queue}", task="x", interval=every_7s, enabled=False
        )
        # An operator turned a settings entry off and changed its interval in the admin.
        PeriodicTask.objects.update_or_create(
            name="sla-sweep",
            defaults={"task": "hours.tasks.sla_sweep_task", "interval": every_7s, "crontab": None},
        )
        PeriodicTask.objects.filter(name="sla-sweep").update(enabled=False)
        beat, log = beat_start(tmp_path, "only", queue)
        try:
            wait_for(log, INSTALLED, beat, 60)
        finally:
            beat.send_signal(signal.SIGTERM)
            beat.wait(timeout=30)
            queued(queue)
        names = set(PeriodicTask.objects.values_list("name", flat=True))
        sla = PeriodicTask.objects.select_related("interval").get(name="sla-sweep")
        PeriodicTask.objects.filter(pk=added.pk).delete()
        PeriodicTask.objects.filter(name="sla-sweep").update(enabled=True)

    assert dropped.name not in names
    assert added.name in names
    assert set(settings.CELERY_BEAT_SCHEDULE) <= names
    # The switch is the operator's; the interval is the settings' again.
    assert sla.enabled is False
    assert (sla.interval.every, sla.interval.period) == (60, IntervalSchedule.SECONDS)
    assert sla.description == FROM_SETTINGS
