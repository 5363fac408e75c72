"""One beat at a time: django-celery-beat's schedule in the database, sent only by the beat
that holds a PostgreSQL advisory lock.

django-celery-beat alone lets two beats started on the same database both send every entry.
This scheduler first takes a session advisory lock on a database connection of its own, and
installs or sends nothing without it. A second beat finds the lock taken, logs which process
holds it and stands by, trying again every ``max_interval`` seconds. When the first beat dies,
PostgreSQL ends its session and so releases the lock: the standby takes over from the last
runs the first one saved, which is after every send (``CELERY_BEAT_SYNC_EVERY = 1``).

``settings.CELERY_BEAT_SCHEDULE`` stays the source of truth: it is installed into the
database each time a beat becomes the active one (docs/operations.md, "Beat").
"""

import os
import socket
from contextlib import suppress
from typing import Any

from celery.utils.log import get_logger
from django.db import DEFAULT_DB_ALIAS, DatabaseError, InterfaceError, connections
from django_celery_beat.models import PeriodicTask
from django_celery_beat.schedulers import DatabaseScheduler

logger = get_logger(__name__)

# Hashed to the lock's key as the project's other advisory locks are.
LOCK_NAME = "celery.beat"

# Marks the entries installed from the settings (shown in the admin): an entry so marked that
# the settings no longer name is deleted at the next start.
FROM_SETTINGS = (
    "From settings.CELERY_BEAT_SCHEDULE, installed at each start of the beat: only "
    '"enabled", the start and expiry times and the one-off flag are kept from the admin.'
)

_TAKE = (
    "SELECT set_config('application_name', %s, false),"
    " pg_try_advisory_lock(hashtextextended(%s, 0))"
)
# The sessions holding the lock, from pg_locks: there a bigint key is shown as its high 32
# bits (classid) and its low 32 bits (objid), with objsubid 1.
_HOLDER = """
    SELECT a.pid, a.application_name, a.client_addr
    FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid,
        (SELECT hashtextextended(%s, 0) AS key) k
    WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
      AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
      AND l.classid::bigint = (k.key >> 32) & 4294967295
      AND l.objid::bigint = k.key & 4294967295
"""
_STILL_HELD = """
    SELECT EXISTS (
        SELECT FROM pg_locks l, (SELECT hashtextextended(%s, 0) AS key) k
        WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
          AND l.pid = pg_backend_pid()
          AND l.classid::bigint = (k.key >> 32) & 4294967295
          AND l.objid::bigint = k.key & 4294967295
    )
"""


class LockedDatabaseScheduler(DatabaseScheduler):
    """django-celery-beat's database scheduler, sending only while it holds the beat lock."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Its own session: the lock lives as long as this connection, whatever Django does
        # with the connections the schedule is read and saved on.
        self._lock_connection = connections.create_connection(DEFAULT_DB_ALIAS)
        self._active = False
        self._holder_seen: str | None = None
        # The names of the entries run since the last save (django-celery-beat's own).
        self._dirty: set[str] = set()
        super().__init__(*args, **kwargs)

    def setup_schedule(self) -> None:
        # Called once at start: a standby installs and reads nothing.
        self._take_lock()

    def tick(self, *args: Any, **kwargs: Any) -> float:
        if self._active and not self._lock_still_held():
            logger.error("beat: the beat lock was lost (its database session ended); standing by")
            self._active = False
            self._dirty = set()
        if not self._active and not self._take_lock():
            return float(self.max_interval)
        return float(super().tick(*args, **kwargs))

    def sync(self) -> None:
        # A standby has run nothing to save, and must not touch the schedule.
        if self._active:
            super().sync()

    def close(self) -> None:
        try:
            super().close()
        finally:
            with suppress(DatabaseError, InterfaceError):
                self._lock_connection.close()

    def _take_lock(self) -> bool:
        """Take the beat lock if it is free; when taken, install the schedule and read it."""
        name = f"polydesk beat on {socket.gethostname()} (pid {os.getpid()})"
        try:
            with self._lock_connection.cursor() as cursor:
                cursor.execute(_TAKE, [name[:63], LOCK_NAME])
                taken = bool(cursor.fetchone()[1])
                holder = None if taken else _holder(cursor)
        except (DatabaseError, InterfaceError) as error:
            logger.warning("beat: cannot reach the database for the beat lock (%s)", error)
            self._lock_connection_drop()
            return False
        if not taken:
            if holder != self._holder_seen:
                logger.warning(
                    # No interval named: at start django-celery-beat has not yet set its own.
                    "beat: standing by, sending nothing: another beat holds the beat lock (%s); "
                    "trying again at each of this beat's ticks",
                    holder,
                )
                self._holder_seen = holder
            return False
        logger.info("beat: holds the beat lock; installing the schedule")
        self._active = True
        self._holder_seen = None
        self._schedule_install()
        logger.info(
            "beat: installed the %s entries of settings.CELERY_BEAT_SCHEDULE; sending the schedule",
            len(self.app.conf.beat_schedule),
        )
        return True

    def _lock_still_held(self) -> bool:
        try:
            with self._lock_connection.cursor() as cursor:
                cursor.execute(_STILL_HELD, [LOCK_NAME])
                return bool(cursor.fetchone()[0])
        except (DatabaseError, InterfaceError):
            self._lock_connection_drop()
            return False

    def _lock_connection_drop(self) -> None:
        # A broken session has lost its lock anyway; the next attempt opens a new one.
        with suppress(DatabaseError, InterfaceError):
            self._lock_connection.close()

    def _schedule_install(self) -> None:
        """Write settings.CELERY_BEAT_SCHEDULE into the database schedule, delete the entries
        the settings dropped, and read the whole schedule afresh (the last runs included)."""
        entries = self.app.conf.beat_schedule
        PeriodicTask.objects.filter(description=FROM_SETTINGS).exclude(name__in=entries).delete()
        self._initial_read = True
        self._heap = None
        self._dirty = set()
        self.install_default_entries(self.schedule)
        self.update_from_dict(
            {name: {**entry, "description": FROM_SETTINGS} for name, entry in entries.items()}
        )


def _holder(cursor: Any) -> str:
    cursor.execute(_HOLDER, [LOCK_NAME])
    row = cursor.fetchone()
    if row is None:
        return "a session that has just ended"
    pid, application, address = row
    where = address or "a local socket"
    return f"{application or 'no application name'}, PostgreSQL pid {pid}, from {where}"
