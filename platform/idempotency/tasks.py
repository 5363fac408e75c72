"""The idempotency keys' sweep."""

from celery import shared_task

from idempotency.services import idempotency_keys_expire


@shared_task(ignore_result=True)
def idempotency_keys_expire_task() -> int:
    """Beat, hourly: forget the API's idempotency keys past their time."""
    return idempotency_keys_expire()
