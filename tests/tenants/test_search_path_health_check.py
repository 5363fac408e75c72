"""The per-request health check is the schema's SET search_path (tenants.postgresql_backend):
it sets the schema of the connection's tenant, so the first query sends no second SET, and
a connection the server dropped still fails it and is replaced."""

import psycopg
from django.db import connection

from tests.support.tenancy import in_schema


def _next_request() -> None:
    """What Django does at the start of each request to a kept connection (kept: one older
    than CONN_MAX_AGE, after a long test run, is replaced first)."""
    connection.close_if_unusable_or_obsolete()
    connection.ensure_connection()
    connection.health_check_done = False


def test_the_health_check_sets_the_clients_schema_and_the_query_sends_no_other(
    two_clients, django_db_blocker
):
    with django_db_blocker.unblock(), in_schema(two_clients.a):
        connection.ensure_connection()
        _next_request()
        connection.close_if_health_check_failed()
        assert connection.health_check_done
        assert connection.search_path_set_schemas == [two_clients.a.schema_name, "public"]
        with connection.cursor() as cursor:
            cursor.execute("SHOW search_path")
            assert cursor.fetchone()[0] == f"{two_clients.a.schema_name}, public"


def test_a_connection_the_server_dropped_fails_the_check_and_is_replaced(
    two_clients, django_db_blocker
):
    with django_db_blocker.unblock(), in_schema(two_clients.b):
        connection.ensure_connection()
        dropped = connection.connection.info.backend_pid
        params = connection.get_connection_params()
        params.pop("cursor_factory", None)
        params.pop("context", None)
        with psycopg.connect(**params, autocommit=True) as other:
            other.execute("SELECT pg_terminate_backend(%s)", [dropped])
        _next_request()
        with connection.cursor() as cursor:  # the check fails: a new connection, no error
            cursor.execute("SELECT current_schema()")
            assert cursor.fetchone()[0] == two_clients.b.schema_name
        assert connection.connection.info.backend_pid != dropped
