"""For supervisors: the staffing plan of one language pool for one week (charts of contacts
and agents per hour, the pools' inputs and backtests, the hours as a table), its CSV of
every pool (docs/staffing.md, "Where it shows"); the what-if is in ``desk.views.whatif``."""

import datetime as dt
import re
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    StreamingHttpResponse,
)
from django.shortcuts import redirect, render
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils import timezone
from django.utils.dates import WEEKDAYS_ABBR
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.access import AgencyRole, agency_page
from core.csv_export import csv_response
from core.tasks import task_send
from desk.access import agent_of
from desk.selectors.staffing import (
    CHANNELS,
    PlanHourRow,
    StaffingWeek,
    plan_failed_after,
    plan_horizon_end,
    plan_languages,
    plan_latest,
    plan_running,
    staffing_week,
    staffing_weeks,
    week_bounds,
)
from desk.staffing_charts import agents_chart, contacts_chart
from staffing.models import PlanChannel
from staffing.services import contact_hours_roll
from staffing.tasks import plan_make_task

_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")
YEARS = range(2000, 2101)
_LANGUAGE = re.compile(r"^[a-z]{2,3}(-[a-z0-9]{1,4})?$")


def _week_start(request: HttpRequest, *, zone: ZoneInfo) -> dt.date:
    """The local Monday of ``?week=2026-W50``, else of the reader's current week; a
    malformed week is a ValueError."""
    week = request.GET.get("week")
    if not week:
        today = timezone.now().astimezone(zone).date()
        return today - dt.timedelta(days=today.weekday())
    match = _WEEK.match(week)
    # Years far off (9999, 0001) would step past the calendar's ends: no plan is there.
    if match is None or not YEARS.start <= int(match[1]) < YEARS.stop:
        raise ValueError(week)
    return dt.date.fromisocalendar(int(match[1]), int(match[2]), 1)


def _iso_week(day: dt.date) -> str:
    year, week, _weekday = day.isocalendar()
    return f"{year}-W{week:02d}"


@agency_page(AgencyRole.SUPERVISOR)
@require_GET
def staffing_page(request: HttpRequest) -> HttpResponse:
    """The latest plan of one pool and week: charts, the pools' table and the hours."""
    zone = ZoneInfo(agent_of(request).time_zone)
    try:
        week_start = _week_start(request, zone=zone)
    except ValueError:
        return HttpResponseBadRequest("Not a week (2026-W50).")
    channel = request.GET.get("channel") or None
    if channel is not None and channel not in CHANNELS:
        return HttpResponseBadRequest("Not a channel.")
    now = timezone.now()
    _history_bring_up_to_date(now=now, week_start=week_start, zone=zone)
    run = plan_latest()
    context: dict[str, Any] = {
        "run": run,
        "failed": plan_failed_after(run),
        "running": plan_running(now=now),
        "week": _iso_week(week_start),
        "week_start": week_start,
        "week_end": week_start + dt.timedelta(days=6),
        "previous_week": _iso_week(week_start - dt.timedelta(days=7)),
        "next_week": _iso_week(week_start + dt.timedelta(days=7)),
        "zone": zone.key,
        "channel": channel,
        "channels": PlanChannel.choices,
        "plan_request_url": reverse("desk-staffing-plan"),
    }
    if run is None:
        return render(request, "desk/staffing/index.html", context)
    languages = plan_languages(run=run)
    language = request.GET.get("language") or (languages[0] if languages else None)
    if language is not None and not _LANGUAGE.match(language):
        return HttpResponseBadRequest("Not a language code.")
    if language is not None and language not in languages:
        raise Http404("No such pool in the plan.")
    context.update(
        languages=languages,
        language=language,
        horizon_last=plan_horizon_end(run) - dt.timedelta(hours=1),
    )
    if language is not None:
        week = staffing_week(run=run, language=language, week_start=week_start, zone=zone, now=now)
        context.update(plan=week, **_charts(week, channel=channel))
    return render(request, "desk/staffing/index.html", context)


@agency_page(AgencyRole.SUPERVISOR)
@require_POST
def plan_request(request: HttpRequest) -> HttpResponse:
    """Make a new plan in the worker (staffing.tasks.plan_make_task), then back to the page."""
    if plan_running(now=timezone.now()) is not None:
        messages.info(request, _("A plan is being made already."))
        return redirect("desk-staffing")
    sent = task_send(
        plan_make_task, schema_name="public", kwargs={"requested_by_id": request.user.pk}
    )
    if sent:
        messages.info(request, _("A new plan is being made: reload this page in a minute or two."))
    else:
        messages.error(request, _("The plan could not be asked for now: try again later."))
    return redirect("desk-staffing")


def _history_bring_up_to_date(*, now: dt.datetime, week_start: dt.date, zone: ZoneInfo) -> None:
    """Roll the last day of the work queue into the history when the week shows it, so the
    actual contacts are those of now, not of the nightly roll's (the last 24 hours reach
    back past it whenever it ran). One statement: measured with 2 million work items and
    2,800 hours a day, 290 ms, most of it a scan of the queue; 85 ms with an index on the
    queue's waiting_since (docs/staffing.md, "Where it shows")."""
    start, end = week_bounds(week_start=week_start, zone=zone)
    since = now - dt.timedelta(days=1)
    if start < now and end > since:
        contact_hours_roll(start=since, end=now, now=now)


def _charts(week: StaffingWeek, *, channel: str | None) -> dict[str, Any]:
    hours = [row.starts_at for row in week.hours]
    day_names = [str(WEEKDAYS_ABBR[day]) for day in range(7)]
    contacts_titles = [_contacts_title(row, channel) for row in week.hours]
    agents_titles = [_agents_title(row) for row in week.hours]
    return {
        "contacts_chart": contacts_chart(
            hours=hours,
            forecast=[row.forecast_of(channel) if row.forecast else None for row in week.hours],
            baseline=[row.baseline_of(channel) if row.baseline else None for row in week.hours],
            actual=[row.actual_of(channel) for row in week.hours],
            titles=contacts_titles,
            label=_("Contacts per hour: forecast, seasonal baseline and actual"),
            day_names=day_names,
        ),
        "agents_chart": agents_chart(
            hours=hours,
            required=[row.required for row in week.hours],
            scheduled=[row.scheduled for row in week.hours],
            titles=agents_titles,
            label=_("Agents on shift per hour: required and scheduled"),
            day_names=day_names,
        ),
    }


def _agents_shown(agents: float) -> str:
    """Agents as a number: whole ones without decimals (2), shared ones with two at most
    (1.5, 0.33)."""
    return f"{agents:.2f}".rstrip("0").rstrip(".")


def _agents_read(agents: float) -> str:
    """Agents in the reader's number format, two decimals at most (1,5 in Czech)."""
    return floatformat(agents, "-2")


def _when(row: PlanHourRow) -> str:
    return f"{WEEKDAYS_ABBR[row.starts_at.weekday()]} {row.starts_at:%d.%m. %H:%M}"


def _contacts_title(row: PlanHourRow, channel: str | None) -> str:
    actual = row.actual_of(channel)
    parts = [
        _when(row),
        _("Forecast: %(n)s") % {"n": floatformat(row.forecast_of(channel), 1)},
        _("Baseline: %(n)s") % {"n": floatformat(row.baseline_of(channel), 1)},
    ]
    if actual is not None:
        parts.append(_("Actual: %(n)s") % {"n": actual})
    return " · ".join(parts)


def _agents_title(row: PlanHourRow) -> str:
    parts = [_when(row)]
    if row.required is not None:
        parts.append(_("Required: %(n)s") % {"n": row.required})
    parts.append(_("Scheduled: %(n)s") % {"n": _agents_read(row.scheduled)})
    if row.is_gap:
        parts.append(_("Missing: %(n)s") % {"n": _agents_read(row.gap)})
    elif row.is_surplus:
        parts.append(_("Spare: %(n)s") % {"n": _agents_read(row.spare)})
    return " · ".join(parts)


@agency_page(AgencyRole.SUPERVISOR)
@require_GET
def staffing_export(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    """The latest plan's week, every pool, hour by hour in the reader's zone (CSV)."""
    zone = ZoneInfo(agent_of(request).time_zone)
    try:
        week_start = _week_start(request, zone=zone)
    except ValueError:
        return HttpResponseBadRequest("Not a week (2026-W50).")
    now = timezone.now()
    _history_bring_up_to_date(now=now, week_start=week_start, zone=zone)
    run = plan_latest()
    if run is None:
        raise Http404("No plan yet.")
    languages = plan_languages(run=run)
    weeks = staffing_weeks(run=run, languages=languages, week_start=week_start, zone=zone, now=now)
    header = [
        "language",
        "hour",
        *(f"forecast_{c}" for c in CHANNELS),
        *(f"baseline_{c}" for c in CHANNELS),
        *(f"actual_{c}" for c in CHANNELS),
        *(f"agents_{c}" for c in CHANNELS),
        "required_on_shift",
        "scheduled",
        "gap",
    ]
    rows = (
        [language, row.starts_at.isoformat(), *_export_cells(row)]
        for language in languages
        for row in weeks[language]
    )
    return csv_response(f"staffing-plan-{_iso_week(week_start)}.csv", header, rows)


def _export_cells(row: PlanHourRow) -> list[object]:
    def rounded(values: dict[str, float], channel: str) -> object:
        return f"{values[channel]:.2f}" if channel in values else ""

    actual = row.actual
    return [
        *(rounded(row.forecast, c) for c in CHANNELS),
        *(rounded(row.baseline, c) for c in CHANNELS),
        *(("" if actual is None else actual.get(c, 0)) for c in CHANNELS),
        *(rounded(row.agents, c) for c in CHANNELS),
        "" if row.required is None else row.required,
        _agents_shown(row.scheduled),
        "" if row.required is None else _agents_shown(row.gap),
    ]
