"""The sharing rule against a small simulation of two pools with bilingual agents.

Erlang C sizes each pool as if its agents served it alone. `agents_share` then counts a
bilingual agent for one pool. In the desk a bilingual agent takes whichever pool's caller
has waited longest, which pools the two queues: the simulation shows that the pools then
answer at least as well as the dedicated split Erlang assumes (docs/staffing.md gives the
figures).
"""

import heapq
import time
from collections import Counter, deque

import numpy as np
import pytest

from staffing.erlang import QueueTarget, agents_needed
from staffing.sharing import agents_share

TARGET = QueueTarget(service_level=0.8, answer_seconds=20, max_occupancy=0.85)
HANDLE_SECONDS = 300.0
CALLS_PER_HOUR = {"cs": 50.0, "sk": 30.0}
SIMULATED_HOURS = 1500


def _service_levels(
    agents: list[frozenset[str]], *, seed: int, hours: int = SIMULATED_HOURS
) -> dict[str, float]:
    """Share of each pool's calls answered within the target, in a discrete-event
    simulation: Poisson calls, exponential handle times, first hour left out (warm-up).
    A free agent takes the longest-waiting call among its languages; a new call goes to a
    free agent who speaks only its language before a bilingual one."""
    rng = np.random.default_rng(seed)
    arrivals: list[tuple[float, str]] = []
    for pool, rate in CALLS_PER_HOUR.items():
        gaps = rng.exponential(3600 / rate, size=int(rate * hours * 1.2))
        times = np.cumsum(gaps)
        arrivals.extend((float(at), pool) for at in times[times < hours * 3600])
    arrivals.sort()
    handle = iter(rng.exponential(HANDLE_SECONDS, size=len(arrivals)).tolist())

    free: dict[frozenset[str], list[int]] = {}
    for agent, spoken in enumerate(agents):
        free.setdefault(spoken, []).append(agent)
    # Free agents of a pool: those who speak only it first, then the bilingual ones.
    free_order = {
        pool: sorted((spoken for spoken in free if pool in spoken), key=len)
        for pool in CALLS_PER_HOUR
    }
    queues: dict[str, deque[float]] = {pool: deque() for pool in CALLS_PER_HOUR}
    busy: list[tuple[float, int]] = []
    answered = dict.fromkeys(CALLS_PER_HOUR, 0)
    in_time = dict.fromkeys(CALLS_PER_HOUR, 0)

    def answer(pool: str, arrived: float, now: float) -> None:
        if arrived >= 3600:
            answered[pool] += 1
            in_time[pool] += now - arrived <= TARGET.answer_seconds

    for arrived, pool in arrivals:
        while busy and busy[0][0] <= arrived:
            now, agent = heapq.heappop(busy)
            waiting = [p for p in agents[agent] if queues.get(p)]
            if waiting:
                oldest = min(waiting, key=lambda p: queues[p][0])
                answer(oldest, queues[oldest].popleft(), now)
                heapq.heappush(busy, (now + next(handle), agent))
            else:
                free[agents[agent]].append(agent)
        group = next((spoken for spoken in free_order[pool] if free[spoken]), None)
        if group is None:
            queues[pool].append(arrived)
            continue
        answer(pool, arrived, arrived)
        heapq.heappush(busy, (arrived + next(handle), free[group].pop()))
    return {pool: in_time[pool] / answered[pool] for pool in CALLS_PER_HOUR}


def test_pools_sharing_bilingual_agents_meet_the_target_erlang_set():
    started = time.perf_counter()
    required = {
        pool: agents_needed(contacts=rate, handle_seconds=HANDLE_SECONDS, target=TARGET)
        for pool, rate in CALLS_PER_HOUR.items()
    }
    # 50 calls of 5 minutes an hour: 4.17 Erlangs, 7 agents (SL 86.8 %); 30 calls: 2.5
    # Erlangs, 5 agents (SL 89.0 %).
    assert {pool: staffing.agents for pool, staffing in required.items()} == {"cs": 7, "sk": 5}
    cs, sk, both = frozenset({"cs"}), frozenset({"sk"}), frozenset({"cs", "sk"})
    agents = [cs] * 4 + [sk] * 3 + [both] * 5
    sharing = agents_share(agents=agents, required={pool: s.agents for pool, s in required.items()})
    assert sharing.unmet == {"cs": 0, "sk": 0}
    # The split Erlang assumes: each bilingual agent serves the pool it is counted for.
    split = [cs] * 4 + [sk] * 3 + [cs] * round(sharing.allocated["cs"] - 4)
    split += [sk] * round(sharing.allocated["sk"] - 3)
    assert Counter(split) == {cs: 7, sk: 5}

    pooled = _service_levels(agents, seed=1)
    dedicated = _service_levels(split, seed=1)

    for pool, staffing in required.items():
        # The simulator reproduces Erlang C for dedicated pools (within its noise) ...
        assert dedicated[pool] == pytest.approx(staffing.service_level, abs=0.02)
        # ... and pooling the bilingual agents does at least as well, above the target.
        assert pooled[pool] >= dedicated[pool] - 0.005
        assert pooled[pool] >= TARGET.service_level

    # How conservative: one bilingual agent fewer, the rule says one agent is missing, yet
    # the shared pools still meet the target (measured 88.8 % and 92.1 %).
    one_fewer = [cs] * 4 + [sk] * 3 + [both] * 4
    assert (
        sum(
            agents_share(
                agents=one_fewer, required={pool: s.agents for pool, s in required.items()}
            ).unmet.values()
        )
        == 1
    )
    assert all(
        level >= TARGET.service_level for level in _service_levels(one_fewer, seed=1).values()
    )
    assert time.perf_counter() - started < 10
