from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpResponseBadRequest, HttpResponseForbidden, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from desk.selectors import agent_items_public, agent_queue_public, client_cards_public
from languages.selectors import agent_language_codes
from routing.models import AgentState
from routing.services import agent_heartbeat, agent_next_item, agent_presence_set


class DeskLoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    redirect_authenticated_user = True


@login_required
def home(request):
    agent_heartbeat(agent=request.user)
    state = AgentState.objects.filter(agent=request.user).first()
    context = {
        "cards": client_cards_public(),
        "presence": state.presence if state else AgentState.Presence.OFFLINE,
        "presences": AgentState.Presence.choices,
        "my_languages": agent_language_codes(request.user),
        "queue": agent_queue_public(request.user),
        "my_items": agent_items_public(request.user),
        "now": timezone.now(),
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


@login_required
@require_POST
def heartbeat(request):
    """The desk page is open: polled every 30 s so that a closed desk is noticed."""
    agent_heartbeat(agent=request.user)
    return JsonResponse({"ok": True})


@require_GET
def health(request):
    """For load balancers: the database answers and the request's schema is known."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return JsonResponse({"status": "ok", "schema": connection.schema_name})


def _may_act_on(request, item) -> bool:
    """Replies and corrections belong to the agent working on the item (or an admin)."""
    return request.user.is_agency_admin or item.agent_id == request.user.pk


def _item_for(request, item_id: int):
    """The work item, if the signed-in agent serves its client (agency admins: any)."""
    from django.http import Http404

    from routing.models import WorkItem

    item = WorkItem.objects.select_related("client").filter(pk=item_id).first()
    user = request.user
    if item is None or not (
        user.is_agency_admin or user.served_clients.filter(pk=item.client_id).exists()
    ):
        raise Http404("No such item.")
    return item


@login_required
def item_detail(request, item_id: int):
    """One item in its client's context: the conversation, its language, canned replies."""
    from django.utils import timezone as tz
    from django_tenants.utils import schema_context

    from content.selectors import canned_replies_in_language
    from conversations.models import Conversation
    from languages.models import Language

    item = _item_for(request, item_id)
    agent_heartbeat(agent=request.user)
    client = item.client
    with schema_context(client.schema_name):
        conversation = (
            Conversation.objects.select_related("customer").filter(pk=item.source_id).first()
            if item.source_kind == "conversation" else None
        )  # fmt: skip
        context = {
            "item": item,
            "client": client,
            "client_time": tz.localtime(tz.now(), client.tz),
            "conversation": conversation,
            "messages_": list(conversation.messages.all()) if conversation else [],
            "replies": canned_replies_in_language(conversation.language) if conversation else [],
            "languages": Language.objects.filter(active=True),
        }
        return render(request, "desk/item.html", context)


def _on_conversation(request, item_id: int, action, *, waiting_allowed: bool, refusal: str):
    """Run ``action(item)`` on an item's conversation, in its client's schema, if this
    agent may (their item, an admin, or an unassigned item when ``waiting_allowed``)."""
    from django.core.exceptions import ValidationError
    from django_tenants.utils import schema_context

    item = _item_for(request, item_id)
    if item.source_kind != "conversation":
        return HttpResponseBadRequest("Not a conversation.")
    if not (_may_act_on(request, item) or (waiting_allowed and not item.agent_id)):
        return HttpResponseForbidden(refusal)
    with schema_context(item.client.schema_name):
        try:
            action(item)
        except ValidationError as error:
            return HttpResponseBadRequest("; ".join(error.messages))
    return redirect("desk-item", item_id=item.pk)


@login_required
@require_POST
def item_language(request, item_id: int):
    """One click: the conversation's language is corrected (and kept for the customer)."""
    from conversations.services import conversation_language_correct

    def correct(item):
        conversation_language_correct(
            client=item.client, conversation_id=item.source_id,
            language=request.POST.get("language", ""), agent=request.user,
        )  # fmt: skip

    return _on_conversation(request, item_id, correct, waiting_allowed=True,
                            refusal="Another agent is working on this item.")  # fmt: skip


@login_required
@require_POST
def item_reply(request, item_id: int):
    """Answer the customer on the conversation's channel, in the client's name."""
    from conversations.services import conversation_reply

    def reply(item):
        conversation_reply(client=item.client, conversation_id=item.source_id,
                           agent=request.user, text=request.POST.get("text", ""))  # fmt: skip

    return _on_conversation(request, item_id, reply, waiting_allowed=False,
                            refusal="Take the item before answering it.")  # fmt: skip


@login_required
@require_POST
def item_done(request, item_id: int):
    """The agent is done with the item: it leaves their work and frees capacity."""
    from routing.services import item_close

    item = _item_for(request, item_id)
    try:
        item_close(item_id=item.pk, agent=request.user)
    except ValueError as error:
        return HttpResponseBadRequest(str(error))
    return redirect("home")


@login_required
@require_POST
def item_resolve(request, item_id: int):
    """The customer's matter is settled: the conversation is resolved, the item done."""
    from conversations.services import conversation_resolve

    def resolve(item):
        conversation_resolve(client=item.client, conversation_id=item.source_id,
                             agent=request.user)  # fmt: skip

    response = _on_conversation(request, item_id, resolve, waiting_allowed=False,
                                refusal="Take the item before resolving it.")  # fmt: skip
    return redirect("home") if response.status_code == 302 else response
