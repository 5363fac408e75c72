"""Every benchmark at its smallest sizes, through benchmarks/run_all.py, writes its JSON line.

A few minutes in all (each creates, migrates and drops a database of its own), so it is
left out of the default run: set POLYDESK_BENCHMARK_TESTS=1 to run it.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not os.environ.get("POLYDESK_BENCHMARK_TESTS"),
        reason="benchmarks run only with POLYDESK_BENCHMARK_TESTS=1 (a few minutes)",
    ),
]


def test_every_benchmark_writes_one_line_with_every_key(tmp_path, monkeypatch):
    monkeypatch.syspath_prepend(str(ROOT / "benchmarks"))
    # Importable only once benchmarks/ is on the path (the scripts are not a package).
    from _report import FIGURE_KEYS, KEYS
    from run_all import BENCHMARKS, needs_broker

    out = tmp_path / "runs.jsonl"
    done = subprocess.run(
        [sys.executable, "benchmarks/run_all.py", "--smallest", "--out", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )

    lines = [json.loads(text) for text in out.read_text().splitlines()]
    expected = {
        name for name in BENCHMARKS if not needs_broker(name) or os.environ.get("CELERY_BROKER_URL")
    }
    assert {line["benchmark"] for line in lines} == expected, done.stdout[-3000:]
    for line in lines:
        assert set(KEYS) <= set(line), line["benchmark"]
        assert line["figures"], line["benchmark"]
        for figure in line["figures"]:
            assert tuple(figure) == FIGURE_KEYS, (line["benchmark"], figure)
        assert line["verdict"] in ("pass", "fail")
