"""The sign-in sessions' sweep."""

from celery import shared_task

from accounts.services import sessions_expired_clear


@shared_task(ignore_result=True)
def sessions_expired_clear_task() -> int:
    """Beat, daily: delete the sessions past their expiry (what `clearsessions` does)."""
    return sessions_expired_clear()
