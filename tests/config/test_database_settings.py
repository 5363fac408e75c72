"""Settings never start a database: a process without DATABASE_URL refuses to start.

(``scripts/dev`` starts the embedded PostgreSQL for ``make demo`` and ``make test`` and sets
DATABASE_URL; tests/config/test_embedded_postgres.py proves that server works.)
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from config import env

ROOT = Path(__file__).resolve().parents[2]


def test_without_database_url_the_database_settings_refuse(monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    with pytest.raises(ImproperlyConfigured, match=r"DATABASE_URL is not set; `make demo`"):
        env.database_settings()


def test_connections_live_a_minute_unless_told_otherwise(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://u@127.0.0.1:5432/d")
    monkeypatch.delenv("POLYDESK_CONN_MAX_AGE", raising=False)
    assert env.database_settings()["CONN_MAX_AGE"] == 60

    monkeypatch.setenv("POLYDESK_CONN_MAX_AGE", "0")
    assert env.database_settings()["CONN_MAX_AGE"] == 0

    monkeypatch.setenv("POLYDESK_CONN_MAX_AGE", "ten")
    with pytest.raises(ImproperlyConfigured, match="POLYDESK_CONN_MAX_AGE"):
        env.database_settings()


def test_a_process_without_database_url_refuses_to_start_and_starts_no_database(tmp_path):
    environment = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    environment["POLYDESK_VAR_DIR"] = str(tmp_path)
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "DATABASE_URL is not set; `make demo` starts a local database" in result.stderr
    assert not (tmp_path / "postgres").exists()
