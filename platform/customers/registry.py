"""What erasing or merging a customer needs from the rooms above customers, filled at
start-up (AppConfig.ready).

Customers sit low: conversations, the outbox, the queue and the calls all hold a customer's
words or number, and only those rooms know where. Each registers an eraser; a customer's
erasure (``customers.services.customer_erase``) calls them all. Likewise each room that
keeps rows of a customer registers a mover; a merge (``customers.services.customer_merge``)
calls them all, and each registers an exporter, whose parts make up the customer's export
(``customers.export.customer_export``).
"""

from collections.abc import Callable
from typing import Any

# Called with customer= (locked, not yet erased), in the customer's client schema, inside
# the erasure's transaction. Idempotent; must not depend on another eraser having run.
ERASERS: list[Callable[..., Any]] = []

# Called with source= and target= (both locked), in their client schema, inside the merge's
# transaction: the room's rows of ``source`` become ``target``'s.
MOVERS: list[Callable[..., Any]] = []

# Called with customer= and archive= (a customers.export.ExportArchive), in their client
# schema: returns the room's sections of customer.json, adding any files to the archive.
EXPORTERS: list[Callable[..., dict[str, Any]]] = []


def eraser_register(eraser: Callable[..., Any]) -> None:
    if eraser not in ERASERS:  # ready() may run twice (tests, autoreload)
        ERASERS.append(eraser)


def mover_register(mover: Callable[..., Any]) -> None:
    if mover not in MOVERS:
        MOVERS.append(mover)


def exporter_register(exporter: Callable[..., dict[str, Any]]) -> None:
    if exporter not in EXPORTERS:
        EXPORTERS.append(exporter)
