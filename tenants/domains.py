"""The client a host name or a client id names, kept in each web process for a few seconds.

Every request reads its ``Domain`` row before anything else, and every voice webhook its
client by the id in its URL: a round trip each, for rows that change a few times a year.
So each process keeps what it has read, for ``TTL_SECONDS``:

- In this process a change is seen at once: saving or deleting a ``Domain`` or a ``Client``
  forgets everything kept (``post_save``/``post_delete``, connected below, beside the caches
  they empty: ``forget_on_change``).
- Another process may serve the old mapping for up to ``TTL_SECONDS`` (5 s) after the
  change, or after a bulk ``update()``, which sends no signal. That is safe: a domain moved
  or removed still answers for the client it answered for a moment earlier, and a client
  suspended or ended still takes the calls already ringing, as a request in flight at the
  moment of the change would have. Nothing is ever served to a client it was not mapped to.
- A client deleted with its schema: the first query in the missing schema fails, the
  middleware forgets everything kept (``forget_all``, on any database error), and the next
  request reads the rows again (a 404 for the host or the webhook): one error per process
  at worst, never a loop of them.

Only rows found are kept: an unknown host is read again each time, so a stranger's random
host names cannot fill the memory, and a domain just added is served at once everywhere.
Only rows read outside a transaction are kept: one read inside may yet be rolled back (a
test's, too). A flush (``post_migrate``) forgets everything as well.
"""

import copy
import time
from collections.abc import Callable

from django.db import connection
from django.db.models.signals import post_delete, post_migrate, post_save

from tenants.models import Client, Domain

TTL_SECONDS = 5.0

_caches: list["ProcessCache"] = []


class ProcessCache[K, V]:
    """Rows read by ``read`` (None: not found, not kept), kept ``ttl`` seconds in this
    process. ``get`` gives each caller its own copy: a request that changes the object
    changes nobody else's."""

    def __init__(self, read: Callable[[K], V | None], *, ttl: float = TTL_SECONDS) -> None:
        self._read, self._ttl = read, ttl
        self._kept: dict[K, tuple[float, V]] = {}
        _caches.append(self)

    def get(self, key: K) -> V | None:
        now = time.monotonic()
        kept = self._kept.get(key)
        if kept is None or kept[0] <= now:
            value = self._read(key)
            if value is None or connection.in_atomic_block:
                self._kept.pop(key, None)
                return value
            kept = self._kept[key] = (now + self._ttl, value)
        return copy.copy(kept[1])

    def forget(self) -> None:
        self._kept.clear()


def forget_all(*args: object, **kwargs: object) -> None:
    """Forget every row kept in this process (a signal receiver as well)."""
    for cache in _caches:
        cache.forget()


def forget_on_change(*models: str) -> None:
    """Forget every row kept in this process when a row of one of ``models`` ("app.Model")
    is saved or deleted here."""
    for model in models:
        post_save.connect(forget_all, sender=model, dispatch_uid=f"forget-saved-{model}")
        post_delete.connect(forget_all, sender=model, dispatch_uid=f"forget-deleted-{model}")


def _client_of_host(host: str) -> Client | None:
    domain = Domain.objects.select_related("tenant").filter(domain=host).first()
    return domain.tenant if domain else None


def _client_by_id(client_id: int) -> Client | None:
    return Client.objects.clients().filter(pk=client_id).first()


_by_host = ProcessCache(_client_of_host)
_by_id = ProcessCache(_client_by_id)
forget_on_change("tenants.Client", "tenants.Domain")
# A flush (tests between transactional cases) sends no delete signals, but this.
post_migrate.connect(forget_all, dispatch_uid="forget-after-flush")


def client_of_host(host: str) -> Client | None:
    """The client (or the agency's public row) a host name serves; None for no domain."""
    return _by_host.get(host)


def client_by_id(client_id: int) -> Client | None:
    """A client (never the agency's public row) by its id; None when there is none."""
    return _by_id.get(client_id)
