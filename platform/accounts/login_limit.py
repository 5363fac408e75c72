"""Sign-in attempts per account and per address, counted in Django's cache.

After ``MAX_FAILURES_PER_ACCOUNT`` failed attempts for one user name on one site (a portal,
the agency's desk, either admin), or ``MAX_FAILURES_PER_ADDRESS`` from one IP address,
further attempts are refused for ``WINDOW_SECONDS`` (the window restarts with each
failure). A successful sign-in clears the account's count. Every sign-in goes through it:
the authentication backend refuses blocked attempts and Django's login signals count them
(accounts.backends). The cache must be shared by all web processes in production (see
docs/operations.md); the local default (per-process memory) limits each process.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache

MAX_FAILURES_PER_ACCOUNT = 5
MAX_FAILURES_PER_ADDRESS = 30
WINDOW_SECONDS = 15 * 60


def _key(kind: str, schema: str, value: str) -> str:
    digest = hashlib.sha256(value.strip().lower().encode()).hexdigest()[:32]
    return f"login:{kind}:{schema}:{digest}"


def _keys(schema: str, username: str, address: str) -> tuple[str, str]:
    return _key("account", schema, username), _key("address", "*", address)


def login_blocked(*, schema: str, username: str, address: str) -> bool:
    account, by_address = _keys(schema, username, address)
    return (
        cache.get(account, 0) >= MAX_FAILURES_PER_ACCOUNT
        or cache.get(by_address, 0) >= MAX_FAILURES_PER_ADDRESS
    )


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


def client_address(request) -> str:
    """The signing-in client's IP address. Behind the TLS proxy (BEHIND_TLS_PROXY) every
    request comes from the proxy: the client is the last address the proxy appended to
    X-Forwarded-For (earlier entries are the client's own word and can be forged)."""
    if request is None:
        return ""
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None) and forwarded.strip():
        return forwarded.split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR", "")
