"""benchmarks/router.py at a tiny size with what a call costs (--costs), what the server
processes wait for (--waits) and one claim's plan (--explain): the figures, the waits and
the plan with its WAL are printed.

It creates, migrates and drops a database of its own (polydesk_bench_router) on the server
of DATABASE_URL, so it is left out of the default run, like the other benchmarks' runs: set
POLYDESK_BENCHMARK_TESTS=1 to run it.
"""

from tests.support.benchmarks import OPTED_IN, benchmark_run

pytestmark = OPTED_IN


def test_the_router_benchmark_measures_a_calls_cost_and_the_waits(tmp_path):
    line, output = benchmark_run(
        "router.py",
        [
            *("--items", "3000", "--decisions", "100", "--seconds", "1"),
            *("--costs", "400", "--waits", "--explain"),
        ],
        tmp_path,
        timeout=600,
    )
    figures = {figure["name"]: figure for figure in line["figures"]}
    for label in ("decision (this)", "bare statement"):
        assert figures[f"cost: client CPU per {label}"]["value"] > 0
        # The server runs on this machine in the tests: its process's CPU is readable.
        assert figures[f"cost: server CPU per {label}"]["value"] > 0
        assert figures[f"cost: WAL per {label}"]["value"] > 0
    for check in ("items given twice", "duplicate rows", "agents over a capacity"):
        assert figures[check]["verdict"] == "pass"
    # Every bare statement writes the item it takes: its least block wrote at least that.
    assert figures["cost: WAL per bare statement"]["value"] >= 50
    assert "1c. what a call costs (400 calls each" in output
    assert "    routers: " in output and "      floor: " in output
    # The claim's plan, found after the agent's lock, with the WAL of its writes.
    assert "their decision's claim:" in output
    assert "WAL: records=" in output
