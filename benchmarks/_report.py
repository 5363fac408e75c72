"""One JSON line per benchmark run, so that a script can compare runs.

Every benchmark builds a ``Report``, adds its figures (each with its unit, the floor measured
in the same run when there is one, and the target) and ends with ``report.emit(args.json)``:
the JSON object is then the last line of standard output, and is also appended to the file
given by ``--json PATH`` (one line per run, so that ``benchmarks/run_all.py`` can collect
every benchmark in one file). A figure with a target passes when it is at or below it
(``better="lower"``) or at or above it (``better="higher"``); the run passes when every
figure with a target does.
"""

import argparse
import json
import os
import platform
import subprocess
import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from django.db import connection

ROOT = Path(__file__).resolve().parents[1]
# The keys every line has; tests/benchmarks checks them.
KEYS = ("benchmark", "commit", "date", "machine", "sizes", "figures", "verdict")
FIGURE_KEYS = ("name", "value", "unit", "better", "floor", "target", "verdict")

Better = Literal["lower", "higher"]


@dataclass
class Figure:
    name: str
    value: float | None
    unit: str
    better: Better = "lower"
    floor: float | None = None
    target: float | None = None
    verdict: Literal["pass", "fail"] | None = field(init=False, default=None)

    def __post_init__(self) -> None:
        if self.target is None or self.value is None:
            return
        met = self.value <= self.target if self.better == "lower" else self.value >= self.target
        self.verdict = "pass" if met else "fail"


def json_option(parser: argparse.ArgumentParser) -> None:
    """Add ``--json PATH`` to a benchmark's arguments."""
    parser.add_argument(
        "--json",
        metavar="PATH",
        help="also append the run's figures as one JSON line to PATH "
        "(the line is always the last one printed)",
    )


def commit() -> str:
    """The checkout's commit, with ``+dirty`` when it has uncommitted changes."""

    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True)
        return done.stdout.strip() if done.returncode == 0 else ""

    head = git("rev-parse", "--short=10", "HEAD") or "unknown"
    return head + ("+dirty" if git("status", "--porcelain", "--untracked-files=no") else "")


class Report:
    """The figures of one run of one benchmark."""

    def __init__(self, benchmark: str, sizes: dict) -> None:
        self.benchmark = benchmark
        self.sizes = sizes
        self.figures: list[Figure] = []
        self.machine: dict = {
            "cores": os.cpu_count(),
            "python": platform.python_version(),
            "load_before": round(os.getloadavg()[0], 2),
        }
        self.details: dict = {}

    def figure(
        self,
        name: str,
        value: float | None,
        unit: str,
        *,
        better: Better = "lower",
        floor: float | None = None,
        target: float | None = None,
    ) -> Figure:
        """Record one figure (rounded to 4 significant digits) and return it."""
        added = Figure(name, _round(value), unit, better, _round(floor), target)
        self.figures.append(added)
        return added

    def server_describe(self) -> float:
        """Put the PostgreSQL server's version and speed probe (``server_probe_ms``) in
        ``machine``, through Django's connection; returns the probe."""
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            self.machine["postgres"] = cursor.fetchone()[0].split(" ")[0]
            self.machine["server_probe_ms"] = round(server_probe_ms(cursor), 1)
        return self.machine["server_probe_ms"]

    def check(self, name: str, problems: int) -> Figure:
        """A count that must be zero (lost messages, items given twice, failed checks)."""
        return self.figure(name, problems, "count", target=0)

    @property
    def verdict(self) -> Literal["pass", "fail"]:
        return "fail" if any(f.verdict == "fail" for f in self.figures) else "pass"

    def as_dict(self) -> dict:
        line = {
            "benchmark": self.benchmark,
            "commit": commit(),
            "date": datetime.now(UTC).isoformat(timespec="seconds"),
            "machine": {**self.machine, "load_after": round(os.getloadavg()[0], 2)},
            "sizes": self.sizes,
            "figures": [asdict(f) for f in self.figures],
            "verdict": self.verdict,
        }
        if self.details:
            line["details"] = self.details
        return line

    def emit(self, path: str | None) -> int:
        """Print the JSON line (last line of the output), append it to ``path`` if given;
        the exit status: 0 when the run passes, 1 when it does not."""
        line = json.dumps(self.as_dict(), ensure_ascii=False)
        if path:
            with open(path, "a", encoding="utf-8") as file:
                file.write(line + "\n")
        print(line, flush=True)
        return 0 if self.verdict == "pass" else 1


def server_probe_ms(cursor) -> float:
    """The best of three runs of a CPU-bound query on the server, in ms: the server's speed,
    which varies from machine to machine and from day to day on a shared one."""
    timings = []
    for _ in range(3):
        started = time.perf_counter()
        cursor.execute("SELECT count(*) FROM generate_series(1, 1000000)")
        cursor.fetchone()
        timings.append((time.perf_counter() - started) * 1000)
    return min(timings)


def _round(value: float | None) -> float | None:
    if value is None or isinstance(value, int):
        return value
    return float(f"{value:.4g}")
