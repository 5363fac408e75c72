"""benchmarks/outbound_webhooks.py at a tiny size: every event reaches the failing receiver
once with a 2xx, through a real Celery worker and the sweep, and its JSON line carries each figure.

It creates, migrates and drops a database of its own (polydesk_bench_webhooks) on the server
of DATABASE_URL and starts a worker on the broker of CELERY_BROKER_URL (the filesystem one
by default), so it is left out of the default run, like the other benchmarks' runs: set
POLYDESK_BENCHMARK_TESTS=1 to run it.
"""

from tests.support.benchmarks import OPTED_IN, benchmark_run

pytestmark = OPTED_IN


def test_the_webhooks_benchmark_delivers_every_event_once_despite_the_failures(tmp_path):
    line, _ = benchmark_run(
        "outbound_webhooks.py",
        [*("--sizes", "30", "--clients", "1", "--fail-share", "0.3")],
        tmp_path,
        timeout=300,
    )
    assert line["benchmark"] == "outbound_webhooks" and line["verdict"] == "pass"
    figures = {figure["name"]: figure for figure in line["figures"]}
    assert figures["events not delivered (30 events)"]["value"] == 0
    assert figures["duplicates received (30 events)"]["value"] == 0
    assert figures["total time (30 events)"]["floor"] > 0
    [run] = line["details"]["runs"]
    assert run["written"] == run["delivered"] == 30
    # A third of the calls failed: the retries reached the receiver too.
    assert run["retries"] > 0 and run["calls"] == 30 + run["retries"]
    assert figures["event to first call p99 (30 events)"]["value"] > 0
