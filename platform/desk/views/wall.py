"""For supervisors: the wall of queues and agents, live, and the items behind its numbers;
for agents: a failed message sent again."""

import re
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from accounts.access import AgencyRole, agency_page
from accounts.selectors import served_client_ids
from core.input import whole_number
from desk.access import agent_of, serves
from desk.selectors.wall import SHOWS, supervisor_wall_public, wall_items_public
from outbox.models import Delivery
from outbox.selectors import undelivered_public
from outbox.services import delivery_retry as retry
from routing.selectors import owned_work_at_risk
from staffing.selectors import staffing_this_hour
from tenants.models import Client


@agency_page(AgencyRole.SUPERVISOR)
@require_GET
def wall(request: HttpRequest) -> HttpResponse:
    """Supervisors: queues per language and client, agents per language, agent activity."""
    context = {**_wall_context(request), "undelivered": undelivered_public()}
    return render(request, "desk/wall.html", context)


# The open wall polls this and swaps the fragment in (docs/decisions.md, "The live wall").
WALL_LIVE_SECONDS = 5


@agency_page(AgencyRole.SUPERVISOR)
@require_GET
def wall_live(request: HttpRequest) -> HttpResponse:
    """The wall's tables again, as HTML rendered by the page's own template."""
    return render(request, "desk/_wall.html", _wall_context(request))


def _seen_client_ids(request: HttpRequest) -> set[int] | None:
    """The clients whose items a supervisor may read on the wall: the ones they serve (the
    items' pages are 404 to them otherwise); agency admins and agents of every client see
    every client (None)."""
    viewer = agent_of(request)
    if viewer.is_agency_admin:
        return None
    served = served_client_ids(viewer)
    return None if served is None else set(served)


OWNED_ROWS = 50  # the owned messages at risk listed on the wall, most urgent first


def _wall_context(request: HttpRequest) -> dict[str, Any]:
    seen = _seen_client_ids(request)
    wall = supervisor_wall_public(time_zone=agent_of(request).time_zone, seen_client_ids=seen)
    return {
        "wall": wall,
        "now": wall.now,
        "live_seconds": WALL_LIVE_SECONDS,
        # E-mail an agent owns stays with them offline: a supervisor reassigns it in time.
        "owned_at_risk": owned_work_at_risk(now=wall.now, limit=OWNED_ROWS, client_ids=seen),
        # Required (the latest plan) against on shift, per language, this hour.
        "staffing_now": staffing_this_hour(now=wall.now),
    }


_LANGUAGE = re.compile(r"^[a-z]{2,3}(-[a-z0-9]{1,4})?$")


@agency_page(AgencyRole.SUPERVISOR)
@require_GET
def wall_items(request: HttpRequest) -> HttpResponse:
    """The open items behind one number of the wall (``?show=breached&language=cs``)."""
    show = request.GET.get("show", "waiting")
    language = request.GET.get("language") or None
    client_id = request.GET.get("client") or None
    if show not in SHOWS:
        return HttpResponseBadRequest("Unknown list.")
    if language is not None and not _LANGUAGE.match(language):
        return HttpResponseBadRequest("Not a language code.")
    client = None
    if client_id is not None:
        if not whole_number(client_id):
            return HttpResponseBadRequest("Not a client.")
        client = Client.objects.filter(pk=int(client_id)).first()
        if client is None or not serves(agent_of(request), client.pk):
            raise Http404("No such client.")
    found = wall_items_public(
        show=show,
        language=language,
        client_id=client.pk if client else None,
        seen_client_ids=_seen_client_ids(request),
    )
    context = {
        "found": found,
        "show": show,
        "language": language,
        "client": client,
        "now": timezone.now(),
    }
    return render(request, "desk/wall_items.html", context)


@agency_page()
@require_POST
def delivery_retry(request: HttpRequest, delivery_id: int) -> HttpResponse:
    """Send a failed or bounced message again (any agent who may see its conversation)."""
    delivery = Delivery.objects.select_related("client").filter(pk=delivery_id).first()
    if delivery is None or not serves(agent_of(request), delivery.client_id):
        raise Http404("No such message.")
    try:
        retry(client=delivery.client, delivery_id=delivery.pk)
    except ValueError as error:
        messages.info(request, str(error))
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = "home"
    return redirect(next_url)
