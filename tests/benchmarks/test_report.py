"""The JSON line every benchmark prints (benchmarks/_report.py) and run_all's comparison."""

import json
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"


@pytest.fixture
def modules(monkeypatch):
    """benchmarks/_report.py and run_all.py: scripts beside each other, not a package."""
    monkeypatch.syspath_prepend(str(BENCHMARKS))
    # Importable only once benchmarks/ is on the path (the scripts are not a package).
    import _report
    import run_all

    return _report, run_all


def test_a_figure_passes_at_or_beyond_its_target_in_its_direction(modules):
    _report, _ = modules
    report = _report.Report("bench", {"rows": 10})

    assert report.figure("p99", 4.9, "ms", target=5).verdict == "pass"
    assert report.figure("p99 at the target", 5, "ms", target=5).verdict == "pass"
    assert report.figure("accuracy", 98.1, "%", better="higher", target=97).verdict == "pass"
    assert report.figure("no target", 1.0, "s").verdict is None
    assert report.verdict == "pass"
    assert report.check("lost", 1).verdict == "fail"
    assert report.verdict == "fail"


def test_the_line_has_every_key_is_printed_last_and_appended(modules, tmp_path, capsys):
    _report, _ = modules
    report = _report.Report("bench", {"rows": 10})
    report.figure("rate", 123.456789, "rows/s", better="higher", floor=200.0)
    out = tmp_path / "runs.jsonl"

    assert report.emit(str(out)) == 0
    assert report.emit(str(out)) == 0

    printed = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    saved = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(saved) == 2
    assert printed["figures"] == saved[0]["figures"]
    assert tuple(printed)[: len(_report.KEYS)] == _report.KEYS
    assert printed["machine"]["cores"] >= 1
    (figure,) = printed["figures"]
    assert tuple(figure) == _report.FIGURE_KEYS
    assert figure["value"] == 123.5  # 4 significant digits
    assert figure["floor"] == 200.0


def test_a_missed_target_makes_the_exit_status_1(modules, capsys):
    _report, _ = modules
    report = _report.Report("bench", {})
    report.figure("p99", 7, "ms", target=5)

    assert report.emit(None) == 1
    assert json.loads(capsys.readouterr().out)["verdict"] == "fail"


def test_the_comparison_says_which_way_each_figure_moved(modules, tmp_path, capsys):
    _report, run_all = modules

    def line(p99: float, rate: float) -> str:
        report = _report.Report("router", {"items": 100})
        report.figure("p99", p99, "ms", target=5)
        report.figure("rate", rate, "assignments/s", better="higher")
        return json.dumps(report.as_dict())

    old, new = tmp_path / "old.jsonl", tmp_path / "new.jsonl"
    old.write_text(line(2.0, 1000) + "\n")
    new.write_text(line(3.0, 1100) + "\n")

    run_all.compare(old, new)

    printed = capsys.readouterr().out
    assert "p99: 2.0 -> 3.0 ms (+50.0 % worse)  [pass]" in printed
    assert "rate: 1000 -> 1100 assignments/s (+10.0 % better)" in printed
