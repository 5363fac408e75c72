"""Beat-driven SLA chores (public schema). Safe to run twice at once."""

from celery import shared_task
from django.db import OperationalError

from hours.services import sla_sweep


@shared_task(autoretry_for=(OperationalError,), max_retries=3, ignore_result=True)
def sla_sweep_task() -> tuple[int, int, int, int]:
    """Record SLA warnings and breaches of open work (beat, every minute)."""
    return sla_sweep()
