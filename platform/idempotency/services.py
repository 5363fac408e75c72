"""Replaying the first answer to a request sent again with the same ``Idempotency-Key``."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import connection, transaction
from django.utils import timezone

from idempotency.models import IdempotentRequest
from tenants.models import Client

# How long a key is remembered (documented in docs/operations.md).
KEEP_HOURS = 24


class KeyReused(Exception):
    """The key came before with another request (another body or another path)."""


@dataclass(frozen=True)
class Answered:
    status: int
    made: str  # IdempotentRequest.Made
    object_id: int


def idempotent_request_find(
    *, client: Client, key: str, request_sha256: str, now: datetime | None = None
) -> Answered | None:
    """The answer given to this key within ``KEEP_HOURS``, or None for a new key; raises
    KeyReused when the key came with another request.

    Holds a lock on (client, key) until the caller's transaction ends: a parallel request
    with the same key waits for the first one's answer (and then replays it), so one
    request creates and none is refused as "in progress"."""
    if not connection.in_atomic_block:
        raise RuntimeError("idempotent_request_find must run in the creating transaction")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))",
            [f"idempotency:{client.pk}:{key}"],
        )
    cutoff = (now or timezone.now()) - timedelta(hours=KEEP_HOURS)
    found = IdempotentRequest.objects.filter(client=client, key=key).first()
    if found is None:
        return None
    if found.created_at < cutoff:  # forgotten, though not swept yet
        found.delete()
        return None
    if found.request_sha256 != request_sha256:
        raise KeyReused(key)
    return Answered(found.status, found.made, found.object_id)


def idempotent_request_record(
    *,
    client: Client,
    key: str,
    request_sha256: str,
    status: int,
    object_id: int,
    made: str = IdempotentRequest.Made.CONVERSATION,
    now: datetime | None = None,
) -> None:
    """Remember the answer to a new key and what it made (in the transaction that made
    it)."""
    IdempotentRequest.objects.create(
        client=client,
        key=key,
        request_sha256=request_sha256,
        status=status,
        made=made,
        object_id=object_id,
        created_at=now or timezone.now(),
    )


@transaction.atomic
def idempotency_keys_expire(*, now: datetime | None = None) -> int:
    """Forget keys older than ``KEEP_HOURS``; how many."""
    cutoff = (now or timezone.now()) - timedelta(hours=KEEP_HOURS)
    deleted, _ = IdempotentRequest.objects.filter(created_at__lt=cutoff).delete()
    return deleted
