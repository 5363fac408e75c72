"""Placeholders in canned replies and signatures: which text counts as one, and filling them.

The rule (docs/architecture.md, "Replies ready to send"): a placeholder is a known name in
single braces, exactly ``{order_number}``: lower case, no spaces inside, not doubled
(``{{order_number}}`` is text). Any other braces are text and go out as written: a customer's
JSON (``{"order": 1}``), a quoted ``{foo}``, a smiley ``{:``. So a reply may quote whatever a
customer wrote, and a typo in a canned reply (``{ordr_number}``) is caught where the reply is
edited (the content admin refuses unknown names), not by the agent at the last moment.

Plain functions without Django, so they are quick to test.
"""

import re
from collections.abc import Mapping

# Every name a canned reply or a signature may use; what each is filled with is decided by
# ``conversations.replies.reply_values``.
PLACEHOLDER_NAMES = (
    "shop_name",  # the client's name
    "customer_name",  # the customer's name
    "customer_email",
    "agent_name",  # the answering agent's first name
    "agent_full_name",
    "order_number",  # found in the conversation by the client's order-number pattern
    "tracking_link",  # the tracking URL of the order the client's shop found (desk)
    "subject",  # the conversation's subject
    "conversation_number",  # the conversation's number in the client's history
    "expected_answer",  # the automatic messages' due time: never known in a reply
    "survey_link",  # the survey invitation's link: never known in a reply
)
# The names a signature may use: always known when a reply is sent.
SIGNATURE_NAMES = ("shop_name", "agent_name", "agent_full_name")

_NAME = "|".join(PLACEHOLDER_NAMES)
# Not preceded or followed by another brace: "{{order_number}}" is text, not a placeholder.
PLACEHOLDER_RE = re.compile(r"(?<!\{)\{(" + _NAME + r")\}(?!\})")
# What looks like a placeholder, known or not (for the content admin's check of a text).
_LOOKS_LIKE_RE = re.compile(r"(?<!\{)\{([a-z][a-z0-9_]{0,63})\}(?!\})")


def placeholders_in(text: str) -> list[str]:
    """The placeholders left in ``text``, each once, in order of appearance."""
    return list(dict.fromkeys(PLACEHOLDER_RE.findall(text)))


def placeholders_fill(text: str, values: Mapping[str, str]) -> str:
    """``text`` with every placeholder that has a non-empty value filled; the others stay
    as written (for the agent to fill)."""
    return PLACEHOLDER_RE.sub(lambda match: values.get(match[1]) or match[0], text)


def placeholders_unknown_names(
    text: str, allowed: tuple[str, ...] = PLACEHOLDER_NAMES
) -> list[str]:
    """Names in placeholder form that are not in ``allowed`` (a typo in a canned reply, a
    name a signature cannot be filled with), each once."""
    return [name for name in dict.fromkeys(_LOOKS_LIKE_RE.findall(text)) if name not in allowed]
