"""What the rooms above retention empty with a client's expired messages, filled at start-up
(AppConfig.ready): the chat widget's pages the customer wrote from (widget.registrations).
Each is called with before= in the client's schema and returns how many rows it emptied."""

from collections.abc import Callable

MESSAGE_EXPIRERS: list[Callable[..., int]] = []


def message_expirer_register(expirer: Callable[..., int]) -> None:
    if expirer not in MESSAGE_EXPIRERS:  # ready() may run twice (tests, autoreload)
        MESSAGE_EXPIRERS.append(expirer)
