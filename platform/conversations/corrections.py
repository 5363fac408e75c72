"""Corrections of a conversation after the fact that change figures already stored: marking
spam or taking it back, merging. Filled at start-up by the rooms above
(reporting.registrations: a stored month's KPI figures are dropped and computed again on
their next read).

A listener is called with client= and moments= (the aware datetimes whose months changed:
the conversation's arrival and the correction itself) inside the correction's transaction,
in the client's schema.
"""

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

LISTENERS: list[Callable[..., Any]] = []


def corrected_listener_register(listener: Callable[..., Any]) -> None:
    if listener not in LISTENERS:  # ready() may run twice (tests, autoreload)
        LISTENERS.append(listener)


def figures_corrected(*, client: Any, moments: Iterable[datetime]) -> None:
    """Tell the listeners which months' figures a correction changed."""
    moments = list(moments)
    for listener in LISTENERS:
        listener(client=client, moments=moments)
