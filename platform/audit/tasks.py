"""The audit log's retention sweep."""

from celery import shared_task

from audit.services import audit_events_expire


@shared_task(ignore_result=True)
def audit_events_expire_task() -> int:
    """Beat, daily: delete the audit events past the retention."""
    return audit_events_expire()
