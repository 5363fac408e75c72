"""The live process connects to the database the web processes use, however DATABASE_URL
names it: a TCP host, or the embedded PostgreSQL's socket folder given as ``?host=``."""

from psycopg.conninfo import conninfo_to_dict

from config.env import database_settings
from widget.live import conninfo_from_settings


def test_a_socket_folder_in_the_query_is_kept(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql://postgres:@/polydesk?host=/srv/pg/data")
    info = conninfo_to_dict(conninfo_from_settings(dict(database_settings())))
    assert info == {"dbname": "polydesk", "user": "postgres", "host": "/srv/pg/data"}


def test_a_tcp_url_and_djangos_own_options(monkeypatch):
    monkeypatch.setenv(
        "DATABASE_URL", "postgres://app:secret@db.internal:6432/polydesk?sslmode=require"
    )
    db = dict(database_settings())
    db["OPTIONS"] = {**db.get("OPTIONS", {}), "server_side_binding": True}
    info = conninfo_to_dict(conninfo_from_settings(db))
    assert info == {
        "dbname": "polydesk",
        "user": "app",
        "password": "secret",
        "host": "db.internal",
        "port": "6432",
        "sslmode": "require",
    }
