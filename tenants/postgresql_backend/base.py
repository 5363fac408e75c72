"""django-tenants' PostgreSQL backend, whose per-request health check is the schema's
``SET search_path``, sent in the same query as the request's first statement.

With ``CONN_HEALTH_CHECKS`` Django sends ``SELECT 1`` before a request's first query on a
kept connection (a connection the server dropped is then replaced, not failed on), and
django-tenants sends ``SET search_path`` before that same query, since each request sets
its schema again. Here neither goes alone: the ``SET`` is held back and sent in front of
the request's first statement, in one query (``SET search_path = …; <statement>``), so a
request that queries saves two round trips (the voice webhooks: 4 to 2).

The ``SET`` still answers the health check. When that first query fails because the server
had dropped the connection, the connection is replaced and the query sent again, as the
health check replaced it before; that is done only for a statement that changes nothing
(``SELECT``, ``SHOW``, or ``PREPARE``/``EXECUTE`` of a prepared statement whose name starts
with ``read_``), since a connection that died during a write may have committed it. Any other
first statement gets the ``SET`` alone first, as before (a round trip, a dead connection
replaced). Outside autocommit (in an atomic block) nothing is held back: the check is made
at once, as Django makes it.

A multi-statement query runs as one implicit transaction: if its statement fails, the
``SET`` is rolled back with it, so the ``SET`` stays held back for the next statement until
a query carrying it succeeds. Anything that reaches the driver's cursor another way
(``executemany``, ``callproc``, ``copy``, a named cursor) gets the ``SET`` alone first.
"""

import re
from typing import Any

import psycopg
from django.db import DatabaseError
from django.db.backends.postgresql.base import CursorDebugWrapper as PostgresCursorDebugWrapper
from django.db.backends.utils import CursorWrapper as DjangoCursorWrapper
from django_tenants.postgresql_backend.base import DatabaseWrapper as TenantsDatabaseWrapper
from django_tenants.utils import quote_schema_name

# What may be sent again on a new connection after the first one died under it: reads.
_READ = re.compile(r"\s*(?:(?:SELECT|SHOW)\b|(?:PREPARE|EXECUTE)\s+read_)", re.IGNORECASE)

# What a cursor hands out without running anything on the server.
_RESULTS = frozenset(
    {
        "fetchone",
        "fetchmany",
        "fetchall",
        "nextset",
        "rowcount",
        "description",
        "close",
        "closed",
        "lastrowid",
        "statusmessage",
        "rownumber",
        "pgresult",
        "connection",
        "arraysize",
    }
)


def _set_statement(paths: list[str]) -> str:
    return "SET search_path = " + ",".join(quote_schema_name(path) for path in paths)


class _HeldSetMixin:
    """A cursor that sends the connection's held-back ``SET search_path`` with its first
    statement (DatabaseWrapper.held_execute)."""

    cursor: Any
    db: "DatabaseWrapper"

    def _execute(self, sql: Any, params: Any, *ignored_wrapper_args: Any) -> Any:
        if self.db.search_path_held is not None and self.db.held_mergeable(self, sql):
            return self.db.held_execute(self, sql, params)
        self.db.held_send_alone(self)  # nothing when nothing is held back
        return super()._execute(sql, params, *ignored_wrapper_args)  # type: ignore[misc]

    def _executemany(self, sql: Any, param_list: Any, *ignored_wrapper_args: Any) -> Any:
        self.db.held_send_alone(self)
        return super()._executemany(sql, param_list, *ignored_wrapper_args)  # type: ignore[misc]

    def callproc(self, *args: Any, **kwargs: Any) -> Any:
        self.db.held_send_alone(self)
        return super().callproc(*args, **kwargs)  # type: ignore[misc]

    def __getattr__(self, attr: str) -> Any:
        if attr not in _RESULTS:  # copy, stream, …: the driver's own ways to run a statement
            self.db.held_send_alone(self)
        return super().__getattr__(attr)  # type: ignore[misc]


class CursorWrapper(_HeldSetMixin, DjangoCursorWrapper):
    pass


class CursorDebugWrapper(_HeldSetMixin, PostgresCursorDebugWrapper):
    pass


class DatabaseWrapper(TenantsDatabaseWrapper):  # type: ignore[misc]  # django-tenants is untyped
    health_check_done: bool
    # The schemas whose SET is held back until the request's first statement; None when
    # the connection's search_path is as django-tenants records it.
    search_path_held: list[str] | None = None

    def is_usable(self) -> bool:
        """The SET sent alone (Django asks this after an error, before reusing the
        connection)."""
        if self.connection is None:
            return False
        paths = self._get_cursor_search_paths()
        try:
            # A psycopg cursor, as Django's own health check uses, bypassing Django's wrappers.
            with self.connection.cursor() as cursor:
                cursor.execute(_set_statement(paths))
        except psycopg.Error:
            self.search_path_set_schemas = None
            return False
        self.search_path_held = None
        self.search_path_set_schemas = paths
        return True

    def close_if_health_check_failed(self) -> None:
        if (
            self.connection is None
            or not self.health_check_enabled
            or self.health_check_done
            or not self.get_autocommit()
            or self.in_atomic_block
        ):
            super().close_if_health_check_failed()
            return
        # The check is made by the first statement, which carries the SET.
        self.search_path_held = self._get_cursor_search_paths()
        self.search_path_set_schemas = self.search_path_held
        self.health_check_done = True

    def set_autocommit(self, autocommit: bool, *args: Any, **kwargs: Any) -> None:
        if not autocommit:
            # A transaction begins: the check is made now, while a dropped connection may
            # still be replaced (Django's own check is made at this point too).
            self.close_if_health_check_failed()
            if self.search_path_held is not None:
                with self.cursor() as plain:
                    self.held_send_alone(plain)
        super().set_autocommit(autocommit, *args, **kwargs)

    def _handle_search_path(self, cursor: Any = None) -> None:
        if self.search_path_held is None:
            super()._handle_search_path(cursor)
        elif self.search_path_set_schemas is None:  # the schema changed: hold the new one
            self.search_path_held = self._get_cursor_search_paths()
            self.search_path_set_schemas = self.search_path_held

    def _cursor(self, name: str | None = None) -> Any:
        if name is not None:
            # A named cursor runs on the server's side: the SET goes alone, before it.
            self.close_if_health_check_failed()
            if self.search_path_held is not None:
                with super()._cursor() as plain:
                    self.held_send_alone(plain)
        return super()._cursor(name)

    def make_cursor(self, cursor: Any) -> CursorWrapper:
        return CursorWrapper(cursor, self)

    def make_debug_cursor(self, cursor: Any) -> CursorDebugWrapper:
        return CursorDebugWrapper(cursor, self)

    def close(self) -> None:
        self.search_path_held = None
        super().close()

    def held_mergeable(self, wrapper: Any, sql: Any) -> bool:
        """Whether the held-back SET may go in front of ``sql``: a read, in autocommit, on
        a cursor that binds its parameters itself (one query may hold several statements)."""
        return (
            isinstance(sql, str)
            and _READ.match(sql) is not None
            and self.get_autocommit()
            and not self.in_atomic_block
            and isinstance(wrapper.cursor, psycopg.ClientCursor)
        )

    def held_execute(self, wrapper: Any, sql: str, params: Any) -> Any:
        """Run ``sql`` with the held-back SET in front of it, in one query; on a connection
        the server dropped, it runs again on a new one."""
        for replaced in (False, True):
            paths = self.search_path_held
            assert paths is not None
            statement = _set_statement(paths)
            # The placeholders are the client cursor's %s: a literal % in the SET doubled.
            query = f"{statement if params is None else statement.replace('%', '%%')}; {sql}"
            self.validate_no_broken_transaction()
            try:
                with self.wrap_database_errors:
                    result = wrapper.cursor.execute(query, params)
            except DatabaseError:
                if replaced or not self._dropped():
                    raise  # the SET was rolled back with the statement: still held back
                self._replace(wrapper, paths)
                continue
            wrapper.cursor.nextset()  # the statement's own result, as if sent alone
            self.search_path_held = None
            self.search_path_set_schemas = paths
            return result
        raise AssertionError("unreachable")

    def held_send_alone(self, wrapper: Any) -> None:
        """Send the held-back SET alone, replacing a connection the server dropped."""
        for replaced in (False, True):
            paths = self.search_path_held
            if paths is None:
                return
            try:
                with self.wrap_database_errors:
                    wrapper.cursor.execute(_set_statement(paths))
            except DatabaseError:
                if replaced or not self._dropped() or self.in_atomic_block:
                    raise
                self._replace(wrapper, paths)
                continue
            self.search_path_held = None
            self.search_path_set_schemas = paths
            return

    def _dropped(self) -> bool:
        return self.connection is None or bool(self.connection.closed or self.connection.broken)

    def _replace(self, wrapper: Any, paths: list[str]) -> None:
        """A new connection in place of the dropped one, under the same cursor wrapper;
        its SET held back as before."""
        self.close()
        self.ensure_connection()
        wrapper.cursor = self.create_cursor()
        self.search_path_held = paths
        self.search_path_set_schemas = paths
