"""Calls on the desk: the wrap-up after a call, calling the customer back, the recording."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from desk.access import agent_of, desk_item
from desk.selectors.calls import call_of_conversation_in_schema
from routing.models import WorkItem
from telephony.voice.models import Call
from telephony.voice.services.return_calls import ReturnCallError, return_call_start
from telephony.voice.services.wrap_up import call_wrap_up


@desk_item(source="call", in_schema=True)
@require_POST
def item_call_outcome(request: HttpRequest, item: WorkItem) -> HttpResponse:
    """After a call: its category and note, resolved on the call or a follow-up item."""
    outcome = request.POST.get("outcome", "")
    if outcome not in ("resolved", "follow_up"):
        return HttpResponseBadRequest("Choose resolved or follow-up.")
    try:
        call = call_wrap_up(
            client=item.client,
            call_id=item.source_id,
            agent=agent_of(request),
            category=request.POST.get("category", ""),
            note=request.POST.get("note", ""),
            resolved=outcome == "resolved",
        )
    except Call.DoesNotExist as error:
        raise Http404("No such call.") from error
    except ValidationError as error:
        return HttpResponseBadRequest("; ".join(error.messages))
    if not call.wrap_resolved:
        messages.info(request, _("A follow-up item was opened."))
    return redirect("desk-item", item_id=item.pk)


def _source_call(item: WorkItem) -> Call | None:
    """The call behind an item: the call itself, or the call a voicemail or a callback
    request came from (inside the client's schema)."""
    if item.source_kind == "call":
        return Call.objects.filter(pk=item.source_id).first()
    if item.source_kind == "conversation":
        return call_of_conversation_in_schema(conversation_id=item.source_id)
    return None


@desk_item(acting=True, in_schema=True)
@require_POST
def item_call_back(request: HttpRequest, item: WorkItem) -> HttpResponse:
    """Call the customer back: the agent's phone rings, then the customer's, shown the
    client's number. A double click starts one call."""
    call = _source_call(item)
    if call is None:
        return HttpResponseBadRequest("No call to return.")
    try:
        result = return_call_start(client=item.client, call_id=call.pk, agent=agent_of(request))
    except ReturnCallError as error:
        messages.error(request, str(error))
        return redirect("desk-item", item_id=item.pk)
    if result.started:
        messages.info(request, _("Your phone rings now; the customer is called when you answer."))
    else:
        messages.info(request, _("The call back has already started."))
    return redirect("desk-item", item_id=item.pk)


@desk_item(in_schema=True)
@require_GET
def item_recording(request: HttpRequest, item: WorkItem) -> HttpResponse:
    """The voicemail (or the call's recording) of an item the agent may see: a redirect to
    Twilio's recording, so that the address appears only to those who may hear it."""
    call = _source_call(item)
    url = call and (call.voicemail_url or call.recording_url)
    if not url:
        raise Http404("No recording.")
    return redirect(url)
