"""Running a benchmark script from a test: its JSON line, its output; opted in with
POLYDESK_BENCHMARK_TESTS=1, as a benchmark makes and drops a database of its own."""

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]

OPTED_IN = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not os.environ.get("POLYDESK_BENCHMARK_TESTS"),
        reason="benchmarks run only with POLYDESK_BENCHMARK_TESTS=1 (a database of their own)",
    ),
]


def benchmark_run(
    script: str, arguments: list[str], tmp_path: Path, *, timeout: int
) -> tuple[dict[str, Any], str]:
    """Run ``benchmarks/<script>`` with ``arguments``; its one JSON line and its output."""
    out = tmp_path / "runs.jsonl"
    done = subprocess.run(
        [sys.executable, f"benchmarks/{script}", *arguments, "--json", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert out.exists(), done.stdout[-3000:] + done.stderr[-3000:]
    (line,) = [json.loads(text) for text in out.read_text().splitlines()]
    return line, done.stdout
