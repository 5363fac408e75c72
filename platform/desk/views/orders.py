"""The customer's orders beside a conversation or a call (its page and its screen pop): a
fragment the desk fetches after it has shown (desk.js), so a slow shop never holds a page
or a ringing call's pop (orders.selectors)."""

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.views.decorators.http import require_GET

from conversations.models import Conversation
from desk.access import desk_item
from orders.connectors import OrderQuery
from orders.selectors import (
    order_query_for,
    order_query_for_caller,
    order_values,
    orders_lookup,
)
from routing.models import WorkItem
from telephony.voice.selectors import caller_history


def _query_of(item: WorkItem) -> OrderQuery | None:
    """What the item's customer is known by; None when the item is neither kind."""
    if item.source_kind == "conversation":
        conversation = Conversation.objects.select_related("customer").get(pk=item.source_id)
        return order_query_for(conversation=conversation)
    if item.source_kind == "call":
        history = caller_history(call_id=item.source_id, limit=0)
        if history is None:
            return OrderQuery()
        return order_query_for_caller(phone=history.call.from_number, customer=history.customer)
    return None


@desk_item(in_schema=True)
@require_GET
def item_orders(request: HttpRequest, item: WorkItem) -> HttpResponse:
    """The orders the client's shop knows for this conversation's customer or this call's
    caller (or why the shop did not answer), as an HTML fragment."""
    query = _query_of(item)
    if query is None:
        return HttpResponseBadRequest("Not a conversation or a call.")
    lookup = orders_lookup(schema=item.client.schema_name, query=query)
    return render(
        request,
        "desk/_orders.html",
        {
            "lookup": lookup,
            "nothing_to_ask": not query,
            "values": order_values(lookup=lookup, numbers=list(query.numbers)),
            # A screen pop holds several panels at once: no page-wide ids there.
            "in_pop": request.GET.get("in") == "pop",
        },
    )
