"""The Celery app. Tasks run in the schema of the tenant that sent them.

tenant-schemas-celery puts the sending connection's schema in the message headers and
switches to it in the worker before the task runs. Services send tasks with
``core.tasks.task_enqueue_on_commit`` (or ``task_send``).
"""

import os

from celery.signals import beat_init, worker_init
from tenant_schemas_celery.app import CeleryApp

from config.deployment import deployment_refuse

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = CeleryApp("polydesk")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_init.connect
@beat_init.connect
def _deployment_refuse(**kwargs) -> None:
    """A worker or beat outside development refuses to start as the web app does."""
    deployment_refuse()
