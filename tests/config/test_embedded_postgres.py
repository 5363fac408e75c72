"""The embedded default: with no DATABASE_URL the project starts its own PostgreSQL."""

import shutil
import tempfile
from pathlib import Path

import psycopg
import pytest

from config.embedded_postgres import DATABASE_NAME, embedded_database_url, embedded_postgres_stop


@pytest.mark.slow
def test_the_embedded_postgresql_starts_serves_the_project_database_and_stops():
    # Not pytest's tmp_path: its folders are private to root, and as root the server runs
    # as an unprivileged system user that must reach its data folder.
    folder = Path(tempfile.mkdtemp(prefix="polydesk-pg-"))
    folder.chmod(0o755)
    try:
        url = embedded_database_url(folder)
        assert embedded_database_url(folder) == url  # a second call reuses the server

        with psycopg.connect(url) as conn:
            name, version = conn.execute("SELECT current_database(), version()").fetchone()
        assert name == DATABASE_NAME
        assert version.startswith("PostgreSQL")

        assert embedded_postgres_stop(folder) is True
        with pytest.raises(psycopg.OperationalError):
            psycopg.connect(url, connect_timeout=3)
        assert embedded_postgres_stop(folder) is False
    finally:
        embedded_postgres_stop(folder)
        shutil.rmtree(folder, ignore_errors=True)
