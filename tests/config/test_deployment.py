"""Outside development Polydesk refuses to start with the development key, DEBUG on a public
host, the embedded database or no broker (config.deployment), one line each; `check
--deploy` reports the same as errors."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from config import env
from config.deployment import deployment_problems, deployment_refuse

ROOT = Path(__file__).resolve().parents[2]
GOOD = {
    "POLYDESK_ENV": "production",
    "SECRET_KEY": "a-long-random-production-key-0123456789-abcdefghijklmnop",
    "CELERY_BROKER_URL": "redis://127.0.0.1:6379/14",
    "ALLOWED_HOSTS": "polydesk.example,.polydesk.example",
    "DJANGO_DEBUG": "0",
}


def start_web(**changes: str | None) -> subprocess.CompletedProcess:
    """Load the WSGI app (what gunicorn does first) with the good production settings
    changed as given (None: unset)."""
    environment = {**os.environ, "DATABASE_URL": "postgres://db.example/polydesk", **GOOD}
    for name, value in changes.items():
        if value is None:
            environment.pop(name, None)
        else:
            environment[name] = value
    return subprocess.run(
        [sys.executable, "-c", "import config.wsgi"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_starts_with_its_own_key_database_and_broker():
    started = start_web()
    assert started.returncode == 0, started.stderr


@pytest.mark.parametrize(
    ("changes", "line"),
    [
        ({"SECRET_KEY": None}, "SECRET_KEY is the development key"),
        ({"POLYDESK_ENV": None, "SECRET_KEY": None}, "SECRET_KEY is the development key"),
        ({"DJANGO_DEBUG": "1"}, "DJANGO_DEBUG is on with public hosts (polydesk.example"),
        ({"CELERY_BROKER_URL": None}, "CELERY_BROKER_URL is not set"),
        (
            {"DATABASE_URL": f"postgresql://postgres:@/polydesk?host={env.VAR_DIR}/postgres"},
            "DATABASE_URL is the embedded development PostgreSQL",
        ),
        ({"DATABASE_URL": None}, "DATABASE_URL is not set"),
    ],
)
def test_production_refuses_to_start_with_one_clear_line(changes, line):
    refused = start_web(**changes)
    assert refused.returncode != 0
    assert f"- {line}" in refused.stderr or line in refused.stderr.splitlines()[-1]


def test_development_starts_with_the_development_defaults():
    started = start_web(POLYDESK_ENV="development", SECRET_KEY=None, CELERY_BROKER_URL=None)
    assert started.returncode == 0, started.stderr


def test_an_unknown_environment_is_refused(monkeypatch):
    monkeypatch.setenv("POLYDESK_ENV", "staging")
    with pytest.raises(ImproperlyConfigured, match="POLYDESK_ENV is 'staging'"):
        env.environment()


def test_debug_on_local_hosts_only_is_no_problem(settings):
    settings.SECRET_KEY = GOOD["SECRET_KEY"]
    settings.CELERY_BROKER_EXPLICIT = True
    settings.DEBUG = True
    settings.ALLOWED_HOSTS = ["localhost", ".localhost", "127.0.0.1"]
    assert deployment_problems() == []
    settings.ALLOWED_HOSTS = ["*"]
    assert [check_id for check_id, _line in deployment_problems()] == ["polydesk.E002"]
    settings.POLYDESK_ENV = "production"
    with pytest.raises(ImproperlyConfigured, match="DJANGO_DEBUG is on with public hosts"):
        deployment_refuse()
    settings.POLYDESK_ENV = "development"
    deployment_refuse()  # development runs as it is


def test_check_deploy_reports_the_development_defaults_as_errors(settings):
    settings.SECRET_KEY = env.DEVELOPMENT_SECRET_KEY
    settings.CELERY_BROKER_EXPLICIT = False
    with pytest.raises(SystemCheckError) as refused:
        call_command("check", deploy=True, tags=["security"])
    assert "polydesk.E001" in str(refused.value)
    assert "polydesk.E004" in str(refused.value)
