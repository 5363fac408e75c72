"""Hand-built staffing plans for the tests of what reads them (the shift proposal)."""

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta

from staffing.models import PlanHour, PlanPool, PlanRun

H = timedelta(hours=1)


def plan_requiring(
    required: Mapping[str, Iterable[datetime]], *, horizon_start: datetime
) -> PlanRun:
    """A done 28-day plan from ``horizon_start`` requiring one agent on shift in each of
    the hours given per language (e-mail, no shrinkage), and nobody anywhere else."""
    run = PlanRun.objects.create(
        started_at=horizon_start - 2 * H,
        finished_at=horizon_start - H,
        status=PlanRun.Status.DONE,
        horizon_start=horizon_start,
        horizon_hours=28 * 24,
        history_start=horizon_start - timedelta(weeks=104),
        settings_used={"shrinkage": 0},
    )
    for language, hours in required.items():
        pool = PlanPool.objects.create(
            run=run, language=language, channel="email", handle_seconds=360
        )
        PlanHour.objects.bulk_create(
            PlanHour(pool=pool, hour=hour, forecast=10.0, baseline=10.0, agents=1.0)
            for hour in hours
        )
    return run
