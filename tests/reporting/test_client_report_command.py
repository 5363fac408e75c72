"""``manage.py client_report``: an output it cannot write is refused in one line, before the
stored report is replaced."""

import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from reporting.models import Report
from reporting.services import report_generate
from tests.support.database import test_database_url
from tests.support.reporting import local, october_at_client_a
from tests.support.tenancy import in_schema

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def test_an_output_in_a_missing_folder_is_refused_and_the_stored_report_kept(two_clients, tmp_path):
    october_at_client_a(two_clients.a)
    with in_schema(two_clients.a):
        stored = report_generate(
            client=two_clients.a, month=date(2026, 10, 1), now=local(11, 5, 12)
        )
    out = tmp_path / "missing" / "report.pdf"

    with pytest.raises(CommandError) as refused:
        call_command("client_report", "--client", "client-a", "--month", "2026-10", "--out", out)

    assert str(refused.value) == f"Cannot write {out}: no folder {out.parent}."
    with in_schema(two_clients.a):
        kept = Report.objects.get()
    assert (kept.generated_at, bytes(kept.pdf)) == (stored.generated_at, bytes(stored.pdf))
    assert not out.parent.exists()


def test_an_output_that_is_a_folder_is_refused(two_clients, tmp_path):
    with pytest.raises(CommandError, match="it is a folder"):
        call_command(
            "client_report", "--client", "client-a", "--month", "2026-10", "--out", tmp_path
        )
    with in_schema(two_clients.a):
        assert not Report.objects.exists()


def test_the_refusal_is_one_line_on_stderr_and_exit_code_1(two_clients, tmp_path):
    out = tmp_path / "missing" / "report.pdf"
    command = [sys.executable, "manage.py", "client_report", "--client", "client-a"]
    command += ["--month", "2026-10", "--out", str(out)]

    done = subprocess.run(
        command,
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": test_database_url()},
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert done.returncode == 1
    assert done.stderr.splitlines() == [
        f"CommandError: Cannot write {out}: no folder {out.parent}."
    ]
    assert done.stdout == ""
