"""benchmarks/kpis.py at a tiny size: it fills the months, times the KPIs against the floor
and the PDF, and its JSON line carries every figure with the figures it computed.

It creates, migrates and drops a database of its own (polydesk_bench_kpis) on the server of
DATABASE_URL, so it is left out of the default run, like the other benchmarks' runs: set
POLYDESK_BENCHMARK_TESTS=1 to run it.
"""

from tests.support.benchmarks import OPTED_IN, benchmark_run

pytestmark = OPTED_IN


def test_the_kpis_benchmark_measures_the_month_its_floor_and_the_pdf_as_months_grow(tmp_path):
    line, _ = benchmark_run(
        "kpis.py",
        [*("--sizes", "300:60", "--runs", "2", "--months", "1,2")],
        tmp_path,
        timeout=300,
    )
    assert line["benchmark"] == "kpis"
    assert line["sizes"] == {"conversations": [300], "calls": [60], "runs": 2, "months": [1, 2]}
    figures = {figure["name"]: figure for figure in line["figures"]}
    assert set(figures) == {
        "0.3k/0.06k: all KPIs p50",
        "0.3k/0.06k: all KPIs p99",
        "0.3k/0.06k: all KPIs, CPU p50",
        "0.3k/0.06k: all KPIs p50 / floor p50",
        "0.3k/0.06k: closed month stored, p50",
        "0.3k/0.06k: closed month stored, p99",
        "0.3k/0.06k: closed month stored p50 / floor p50",
        "0.3k/0.06k: closed month, first read (computed and stored)",
        "0.3k/0.06k: month so far stored, p50",
        "0.3k/0.06k: month so far stored, p99",
        "0.3k/0.06k: month so far stored p50 / floor p50",
        "0.3k/0.06k, 1 month(s) of history: PDF",
        "0.3k/0.06k, 1 month(s) of history: PDF, CPU",
        "0.3k/0.06k, 1 month(s) of history: PDF peak memory",
        "0.3k/0.06k, 2 month(s) of history: PDF",
        "0.3k/0.06k, 2 month(s) of history: PDF, CPU",
        "0.3k/0.06k, 2 month(s) of history: PDF peak memory",
        "0.3k/0.06k: PDF peak memory, 2 months / 1",
    }
    for figure in figures.values():
        assert figure["value"] > 0, figure
    p50 = figures["0.3k/0.06k: all KPIs p50"]
    assert 0 < p50["floor"] < p50["value"]
    assert p50["target"] == 1.0
    # The 3x target is held by what a reader waits for: the stored figures.
    assert figures["0.3k/0.06k: all KPIs p50 / floor p50"]["target"] is None
    assert figures["0.3k/0.06k: month so far stored p50 / floor p50"]["target"] == 3.0
    assert figures["0.3k/0.06k: closed month stored p50 / floor p50"]["target"] == 3.0
    assert figures["0.3k/0.06k, 2 month(s) of history: PDF"]["verdict"] == "pass"
    for name in ("closed month stored, p50", "month so far stored, p50"):
        stored = figures[f"0.3k/0.06k: {name}"]
        assert stored["floor"] > 0 and stored["target"] == 1.0
    # The month's figures are those of the rows filled: every call, every conversation but
    # the auto-replies, and SLA outcomes of all three kinds.
    for months in (1, 2):
        detail = line["details"][f"300 conversations, 60 calls, {months} month(s)"]
        assert detail["calls"] == 60
        assert 285 <= detail["received"] <= 300
        due, met, not_applicable = detail["sla_due_met_not_applicable"]
        assert 0 < met < due
        assert not_applicable > 0
