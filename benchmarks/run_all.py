"""Run every benchmark and collect their JSON lines in one file; compare two such files.

Run from the repository root::

    .venv/bin/python benchmarks/run_all.py [--out FILE.jsonl] [--only router,desk_inbox]
    .venv/bin/python benchmarks/run_all.py --compare OLD.jsonl          # run, then compare
    .venv/bin/python benchmarks/run_all.py --compare OLD.jsonl --against NEW.jsonl  # no run
    .venv/bin/python benchmarks/run_all.py --smallest                   # every one, smallest
    .venv/bin/python benchmarks/run_all.py --table RUN.jsonl      # docs/performance.md's table

Each benchmark runs in its own process at its default sizes (``--smallest``: the smallest
sizes that still exercise every step, a few minutes in all; what tests/benchmarks runs)
with ``--json FILE``, so the file ends with one line per benchmark (see
``benchmarks/_report.py``). Their output goes to the terminal as it comes. The default file
is ``var/benchmarks/<date>-<commit>.jsonl``. ``faults`` needs a real broker
(``CELERY_BROKER_URL``): without one it is left out. The exit status is 1 when a benchmark
failed or missed a target.
"""

import argparse
import json
import os
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from _report import commit

ROOT = Path(__file__).resolve().parents[1]
# Each benchmark, and its arguments for --smallest; the default run passes none.
BENCHMARKS: dict[str, str] = {
    "language_detection": "",
    "provision_clients": "--counts 1 --fresh 1",
    "many_clients": "--sizes 4,8 --requests 10 --sample 2 --migrate-sample 2",
    "billing_rating": "--rows 2000 --clients 5",
    "invoice_month": "--sizes 5:1000,10:2000",
    "bank_statement_match": "--sizes 50,200 --clients 100",
    "staffing_plan": "--sizes 16,32 --weeks 12",
    "staffing_parts": "--languages 4",
    "router": "--items 2000 --decisions 50 --seconds 1",
    "desk_inbox": "--items 200 --clients 10 --requests 5",
    "desk_item": "--sizes 5,20 --history 3 --requests 5",
    "desk_orders": "--requests 5 --slow-requests 1 --timeout 0.5",
    "desk_live": "--items 500 --clients 20 --agents 50 --seconds 3 --period 15 --samples 3",
    "telephony_webhooks": "--callers 4 --seconds 3 --think 0.5 --workers 1",
    "report_pdf": "--conversations 400 --calls 100 --layout-rows 10 --no-demo",
    "kpis": "--sizes 400:100 --runs 3 --months 1,2",
    "portal_search": "--conversations 500 --repeat 1",
    "desk_search": "--clients 5 --messages 2000 --runs 2 --writes 5",
    "helpcenter_search": "--sizes 20,50 --runs 2",
    "api": "--sizes 100,200 --seconds 1 --concurrency 2 --workers 2",
    "mail_intake": "--sizes 10 --processes 1",
    "outbound_webhooks": "--sizes 20 --clients 1",
    "chat_live": "--sizes 20,50 --seconds 3 --burst 1",
    "faults": "--messages 20 --kills 1 --outage 2 --sweep 1 --redispatch 5 --timeout 120",
}


def needs_broker(name: str) -> bool:
    return name == "faults"


def run(names: list[str], out: Path, smallest: bool) -> int:
    """Run the benchmarks one after the other; the number that failed or missed a target."""
    out.parent.mkdir(parents=True, exist_ok=True)
    failed = 0
    for name in names:
        if needs_broker(name) and not os.environ.get("CELERY_BROKER_URL"):
            print(f"== {name}: left out, it needs CELERY_BROKER_URL (a Redis or RabbitMQ)")
            continue
        command = [sys.executable, str(ROOT / "benchmarks" / f"{name}.py"), "--json", str(out)]
        command += BENCHMARKS[name].split() if smallest else []
        print(f"== {name}: {' '.join(command[1:])}", flush=True)
        started = time.perf_counter()
        status = subprocess.run(command, cwd=ROOT, check=False).returncode
        print(f"== {name}: exit {status} after {time.perf_counter() - started:.0f} s", flush=True)
        failed += status != 0
    print(f"\n{len(names) - failed} of {len(names)} passed; JSON lines in {out}")
    return failed


def lines_read(path: Path) -> dict[str, dict]:
    """The last line of each benchmark in a JSON-lines file."""
    runs = {}
    for text in path.read_text(encoding="utf-8").splitlines():
        if text.strip():
            line = json.loads(text)
            runs[line["benchmark"]] = line
    return runs


def compare(old_path: Path, new_path: Path) -> None:
    """Print each figure of both files with its change, worse or better by its direction."""
    old, new = lines_read(old_path), lines_read(new_path)
    for name in sorted(old.keys() | new.keys()):
        if name not in old or name not in new:
            print(f"\n{name}: only in {old_path if name in old else new_path}")
            continue
        before, after = old[name], new[name]
        print(
            f"\n{name}: {before['commit']} ({before['date']}) -> "
            f"{after['commit']} ({after['date']})"
        )
        if before["sizes"] != after["sizes"]:
            print(f"  sizes differ: {before['sizes']} -> {after['sizes']}")
        figures = {f["name"]: f for f in before["figures"]}
        for figure in after["figures"]:
            print("  " + _delta_line(figures.pop(figure["name"], None), figure))
        for gone in figures:
            print(f"  {gone}: not in the new run")


def _delta_line(before: dict | None, after: dict) -> str:
    unit, value = after["unit"], after["value"]
    verdict = f"  [{after['verdict']}]" if after["verdict"] else ""
    if before is None or before["value"] is None or value is None:
        return f"{after['name']}: {value} {unit} (new){verdict}"
    change = value - before["value"]
    percent = f"{100 * change / before['value']:+.1f} %" if before["value"] else "n/a"
    direction = ""
    if change:
        lower_is_better = after["better"] == "lower"
        direction = " better" if (change < 0) == lower_is_better else " worse"
    return f"{after['name']}: {before['value']} -> {value} {unit} ({percent}{direction}){verdict}"


def table(path: Path) -> None:
    """Print the Markdown table of docs/performance.md from a JSON-lines file."""
    print("| benchmark | command | sizes | figure | floor | target | verdict |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for name, line in lines_read(path).items():
        sizes = ", ".join(f"{key} {_number(value)}" for key, value in line["sizes"].items())
        command = f"`benchmarks/{name}.py`"
        for figure in line["figures"]:
            unit = "" if figure["unit"] == "count" else figure["unit"]
            cells = [
                f"`{name}`" if name else "",
                command,
                sizes,
                f"{figure['name']}: **{_number(figure['value'])}** {unit}".rstrip(),
                _with_unit(figure["floor"], unit),
                _with_unit(figure["target"], unit, "≤" if figure["better"] == "lower" else "≥"),
                figure["verdict"] or "",
            ]
            print("| " + " | ".join(cells) + " |")
            name = command = sizes = ""  # once per benchmark


def _number(value) -> str:
    """Three significant digits, thousands separated; lists comma-separated."""
    if isinstance(value, list):
        return "/".join(_number(item) for item in value)
    if isinstance(value, float):
        value = float(f"{value:.3g}")
        if value.is_integer():
            value = int(value)
    return f"{value:,}" if isinstance(value, int) and not isinstance(value, bool) else str(value)


def _with_unit(value, unit: str, sign: str = "") -> str:
    if value is None:
        return ""
    return f"{sign} {_number(value)} {unit}".strip()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, help="the JSON-lines file to append to")
    parser.add_argument("--only", help="comma-separated benchmark names (default: all)")
    parser.add_argument("--smallest", action="store_true", help="each at its smallest sizes")
    parser.add_argument("--compare", type=Path, metavar="OLD", help="a previous run's file")
    parser.add_argument(
        "--against", type=Path, metavar="NEW", help="with --compare: compare two files, no run"
    )
    parser.add_argument(
        "--table", type=Path, metavar="FILE", help="print a run's figures as a Markdown table"
    )
    args = parser.parse_args()
    if args.table:
        table(args.table)
        return 0
    if args.against:
        if not args.compare:
            parser.error("--against needs --compare")
        compare(args.compare, args.against)
        return 0
    names = args.only.split(",") if args.only else list(BENCHMARKS)
    unknown = [name for name in names if name not in BENCHMARKS]
    if unknown:
        parser.error(f"unknown benchmarks: {', '.join(unknown)}; known: {', '.join(BENCHMARKS)}")
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    out = args.out or ROOT / "var" / "benchmarks" / f"{stamp}-{commit()}.jsonl"
    failed = run(names, out, args.smallest)
    if args.compare:
        compare(args.compare, out)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
