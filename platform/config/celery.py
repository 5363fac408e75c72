"""The Celery app. Tasks run in the schema of the tenant that sent them.

tenant-schemas-celery puts the sending connection's schema in the message headers and
switches to it in the worker before the task runs.
"""

import os
from collections.abc import Sequence
from typing import Any

from tenant_schemas_celery.app import CeleryApp

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = CeleryApp("polydesk")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def task_enqueue_on_commit(
    task: Any, *, args: Sequence[Any] = (), kwargs: dict | None = None, **options: Any
) -> None:
    """Send ``task`` when the current transaction commits, in the schema active *now*.

    ``delay_on_commit`` would read the schema at commit time, which may be another
    tenant's (or public) by then; the schema is captured here instead.
    """
    from django.db import connection, transaction

    headers = {"_schema_name": connection.schema_name}
    transaction.on_commit(
        lambda: task.apply_async(args=tuple(args), kwargs=kwargs or {}, headers=headers, **options)
    )
