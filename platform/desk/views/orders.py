"""The customer's orders beside a conversation: a fragment the item page fetches after it
has shown (desk.js), so a slow shop never holds the page (orders.selectors)."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from conversations.models import Conversation
from desk.access import desk_item
from orders.selectors import order_query_for, order_values, orders_lookup
from routing.models import WorkItem


@desk_item(source="conversation", in_schema=True)
@require_GET
def item_orders(request: HttpRequest, item: WorkItem) -> HttpResponse:
    """The orders the client's shop knows for this conversation's customer (or why the shop
    did not answer), as an HTML fragment."""
    conversation = Conversation.objects.select_related("customer").get(pk=item.source_id)
    query = order_query_for(conversation=conversation)
    lookup = orders_lookup(schema=item.client.schema_name, query=query)
    return render(
        request,
        "desk/_orders.html",
        {
            "lookup": lookup,
            "nothing_to_ask": not query,
            "values": order_values(lookup=lookup, numbers=list(query.numbers)),
        },
    )
