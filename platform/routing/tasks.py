"""Beat-driven routing chores (public schema). Each is safe to run twice at once."""

from celery import shared_task
from django.db import OperationalError

from routing.services import agents_release_stale, offers_expire, route_waiting


@shared_task(autoretry_for=(OperationalError,), max_retries=3, ignore_result=True)
def route_waiting_task() -> int:
    """Hand waiting work to available agents (waits crossing a policy widen who may)."""
    return route_waiting()


@shared_task(autoretry_for=(OperationalError,), max_retries=3, ignore_result=True)
def offers_expire_task() -> int:
    """Put calls whose offer was not accepted in time back in the queue."""
    return offers_expire()


@shared_task(autoretry_for=(OperationalError,), max_retries=3, ignore_result=True)
def agents_release_stale_task() -> int:
    """Take silent desks offline and release their items."""
    return agents_release_stale()
