"""Beat-driven staffing chores (public schema). Safe to run twice at once."""

import logging
from datetime import timedelta

from celery import shared_task
from django.db import DatabaseError, OperationalError, transaction
from django.utils import timezone

from accounts.models import User
from staffing.plan import PlanAlreadyRunning, plan_make
from staffing.services import contact_hours_roll, plans_prune

logger = logging.getLogger(__name__)

# Work that began to wait in the last days may still be open: its hours are rolled again
# each night until it is done (an owned e-mail is, within a couple of days).
REROLLED_DAYS = 3


@shared_task(autoretry_for=(OperationalError,), max_retries=3, ignore_result=True)
def contact_hours_roll_recent() -> int:
    """Roll the last three days of the work queue into the contact history (beat, nightly)."""
    now = timezone.now()
    return contact_hours_roll(start=now - timedelta(days=REROLLED_DAYS), end=now, now=now)


@shared_task(ignore_result=True)
def plan_make_task(*, requested_by_id: int | None = None) -> int | None:
    """Roll the last days into the history, then make a plan (beat, nightly; or a
    supervisor's request), then delete the plans past keeping. Returns the run's id; None
    when a plan is being made already."""
    now = timezone.now()
    try:
        # Its own transaction: a failed roll leaves the connection usable for the plan.
        with transaction.atomic():
            contact_hours_roll(start=now - timedelta(days=REROLLED_DAYS), end=now, now=now)
    except DatabaseError:
        # The plan is still worth making from the history rolled before; the roll is
        # retried by the nightly roll and the next plan.
        logger.exception("staffing: rolling the last days failed; the plan is made anyway")
    by = User.objects.filter(pk=requested_by_id).first() if requested_by_id else None
    try:
        run = plan_make(now=now, by=by)
    except PlanAlreadyRunning:
        return None
    plans_prune(now=now)
    return run.pk
