"""Short answers to a question Polydesk asked after resolving a conversation, filled at
start-up by the rooms above (surveys.registrations: "Reply 1-5" on chat and SMS).

A recogniser is called with client=, conversation= (resolved or closed, locked), text= and
now= inside the filing transaction; it returns True when the text answered its question
(it stored the answer). The message is then filed in that conversation without reopening
it: kept in the history, no new contact, no work for an agent.
"""

from collections.abc import Callable
from datetime import datetime
from typing import Any

RECOGNISERS: list[Callable[..., bool]] = []


def recogniser_register(recogniser: Callable[..., bool]) -> None:
    if recogniser not in RECOGNISERS:  # ready() may run twice (tests, autoreload)
        RECOGNISERS.append(recogniser)


def answer_recognised(*, client: Any, conversation: Any, text: str, now: datetime) -> bool:
    """True when a registered recogniser took ``text`` as its answer."""
    return any(
        recogniser(client=client, conversation=conversation, text=text, now=now)
        for recogniser in RECOGNISERS
    )
