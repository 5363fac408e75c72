"""Claiming a waiting item from its page, and a supervisor's assignment to a named agent.
Both go through the router's services; a refusal comes back to the item's page in words."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.access import AgencyRole, agency_page
from accounts.models import User
from desk.access import agent_of, desk_item
from routing.models import AgentState, WorkItem
from routing.services import NeedsConfirmation, Refused, agent_presence_set, item_assign, item_claim


@desk_item()
@require_POST
def claim(request: HttpRequest, item: WorkItem) -> HttpResponse:
    """The agent takes the item they are looking at (``available=1``: going available
    first, one click for an agent who just signed in)."""
    agent = agent_of(request)
    if request.POST.get("available") == "1":
        agent_presence_set(agent=agent, presence=AgentState.Presence.AVAILABLE)
    try:
        item_claim(item_id=item.pk, agent=agent)
    except Refused as refusal:
        messages.error(request, str(refusal))
    return redirect("desk-item", item_id=item.pk)


@desk_item()
@agency_page(AgencyRole.SUPERVISOR)
@require_POST
def assign(request: HttpRequest, item: WorkItem) -> HttpResponse:
    """A supervisor gives the item to a named agent; what the router would not do
    (offline, at capacity, another language) needs ``confirm=1``."""
    try:
        target = User.objects.get(pk=int(request.POST.get("agent", "")))
    except (ValueError, User.DoesNotExist):
        return HttpResponseBadRequest(_("Choose an agent."))
    name = target.get_full_name() or target.username
    try:
        item_assign(
            item_id=item.pk,
            to_agent=target,
            by=agent_of(request),
            confirmed=request.POST.get("confirm") == "1",
        )
    except NeedsConfirmation as concerns:
        messages.error(
            request,
            _("%(agent)s: %(concerns)s. Tick “Assign anyway” to give it to them all the same.")
            % {"agent": name, "concerns": "; ".join(concerns.concerns)},
        )
    except Refused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, _("Assigned to %(agent)s.") % {"agent": name})
    return redirect("desk-item", item_id=item.pk)
