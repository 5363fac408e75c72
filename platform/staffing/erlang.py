"""Agents a live queue (calls, chats) needs in an interval: Erlang C, and Erlang A when callers
hang up (docs/staffing.md, "Erlang C and Erlang A"). Plain Python and numpy, no Django.

Erlang C is pyworkforce's (`pyworkforce.queuing.ErlangC`). Erlang A is computed here, for
every hour of a plan at once with numpy, from the same birth-death chain as pyworkforce's
`ErlangA` (which takes ~20 ms an hour in pure Python: minutes for a plan); the tests hold
the two to 1e-6 of each other.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from pyworkforce.queuing import ErlangC

# Tail mass of the Erlang A chain left out when it is cut off (pyworkforce cuts at 1e-15).
_TAIL = 1e-16
# Beyond 2 λ/θ callers waiting each new state is at most half as likely as the one before:
# 60 more states leave out less than 2^-60 of the peak.
_TAIL_STATES = 60
# Cells (hours by chain states) evaluated at once: bounds memory to ~100 MB of float64.
_BATCH_CELLS = 2_000_000


@dataclass(frozen=True)
class QueueTarget:
    """The service a live queue must give: `service_level` of contacts answered within
    `answer_seconds`, agents busy at most `max_occupancy` of their time."""

    service_level: float
    answer_seconds: float
    max_occupancy: float = 0.85


@dataclass(frozen=True)
class QueueStaffing:
    """Agents (before shrinkage) a queue needs in an interval, and what they reach."""

    agents: int
    service_level: float
    occupancy: float
    waiting_probability: float
    abandonment: float | None  # Erlang A only


def agents_needed(
    *,
    contacts: float,
    handle_seconds: float,
    target: QueueTarget,
    patience_seconds: float | None = None,
    concurrency: int = 1,
    interval_seconds: int = 3600,
) -> QueueStaffing:
    """The fewest agents meeting the target's service level and occupancy for `contacts`
    arriving in one interval: Erlang C, or Erlang A when `patience_seconds` is known."""
    return _queue_staff(
        [contacts],
        handle_seconds=handle_seconds,
        target=target,
        patience_seconds=patience_seconds,
        concurrency=concurrency,
        interval_seconds=interval_seconds,
    )[0]


def agents_needed_for_hours(
    contacts: Sequence[float],
    *,
    handle_seconds: float,
    target: QueueTarget,
    patience_seconds: float | None = None,
    concurrency: int = 1,
) -> list[QueueStaffing]:
    """`agents_needed` for each hour of a series of hourly contacts, computed together."""
    return _queue_staff(
        contacts,
        handle_seconds=handle_seconds,
        target=target,
        patience_seconds=patience_seconds,
        concurrency=concurrency,
        interval_seconds=3600,
    )


def _queue_staff(
    contacts: Sequence[float],
    *,
    handle_seconds: float,
    target: QueueTarget,
    patience_seconds: float | None,
    concurrency: int,
    interval_seconds: int,
) -> list[QueueStaffing]:
    if handle_seconds <= 0 or concurrency < 1 or interval_seconds <= 0:
        raise ValueError("handle_seconds and interval_seconds must be positive, concurrency >= 1")
    if not 0 < target.max_occupancy <= 1 or not 0 <= target.service_level < 1:
        raise ValueError("service level must be in [0, 1), max occupancy in (0, 1]")
    if any(count < 0 for count in contacts):
        raise ValueError("contacts cannot be negative")
    # An agent holding `concurrency` chats at once is modelled as one server working
    # `concurrency` times faster (handle time / concurrency): a common WFM approximation
    # that keeps the M/M/c queue; it ignores that a chat is slower when shared.
    effective_handle = handle_seconds / concurrency
    if patience_seconds is None:
        return [
            _erlang_c_staff(
                contacts=count,
                handle_seconds=effective_handle,
                target=target,
                interval_seconds=interval_seconds,
            )
            for count in contacts
        ]
    if patience_seconds <= 0:
        raise ValueError("patience_seconds must be positive")
    return _erlang_a_staff(
        np.asarray(contacts, dtype=float) / interval_seconds,
        service_rate=1 / effective_handle,
        abandon_rate=1 / patience_seconds,
        target=target,
    )


def _erlang_c_staff(
    *, contacts: float, handle_seconds: float, target: QueueTarget, interval_seconds: int
) -> QueueStaffing:
    if contacts == 0:
        return QueueStaffing(
            agents=0, service_level=1.0, occupancy=0.0, waiting_probability=0.0, abandonment=None
        )
    # pyworkforce refuses an answer target of 0 s ("answered at once"): that one is the
    # callers who find an agent free, 1 - P(wait).
    answer_at_once = target.answer_seconds <= 0
    queue = ErlangC(
        transactions=contacts,
        aht=handle_seconds / 60,
        asa=1 if answer_at_once else target.answer_seconds / 60,
        interval=interval_seconds / 60,
    )

    def service_level_of(agents: int) -> float:
        if answer_at_once:
            return 1 - float(queue.waiting_probability(agents))
        return float(queue.service_level(agents))

    traffic = queue.intensity
    # Erlang C needs more agents than the traffic; the occupancy bound gives a second floor.
    # pyworkforce's own required_positions starts at round(traffic + 1), which can step
    # over the answer (traffic 10.6 starts at 12), so the search is ours.
    agents = max(math.floor(traffic) + 1, math.ceil(round(traffic / target.max_occupancy, 9)))
    while (service_level := service_level_of(agents)) < target.service_level:
        agents += 1
    return QueueStaffing(
        agents=agents,
        service_level=service_level,
        occupancy=traffic / agents,
        waiting_probability=queue.waiting_probability(agents),
        abandonment=None,
    )


@dataclass(frozen=True)
class ErlangAMetrics:
    """Erlang A's figures for each (arrival rate, agents) pair, in the order given."""

    service_level: np.ndarray
    occupancy: np.ndarray
    waiting_probability: np.ndarray
    abandonment: np.ndarray


def erlang_a_metrics(
    *,
    arrival_rate: np.ndarray,
    agents: np.ndarray,
    service_rate: float,
    abandon_rate: float,
    answer_seconds: float,
) -> ErlangAMetrics:
    """Erlang A (M/M/c+M) for many (arrival rate, agents) pairs at once: rates per second,
    arrival rates and agents positive.

    The stationary distribution is the birth-death chain's (birth λ, death min(n, c) μ +
    max(n - c, 0) θ). A caller finding j others waiting is answered within t when it gets
    through j + 1 phases without hanging up: phase k ends at rate cμ + (k + 1) θ and moves
    on with probability (cμ + kθ) / (cμ + (k + 1) θ), so it is answered with probability
    cμ / (cμ + (j + 1) θ) (the product telescopes), and the phases' total time, a sum of
    exponentials of rates θ (b + 1) … θ (b + j + 1) with b = cμ/θ, satisfies
    e^(-θT) ~ Beta(b + 1, j + 1): P(T ≤ t) = 1 - x^(b+1) Σ_{k≤j} C(b + k, k) (1 - x)^k,
    x = e^(-θt), a sum of positive terms, stable for any j.
    """
    arrival_rate = np.asarray(arrival_rate, dtype=float)
    agents = np.asarray(agents, dtype=np.int64)
    result = {
        name: np.empty(arrival_rate.shape)
        for name in ("service_level", "occupancy", "waiting_probability", "abandonment")
    }
    queue_states = _erlang_a_queue_states(arrival_rate, agents, service_rate, abandon_rate)
    # Evaluated in batches of similar chain lengths, so a few long chains (patient callers,
    # heavy load) do not pad every short one.
    order = np.argsort(agents + queue_states, kind="stable")
    start = 0
    while start < len(order):
        size = len(order) - start
        while size > 1 and _batch_cells(agents, queue_states, order[start : start + size]) > (
            _BATCH_CELLS
        ):
            size //= 2
        rows = order[start : start + size]
        batch = _erlang_a_batch(
            arrival_rate[rows],
            agents[rows],
            int(queue_states[rows].max()),
            service_rate=service_rate,
            abandon_rate=abandon_rate,
            answer_seconds=answer_seconds,
        )
        for name, values in zip(result, batch, strict=True):
            result[name][rows] = values
        start += size
    return ErlangAMetrics(**result)


def _batch_cells(agents: np.ndarray, queue_states: np.ndarray, rows: np.ndarray) -> int:
    return len(rows) * int(agents[rows].max() + queue_states[rows].max() + 1)


def _erlang_a_queue_states(
    arrival_rate: np.ndarray, agents: np.ndarray, service_rate: float, abandon_rate: float
) -> np.ndarray:
    """How many waiting callers the chain must hold before its tail is negligible."""
    patience_bound = np.ceil(2 * arrival_rate / abandon_rate) + _TAIL_STATES
    load = arrival_rate / (agents * service_rate)
    # With the agents alone faster than the arrivals, each waiting state is at most `load`
    # times the one before: load^j / (1 - load) < _TAIL bounds the tail however patient.
    with np.errstate(divide="ignore", invalid="ignore"):
        stable_bound = np.where(
            load < 1,
            np.ceil(np.log(_TAIL * (1 - load)) / np.log(np.where(load < 1, load, 0.5))),
            np.inf,
        )
    return np.minimum(patience_bound, stable_bound + _TAIL_STATES).astype(np.int64)


def _erlang_a_batch(
    arrival_rate: np.ndarray,
    agents: np.ndarray,
    queue_states: int,
    *,
    service_rate: float,
    abandon_rate: float,
    answer_seconds: float,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    c = agents[:, None].astype(float)
    lam = arrival_rate[:, None]
    states = np.arange(1, int(agents.max()) + queue_states + 1)[None, :]
    waiting = np.maximum(states - c, 0)
    death = np.minimum(states, c) * service_rate + waiting * abandon_rate
    log_p = np.concatenate(
        [np.zeros((len(agents), 1)), np.cumsum(np.log(lam / death), axis=1)], axis=1
    )
    n = np.arange(log_p.shape[1])[None, :]
    p = np.exp(log_p - log_p.max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)

    delayed = n >= c
    waiting_probability = np.where(delayed, p, 0).sum(axis=1)
    queue_length = (np.maximum(n - c, 0) * p).sum(axis=1)
    abandonment = abandon_rate * queue_length / arrival_rate
    occupancy = arrival_rate * (1 - abandonment) / (agents * service_rate)
    if answer_seconds <= 0:
        # "Answered at once": only the callers who find an agent free.
        return 1 - waiting_probability, occupancy, waiting_probability, abandonment

    # answered_within[j]: a caller finding j waiting is answered within answer_seconds.
    served_rate = c * service_rate
    b = served_rate / abandon_rate
    j = np.arange(queue_states + 1)[None, :]
    log_term_ratio = np.log(b + 1 + j[:, :-1]) - np.log(j[:, :-1] + 1)
    log_terms = -(served_rate + abandon_rate) * answer_seconds + np.concatenate(
        [np.zeros((len(agents), 1)), np.cumsum(log_term_ratio, axis=1)], axis=1
    )
    log_terms += j * math.log(-math.expm1(-abandon_rate * answer_seconds))
    not_yet = np.minimum(np.cumsum(np.exp(log_terms), axis=1), 1.0)
    answered_within = served_rate / (served_rate + (j + 1) * abandon_rate) * (1 - not_yet)

    # p[c + j] for j = 0 … queue_states, row by row (each row has its own c).
    delayed_p = np.take_along_axis(p, agents[:, None] + j, axis=1)
    service_level = np.where(~delayed, p, 0).sum(axis=1) + (delayed_p * answered_within).sum(axis=1)
    return np.minimum(service_level, 1.0), occupancy, waiting_probability, abandonment


def _erlang_a_staff(
    arrival_rate: np.ndarray, *, service_rate: float, abandon_rate: float, target: QueueTarget
) -> list[QueueStaffing]:
    def meets(rows: np.ndarray, agents: np.ndarray) -> np.ndarray:
        metrics = erlang_a_metrics(
            arrival_rate=arrival_rate[rows],
            agents=agents,
            service_rate=service_rate,
            abandon_rate=abandon_rate,
            answer_seconds=target.answer_seconds,
        )
        return (metrics.service_level >= target.service_level) & (
            metrics.occupancy <= target.max_occupancy
        )

    # Binary search on each hour at once: the service level rises and the occupancy falls
    # with every agent added, so "meets the target" is monotone in the agents.
    busy = np.flatnonzero(arrival_rate > 0)
    traffic = arrival_rate[busy] / service_rate
    high = np.ceil(traffic + 5 * np.sqrt(traffic) + 5).astype(np.int64)
    while len(short := np.flatnonzero(~meets(busy, high))):
        high[short] *= 2
    low = np.zeros_like(high)  # low never meets the target (0 agents answer nobody)
    while len(open_rows := np.flatnonzero(high - low > 1)):
        middle = (low[open_rows] + high[open_rows]) // 2
        ok = meets(busy[open_rows], middle)
        high[open_rows[ok]] = middle[ok]
        low[open_rows[~ok]] = middle[~ok]

    agents = np.zeros(len(arrival_rate), dtype=np.int64)
    agents[busy] = high
    metrics = erlang_a_metrics(
        arrival_rate=arrival_rate[busy],
        agents=high,
        service_rate=service_rate,
        abandon_rate=abandon_rate,
        answer_seconds=target.answer_seconds,
    )
    staffing = [
        QueueStaffing(
            agents=0, service_level=1.0, occupancy=0.0, waiting_probability=0.0, abandonment=0.0
        )
    ] * len(arrival_rate)
    for row, hour in enumerate(busy):
        staffing[hour] = QueueStaffing(
            agents=int(agents[hour]),
            service_level=float(metrics.service_level[row]),
            occupancy=float(metrics.occupancy[row]),
            waiting_probability=float(metrics.waiting_probability[row]),
            abandonment=float(metrics.abandonment[row]),
        )
    return staffing
