"""The per-request health check is the schema's SET search_path (tenants.postgresql_backend),
sent in the same query as the request's first statement: it sets the schema of the
connection's tenant, a connection the server dropped is still replaced (the read sent again
on the new one, a write sent only there), and no statement ever runs in another client's
schema, even when the query that carried the SET failed."""

import psycopg
import pytest
from django.db import DataError, connection, transaction

from tests.support.tenancy import in_schema


def _next_request() -> None:
    """What Django does at the start of each request to a kept connection (kept: one older
    than CONN_MAX_AGE, after a long test run, is replaced first), then the check the first
    cursor makes."""
    connection.close_if_unusable_or_obsolete()
    connection.ensure_connection()
    connection.health_check_done = False


def _fresh_connection() -> None:
    """A new connection: one kept from earlier tests may be older than CONN_MAX_AGE, and
    the next request would replace it, with the server's search_path."""
    connection.close()
    connection.ensure_connection()


def _drop_connection() -> int:
    """The server ends this process's connection, as a restart or an idle timeout would;
    returns its backend's pid."""
    dropped: int = connection.connection.info.backend_pid
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    with psycopg.connect(**params, autocommit=True) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [dropped])
    return dropped


def _schema_of_the_server() -> str:
    with connection.connection.cursor() as cursor:  # the driver's: nothing held back is sent
        cursor.execute("SELECT current_schema()")
        row = cursor.fetchone()
    assert row is not None
    return str(row[0])


def _in_schema_of(client) -> None:
    """A request in ``client``'s schema that queried: the connection's search_path is its."""
    with in_schema(client), connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def test_the_check_sends_nothing_and_the_first_statement_carries_the_set(
    two_clients, django_db_blocker
):
    with django_db_blocker.unblock():
        _fresh_connection()
        _in_schema_of(two_clients.b)
        with in_schema(two_clients.a):
            _next_request()
            connection.close_if_health_check_failed()
            assert connection.health_check_done
            assert connection.search_path_held == [two_clients.a.schema_name, "public"]
            # Nothing was sent: the server's search_path is still the last request's.
            assert _schema_of_the_server() == two_clients.b.schema_name
            with connection.cursor() as cursor:
                cursor.execute("SELECT current_schema(), %s", ["100%"])
                assert cursor.fetchone() == (two_clients.a.schema_name, "100%")
            assert connection.search_path_held is None
            assert connection.search_path_set_schemas == [two_clients.a.schema_name, "public"]
            assert _schema_of_the_server() == two_clients.a.schema_name


def test_a_connection_the_server_dropped_is_replaced_and_the_read_sent_again(
    two_clients, django_db_blocker
):
    with django_db_blocker.unblock(), in_schema(two_clients.b):
        _fresh_connection()
        dropped = _drop_connection()
        _next_request()
        with connection.cursor() as cursor:  # the check fails: a new connection, no error
            cursor.execute("SELECT current_schema()")
            assert cursor.fetchone()[0] == two_clients.b.schema_name
        assert connection.connection.info.backend_pid != dropped


def test_before_a_write_on_a_dropped_connection_the_set_goes_alone_and_the_write_once(
    two_clients, django_db_blocker
):
    with django_db_blocker.unblock(), in_schema(two_clients.a):
        _fresh_connection()
        dropped = _drop_connection()
        _next_request()
        with connection.cursor() as cursor:
            # Run twice on one connection, it would fail: the table would exist.
            cursor.execute("CREATE TEMPORARY TABLE written_once (n int)")
            cursor.execute("SELECT current_schema()")
            assert cursor.fetchone()[0] == two_clients.a.schema_name
        assert connection.connection.info.backend_pid != dropped
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE written_once")


def test_a_transaction_on_a_dropped_connection_begins_on_a_new_one(two_clients, django_db_blocker):
    with django_db_blocker.unblock(), in_schema(two_clients.a):
        _fresh_connection()
        dropped = _drop_connection()
        _next_request()
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT current_schema()")
            assert cursor.fetchone()[0] == two_clients.a.schema_name
        assert connection.connection.info.backend_pid != dropped


def test_when_the_query_that_carried_the_set_fails_the_next_statement_carries_it_again(
    two_clients, django_db_blocker
):
    with django_db_blocker.unblock():
        _fresh_connection()
        _in_schema_of(two_clients.b)
        with in_schema(two_clients.a):
            _next_request()
            with connection.cursor() as cursor:
                with pytest.raises(DataError):
                    cursor.execute("SELECT 1 / 0")  # rolls the SET back with it
                assert connection.search_path_held == [two_clients.a.schema_name, "public"]
                assert _schema_of_the_server() == two_clients.b.schema_name
                cursor.execute("SELECT current_schema()")
                assert cursor.fetchone()[0] == two_clients.a.schema_name


def test_a_schema_changed_before_the_first_statement_is_the_one_set(two_clients, django_db_blocker):
    with django_db_blocker.unblock():
        _fresh_connection()
        with in_schema(two_clients.a):
            _next_request()
            connection.close_if_health_check_failed()
            with in_schema(two_clients.b), connection.cursor() as cursor:
                cursor.execute("SELECT current_schema()")
                assert cursor.fetchone()[0] == two_clients.b.schema_name


def test_in_a_transaction_the_set_is_not_held_back(two_clients, django_db_blocker):
    with django_db_blocker.unblock(), in_schema(two_clients.a):
        _fresh_connection()
        _next_request()
        with transaction.atomic(), connection.cursor() as cursor:
            assert connection.search_path_held is None
            cursor.execute("SELECT current_schema()")
            assert cursor.fetchone()[0] == two_clients.a.schema_name


def test_the_drivers_other_ways_to_run_a_statement_and_named_cursors_get_the_set_first(
    two_clients, django_db_blocker
):
    with django_db_blocker.unblock():
        _fresh_connection()
        _in_schema_of(two_clients.b)
        with in_schema(two_clients.a):
            _next_request()
            with (
                connection.cursor() as cursor,
                cursor.copy("COPY (SELECT current_schema()) TO STDOUT") as copy,
            ):
                rows = list(copy.rows())
            assert rows == [(two_clients.a.schema_name,)]
            assert connection.search_path_held is None
            _next_request()
            with connection.cursor() as cursor:
                cursor.executemany("SELECT current_schema(), %s", [[1], [2]])
            assert _schema_of_the_server() == two_clients.a.schema_name
        _in_schema_of(two_clients.b)
        with in_schema(two_clients.a):
            _next_request()
            with connection.chunked_cursor() as cursor:  # named: the server's own cursor
                cursor.execute("SELECT current_schema()")
                assert cursor.fetchone()[0] == two_clients.a.schema_name
