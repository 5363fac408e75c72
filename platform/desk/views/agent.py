"""The agent's own pages: their figures by day and week (supervisors: every agent's), their
settings (interface language, languages spoken, notifications), and the collision notice's
beat on an item page."""

import zoneinfo
from datetime import date

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.access import agency_page, user_is_supervisor
from accounts.models import User
from accounts.services import NOTIFICATION_FIELDS, agent_settings_get, agent_settings_update
from core.input import whole_number
from desk.access import agent_of, desk_item
from desk.selectors.agents import Period, agent_figures_public, desk_agents_public
from desk.selectors.inbox import agent_items_public, agent_pulse_public, item_news
from desk.viewers import item_viewer_beat, item_viewers_others
from languages.models import AgentSkill, Language
from languages.services import agent_skills_set
from routing.models import WorkItem

OWN_FIGURES_ONLY = gettext_lazy("Only supervisors see other agents' figures.")


@agency_page()
@require_GET
def figures(request: HttpRequest) -> HttpResponse:
    """Handled, first response, handle time and CSAT by day or week: a supervisor sees every
    agent (or one, ``?agent=``), an agent their own."""
    viewer = agent_of(request)
    kind = request.GET.get("period", "week")
    if kind not in ("day", "week"):
        return HttpResponseBadRequest("The period is a day or a week.")
    zone = _zone(viewer)
    today = timezone.localdate(timezone=zone)
    try:
        day = date.fromisoformat(request.GET["date"]) if request.GET.get("date") else today
    except ValueError:
        return HttpResponseBadRequest("The date is YYYY-MM-DD.")
    if not date(2000, 1, 1) <= day <= date(2999, 12, 31):
        return HttpResponseBadRequest("The date is out of range.")
    supervisor = user_is_supervisor(viewer)
    agent_id = request.GET.get("agent", "")
    if agent_id and not whole_number(agent_id):
        return HttpResponseBadRequest("Not an agent.")
    if agent_id and int(agent_id) != viewer.pk and not supervisor:
        raise PermissionDenied(OWN_FIGURES_ONLY)
    if agent_id:
        one = User.objects.filter(pk=int(agent_id), role__in=[User.Role.AGENT, User.Role.ADMIN])
        agents = list(one)
        if not agents:
            raise Http404("No such agent.")
    else:
        agents = desk_agents_public() if supervisor else [viewer]
    period = Period.of(kind, day, zone.key)
    lines = agent_figures_public(period=period, agents=agents)
    context = {
        "period": period,
        "earlier": period.shifted(-1),
        "later": period.shifted(1) if period.last < today else None,
        "lines": lines,
        "one": lines[0] if agent_id or not supervisor else None,  # one agent, day by day
        "agent_id": agent_id,
        "supervisor": supervisor,
    }
    return render(request, "desk/figures.html", context)


def _zone(user: User) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(user.time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


PROFICIENCIES = [value for value, _label in AgentSkill.Proficiency.choices]


@agency_page()
@require_http_methods(["GET", "POST"])
def agent_settings(request: HttpRequest) -> HttpResponse:
    """The agent's own settings; the languages they speak only a supervisor changes."""
    agent = agent_of(request)
    supervisor = user_is_supervisor(agent)
    catalog = list(Language.objects.filter(active=True).order_by("english_name"))
    if request.method == "POST":
        chosen = {name for name in NOTIFICATION_FIELDS if request.POST.get(name) == "on"}
        try:
            agent_settings_update(
                agent=agent, language=request.POST.get("language", ""), notifications=chosen
            )
        except ValidationError:
            return HttpResponseBadRequest("Not an interface language.")
        if supervisor and request.POST.get("skills") == "1":
            skills = {}
            for language in catalog:
                level = request.POST.get(f"skill-{language.code}", "")
                if level and level not in PROFICIENCIES:
                    return HttpResponseBadRequest("Unknown proficiency.")
                if level:
                    skills[language.code] = level
            agent_skills_set(agent=agent, skills=skills)  # the router's cache follows (signals)
        messages.info(request, _("Your settings are saved."))
        response = redirect("desk-settings")
        if not agent.language:  # following the browser: a stranger's choice must not linger
            response.delete_cookie(settings.LANGUAGE_COOKIE_NAME)
        return response
    skills = dict(AgentSkill.objects.filter(agent=agent).values_list("language_id", "proficiency"))
    context = {
        "preferences": agent_settings_get(agent=agent),
        "ui_languages": settings.LANGUAGES,
        "catalog": catalog,
        "skills": skills,
        "spoken": [language for language in catalog if language.code in skills],
        "proficiencies": AgentSkill.Proficiency.choices,
        "supervisor": supervisor,
    }
    return render(request, "desk/settings.html", context)


@agency_page()
@require_GET
def my_items(request: HttpRequest) -> JsonResponse:
    """Polled every second by every open desk page: the items offered or given to the agent
    (one indexed query), so that a call or chat offered to them is announced at once; the
    whole inbox follows with the desk's own poll (docs/decisions.md, "The live wall")."""
    items = agent_items_public(agent_of(request))
    return JsonResponse({"items": [item_news(item) for item in items]})


@agency_page()
@require_GET
def pulse(request: HttpRequest) -> JsonResponse:
    """Asked every second by every open desk page: a digest that changes when work is queued
    for one of the agent's clients or given to or taken from them (one cache read); the page
    fetches its inbox only when it changed (docs/decisions.md, "The desk's pulse")."""
    token = agent_pulse_public(agent_of(request))
    if token is None:
        return JsonResponse({"error": _("The desk's live updates are unavailable.")}, status=503)
    return JsonResponse({"pulse": token})


@desk_item()
@require_POST
def item_viewers(request: HttpRequest, item: WorkItem) -> JsonResponse:
    """The item page is open (``typing=1``: its agent typed since the last beat; ``leave=1``:
    the page closes); answers the other agents there."""
    agent = agent_of(request)
    leaving = request.POST.get("leave") == "1"
    item_viewer_beat(
        item=item, agent=agent, typing=request.POST.get("typing") == "1", leaving=leaving
    )
    others = [] if leaving else item_viewers_others(item=item, agent=agent)
    return JsonResponse(
        {"others": [{"name": viewer.name, "typing": viewer.typing} for viewer in others]}
    )
