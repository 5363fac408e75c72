"""Agents an e-mail pool needs each hour so that every e-mail is answered within its promise
(docs/staffing.md, "The e-mail backlog rule"). Plain Python and numpy, no Django.

Hours are indices of a horizon. An e-mail arriving in hour i is due by the end of the
`promise_hours`-th open hour counted from hour i (hour i itself counts when it is open;
arrivals in a closed hour count from the next opening). Work is measured in agent-hours.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class EmailPlan:
    """Agents working e-mail in each hour (fractional; 0 when closed), and the work (in
    e-mails) left for after the horizon because its promise ends after it."""

    agents: list[float]
    carried: float


def email_agents(
    *,
    arrivals: Sequence[float],
    handle_seconds: float,
    open_hours: Sequence[bool],
    promise_hours: float,
    backlog: float = 0.0,
    backlog_due: Sequence[float] | None = None,
    arrived_before: Sequence[float] = (),
) -> EmailPlan:
    """Agents per hour clearing the e-mails, earliest due first, at the most level rate
    that still answers each one within `promise_hours` open hours. ``backlog_due[i]``: e-mails
    waiting at hour 0 whose own promise ends with hour i (overdue ones: the first open hour);
    ``arrived_before``: e-mails that arrived in each open hour before hour 0, the latest
    last (the pace of arrivals the plan keeps from its first hour)."""
    if len(arrivals) != len(open_hours):
        raise ValueError("arrivals and open_hours must cover the same hours")
    if backlog_due is not None and (
        len(backlog_due) != len(arrivals) or any(value < 0 for value in backlog_due)
    ):
        raise ValueError("backlog_due must cover the same hours and cannot be negative")
    if handle_seconds <= 0 or promise_hours <= 0 or backlog < 0:
        raise ValueError("handle_seconds and promise_hours must be positive, backlog >= 0")
    hours = len(arrivals)
    is_open = np.asarray(open_hours, dtype=bool)
    work_per_email = handle_seconds / 3600
    # An hour is the plan's grain: a promise of 4.5 open hours is kept by the end of the
    # fourth (earlier, so never late), and even a shorter one gives the arrival's hour.
    promise = max(1, math.floor(promise_hours))
    open_index = np.flatnonzero(is_open)
    # opened_before[i]: open hours before hour i; the k-th open hour from i is
    # open_index[opened_before[i] + k - 1].
    opened_before = np.concatenate([[0], np.cumsum(is_open)])

    # due_work[d]: agent-hours arrived and not yet done that must be done by the end of d.
    due_work = np.zeros(hours)
    if backlog_due is not None:
        due_work += np.asarray(backlog_due, dtype=float) * (handle_seconds / 3600)
    carried_work = 0.0
    agents = np.zeros(hours)
    # The work arrived in each open hour (a closed hour's goes to the next opening): the
    # rate of the last `promise` open hours is a floor under the required rate, so that the
    # plan keeps pace with the arrivals instead of letting the backlog grow to the edge of
    # the promise (which a rule that only looks at due times would do, week after week).
    earlier = np.asarray(arrived_before, dtype=float)[-promise:] * work_per_email
    arrived = np.concatenate([earlier, np.zeros(len(open_index) + 1)])
    for hour, emails in enumerate(arrivals):
        if emails < 0:
            raise ValueError("arrivals cannot be negative")
        work = (emails + (backlog if hour == 0 else 0.0)) * work_per_email
        first = opened_before[hour]
        if first + promise <= len(open_index):
            due_work[open_index[first + promise - 1]] += work
        else:
            # The promise ends after the horizon: the share of its open hours inside the
            # horizon is due by the horizon's last open hour, the rest is carried over.
            inside = len(open_index) - first
            if inside > 0:
                due_work[open_index[-1]] += work * inside / promise
            carried_work += work * (promise - inside) / promise
        now = len(earlier) + min(first, len(open_index))
        arrived[now] += work
        if is_open[hour]:
            recent = arrived[max(0, now - promise + 1) : now + 1].sum() / promise
            pending = due_work[hour:].sum()
            agents[hour] = max(_required_rate(due_work, is_open, start=hour), min(recent, pending))
            _serve_earliest_due_first(due_work, start=hour, work=agents[hour])
    return EmailPlan(agents=agents.tolist(), carried=carried_work / work_per_email)


def _required_rate(due_work: np.ndarray, is_open: np.ndarray, *, start: int) -> float:
    """The most demanding due time decides: the work due by d over the open hours left
    until d. Staffed at that rate, earliest due first, every due time is kept."""
    due_points = due_work[start:] > 0
    if not due_points.any():
        return 0.0
    pending = np.cumsum(due_work[start:])[due_points]
    open_until = np.cumsum(is_open[start:])[due_points]
    return float((pending / open_until).max())


def _serve_earliest_due_first(due_work: np.ndarray, *, start: int, work: float) -> None:
    for due in range(start, len(due_work)):
        if work <= 0:
            return
        done = min(work, due_work[due])
        due_work[due] -= done
        work -= done
