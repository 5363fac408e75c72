"""Replies ready to send: what each placeholder of a canned reply is filled with for one
conversation and agent, the refusal while any placeholder is left, and the client's
signature (current client schema).

Placeholders are filled when the agent picks a canned reply (the desk), and checked again on
the server when anything is sent: a raw ``{order_number}`` never reaches a customer or the
client's portal. The syntax is ``content.placeholders``'s.
"""

import logging
import time
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from accounts.models import User
from content.models import ORDER_PATTERN_SECONDS, ReplySettings, order_pattern_compile
from content.placeholders import SIGNATURE_NAMES, placeholders_fill, placeholders_in
from content.selectors import translation_for
from conversations.models import Conversation, Message

# How much of the conversation is searched for an order number: its subject and the
# customer's latest messages, each up to this many characters (a pasted log stays cheap).
ORDER_SEARCH_MESSAGES = 50
ORDER_SEARCH_CHARACTERS = 20_000

logger = logging.getLogger(__name__)
# The line that opens a signature (RFC 3676's "-- "): mail programs cut it from quotes.
SIGNATURE_SEPARATOR = "-- "


@dataclass(frozen=True)
class ReplyValues:
    """What the placeholders are filled with (only the known ones have a value)."""

    values: dict[str, str]
    # Every distinct order number found (one: {order_number} is filled; several: the
    # agent chooses, the desk lists them).
    order_numbers: list[str]


def reply_settings() -> ReplySettings:
    """The client's reply settings (defaults when none were saved)."""
    return ReplySettings.objects.first() or ReplySettings()


def agent_first_name(agent: User) -> str:
    """How an agent signs: the first name, else the full name, else the user name."""
    return agent.first_name or agent.get_full_name() or agent.username


def order_numbers_found(*, conversation: Conversation, pattern: str) -> list[str]:
    """The distinct order numbers ``pattern`` finds in the conversation's subject, then in
    the customer's messages, newest first (the part in the pattern's group, if it has one).
    A search that takes longer than ORDER_PATTERN_SECONDS stops with what it found (logged):
    the agent then fills {order_number} by hand."""
    if not pattern:
        return []
    compiled = order_pattern_compile(pattern)
    texts = [conversation.subject]
    texts += (
        Message.objects.filter(conversation=conversation, direction=Message.Direction.INBOUND)
        .order_by("-created_at", "-id")
        .values_list("body_text", flat=True)[:ORDER_SEARCH_MESSAGES]
    )
    found: dict[str, None] = {}
    deadline = time.monotonic() + ORDER_PATTERN_SECONDS
    try:
        for text in texts:
            left = max(deadline - time.monotonic(), 0.0)
            matches = compiled.finditer(text[:ORDER_SEARCH_CHARACTERS], timeout=left)
            for match in matches:
                number = (match[1] if compiled.groups else match[0]) or ""
                if number.strip():
                    found[number.strip()] = None
    except TimeoutError:
        logger.warning(
            "order number pattern %r took over %s s on conversation %s; stopped",
            pattern,
            ORDER_PATTERN_SECONDS,
            conversation.pk,
        )
    return list(found)


def reply_values(*, client, conversation: Conversation, agent: User) -> ReplyValues:
    """The values of the placeholders for ``agent`` answering ``conversation`` (its customer
    loaded); a value not known is left out, so its placeholder stays for the agent."""
    customer = conversation.customer
    numbers = order_numbers_found(
        conversation=conversation, pattern=reply_settings().order_number_pattern
    )
    values = {
        "shop_name": client.name,
        "customer_name": customer.name.strip(),
        "customer_email": customer.email,
        "agent_name": agent_first_name(agent),
        "agent_full_name": agent.get_full_name() or agent_first_name(agent),
        "order_number": numbers[0] if len(numbers) == 1 else "",
        "subject": conversation.subject.strip(),
        "conversation_number": str(conversation.pk),
    }
    return ReplyValues({name: value for name, value in values.items() if value}, numbers)


def placeholders_refuse(*texts: str) -> None:
    """A ValidationError naming every placeholder left in ``texts``: nothing is sent with
    one (the agent fills it in or deletes it)."""
    left = list(dict.fromkeys(name for text in texts for name in placeholders_in(text)))
    if left:
        raise ValidationError(
            _("Fill in or remove these placeholders before sending: %(names)s.")
            % {"names": ", ".join("{" + name + "}" for name in left)}
        )


def signature_text(*, client, channel: str, language: str, agent: User) -> str:
    """The client's signature for a message of ``agent`` on ``channel`` in ``language`` (or
    the first language of its fallback chain that has one), filled; "" when the client has
    none or does not sign on that channel. A line whose placeholder cannot be filled is left
    out: a signature never carries a raw placeholder."""
    settings = reply_settings()
    if channel not in settings.signature_channels:
        return ""
    signature = translation_for(settings, "signature", language)
    if signature is None:
        return ""
    values = {
        "shop_name": client.name,
        "agent_name": agent_first_name(agent),
        "agent_full_name": agent.get_full_name() or agent_first_name(agent),
    }
    filled = placeholders_fill(signature.text, {k: values[k] for k in SIGNATURE_NAMES})
    lines = [line for line in filled.splitlines() if not placeholders_in(line)]
    return "\n".join(lines).strip()


def signed(text: str, signature: str) -> str:
    """``text`` with the signature under the usual separator line."""
    if not signature:
        return text
    return f"{text.rstrip()}\n\n{SIGNATURE_SEPARATOR}\n{signature}"
