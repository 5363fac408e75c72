"""The widget's abuse limits: request rates per client and address and per chat, and a
proof-of-work challenge after repeated sends (no picture to read: a screen reader's user
passes it without noticing).

Counted in the default cache, as the REST API's rate limit (restapi.api): shared by every web
process when Redis is set (REDIS_URL), else per process. A fixed window per counter.

The challenge: ``{"id": <signed>, "prefix": <hex>, "bits": 14}``; the browser finds a
``nonce`` such that sha256((prefix + nonce).encode()) starts with ``bits`` zero bits (about
16,000 hashes: a blink for one customer, a cost for a flood) and sends ``{"id", "nonce"}``
back with the request. An id is good for CHALLENGE_SECONDS and once.
"""

import hashlib
import ipaddress
import math
import secrets
import time
from dataclasses import dataclass

from django.core import signing
from django.core.cache import cache

CHALLENGE_BITS = 14
CHALLENGE_SECONDS = 5 * 60
_CHALLENGE_SALT = "widget.challenge"


@dataclass(frozen=True)
class Limit:
    name: str
    count: int
    window: int  # seconds


# Any widget request from one address to one client.
REQUESTS = Limit("requests", 300, 60)
# Any request about one chat (its token).
CHAT_REQUESTS = Limit("chat", 120, 60)
# Order-status look-ups per address and per e-mail address: against guessing order numbers.
ORDER_LOOKUPS = Limit("orders", 5, 60)
# Past these, a send needs a solved challenge: messages of one chat, chats from one address.
MESSAGES_BEFORE_CHALLENGE = Limit("messages", 5, 60)
CHATS_BEFORE_CHALLENGE = Limit("chats", 3, 600)
# "Opened" articles counted from one address (each once per visitor, article and day too).
ARTICLES_OPENED = Limit("opened", 20, 60)
# Transcripts: once per chat and address an hour.
TRANSCRIPTS = Limit("transcript", 1, 3600)


def address_key(address: str) -> str:
    """Who an address is for the per-address limits: an IPv4 address itself, an IPv6 address
    its /64 (one household or server is given a whole /64 and could change the rest at will);
    anything else as it is."""
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return address
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network(f"{ip}/64", strict=False))
    return str(ip)


class RateLimited(Exception):
    def __init__(self, retry_after: int) -> None:
        super().__init__(f"retry after {retry_after} s")
        self.retry_after = retry_after


def _key(limit: Limit, who: str, now: float) -> str:
    window = int(now // limit.window)
    return f"widget:{limit.name}:{window}:{hashlib.sha256(who.encode()).hexdigest()[:32]}"


def _counted(limit: Limit, who: str) -> tuple[int, int]:
    """Count one more for ``who`` in the current window: the count and the seconds left."""
    now = time.time()
    name = _key(limit, who, now)
    cache.add(name, 0, limit.window + 5)
    try:
        count = cache.incr(name)
    except ValueError:  # expired between the add and the incr
        cache.set(name, 1, limit.window + 5)
        count = 1
    window_end = (int(now // limit.window) + 1) * limit.window
    return count, max(1, math.ceil(window_end - now))


def rate_check(limit: Limit, who: str) -> None:
    """Count a request; RateLimited past the limit."""
    count, retry_after = _counted(limit, who)
    if count > limit.count:
        raise RateLimited(retry_after)


def reached(limit: Limit, who: str) -> bool:
    """Whether ``who`` used up the limit in the current window (counted by ``counted``): the
    next send needs a solved challenge."""
    return int(cache.get(_key(limit, who, time.time())) or 0) >= limit.count


def counted(limit: Limit, who: str) -> None:
    """Count a send that was made (a chat started, a message written)."""
    _counted(limit, who)


def challenge_new() -> dict[str, object]:
    prefix = secrets.token_hex(8)
    return {
        "id": signing.dumps({"p": prefix, "b": CHALLENGE_BITS}, salt=_CHALLENGE_SALT),
        "prefix": prefix,
        "bits": CHALLENGE_BITS,
    }


def leading_zero_bits(digest: bytes) -> int:
    bits = 0
    for byte in digest:
        if byte == 0:
            bits += 8
            continue
        return bits + 8 - byte.bit_length()
    return bits


def challenge_solved(answer: object) -> bool:
    """Whether ``answer`` ({"id", "nonce"}) solves a challenge of ours, given in the last
    CHALLENGE_SECONDS and not used before (it is used now)."""
    if not isinstance(answer, dict):
        return False
    challenge_id, nonce = answer.get("id"), answer.get("nonce")
    if not isinstance(challenge_id, str) or not isinstance(nonce, str | int):
        return False
    if len(challenge_id) > 500 or len(str(nonce)) > 100:
        return False
    try:
        data = signing.loads(challenge_id, salt=_CHALLENGE_SALT, max_age=CHALLENGE_SECONDS)
    except signing.BadSignature:
        return False
    if not isinstance(data, dict) or not isinstance(data.get("p"), str):
        return False
    digest = hashlib.sha256(f"{data['p']}{nonce}".encode()).digest()
    if leading_zero_bits(digest) < int(data.get("b", CHALLENGE_BITS)):
        return False
    # Once: the first to mark it used wins.
    return cache.add(f"widget:challenge-used:{data['p']}", 1, CHALLENGE_SECONDS + 5)


def challenge_solve(challenge: dict[str, object]) -> str:
    """A nonce that solves ``challenge`` (what the widget's script does; for tests and
    benchmarks)."""
    prefix, bits = str(challenge["prefix"]), int(str(challenge["bits"]))
    nonce = 0
    while leading_zero_bits(hashlib.sha256(f"{prefix}{nonce}".encode()).digest()) < bits:
        nonce += 1
    return str(nonce)
