"""Events a client's own systems may hear about (outbound webhooks: ``webhooks``).

The room where a thing happens (a conversation opened, an invoice issued) says so with one
call, in the transaction that writes it; the webhooks room, higher up, fills ``SINKS`` at
start-up and turns the event into signed deliveries. A registry here, in the kernel, because
rooms below the outbox (billing) emit events too.
"""

from collections.abc import Callable
from typing import Any

# Called with client=, event_type=, data= (JSON-ready) in the caller's transaction.
SINKS: list[Callable[..., object]] = []

EVENT_TYPES = (
    "conversation.created",
    "message.created",
    "message.delivery_failed",
    "conversation.resolved",
    "call.completed",
    "survey.answered",
    "invoice.issued",
)


def event_sink_register(sink: Callable[..., object]) -> None:
    if sink not in SINKS:  # ready() may run twice (tests, autoreload)
        SINKS.append(sink)


def webhook_event_emit(client: Any, event_type: str, data: dict[str, Any]) -> None:
    """Tell the client's webhook endpoints that ``event_type`` happened (in the caller's
    transaction: nothing leaves if it rolls back)."""
    if event_type not in EVENT_TYPES:
        raise ValueError(f"Unknown webhook event {event_type!r}.")
    for sink in SINKS:
        sink(client=client, event_type=event_type, data=data)
