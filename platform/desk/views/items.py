"""One work item on the desk: its page in its client's context, and the changes an agent
makes to its conversation (reply, note, triage, language, queue, transfer, done, resolve)."""

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseBase,
)
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django_tenants.utils import schema_context

from accounts.access import user_is_supervisor
from accounts.models import User
from audit.models import AuditEvent
from audit.services import audit_record
from conversations.attachments import (
    attachment_response,
    conversation_reply_with_files,
    upload_files_check,
    upload_hint,
)
from conversations.merge import thread_conversation_ids
from conversations.models import Attachment, Message
from conversations.services import (
    PRIORITIES,
    conversation_language_correct,
    conversation_note_add,
    conversation_queue_language,
    conversation_resolve,
    conversation_triage_set,
    tags_parse,
)
from conversations.spam import SPAM_CHANNELS
from desk.access import TAKE_TO_ANSWER, TAKE_TO_RESOLVE, agent_of, desk_item, may_act_on
from desk.selectors.assign import assignees_public
from desk.selectors.calls import call_of_conversation_in_schema, call_view_in_schema
from desk.selectors.conversation import (
    client_clock,
    conversation_view_in_schema,
    transfer_candidates_public,
)
from desk.selectors.due import ItemDue, item_due_public
from desk.selectors.inbox import client_colour
from desk.selectors.merge import merge_targets_in_schema
from desk.selectors.replies import (
    messages_with_authors,
    messages_with_texts,
    reply_box_in_schema,
)
from desk.submissions import submission_record, submission_sent_before
from languages.models import Language
from orders.selectors import shop_connection
from outbox.selectors import messages_with_deliveries
from routing.models import WorkItem
from routing.selectors import agent_reach_cached
from routing.services import agent_heartbeat, item_close
from routing.services import item_transfer as transfer
from widget.selectors import chat_session_of


@desk_item()
def item_detail(request: HttpRequest, item: WorkItem) -> HttpResponse:
    """One item in its client's context: conversation, customer history, canned replies and
    FAQ in the customer's language, triage, notes, transfer."""
    item_viewed_record(request, item)
    return _item_page(request, item)


# The newest messages a thread shows at first (?thread=all: every one).
THREAD_SHOWN = 50

VIEWED = {
    "conversation": AuditEvent.Action.CONVERSATION_VIEWED,
    "call": AuditEvent.Action.CALL_VIEWED,
}


def item_viewed_record(request: HttpRequest, item: WorkItem) -> None:
    """The client's audit log says which agent opened which of its customers' conversations
    or calls (ids only: the log keeps no customer's name)."""
    audit_record(
        action=VIEWED.get(item.source_kind, AuditEvent.Action.CONVERSATION_VIEWED),
        request=request,
        client=item.client,
        object_type=item.source_kind,
        object_id=item.source_id,
        details={"item": item.pk},
    )


def _item_page(
    request: HttpRequest,
    item: WorkItem,
    *,
    reply_text: str = "",
    reply_errors: Iterable[str] = (),
    status: int = 200,
    extra: dict[str, Any] | None = None,
) -> HttpResponse:
    """The item's page; after a refused reply, with the typed text back in the box and
    the reasons beside it (nothing the agent wrote is lost); ``extra``: more context (another
    form's refusal)."""
    presence = agent_heartbeat(agent=agent_of(request))
    client = item.client
    context: dict[str, Any] = {
        "presence": presence,
        # Claimed through the router, which counts the clients served (admins see more).
        "may_claim": item.client_id in agent_reach_cached(agent_of(request)).client_ids,
        # Supervisors give open items to a named agent (desk/_assign.html).
        "assignees": (
            assignees_public(item)
            if user_is_supervisor(request.user) and item.status in WorkItem.OPEN_STATUSES
            else None
        ),
        "reply_text": reply_text,
        "upload_hint": upload_hint(),
        "reply_errors": list(reply_errors),
        "item": item,
        "client": client,
        "colour": client_colour(client),
        "may_act": may_act_on(request, item),
        "supervisor": user_is_supervisor(request.user),
        "languages": Language.objects.filter(active=True),
        "priorities": PRIORITIES,
        "spam_channels": SPAM_CHANNELS,  # desk/_spam.html
        "candidates": (
            transfer_candidates_public(item)
            if may_act_on(request, item, waiting_allowed=True)
            else []
        ),
    }
    context.update(extra or {})
    with schema_context(client.schema_name):
        # A long thread shows its newest messages, the older ones one click away (reading
        # and rendering 200 messages was most of a long page's time: docs/performance.md).
        view = (
            conversation_view_in_schema(
                client=client,
                conversation_id=item.source_id,
                newest=None if request.GET.get("thread") == "all" else THREAD_SHOWN,
            )
            if item.source_kind == "conversation"
            else None
        )
        if view is not None:  # each outbound message with its delivery state and author
            view.messages[:] = messages_with_deliveries(client=client, messages=view.messages)
            messages_with_authors(conversation=view.conversation, messages=view.messages)
            messages_with_texts(messages=view.messages, time_zone=agent_of(request).time_zone)
            # The customer's orders: fetched by desk.js when the client has a shop.
            shop = shop_connection()
            context["orders_url"] = reverse("desk-item-orders", args=[item.pk]) if shop else ""
            context["reply_box"] = reply_box_in_schema(
                client=client,
                conversation=view.conversation,
                agent=agent_of(request),
                replies=view.replies,
                shop=shop,
            )
            # Started in the chat widget: the shop page the customer wrote from.
            context["chat_session"] = chat_session_of(conversation_id=view.conversation.pk)
        context["view"] = view
        context["thread_older"] = view.older_messages if view is not None else 0
        # "Merge into…" (desk/_merge.html): the customer's other conversations.
        context["merge_targets"] = (
            merge_targets_in_schema(conversation=view.conversation)
            if view is not None and view.conversation.merged_into_id is None
            else []
        )
        call_view = (
            call_view_in_schema(client=client, call_id=item.source_id)
            if item.source_kind == "call"
            else None
        )
        context["call_view"] = call_view
        if call_view is not None:  # the caller's orders too, fetched by desk.js
            context["orders_url"] = (
                reverse("desk-item-orders", args=[item.pk]) if shop_connection() else ""
            )
        # A voicemail or a callback request: the call it came from (player, call back).
        context["source_call"] = (
            call_of_conversation_in_schema(conversation_id=view.conversation.pk)
            if view and view.conversation.channel == "call"
            else None
        )
        # Any other item without a conversation: the client's clock for its language.
        context["clock"] = (
            view.clock
            if view
            else call_view.clock
            if call_view
            else client_clock(client, country="", language=item.language)
        )
        context["due"] = _item_due(request, item, view, call_view)
        return render(request, "desk/item.html", context, status=status)


def item_page(
    request: HttpRequest, item: WorkItem, *, extra: dict[str, Any], status: int = 200
) -> HttpResponse:
    """The item's page with ``extra`` in its context (a refused form of another view)."""
    return _item_page(request, item, extra=extra, status=status)


def _item_due(request: HttpRequest, item: WorkItem, view: Any, call_view: Any) -> ItemDue | None:
    """The item's due times in the hours of the customer's country and language."""
    conversation = view.conversation if view else None
    if conversation is not None and conversation.spam:  # nothing is due on spam
        return None
    # A paused clock (pending customer) or a settled conversation has nothing running.
    resolution_due_at = (
        conversation.resolution_due_at
        if conversation is not None and conversation.status in ("new", "open")
        else None
    )
    return item_due_public(
        client=item.client,
        country=(
            conversation.customer.country
            if conversation
            else call_view.call.country
            if call_view
            else ""
        ),
        language=item.language,
        answer_due_at=item.due_at,
        answered_at=item.responded_at,
        resolution_due_at=resolution_due_at,
        agent_time_zone=agent_of(request).time_zone,
        now=timezone.now(),
    )


def _conversation_change(
    item: WorkItem,
    service: Callable[..., object],
    *,
    to_inbox: bool = False,
    **arguments: object,
) -> HttpResponse:
    """``service(client=, conversation_id=, **arguments)`` on the item's conversation (the
    view runs in its client's schema); then back to the item, or to the inbox when the
    change takes the item away from the agent (``to_inbox``)."""
    try:
        service(client=item.client, conversation_id=item.source_id, **arguments)
    except ValidationError as error:
        return HttpResponseBadRequest("; ".join(error.messages))
    return redirect("home") if to_inbox else redirect("desk-item", item_id=item.pk)


@desk_item(source="conversation", acting=True, in_schema=True)
@require_POST
def item_language(request: HttpRequest, item: WorkItem) -> HttpResponse:
    """One click: the conversation's language is corrected (and kept for the customer)."""
    return _conversation_change(
        item,
        conversation_language_correct,
        language=request.POST.get("language", ""),
        agent=agent_of(request),
    )


@desk_item(
    source="conversation",
    acting=True,
    waiting_allowed=False,
    refusal=TAKE_TO_ANSWER,
    in_schema=True,
)
@require_POST
def item_reply(request: HttpRequest, item: WorkItem) -> HttpResponse:
    """Answer the customer on the conversation's channel, in the client's name, with the
    agent's files (checked first; a refusal shows the page again with the text kept)."""
    text = request.POST.get("text", "")
    agent = agent_of(request)
    content = _submitted_content(text, request.FILES.getlist("files"))
    try:
        with transaction.atomic():
            if submission_sent_before(
                request=request, client=item.client, agent=agent, content=content
            ):
                return redirect("desk-item", item_id=item.pk)  # sent by the first click
            conversation_reply_with_files(
                client=item.client,
                conversation_id=item.source_id,
                agent=agent,
                text=text,
                files=upload_files_check(request.FILES.getlist("files")),
            )
            submission_record(
                request=request,
                client=item.client,
                agent=agent,
                content=content,
                conversation_id=item.source_id,
            )
    except ValidationError as error:
        return _item_page(request, item, reply_text=text, reply_errors=error.messages, status=400)
    return redirect("desk-item", item_id=item.pk)


def _submitted_content(text: str, files: Sequence[UploadedFile[bytes]]) -> str:
    """What makes two sendings of one form the same: the text and the files' names and sizes."""
    return "\n".join([text, *(f"{f.name}:{f.size}" for f in files)])


@desk_item(source="conversation", missing="No such file.", in_schema=True)
@require_GET
def item_attachment(request: HttpRequest, item: WorkItem, attachment_id: int) -> HttpResponseBase:
    """A file of the item's conversation, for an agent who may see the item: downloaded
    (or, ``?inline=1``, a picture shown), streamed from the storage."""
    # The thread shows the messages of the conversations merged into this one, files too.
    attachment = Attachment.objects.filter(
        pk=attachment_id,
        message__conversation_id__in=thread_conversation_ids(conversation_id=item.source_id),
    ).first()
    if attachment is None:
        raise Http404("No such file.")
    try:
        return attachment_response(attachment, inline=request.GET.get("inline") == "1")
    except FileNotFoundError as error:
        raise Http404("The file is no longer stored.") from error


@desk_item(source="conversation", acting=True, in_schema=True)
@require_POST
def item_note(request: HttpRequest, item: WorkItem) -> HttpResponse:
    """An internal note for colleagues (never sent to the customer)."""
    return _conversation_change(
        item, conversation_note_add, agent=agent_of(request), text=request.POST.get("text", "")
    )


@desk_item(source="conversation", acting=True, in_schema=True)
@require_POST
def item_triage(request: HttpRequest, item: WorkItem) -> HttpResponse:
    """Category, tags and priority of the conversation (and the item's queue priority)."""
    try:
        priority = int(request.POST.get("priority", "0"))
    except ValueError:
        return HttpResponseBadRequest("Priority is a number.")
    return _conversation_change(
        item,
        conversation_triage_set,
        priority=priority,
        category=request.POST.get("category", ""),
        tags=tags_parse(request.POST.get("tags", "")),
    )


@desk_item(source="conversation", acting=True, in_schema=True)
@require_POST
def item_queue(request: HttpRequest, item: WorkItem) -> HttpResponse:
    """Back to a language queue: the conversation's language is set and its item waits."""
    return _conversation_change(
        item,
        conversation_queue_language,
        to_inbox=True,
        language=request.POST.get("language", ""),
        agent=agent_of(request),
    )


@desk_item(acting=True)
@require_POST
def item_transfer(request: HttpRequest, item: WorkItem) -> HttpResponse:
    """Give the item to another agent who serves the client and speaks the language."""
    try:
        target = User.objects.get(pk=int(request.POST.get("agent", "")))
    except (ValueError, User.DoesNotExist):
        return HttpResponseBadRequest("Unknown agent.")
    try:
        transfer(item_id=item.pk, to_agent=target)
    except ValueError as error:
        return HttpResponseBadRequest(str(error))
    messages.info(
        request,
        _("Transferred to %(agent)s.") % {"agent": target.get_full_name() or target.username},
    )
    return redirect("home")


@desk_item()
@require_POST
def item_done(request: HttpRequest, item: WorkItem) -> HttpResponse:
    """The agent is done with the item: it leaves their work and frees capacity."""
    try:
        item_close(item_id=item.pk, agent=agent_of(request))
    except ValueError as error:
        return HttpResponseBadRequest(str(error))
    return redirect("home")


@desk_item(
    source="conversation",
    acting=True,
    waiting_allowed=False,
    refusal=TAKE_TO_RESOLVE,
    in_schema=True,
)
@require_POST
def item_resolve(request: HttpRequest, item: WorkItem) -> HttpResponse:
    """The customer's matter is settled: the conversation is resolved, the item done."""
    return _conversation_change(item, conversation_resolve, to_inbox=True, agent=agent_of(request))


@desk_item(source="conversation", missing="No such message.", in_schema=True)
@require_GET
def item_original(request: HttpRequest, item: WorkItem, message_id: int) -> HttpResponse:
    """An inbound e-mail of the item's conversation exactly as it arrived (an unreadable
    message's only content), for an agent who may see the item: always a download."""
    message = Message.objects.filter(
        pk=message_id,
        conversation_id__in=thread_conversation_ids(conversation_id=item.source_id),
        raw__isnull=False,
    ).first()
    if message is None or message.raw is None:
        raise Http404("No such message.")
    response = HttpResponse(bytes(message.raw), content_type="application/octet-stream")
    response["Content-Disposition"] = f'attachment; filename="message-{message.pk}.eml"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
