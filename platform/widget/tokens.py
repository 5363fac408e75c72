"""The customer's key to one chat: a signed token naming the client's schema, the
conversation and the session's random key (widget.models.ChatSession.key). Kept by the widget
in the shop's localStorage and sent with every call (no cookie); the live process reads it
too (widget.live). A new session key withdraws every token given before it."""

import secrets
from dataclasses import dataclass

from django.core import signing

SALT = "widget.chat"
# A token older than this is refused: the customer starts a new chat.
MAX_AGE_SECONDS = 30 * 24 * 3600


@dataclass(frozen=True)
class ChatToken:
    schema_name: str
    conversation_id: int
    key: str


def session_key_new() -> str:
    return secrets.token_hex(16)


def chat_token_make(*, schema_name: str, conversation_id: int, key: str) -> str:
    return signing.dumps({"s": schema_name, "c": conversation_id, "k": key}, salt=SALT)


def chat_token_read(token: str) -> ChatToken | None:
    """The token's chat, or None for a token that is forged, damaged or too old (the caller
    still checks the key against the session's)."""
    try:
        data = signing.loads(token, salt=SALT, max_age=MAX_AGE_SECONDS)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict):
        return None
    schema, conversation, key = data.get("s"), data.get("c"), data.get("k")
    if not (isinstance(schema, str) and isinstance(conversation, int) and isinstance(key, str)):
        return None
    return ChatToken(schema, conversation, key)
