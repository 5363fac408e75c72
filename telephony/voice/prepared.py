"""Statements written as SQL once and prepared once per database connection.

The voice webhooks' hot statements (a call with its menu and options, the UPDATE of a key,
the incoming call's menu and INSERT) cost more to build with the ORM than to run: compiling
them was most of a webhook's CPU in the worker (cProfile), and planning them a third of the
server's (EXPLAIN ANALYZE: 0.2 ms of planning for 0.2 ms of execution). Here each is SQL
written once from the models' metadata, sent through Django's cursor (its wrappers, its
errors, its transaction state) as ``EXECUTE name(…)``; the first use on a connection sends
``PREPARE`` in the same query, so a statement never costs a round trip more.

A prepared statement is analysed again by PostgreSQL when the ``search_path`` differs from
the one it was planned under (documented since PostgreSQL 9.3), so one statement serves
every client's schema; tests/telephony/test_voice_prepared.py holds that.
"""

import contextlib
import functools
import hashlib
import re
import weakref
from collections.abc import Sequence
from typing import Any

import psycopg
from django.db import DatabaseError, connection, transaction

# Names prepared on each (psycopg) connection: a new connection starts with none.
_prepared: weakref.WeakKeyDictionary[Any, set[str]] = weakref.WeakKeyDictionary()

# A prepared statement that no longer runs: deallocated behind our back (DISCARD ALL, a
# pooler that moved us to another server session), or planned for columns a migration has
# since changed. It is prepared again, once.
_STALE = (psycopg.errors.InvalidSqlStatementName, psycopg.errors.FeatureNotSupported)


@functools.lru_cache(maxsize=64)
def _name_and_text(sql: str) -> tuple[str, str]:
    """The statement's name (from its text) and its text with $n placeholders. A read's
    name starts with ``read_``: the database backend may then send it again on a new
    connection when the first one turns out dropped (tenants.postgresql_backend)."""
    numbers = iter(range(1, sql.count("%s") + 1))
    numbered = re.sub("%s", lambda _: f"${next(numbers)}", sql)
    kind = "read_voice_" if sql.lstrip().upper().startswith("SELECT") else "voice_"
    return kind + hashlib.blake2b(sql.encode(), digest_size=8).hexdigest(), numbered


def prepared_execute(cursor: Any, sql: str, params: Sequence[Any]) -> None:
    """Run ``sql`` (``%s`` placeholders, nothing else of psycopg's) with ``params`` as this
    connection's prepared statement; its result is the cursor's current one."""
    name, numbered = _name_and_text(sql)
    execute = f"EXECUTE {name}({', '.join(['%s'] * len(params))})" if params else f"EXECUTE {name}"
    names = _prepared.setdefault(connection.connection, set())
    for retry in (False, True):
        try:
            with _savepoint_if_atomic():
                if name in names:
                    cursor.execute(execute, params)
                else:
                    # One query, one round trip: the PREPARE's placeholders are $n.
                    cursor.execute(f"PREPARE {name} AS {numbered}; {execute}", params)
                    cursor.nextset()
        except DatabaseError as error:
            if retry or not isinstance(error.__cause__, (_HELD, *_STALE)):
                raise
            # Either way nothing ran: the failed statement ended the query.
            if isinstance(error.__cause__, _HELD):  # we lost count of it
                names.add(name)
            else:
                names.discard(name)
                if isinstance(error.__cause__, psycopg.errors.FeatureNotSupported):
                    with _savepoint_if_atomic():
                        cursor.execute(f"DEALLOCATE {name}")
            continue
        names.add(name)
        return


_HELD = psycopg.errors.DuplicatePreparedStatement


def _savepoint_if_atomic() -> contextlib.AbstractContextManager[Any]:
    """A savepoint inside a transaction (a failed statement must not end the caller's);
    nothing outside one, where a failed statement ends only itself."""
    return transaction.atomic() if connection.in_atomic_block else contextlib.nullcontext()
