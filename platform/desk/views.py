from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from desk.selectors import agent_items_public, agent_queue_public, client_cards_public
from languages.selectors import agent_language_codes
from routing.models import AgentState
from routing.services import agent_next_item, agent_presence_set


class DeskLoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    redirect_authenticated_user = True


@login_required
def home(request):
    state = AgentState.objects.filter(agent=request.user).first()
    context = {
        "cards": client_cards_public(),
        "presence": state.presence if state else AgentState.Presence.OFFLINE,
        "presences": AgentState.Presence.choices,
        "my_languages": agent_language_codes(request.user),
        "queue": agent_queue_public(request.user),
        "my_items": agent_items_public(request.user),
    }
    return render(request, "desk/home.html", context)


@login_required
@require_POST
def presence(request):
    value = request.POST.get("presence", "")
    if value not in AgentState.Presence.values:
        return HttpResponseBadRequest("Unknown presence.")
    agent_presence_set(agent=request.user, presence=value)
    return redirect("home")


@login_required
@require_POST
def take_next(request):
    item = agent_next_item(agent=request.user)
    if item is None:
        messages.info(request, _("Nothing waiting for you."))
    return redirect("home")


@require_GET
def health(request):
    """For load balancers: the database answers and the request's schema is known."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return JsonResponse({"status": "ok", "schema": connection.schema_name})
