"""The pool of spare client schemas (tenants.cloning.spare_take): kept full by beat, and
topped up after each provisioning that took one."""

from celery import shared_task
from django.conf import settings
from django_tenants.utils import schema_exists

from tenants.cloning import CloneUnavailable, spares_refill

# Spares kept ready: provisionings in a burst beyond this many clone while they wait.
SPARE_SCHEMAS_DEFAULT = 3


@shared_task(ignore_result=True)
def spares_refill_task() -> dict[str, int]:
    """Drop stale spares and clone new ones up to ``TENANT_SPARE_SCHEMAS`` (3 by default)."""
    keep = getattr(settings, "TENANT_SPARE_SCHEMAS", SPARE_SCHEMAS_DEFAULT)
    template = settings.TENANT_BASE_SCHEMA
    if not schema_exists(template):  # before the first migrate_platform: nothing to copy
        return {"dropped": 0, "made": 0}
    try:
        dropped, made = spares_refill(template=template, keep=keep)
    except CloneUnavailable:
        # No pg_dump here: provisioning clones as it always did; nothing to keep.
        return {"dropped": 0, "made": 0}
    return {"dropped": dropped, "made": made}
