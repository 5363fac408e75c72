"""Sign-in attempts per account and per address, counted in Django's cache.

After ``MAX_FAILURES_PER_ACCOUNT`` failed attempts for one user name on one portal, or
``MAX_FAILURES_PER_ADDRESS`` from one IP address, further attempts are refused for
``WINDOW_SECONDS`` (the window restarts with each failure). A successful sign-in clears the
account's count. The cache must be shared by all web processes in production (see
docs/operations.md); the local default (per-process memory) limits each process.
"""

import hashlib

from django.core.cache import cache

MAX_FAILURES_PER_ACCOUNT = 5
MAX_FAILURES_PER_ADDRESS = 30
WINDOW_SECONDS = 15 * 60


def _key(kind: str, schema: str, value: str) -> str:
    digest = hashlib.sha256(value.strip().lower().encode()).hexdigest()[:32]
    return f"portal-login:{kind}:{schema}:{digest}"


def _keys(schema: str, username: str, address: str) -> tuple[str, str]:
    return _key("account", schema, username), _key("address", "*", address)


def login_blocked(*, schema: str, username: str, address: str) -> bool:
    account, by_address = _keys(schema, username, address)
    return (cache.get(account, 0) >= MAX_FAILURES_PER_ACCOUNT
            or cache.get(by_address, 0) >= MAX_FAILURES_PER_ADDRESS)  # fmt: skip


def login_failed(*, schema: str, username: str, address: str) -> None:
    for key in _keys(schema, username, address):
        cache.add(key, 0, WINDOW_SECONDS)
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, WINDOW_SECONDS)
        cache.touch(key, WINDOW_SECONDS)


def login_succeeded(*, schema: str, username: str) -> None:
    cache.delete(_key("account", schema, username))
