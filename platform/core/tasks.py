"""Sending Celery tasks: in the schema of the tenant that sends them, never failing a request.

tenant-schemas-celery reads the schema from the message headers and switches to it in the
worker before the task runs (the app is ``config.celery.app``).
"""

import logging
from collections.abc import Sequence
from typing import Any

from django.db import connection, transaction
from kombu.exceptions import KombuError

logger = logging.getLogger(__name__)


def task_send(
    task: Any,
    *,
    schema_name: str,
    args: Sequence[Any] = (),
    kwargs: dict[str, Any] | None = None,
    **options: Any,
) -> bool:
    """Send ``task`` to run in ``schema_name`` now; False (logged) when it could not be sent.

    Never raises: callers have committed their work by then, and a broker that cannot be
    reached must delay what follows, not turn a committed request into an error. Whatever
    must happen anyway has a sweep that sends it again (the outbox, the calls' prices).
    """

    try:
        task.apply_async(
            args=tuple(args), kwargs=kwargs or {}, headers={"_schema_name": schema_name}, **options
        )
    except (KombuError, OSError) as error:
        logger.warning("Task %s not queued (broker unreachable): %s", task.name, error)
        return False
    except Exception:  # any other failure to publish must not fail a committed request either
        logger.exception("Task %s not queued", task.name)
        return False
    return True


def task_enqueue_on_commit(
    task: Any, *, args: Sequence[Any] = (), kwargs: dict[str, Any] | None = None, **options: Any
) -> None:
    """Send ``task`` when the current transaction commits, in the schema active *now*.

    ``delay_on_commit`` would read the schema at commit time, which may be another
    tenant's (or public) by then; the schema is captured here instead. A broker that is
    down is logged, not raised (``task_send``).
    """
    schema_name = connection.schema_name  # type: ignore[attr-defined]  # django-tenants
    transaction.on_commit(
        lambda: task_send(task, schema_name=schema_name, args=args, kwargs=kwargs, **options)
    )
