"""For supervisors: the wall of queues and agents; for agents: a failed message sent again."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from accounts.access import AgencyRole, agency_page
from desk.access import agent_of, serves
from desk.selectors.wall import supervisor_wall_public
from outbox.models import Delivery
from outbox.selectors import undelivered_public
from outbox.services import delivery_retry as retry


@agency_page(AgencyRole.SUPERVISOR)
@require_GET
def wall(request: HttpRequest) -> HttpResponse:
    """Supervisors: queues per language and client, agents per language, agent activity."""
    context = {
        "wall": supervisor_wall_public(time_zone=agent_of(request).time_zone),
        "undelivered": undelivered_public(),
    }
    return render(request, "desk/wall.html", context)


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
