"""Counting uses in a window, in Django's cache: the password-reset e-mails per account and
per address. The cache must be shared by all web processes in production (REDIS_URL, see
docs/operations.md); the local default (per-process memory) limits each process."""

import hashlib

from django.core.cache import cache

# Reset e-mails: a person who lost a password asks once or twice; more is someone filling
# a mailbox, or probing which addresses exist from one address.
RESET_MAILS_PER_ACCOUNT = 3
RESET_REQUESTS_PER_ADDRESS = 10
RESET_WINDOW_SECONDS = 60 * 60


def throttle_take(*, scope: str, key: str, limit: int, window_seconds: int) -> bool:
    """Count one use of ``key`` in ``scope``; False once it is over ``limit`` uses in the
    window (which starts at the first use). Keys are hashed: no address or id in the cache."""
    digest = hashlib.sha256(key.strip().lower().encode()).hexdigest()[:32]
    name = f"throttle:{scope}:{digest}"
    cache.add(name, 0, window_seconds)
    try:
        used = cache.incr(name)
    except ValueError:  # expired between add and incr
        cache.set(name, 1, window_seconds)
        used = 1
    return used <= limit


def reset_request_allowed(*, address: str) -> bool:
    """One more password-reset request from this address within the limit."""
    return throttle_take(
        scope="reset-address",
        key=address,
        limit=RESET_REQUESTS_PER_ADDRESS,
        window_seconds=RESET_WINDOW_SECONDS,
    )


def reset_mail_allowed(*, user_id: int) -> bool:
    """One more password-reset e-mail to this account within the limit."""
    return throttle_take(
        scope="reset-account",
        key=str(user_id),
        limit=RESET_MAILS_PER_ACCOUNT,
        window_seconds=RESET_WINDOW_SECONDS,
    )
