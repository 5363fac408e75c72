"""Benchmark of staffing's pure parts (no database): Erlang A and C, the e-mail backlog
rule, sharing bilingual agents and the shift proposal, at a plan's size.

Run from the repository root::

    .venv/bin/python benchmarks/staffing_parts.py [--languages 16]

Seeded inputs, the same as the tests' (tests/staffing/test_erlang.py, test_proposal.py):
contacts per hour drawn from a gamma distribution (mean 50) for ``--languages`` pools x 672
hours. It prints, with the figures of docs/staffing.md:
1. calls staffed with Erlang A (patience 120 s), chats with Erlang C (two at once), calls with
   Erlang C, all hours at once; the floor: pyworkforce's own Erlang C search hour by hour on
   the same hours; pyworkforce's Erlang A per hour (on 50 of them), for comparison;
2. the e-mail backlog rule for every pool (open Monday to Friday 8-16, a 48-hour promise);
3. sharing 60 agents (one to three languages each) between the pools, hour by hour;
4. the shift proposal of a week: 40 agents, gaps of 0-2 agents an hour in every pool.
"""

import argparse
import sys
import time
from collections.abc import Callable

import numpy as np
from _report import Report, json_option
from pyworkforce.queuing import ErlangA, ErlangC

from staffing.email_backlog import email_agents
from staffing.erlang import QueueTarget, agents_needed_for_hours
from staffing.proposal import AgentAvailability, shifts_propose
from staffing.sharing import agents_share

HOURS = 4 * 7 * 24
WEEK = 7 * 24


def timed[T](work: Callable[[], T]) -> tuple[float, T]:
    started = time.perf_counter()
    result = work()
    return time.perf_counter() - started, result


def run(languages: int, report: Report) -> None:
    rng = np.random.default_rng(23)
    hours = rng.gamma(shape=2.0, scale=25.0, size=languages * HOURS)
    target = QueueTarget(service_level=0.8, answer_seconds=20)

    erlang_a, _ = timed(
        lambda: agents_needed_for_hours(
            hours, handle_seconds=300, target=target, patience_seconds=120
        )
    )
    erlang_c, _ = timed(lambda: agents_needed_for_hours(hours, handle_seconds=300, target=target))
    chats, _ = timed(
        lambda: agents_needed_for_hours(hours, handle_seconds=480, target=target, concurrency=2)
    )
    floor, _ = timed(
        lambda: [
            ErlangC(transactions=count, aht=5, asa=20 / 60, interval=60).required_positions(
                service_level=0.8, max_occupancy=0.85
            )
            for count in hours
        ]
    )
    # pyworkforce's Erlang A (exact, pure Python) on the first 50 hours, per hour: why ours.
    sample = 50
    reference, _ = timed(
        lambda: [
            ErlangA(
                transactions=count, aht=5, asa=20 / 60, interval=60, patience=2
            ).required_positions(service_level=0.8, max_occupancy=0.85)
            for count in hours[:sample]
        ]
    )
    report.figure(f"calls, Erlang A, {len(hours):,} hours", erlang_a, "s", target=10)
    report.figure("pyworkforce's Erlang A, per hour", reference / sample * 1000, "ms")
    report.figure(f"calls, Erlang C, {len(hours):,} hours", erlang_c, "s", floor=floor)
    report.figure(f"chats, Erlang C, {len(hours):,} hours", chats, "s")

    is_open = [hour % 24 in range(8, 16) and hour % WEEK < 5 * 24 for hour in range(HOURS)]
    email, _ = timed(
        lambda: [
            email_agents(
                arrivals=hours[pool * HOURS : (pool + 1) * HOURS].tolist(),
                handle_seconds=300,
                open_hours=is_open,
                promise_hours=48,
            )
            for pool in range(languages)
        ]
    )
    report.figure(f"e-mail rule, {languages} pools x {HOURS} hours", email, "s", target=10)

    codes = [f"l{index:02d}" for index in range(languages)]
    spoken = [
        frozenset(rng.choice(codes, size=int(rng.integers(1, 4)), replace=False))
        for _agent in range(60)
    ]
    needs = rng.integers(0, 6, size=(HOURS, languages))
    sharing, _ = timed(
        lambda: [
            agents_share(
                agents=spoken, required=dict(zip(codes, map(float, needs[hour]), strict=True))
            )
            for hour in range(HOURS)
        ]
    )
    report.figure(f"sharing 60 agents, {HOURS} hours", sharing, "s", target=10)

    open_week = [8 <= hour % 24 < 18 and hour < 120 for hour in range(WEEK)]
    gaps = {
        code: [int(rng.integers(0, 3)) if is_open else 0 for is_open in open_week] for code in codes
    }
    agents = [
        AgentAvailability(
            agent_id=index,
            languages=frozenset(rng.choice(codes, size=int(rng.integers(1, 4)), replace=False)),
            busy=[(8, 16), (32, 40)] if index % 4 == 0 else [],
        )
        for index in range(40)
    ]
    proposing, proposal = timed(lambda: shifts_propose(gaps=gaps, agents=agents))
    missing = sum(map(sum, gaps.values()))
    left = sum(map(sum, proposal.uncovered.values()))
    report.figure("shift proposal, a week of 40 agents", proposing, "s", target=15)
    print(
        f"{languages} pools x {HOURS} hours: Erlang A {erlang_a:.2f} s, Erlang C {erlang_c:.2f} s "
        f"(pyworkforce hour by hour {floor:.2f} s), chats {chats:.2f} s; pyworkforce's Erlang "
        f"A {reference / sample * 1000:.1f} ms an hour | e-mail rule "
        f"{email:.2f} s | sharing {sharing:.2f} s | proposal {proposing:.1f} s "
        f"({proposal.status}, {left} of {missing} missing agent-hours left)"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--languages", type=int, default=16)
    json_option(parser)
    args = parser.parse_args()
    report = Report("staffing_parts", {"languages": args.languages, "hours": HOURS})
    run(args.languages, report)
    return report.emit(args.json)


if __name__ == "__main__":
    sys.exit(main())
