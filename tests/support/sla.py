"""The "SLA met" KPI of docs/kpis.md stated a second time in plain Python over plain rows:
the oracle the SQL of reporting.selectors is checked against."""

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

Outcome = Literal["met", "missed", "na"]
OPEN_STATUSES = ("waiting", "offered", "assigned")
DIMENSIONS = ("channel", "language", "country", "category")


@dataclass(frozen=True, kw_only=True)
class Promise:
    """One work item of a conversation with a due time, and what the KPI reads of it."""

    channel: str
    language: str
    country: str
    category: str
    automatic: bool
    spam: bool = False
    status: str
    waiting_since: datetime
    due_at: datetime
    responded_at: datetime | None
    closed_at: datetime | None
    conversation_answered_at: datetime | None
    breach_recorded: bool


def promise_answer(promise: Promise) -> datetime | None:
    """The item's response, or for a closed item the conversation's first answer if it came
    while the item was waiting."""
    if promise.responded_at is not None:
        return promise.responded_at
    answered, closed = promise.conversation_answered_at, promise.closed_at
    if promise.status in OPEN_STATUSES or answered is None or closed is None:
        return None
    return answered if promise.waiting_since <= answered <= closed else None


def promise_outcome(promise: Promise) -> Outcome:
    """Met, missed or not applicable, by the rule of docs/kpis.md."""
    if promise.automatic or promise.spam:
        return "na"
    if promise.breach_recorded:
        return "missed"
    answer = promise_answer(promise)
    if answer is not None:
        return "met" if answer <= promise.due_at else "missed"
    if promise.status in OPEN_STATUSES:
        return "missed"  # still waiting past its due time
    if promise.closed_at is not None and promise.closed_at > promise.due_at:
        return "missed"  # left unanswered past its due time, then closed
    return "na"  # closed unanswered before any answer was due


def sla_counts(
    promises: list[Promise], *, start: datetime, due_before: datetime
) -> dict[tuple[str, str], tuple[int, int, int]]:
    """{(dimension, value): (met + missed, met, not applicable)} of the promises due in
    [start, due_before); the totals under ("", "")."""
    counts: Counter[tuple[str, str, Outcome]] = Counter()
    for promise in promises:
        if not start <= promise.due_at < due_before:
            continue
        outcome = promise_outcome(promise)
        counts["", "", outcome] += 1
        for dimension in DIMENSIONS:
            counts[dimension, getattr(promise, dimension), outcome] += 1
    keys = {(dimension, value) for dimension, value, _ in counts}
    return {
        key: (
            counts[(*key, "met")] + counts[(*key, "missed")],
            counts[(*key, "met")],
            counts[(*key, "na")],
        )
        for key in keys
    }
