"""The desk's pulse: a token per client's queue and per agent, replaced after every commit
that queues work, gives it, or takes it back. An open desk asks every second whether the
tokens of its agent and their clients changed (one cache read, no SQL with Redis) and fetches
its inbox only when they did (docs/decisions.md, "The desk's pulse").

The tokens live in the ``settings.PULSE_CACHE`` cache: Redis when ``REDIS_URL`` is set, else
Django's database cache in a table of the public schema; never a process's own memory, since
the router runs in web processes and Celery workers alike and every web process must see
every change. A bump writes a new random token rather than adding one: two processes bumping
at once may each overwrite the other, but either token differs from what a desk saw before.
"""

import base64
import hashlib
import pickle
import secrets
from collections.abc import Iterable
from datetime import UTC, datetime

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.base import default_key_func
from django.core.cache.backends.db import DatabaseCache
from django.db import connection, transaction

_CLIENT_KEY = "desk:pulse:client:"
# Every client's queue also bumps one of a few buckets, which the desk of an agent who serves
# every client reads instead of thousands of client keys, each second. A few, not one: every
# router's claim writes its bucket's row, and a single row would make them all wait for
# each other's commits.
_EVERY_KEY = "desk:pulse:every:"
EVERY_BUCKETS = 16


def _client_key(client_id: int) -> str:
    return f"{_CLIENT_KEY}{client_id}"


def _every_key(bucket: int) -> str:
    return f"{_EVERY_KEY}{bucket}"


def _client_keys(client_id: int) -> set[str]:
    return {_client_key(client_id), _every_key(client_id % EVERY_BUCKETS)}


def _agent_key(agent_id: int) -> str:
    return f"desk:pulse:agent:{agent_id}"


def pulse_bump(*, client_ids: Iterable[int] = (), agent_ids: Iterable[int | None] = ()) -> None:
    """Once the current transaction commits (at once outside one): new tokens for these
    clients' queues and these agents' own items."""
    keys = {_agent_key(pk) for pk in agent_ids if pk}.union(*map(_client_keys, client_ids))
    if keys:
        # Before the commit a desk could fetch its inbox without the change and keep the new
        # token. robust: the cache being down must not fail a committed change; the desks'
        # slower poll brings it (logged).
        transaction.on_commit(lambda: _tokens_write(keys), robust=True)


def _stored(token: str) -> tuple[str, datetime]:
    """A token's value and expiry as DatabaseCache stores a value that never expires."""
    value = base64.b64encode(pickle.dumps(token, pickle.HIGHEST_PROTOCOL)).decode("latin1")
    return value, datetime.max.replace(microsecond=0, tzinfo=UTC)


def _tokens_write(keys: set[str]) -> None:
    token = secrets.token_hex(8)
    cache = caches[settings.PULSE_CACHE]
    if not isinstance(cache, DatabaseCache):
        cache.set_many(dict.fromkeys(keys, token), timeout=None)
        return
    # The router bumps on every decision: DatabaseCache.set_many costs three statements a key
    # (a count, a read, a write) and made a decision five times slower (benchmarks/router.py).
    # One upsert of every key.
    value, never = _stored(token)
    names = [cache.make_and_validate_key(key) for key in sorted(keys)]
    with connection.cursor() as cursor:
        cursor.execute(
            """INSERT INTO routing_pulse (cache_key, value, expires)
               SELECT name, %s, %s FROM unnest(%s::varchar[]) AS name
               ON CONFLICT (cache_key) DO UPDATE SET value = EXCLUDED.value""",
            [value, never, names],
        )


# The router's claim writes the tokens of the agent and of the claimed item's client in its
# own statement when the pulse lives in PostgreSQL: after the commit, the upsert was a second
# round trip and a second commit (a WAL flush) on every decision, a third of its time
# (benchmarks/router.py). In the claim's transaction the new tokens become visible with the
# assignment itself, never before it, as after the commit. The keys are upserted in their
# order (the agent's sorts before the client's, the client's before its bucket's), as
# _tokens_write does, so that two writers never wait for each other in a cycle. A
# data-modifying CTE of the claim; its parameters come from pulse_claim_params.
PULSE_IN_CLAIM = """, pulse AS (
        INSERT INTO routing_pulse (cache_key, value, expires)
        SELECT key.name, %s::text, %s::timestamptz
        FROM claimed, LATERAL (VALUES (%s::text), (%s::text || claimed.client_id),
            (%s::text || mod(claimed.client_id, 16))) key (name)
        ORDER BY key.name
        ON CONFLICT (cache_key) DO UPDATE SET value = EXCLUDED.value
    )"""  # 16: EVERY_BUCKETS


def pulse_claim_params(agent_id: int) -> list[object] | None:
    """The parameters of PULSE_IN_CLAIM for a claim for ``agent_id``; None when the pulse
    is not in PostgreSQL (Redis) or its keys are not Django's default ones: then the claim
    bumps after its commit (pulse_bump)."""
    cache = caches[settings.PULSE_CACHE]
    if not isinstance(cache, DatabaseCache) or cache.key_func is not default_key_func:
        return None
    value, never = _stored(secrets.token_hex(8))
    # The default key function appends the key last: the client's key is this prefix and
    # its id, which the statement appends once it knows which item it claimed.
    return [
        value,
        never,
        cache.make_key(_agent_key(agent_id)),
        cache.make_key(_CLIENT_KEY),
        cache.make_key(_EVERY_KEY),
    ]


def pulse_of_agent(*, agent_id: int, client_ids: Iterable[int] | None) -> str:
    """A short digest of the tokens of ``agent_id`` and of the queues of ``client_ids`` (the
    clients the agent may take from; None: every client, read from the buckets): it changes
    when any of them does."""
    if client_ids is None:
        queues = [_every_key(bucket) for bucket in range(EVERY_BUCKETS)]
    else:
        queues = [_client_key(pk) for pk in sorted(client_ids)]
    keys = [_agent_key(agent_id), *queues]
    tokens = caches[settings.PULSE_CACHE].get_many(keys)
    joined = "|".join(str(tokens.get(key, "")) for key in keys)
    return hashlib.blake2b(joined.encode(), digest_size=8).hexdigest()
