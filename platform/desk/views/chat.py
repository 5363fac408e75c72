"""A chat on the item page without a reload: the page asks every few seconds for the
messages after the last one it shows and whether the customer is typing; the agent's
typing in the reply box is shown in the customer's widget (widget.typing, widget.live)."""

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core.input import whole_number
from desk.access import agent_of, desk_item, may_act_on
from desk.selectors.chat import chat_news_in_schema
from routing.models import WorkItem
from widget.typing import agent_typing_mark


@desk_item(source="conversation", in_schema=True)
@require_GET
def item_chat(request: HttpRequest, item: WorkItem) -> HttpResponse:
    """``?after=<message id>``: the thread's newer messages as the page's HTML, the last
    one's id, and whether the customer is typing."""
    after = request.GET.get("after", "0")
    if not whole_number(after):
        return HttpResponseBadRequest(_("after is the id of the last message shown."))
    news = chat_news_in_schema(
        client=item.client,
        conversation_id=item.source_id,
        after=int(after),
        time_zone=agent_of(request).time_zone,
    )
    if news is None:
        return JsonResponse({"html": "", "last": int(after), "typing": False})
    html = (
        render_to_string(
            "desk/_chat_news.html",
            {"messages": news.messages, "view": {"conversation": news.conversation}, "item": item},
            request=request,
        ).strip()
        if news.messages
        else ""
    )
    last = news.messages[-1].pk if news.messages else int(after)
    return JsonResponse({"html": html, "last": last, "typing": news.customer_typing})


@desk_item(source="conversation", in_schema=True)
@require_POST
def item_typing(request: HttpRequest, item: WorkItem) -> HttpResponse:
    """The agent types a reply: shown in the customer's widget for a few seconds (only an
    agent who may answer the item; a chat not from the widget has nobody to tell)."""
    if may_act_on(request, item):
        agent_typing_mark(conversation_id=item.source_id, now=timezone.now())
    return HttpResponse(status=204)
