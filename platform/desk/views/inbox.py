"""The agent's inbox: the desk's home page, its live poll, presence and the next item."""

from datetime import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.access import agency_page, user_is_supervisor
from accounts.models import User
from accounts.two_factor_views import TwoFactorLoginMixin
from desk.access import agent_of
from desk.forms import QueueForm, queue_filter, queue_params
from desk.selectors.calls import screen_pops
from desk.selectors.inbox import (
    agent_inbox_public,
    agent_pulse_public,
    client_cards_public,
    item_news,
    queue_clients_public,
)
from routing.models import AgentState
from routing.selectors import NothingToTake, agent_reach_cached, take_next_obstacles
from routing.services import agent_heartbeat, agent_next_item, agent_presence_set
from tenants.current import schema_name_current


class DeskLoginView(TwoFactorLoginMixin, auth_views.LoginView):
    """The agency's sign-in: the password, then the second step (accounts.two_factor_views)."""

    template_name = "registration/login.html"
    redirect_authenticated_user = True


# The clients' table shows this many (by name), then how many more: at 5,000 clients the
# whole table was 0.9 MB of every desk page.
CLIENTS_TABLE_ROWS = 100


def _clients_table() -> SafeString:
    """The table of the live clients (the first CLIENTS_TABLE_ROWS) with their local time,
    the same for every agent: it is rendered once a minute per language and process, not
    on every page (500 rows cost more than the rest of the desk)."""
    now = timezone.now()
    key = f"desk:clients-table:{get_language()}:{now:%Y%m%d%H%M}"
    html: str | None = cache.get(key)
    if html is None:
        cards, more = client_cards_public(limit=CLIENTS_TABLE_ROWS)
        html = render_to_string("desk/_clients.html", {"cards": cards, "more": more})
        cache.set(key, html, 90)
    return mark_safe(html)  # noqa: S308 - our template's output, escaped when rendered


def _queue_client_options(agent: User, chosen: str) -> SafeString:
    """The queue filter's options, one per client the agent serves, built here rather than
    by a template loop: an agent may serve thousands of clients, and the loop (a bound
    field's value() per option) then cost more than the rest of the page (5,000 clients:
    about 0.8 s; docs/performance.md, "Provisioning and many clients")."""
    clients = queue_clients_public(agent, int(chosen) if chosen.isdigit() else None)
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        (
            (pk, mark_safe(" selected") if str(pk) == chosen else "", name)
            for pk, name in clients.order_by("name").values_list("pk", "name")
        ),
    )


def _inbox_context(request: HttpRequest, *, presence: str) -> dict[str, Any]:
    agent = agent_of(request)
    # Read before the inbox: a change committed after this read changes the pulse the desk
    # compares next (desk_live.js), so no change is missed between the two reads.
    pulse = agent_pulse_public(agent)
    now = timezone.now()
    # The queue's table filtered and paged as asked (a 400 for what the page does not offer).
    inbox = agent_inbox_public(agent, queue=queue_filter(request.GET, agent=agent, now=now))
    # "Take next" would give nothing: say why, rather than "Nothing waiting" (the queries
    # for it run only then; at capacity is said when Take next is pressed).
    unavailable = presence != AgentState.Presence.AVAILABLE
    why = _obstacles(agent, presence, now=now) if unavailable or not inbox.waiting else None
    return {
        "pulse": pulse,
        "inbox": inbox,
        "now": now,
        # Calls ringing for (or held by) the agent pop up with their caller's history.
        "pops": screen_pops(inbox.my_items),
        "why": why,
        # Native and fluent, as the router counts them (cached with the agent's reach).
        "my_languages": agent_reach_cached(agent).languages,
        "queue_params": queue_params(request),
    }


# What stands between an agent and work is kept this long per agent and presence: the
# grouped scan of every waiting item cost as much as the inbox itself (10,000 items: 60-70
# ms on a busy machine), and an agent who just signed in is offline and polls every 5 s.
WHY_SECONDS = 30


def _obstacles(agent: User, presence: str, *, now: datetime) -> NothingToTake:
    key = f"desk:why:{agent.pk}:{presence}"
    why: NothingToTake | None = cache.get(key)
    if why is None:
        why = take_next_obstacles(agent, now=now)
        cache.set(key, why, WHY_SECONDS)
    return why


@agency_page()
def home(request: HttpRequest) -> HttpResponse:
    agent = agent_of(request)
    presence = agent_heartbeat(agent=agent)
    context = {
        "presence": presence,
        **_inbox_context(request, presence=presence),
        "clients_table": _clients_table(),
        "presences": AgentState.Presence.choices,
        "supervisor": user_is_supervisor(agent),
        "queue_form": QueueForm(request.GET),
        "queue_client_options": _queue_client_options(agent, request.GET.get("client", "")),
    }
    # The queue's languages: what waits for the agent, what they speak, what they chose.
    context["queue_languages"] = sorted(
        {line.key for line in context["inbox"].per_language}
        | set(context["my_languages"])
        | ({request.GET["language"]} if request.GET.get("language") else set())
    )
    return render(request, "desk/home.html", context)


@agency_page()
@require_GET
def live(request: HttpRequest) -> JsonResponse:
    """Polled by the open desk: the inbox again (as HTML, rendered like the page) and its
    counts, so that new work appears without a reload. Also the desk's heartbeat."""
    presence = agent_heartbeat(agent=agent_of(request))
    context = _inbox_context(request, presence=presence)
    inbox = context["inbox"]
    html = render_to_string("desk/_inbox.html", context, request=request)
    return JsonResponse(
        {
            "waiting": inbox.waiting,
            "mine": len(inbox.my_items),
            "languages": {line.key: line.waiting for line in inbox.per_language},
            "clients": {line.key: line.waiting for line in inbox.per_client},
            "html": html,
            # For the desk's notifications (desk_live.js): what is new since the last poll.
            "items": [item_news(item) for item in inbox.my_items],
            "head": [item_news(item) for item in inbox.queue_head[:5]],
            "pulse": context["pulse"],
        }
    )


@agency_page()
@require_POST
def presence(request: HttpRequest) -> HttpResponse:
    value = request.POST.get("presence", "")
    if value not in AgentState.Presence.values:
        return HttpResponseBadRequest("Unknown presence.")
    agent_presence_set(agent=agent_of(request), presence=value)
    return redirect("home")


@agency_page()
@require_POST
def take_next(request: HttpRequest) -> HttpResponse:
    """The most urgent item the agent may take (``available=1``: going available first).
    With nothing to give, the desk says why: offline, nothing in their languages and
    clients (the inbox's box), at capacity, or another agent was faster."""
    agent = agent_of(request)
    if request.POST.get("available") == "1":
        agent_presence_set(agent=agent, presence=AgentState.Presence.AVAILABLE)
    item = agent_next_item(agent=agent)
    if item is not None:
        return redirect("desk-item", item_id=item.pk)
    why = take_next_obstacles(agent, now=timezone.now())
    if why.at_capacity:
        rooms = "; ".join(
            _("%(work)s: %(load)s of %(capacity)s")
            % {"work": room.work, "load": room.load, "capacity": room.capacity}
            for room in why.full
        )
        messages.info(
            request,
            _("You are at capacity (%(rooms)s). Finish an item to take the next.")
            % {"rooms": rooms},
        )
    elif why.takeable and not why.offline:
        messages.info(request, _("Another agent took that item first. Try again."))
    # Otherwise the inbox's box says why (offline, nothing in your languages or clients).
    return redirect("home")


@agency_page()
@require_POST
def heartbeat(request: HttpRequest) -> JsonResponse:
    """The desk page is open: polled every 30 s so that a closed desk is noticed."""
    agent_heartbeat(agent=agent_of(request))
    return JsonResponse({"ok": True})


@require_GET
def health(request: HttpRequest) -> JsonResponse:
    """For load balancers: the database answers and the request's schema is known."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return JsonResponse({"status": "ok", "schema": schema_name_current()})
