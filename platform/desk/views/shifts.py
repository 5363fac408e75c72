"""Supervisors' shifts page (``/desk/staffing/shifts/``): a week of agents by days in the
supervisor's time zone, adherence now, the forms that add or remove a shift or an absence,
upload a CSV and download the week, and the week's shift proposal with its accept forms.
Each action calls one staffing service."""

import zoneinfo
from datetime import datetime, time, timedelta
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from accounts.access import AgencyRole, agency_page
from accounts.models import User
from core.csv_export import csv_response
from desk.access import agent_of
from desk.selectors.shifts import iso_week, shifts_week, week_monday
from staffing.csv_input import MAX_BYTES
from staffing.models import Absence, Shift
from staffing.proposals import week_proposal
from staffing.selectors import adherence
from staffing.services import (
    ImportRefused,
    NoSuchLocalTime,
    ShiftRefused,
    ShiftWanted,
    absence_add,
    absence_remove,
    local_moment,
    proposed_shifts_accept,
    shift_add,
    shift_remove,
    shifts_import,
)


def _agents() -> "QuerySet[User]":
    return User.objects.filter(
        is_active=True, role__in=[User.Role.AGENT, User.Role.ADMIN]
    ).order_by("first_name", "last_name", "username")


class ShiftForm(forms.Form):
    agent = forms.ModelChoiceField(queryset=User.objects.none(), label=_("Agent"))
    day = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    start = forms.TimeField(label=_("Start"), widget=forms.TimeInput(attrs={"type": "time"}))
    end = forms.TimeField(label=_("End"), widget=forms.TimeInput(attrs={"type": "time"}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agent"].queryset = _agents()  # type: ignore[attr-defined]


class AbsenceForm(forms.Form):
    agent = forms.ModelChoiceField(queryset=User.objects.none(), label=_("Agent"))
    first_day = forms.DateField(
        label=_("First day"), widget=forms.DateInput(attrs={"type": "date"})
    )
    last_day = forms.DateField(label=_("Last day"), widget=forms.DateInput(attrs={"type": "date"}))
    kind = forms.ChoiceField(label=_("Kind"), choices=Absence.Kind.choices)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agent"].queryset = _agents()  # type: ignore[attr-defined]


class UploadForm(forms.Form):
    file = forms.FileField(label=_("Shifts (CSV: agent, date, start, end)"))


def _zone(request: HttpRequest) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(agent_of(request).time_zone)


def _page(request: HttpRequest, *, propose: bool = False, **context: Any) -> HttpResponse:
    zone = agent_of(request).time_zone
    monday = week_monday(
        request.GET.get("week") or request.POST.get("week"),
        today=timezone.localdate(timezone=_zone(request)),
    )
    if propose:
        context["proposal"] = week_proposal(
            week_start=datetime.combine(monday, time(0), tzinfo=_zone(request)),
            zone=_zone(request),
            now=timezone.now(),
        )
    context.setdefault("shift_form", ShiftForm(initial={"day": monday}))
    context.setdefault(
        "absence_form", AbsenceForm(initial={"first_day": monday, "last_day": monday})
    )
    context.setdefault("upload_form", UploadForm())
    context.setdefault("errors", [])
    context.update(
        week=shifts_week(monday=monday, time_zone=zone),
        adherence=adherence(now=timezone.now()),
        time_zone=zone,
    )
    status = 400 if context["errors"] else 200
    return render(request, "desk/staffing/shifts.html", context, status=status)


def _back(request: HttpRequest, *, propose: bool = False) -> HttpResponse:
    week = week_monday(request.POST.get("week"), today=timezone.localdate())
    again = "&propose=1#proposal" if propose else ""
    return redirect(f"{reverse('desk-shifts')}?week={iso_week(week)}{again}")


def _form_errors(form: forms.Form) -> list[str]:
    return [str(error) for errors in form.errors.values() for error in errors]


@agency_page(AgencyRole.SUPERVISOR)
@require_GET
def shifts(request: HttpRequest) -> HttpResponse:
    """The week's shifts and absences, adherence now, and the forms; with ``propose=1``,
    the shifts proposed for the week's gaps (nothing is stored)."""
    return _page(request, propose=request.GET.get("propose") == "1")


class ProposalUnreadable(ValueError):
    """An accept form whose shifts cannot be read (altered, or from an old page)."""


def _shifts_wanted(request: HttpRequest) -> list[ShiftWanted]:
    """The shifts of an accept form: per shift an agent id, a start and an end (ISO, with
    their offset), in three lists of the same length."""
    agent_ids = request.POST.getlist("agent")
    start_texts, end_texts = request.POST.getlist("starts_at"), request.POST.getlist("ends_at")
    if not agent_ids or not len(agent_ids) == len(start_texts) == len(end_texts):
        raise ProposalUnreadable(_("The proposal could not be read."))
    try:
        ids = [int(agent_id) for agent_id in agent_ids]
        spans = [
            (datetime.fromisoformat(begins), datetime.fromisoformat(ends))
            for begins, ends in zip(start_texts, end_texts, strict=True)
        ]
    except ValueError:
        raise ProposalUnreadable(_("The proposal could not be read.")) from None
    agents = User.objects.in_bulk(ids)
    if set(ids) - set(agents) or any(t.tzinfo is None for span in spans for t in span):
        raise ProposalUnreadable(_("The proposal could not be read."))
    return [
        ShiftWanted(agent=agents[agent_id], starts_at=begins, ends_at=ends)
        for agent_id, (begins, ends) in zip(ids, spans, strict=True)
    ]


@agency_page(AgencyRole.SUPERVISOR)
@require_POST
def shifts_accept(request: HttpRequest) -> HttpResponse:
    """Store proposed shifts (one, or all of them): all or none, a refusal shown in words."""
    try:
        wanted = _shifts_wanted(request)
        proposed_shifts_accept(shifts=wanted, by=agent_of(request))
    except (ProposalUnreadable, ShiftRefused) as error:
        # The proposal was made before the change that refused it: a new one is shown.
        reason = _("Nothing was stored: %(reason)s") % {"reason": error}
        return _page(request, propose=True, errors=[reason])
    # After one shift the rest of the proposal is shown again, made anew.
    return _back(request, propose=request.POST.get("propose") == "1")


@agency_page(AgencyRole.SUPERVISOR)
@require_POST
def shift_add_view(request: HttpRequest) -> HttpResponse:
    """Add a shift (local date and times; an end before the start runs past midnight)."""
    form = ShiftForm(request.POST)
    if not form.is_valid():
        return _page(request, shift_form=form, errors=_form_errors(form))
    zone, data = _zone(request), form.cleaned_data
    ends_day = data["day"] + timedelta(days=1) if data["end"] <= data["start"] else data["day"]
    try:
        starts_at = local_moment(data["day"], data["start"], zone)
        ends_at = local_moment(ends_day, data["end"], zone)
        shift_add(agent=data["agent"], starts_at=starts_at, ends_at=ends_at, by=agent_of(request))
    except (NoSuchLocalTime, ShiftRefused) as error:
        return _page(request, shift_form=form, errors=[str(error)])
    return _back(request)


@agency_page(AgencyRole.SUPERVISOR)
@require_POST
def shift_remove_view(request: HttpRequest, shift_id: int) -> HttpResponse:
    """Remove a shift."""
    shift = Shift.objects.select_related("agent").filter(pk=shift_id).first()
    if shift is None:
        raise Http404("No such shift.")
    shift_remove(shift=shift, by=agent_of(request))
    return _back(request)


@agency_page(AgencyRole.SUPERVISOR)
@require_POST
def absence_add_view(request: HttpRequest) -> HttpResponse:
    """Add an absence over whole local days."""
    form = AbsenceForm(request.POST)
    if not form.is_valid():
        return _page(request, absence_form=form, errors=_form_errors(form))
    zone, data = _zone(request), form.cleaned_data
    try:
        absence_add(
            agent=data["agent"],
            starts_at=datetime.combine(data["first_day"], time(0), tzinfo=zone),
            ends_at=datetime.combine(data["last_day"] + timedelta(days=1), time(0), tzinfo=zone),
            kind=data["kind"],
            by=agent_of(request),
        )
    except ShiftRefused as error:
        return _page(request, absence_form=form, errors=[str(error)])
    return _back(request)


@agency_page(AgencyRole.SUPERVISOR)
@require_POST
def absence_remove_view(request: HttpRequest, absence_id: int) -> HttpResponse:
    """Remove an absence (a second press finds it gone: back to the week)."""
    absence = Absence.objects.select_related("agent").filter(pk=absence_id).first()
    if absence is not None:
        absence_remove(absence=absence, by=agent_of(request))
    return _back(request)


@agency_page(AgencyRole.SUPERVISOR)
@require_POST
def shifts_upload(request: HttpRequest) -> HttpResponse:
    """Import a CSV of shifts in the supervisor's time zone: all lines or none."""
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, upload_form=form, errors=_form_errors(form))
    upload = form.cleaned_data["file"]
    if upload.size > MAX_BYTES:
        return _page(request, errors=[_("The file is too large.")])
    try:
        result = shifts_import(
            data=upload.read(), by=agent_of(request), zone=agent_of(request).time_zone
        )
    except ImportRefused as error:
        return _page(request, errors=[_("Nothing was imported: %(reason)s") % {"reason": error}])
    return _page(request, imported=result)


@agency_page(AgencyRole.SUPERVISOR)
@require_GET
def shifts_export(request: HttpRequest) -> HttpResponseBase:
    """The week's shifts as CSV, in the supervisor's local time (the import's columns)."""
    zone = _zone(request)
    week = shifts_week(
        monday=week_monday(request.GET.get("week"), today=timezone.localdate(timezone=zone)),
        time_zone=agent_of(request).time_zone,
    )
    rows = (
        (
            shift.agent.username,
            shift.starts_at.astimezone(zone).date().isoformat(),
            shift.starts_at.astimezone(zone).strftime("%H:%M"),
            shift.ends_at.astimezone(zone).strftime("%H:%M"),
            shift.note,
        )
        for shift in week.shifts
    )
    return csv_response(f"shifts-{week.name}.csv", ["agent", "date", "start", "end", "note"], rows)
