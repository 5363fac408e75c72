"""The agent desk on the agency's domain. Views parse, authorise, call one service or
selector, and respond. An item of a client the agent does not serve is a 404, never data."""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import connection
from django.http import (
    Http404,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseForbidden,
    JsonResponse,
)
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django_tenants.utils import schema_context

from conversations.attachments import (
    attachment_response,
    conversation_reply_with_files,
    upload_files_check,
    upload_hint,
)
from conversations.models import Attachment, Message
from desk.selectors import (
    agent_inbox_public,
    call_of_conversation_in_schema,
    call_view_in_schema,
    client_cards_public,
    client_clock,
    client_colour,
    conversation_view_in_schema,
    screen_pops,
    supervisor_wall_public,
    transfer_candidates_public,
    user_is_supervisor,
)
from outbox.models import Delivery
from outbox.selectors import messages_with_deliveries, undelivered_public
from outbox.services import delivery_retry as retry
from routing.models import AgentState, WorkItem
from routing.services import agent_heartbeat, agent_next_item, agent_presence_set


class DeskLoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    redirect_authenticated_user = True


def _clients_table() -> str:
    """The table of every live client with its local time, the same for every agent: it is
    rendered once a minute per language and process, not on every page (500 rows cost more
    than the rest of the desk)."""
    from django.core.cache import cache
    from django.utils.safestring import mark_safe
    from django.utils.translation import get_language

    now = timezone.now()
    key = f"desk:clients-table:{get_language()}:{now:%Y%m%d%H%M}"
    html = cache.get(key)
    if html is None:
        html = render_to_string("desk/_clients.html", {"cards": client_cards_public()})
        cache.set(key, html, 90)
    return mark_safe(html)  # noqa: S308 - our template's output, escaped when rendered


def _inbox_context(request) -> dict:
    inbox = agent_inbox_public(request.user)
    # Calls ringing for (or held by) the agent pop up with their caller's history.
    return {"inbox": inbox, "now": timezone.now(), "pops": screen_pops(inbox.my_items)}


@login_required
def home(request):
    from routing.selectors import agent_reach_cached

    context = {
        "presence": agent_heartbeat(agent=request.user),
        **_inbox_context(request),
        "clients_table": _clients_table(),
        "presences": AgentState.Presence.choices,
        # Native and fluent, as the router counts them (cached with the agent's reach).
        "my_languages": agent_reach_cached(request.user).languages,
        "supervisor": user_is_supervisor(request.user),
    }
    return render(request, "desk/home.html", context)


@login_required
@require_GET
def live(request):
    """Polled by the open desk: the inbox again (as HTML, rendered like the page) and its
    counts, so that new work appears without a reload. Also the desk's heartbeat."""
    agent_heartbeat(agent=request.user)
    context = _inbox_context(request)
    inbox = context["inbox"]
    html = render_to_string("desk/_inbox.html", context, request=request)
    return JsonResponse({
        "waiting": inbox.waiting,
        "mine": len(inbox.my_items),
        "languages": {line.key: line.waiting for line in inbox.per_language},
        "clients": {line.key: line.waiting for line in inbox.per_client},
        "html": html,
    })  # fmt: skip


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
    return redirect("desk-item", item_id=item.pk)


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


@login_required
@require_GET
def wall(request):
    """Supervisors: queues per language and client, agents per language, agent activity."""
    if not user_is_supervisor(request.user):
        raise Http404("No such page.")

    context = {
        "wall": supervisor_wall_public(time_zone=request.user.time_zone),
        "undelivered": undelivered_public(),
    }
    return render(request, "desk/wall.html", context)


# A waiting item may be changed by any agent who serves its client; one someone holds only
# by its holder and supervisors.
ANOTHER_AGENTS = "Another agent is working on this item."


def _may_act_on(request, item, *, waiting_allowed: bool = False) -> bool:
    """Replies and changes belong to the agent working on the item, or a supervisor (and,
    when ``waiting_allowed``, an item nobody holds to any agent who may see it)."""
    return (
        user_is_supervisor(request.user)
        or item.agent_id == request.user.pk
        or (waiting_allowed and not item.agent_id)
    )


def _item_for(request, item_id: int) -> WorkItem:
    """The work item, if the signed-in agent serves its client (agency admins: any)."""
    item = WorkItem.objects.select_related("client", "agent").filter(pk=item_id).first()
    user = request.user
    if item is None or not (
        user.is_agency_admin or user.served_clients.filter(pk=item.client_id).exists()
    ):
        raise Http404("No such item.")
    return item


@login_required
def item_detail(request, item_id: int):
    """One item in its client's context: conversation, customer history, canned replies and
    FAQ in the customer's language, triage, notes, transfer."""
    return _item_page(request, _item_for(request, item_id))


def _item_page(
    request, item: WorkItem, *, reply_text: str = "", reply_errors=(), status: int = 200
):
    """The item's page; after a refused reply, with the typed text back in the box and
    the reasons beside it (nothing the agent wrote is lost)."""
    from conversations.services import PRIORITIES
    from languages.models import Language

    agent_heartbeat(agent=request.user)
    client = item.client
    context = {
        "reply_text": reply_text,
        "upload_hint": upload_hint(),
        "reply_errors": list(reply_errors),
        "item": item,
        "client": client,
        "colour": client_colour(client),
        "may_act": _may_act_on(request, item),
        "supervisor": user_is_supervisor(request.user),
        "languages": Language.objects.filter(active=True),
        "priorities": PRIORITIES,
        "candidates": (
            transfer_candidates_public(item)
            if _may_act_on(request, item, waiting_allowed=True) else []
        ),
    }  # fmt: skip
    with schema_context(client.schema_name):
        view = (
            conversation_view_in_schema(client=client, conversation_id=item.source_id)
            if item.source_kind == "conversation" else None
        )  # fmt: skip
        if view is not None:  # each outbound message with its delivery state
            view.messages[:] = messages_with_deliveries(client=client, messages=view.messages)
        context["view"] = view
        call_view = (
            call_view_in_schema(client=client, call_id=item.source_id)
            if item.source_kind == "call" else None
        )  # fmt: skip
        context["call_view"] = call_view
        # A voicemail or a callback request: the call it came from (player, call back).
        context["source_call"] = (
            call_of_conversation_in_schema(conversation_id=view.conversation.pk)
            if view and view.conversation.channel == "call" else None
        )  # fmt: skip
        # Any other item without a conversation: the client's clock for its language.
        context["clock"] = (
            view.clock if view else call_view.clock if call_view
            else client_clock(client, country="", language=item.language)
        )  # fmt: skip
        return render(request, "desk/item.html", context, status=status)


def _conversation_change(
    request,
    item_id: int,
    service,
    *,
    waiting_allowed: bool = True,
    refusal: str = ANOTHER_AGENTS,
    to_inbox: bool = False,
    **arguments,
):
    """``service(client=, conversation_id=, **arguments)`` on an item's conversation, in its
    client's schema, if this agent may (``_may_act_on``); then back to the item, or to the
    inbox when the change takes the item away from the agent (``to_inbox``)."""
    item = _item_for(request, item_id)
    if item.source_kind != "conversation":
        return HttpResponseBadRequest("Not a conversation.")
    if not _may_act_on(request, item, waiting_allowed=waiting_allowed):
        return HttpResponseForbidden(refusal)
    with schema_context(item.client.schema_name):
        try:
            service(client=item.client, conversation_id=item.source_id, **arguments)
        except ValidationError as error:
            return HttpResponseBadRequest("; ".join(error.messages))
    return redirect("home") if to_inbox else redirect("desk-item", item_id=item.pk)


@login_required
@require_POST
def item_language(request, item_id: int):
    """One click: the conversation's language is corrected (and kept for the customer)."""
    from conversations.services import conversation_language_correct

    return _conversation_change(request, item_id, conversation_language_correct,
                                language=request.POST.get("language", ""),
                                agent=request.user)  # fmt: skip


@login_required
@require_POST
def item_reply(request, item_id: int):
    """Answer the customer on the conversation's channel, in the client's name, with the
    agent's files (checked first; a refusal shows the page again with the text kept)."""

    item = _item_for(request, item_id)
    if item.source_kind != "conversation":
        return HttpResponseBadRequest("Not a conversation.")
    if not _may_act_on(request, item):
        return HttpResponseForbidden("Take the item before answering it.")
    text = request.POST.get("text", "")
    with schema_context(item.client.schema_name):
        try:
            conversation_reply_with_files(
                client=item.client,
                conversation_id=item.source_id,
                agent=request.user,
                text=text,
                files=upload_files_check(request.FILES.getlist("files")),
            )
        except ValidationError as error:
            return _item_page(
                request, item, reply_text=text, reply_errors=error.messages, status=400
            )
    return redirect("desk-item", item_id=item.pk)


@login_required
@require_GET
def item_attachment(request, item_id: int, attachment_id: int):
    """A file of the item's conversation, for an agent who may see the item: downloaded
    (or, ``?inline=1``, a picture shown), streamed from the storage."""

    item = _item_for(request, item_id)
    if item.source_kind != "conversation":
        raise Http404("No such file.")
    with schema_context(item.client.schema_name):
        attachment = Attachment.objects.filter(
            pk=attachment_id, message__conversation_id=item.source_id
        ).first()
        if attachment is None:
            raise Http404("No such file.")
        try:
            return attachment_response(attachment, inline=request.GET.get("inline") == "1")
        except FileNotFoundError as error:
            raise Http404("The file is no longer stored.") from error


@login_required
@require_POST
def item_note(request, item_id: int):
    """An internal note for colleagues (never sent to the customer)."""
    from conversations.services import conversation_note_add

    return _conversation_change(request, item_id, conversation_note_add,
                                agent=request.user, text=request.POST.get("text", ""))  # fmt: skip


@login_required
@require_POST
def item_triage(request, item_id: int):
    """Category, tags and priority of the conversation (and the item's queue priority)."""
    from conversations.services import conversation_triage_set, tags_parse

    try:
        priority = int(request.POST.get("priority", "0"))
    except ValueError:
        return HttpResponseBadRequest("Priority is a number.")
    return _conversation_change(request, item_id, conversation_triage_set, priority=priority,
                                category=request.POST.get("category", ""),
                                tags=tags_parse(request.POST.get("tags", "")))  # fmt: skip


@login_required
@require_POST
def item_queue(request, item_id: int):
    """Back to a language queue: the conversation's language is set and its item waits."""
    from conversations.services import conversation_queue_language

    return _conversation_change(request, item_id, conversation_queue_language, to_inbox=True,
                                language=request.POST.get("language", ""),
                                agent=request.user)  # fmt: skip


@login_required
@require_POST
def item_transfer(request, item_id: int):
    """Give the item to another agent who serves the client and speaks the language."""
    from accounts.models import User
    from routing.services import item_transfer as transfer

    item = _item_for(request, item_id)
    if not _may_act_on(request, item, waiting_allowed=True):
        return HttpResponseForbidden(ANOTHER_AGENTS)
    try:
        target = User.objects.get(pk=int(request.POST.get("agent", "")))
    except (ValueError, User.DoesNotExist):
        return HttpResponseBadRequest("Unknown agent.")
    try:
        transfer(item_id=item.pk, to_agent=target)
    except ValueError as error:
        return HttpResponseBadRequest(str(error))
    messages.info(request, _("Transferred to %(agent)s.") % {
        "agent": target.get_full_name() or target.username})  # fmt: skip
    return redirect("home")


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

    return _conversation_change(request, item_id, conversation_resolve, waiting_allowed=False,
                                refusal="Take the item before resolving it.", to_inbox=True,
                                agent=request.user)  # fmt: skip


# --- calls ---------------------------------------------------------------------------------


@login_required
@require_POST
def item_call_outcome(request, item_id: int):
    """After a call: its category and note, resolved on the call or a follow-up item."""
    from telephony.voice.models import Call
    from telephony.voice.services import call_wrap_up

    item = _item_for(request, item_id)
    if item.source_kind != "call":
        return HttpResponseBadRequest("Not a call.")
    outcome = request.POST.get("outcome", "")
    if outcome not in ("resolved", "follow_up"):
        return HttpResponseBadRequest("Choose resolved or follow-up.")
    with schema_context(item.client.schema_name):
        try:
            call = call_wrap_up(
                client=item.client, call_id=item.source_id, agent=request.user,
                category=request.POST.get("category", ""), note=request.POST.get("note", ""),
                resolved=outcome == "resolved",
            )  # fmt: skip
        except Call.DoesNotExist as error:
            raise Http404("No such call.") from error
        except ValidationError as error:
            return HttpResponseBadRequest("; ".join(error.messages))
    if not call.wrap_resolved:
        messages.info(request, _("A follow-up item was opened."))
    return redirect("desk-item", item_id=item.pk)


def _source_call(item: WorkItem):
    """The call behind an item: the call itself, or the call a voicemail or a callback
    request came from (inside the client's schema)."""
    from telephony.voice.models import Call

    if item.source_kind == "call":
        return Call.objects.filter(pk=item.source_id).first()
    if item.source_kind == "conversation":
        return call_of_conversation_in_schema(conversation_id=item.source_id)
    return None


@login_required
@require_POST
def item_call_back(request, item_id: int):
    """Call the customer back: the agent's phone rings, then the customer's, shown the
    client's number. A double click starts one call."""
    from telephony.services import CallBackError, call_back_start

    item = _item_for(request, item_id)
    if not _may_act_on(request, item, waiting_allowed=True):
        return HttpResponseForbidden(ANOTHER_AGENTS)
    with schema_context(item.client.schema_name):
        call = _source_call(item)
        if call is None:
            return HttpResponseBadRequest("No call to return.")
        try:
            result = call_back_start(client=item.client, call_id=call.pk, agent=request.user)
        except CallBackError as error:
            messages.error(request, str(error))
            return redirect("desk-item", item_id=item.pk)
    if result.started:
        messages.info(request, _("Your phone rings now; the customer is called when you answer."))
    else:
        messages.info(request, _("The call back has already started."))
    return redirect("desk-item", item_id=item.pk)


@login_required
@require_GET
def item_recording(request, item_id: int):
    """The voicemail (or the call's recording) of an item the agent may see: a redirect to
    Twilio's recording, so that the address appears only to those who may hear it."""
    item = _item_for(request, item_id)
    with schema_context(item.client.schema_name):
        call = _source_call(item)
    url = call and (call.voicemail_url or call.recording_url)
    if not url:
        raise Http404("No recording.")
    return redirect(url)


@login_required
@require_GET
def item_original(request, item_id: int, message_id: int):
    """An inbound e-mail of the item's conversation exactly as it arrived (an unreadable
    message's only content), for an agent who may see the item: always a download."""

    item = _item_for(request, item_id)
    if item.source_kind != "conversation":
        raise Http404("No such message.")
    with schema_context(item.client.schema_name):
        message = Message.objects.filter(
            pk=message_id, conversation_id=item.source_id, raw__isnull=False
        ).first()
    if message is None:
        raise Http404("No such message.")
    response = HttpResponse(bytes(message.raw), content_type="application/octet-stream")
    response["Content-Disposition"] = f'attachment; filename="message-{message.pk}.eml"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_POST
def delivery_retry(request, delivery_id: int):
    """Send a failed or bounced message again (any agent who may see its conversation)."""

    delivery = Delivery.objects.select_related("client").filter(pk=delivery_id).first()
    user = request.user
    if delivery is None or not (
        user.is_agency_admin or user.served_clients.filter(pk=delivery.client_id).exists()
    ):
        raise Http404("No such message.")
    try:
        retry(client=delivery.client, delivery_id=delivery.pk)
    except ValueError as error:
        messages.info(request, str(error))
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = "home"
    return redirect(next_url)
