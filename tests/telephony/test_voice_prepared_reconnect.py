"""A prepared read that is a request's first statement, on a kept connection the server has
dropped: the database backend sends it again on a new connection (the health check's SET
goes in the same query, tenants.postgresql_backend), where it is prepared again
(telephony.voice.prepared): the request gets its answer, in its client's schema."""

import psycopg
from django.db import connection

from telephony.voice.prepared import prepared_execute
from tests.support.tenancy import in_schema

READ = "SELECT current_schema(), %s::int"


def _read(value: int) -> tuple[str, int]:
    with connection.cursor() as cursor:
        prepared_execute(cursor, READ, [value])
        row = cursor.fetchone()
    assert row is not None
    return row[0], row[1]


def _next_request() -> None:
    connection.close_if_unusable_or_obsolete()
    connection.ensure_connection()
    connection.health_check_done = False


def test_a_prepared_read_on_a_dropped_connection_runs_again_on_a_new_one(
    two_clients, django_db_blocker
):
    with django_db_blocker.unblock(), in_schema(two_clients.a):
        connection.close()  # a new one: a kept one may be older than CONN_MAX_AGE
        connection.ensure_connection()
        _next_request()
        assert _read(1) == (two_clients.a.schema_name, 1)  # prepared on this connection
        dropped = connection.connection.info.backend_pid
        params = connection.get_connection_params()
        params.pop("cursor_factory", None)
        params.pop("context", None)
        with psycopg.connect(**params, autocommit=True) as other:
            other.execute("SELECT pg_terminate_backend(%s)", [dropped])
        _next_request()
        assert _read(2) == (two_clients.a.schema_name, 2)
        assert connection.connection.info.backend_pid != dropped
        assert _read(3) == (two_clients.a.schema_name, 3)
