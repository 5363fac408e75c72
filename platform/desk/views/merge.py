"""Merging on the desk: an item's conversation into another of the same customer
(``/desk/items/<id>/merge``), and a customer with another of the same client (the customer's
page, ``/desk/clients/<client>/customers/<id>``). Each a choice, a confirmation showing
both sides, and the merge (POST); a refusal shows the page again with the reason, as a 400."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django_tenants.utils import schema_context

from accounts.access import AgencyRole, agency_page, user_holds
from audit.models import AuditEvent
from audit.services import audit_record
from conversations.merge import conversation_merge, merge_refusal
from conversations.models import Conversation
from core.input import whole_number
from customers.models import Customer
from customers.services import customer_merge, customer_merge_refusal
from desk.access import agent_of, desk_item, serves
from desk.selectors.inbox import client_colour
from desk.selectors.merge import (
    conversation_by_number_in_schema,
    customer_conversations_in_schema,
    customer_merge_targets_in_schema,
    customer_page_in_schema,
    merge_targets_in_schema,
)
from desk.selectors.search import latest_item_public
from routing.models import WorkItem
from tenants.models import Client


def _number(raw: str) -> int | None:
    """A conversation's or customer's number as typed ("#12", " 12 "); None if it is not
    one."""
    raw = raw.strip().removeprefix("#").strip()
    return int(raw) if whole_number(raw, max_digits=11) else None


@desk_item(source="conversation", acting=True, in_schema=True)
@require_http_methods(["GET", "POST"])
def item_merge(request: HttpRequest, item: WorkItem) -> HttpResponse:
    """ "Merge into…": the customer's other conversations (or one named by its number), the
    confirmation with both subjects, then the merge; afterwards the target's page."""
    source = Conversation.objects.select_related("customer").get(pk=item.source_id)
    raw = (
        request.POST.get("target", "")
        if request.method == "POST"
        else request.GET.get("target", "")
    )
    context: dict[str, Any] = {
        "item": item,
        "client": item.client,
        "colour": client_colour(item.client),
        "source": source,
        "candidates": merge_targets_in_schema(conversation=source),
        "typed": raw,
    }
    if not raw:
        return render(request, "desk/merge.html", context)
    number = _number(raw)
    if number is None:
        context["refusal"] = _("Give a conversation's number, e.g. 1234.")
        return render(request, "desk/merge.html", context, status=400)
    target = conversation_by_number_in_schema(number=number)
    if target is None:
        context["refusal"] = _("This client has no conversation #%(number)s.") % {"number": number}
        return render(request, "desk/merge.html", context, status=400)
    context["target"] = target
    if refusal := merge_refusal(source=source, target=target):
        context["refusal"] = refusal
        return render(request, "desk/merge.html", context, status=400)
    if request.method == "GET":  # the confirmation
        return render(request, "desk/merge.html", context)
    try:
        conversation_merge(
            client=item.client, source_id=source.pk, target_id=target.pk, agent=agent_of(request)
        )
    except ValidationError as error:  # another merge came first (read again under the locks)
        context["refusal"] = "; ".join(error.messages)
        return render(request, "desk/merge.html", context, status=400)
    messages.success(
        request,
        _("#%(source)s was merged into #%(target)s.") % {"source": source.pk, "target": target.pk},
    )
    return _conversation_redirect(item.client, target.pk)


def _conversation_redirect(client: Client, conversation_id: int) -> HttpResponse:
    """The conversation's item page when it has an item, else its read-only page."""
    target_item = latest_item_public(client_id=client.pk, conversation_id=conversation_id)
    if target_item is not None:
        return redirect("desk-item", item_id=target_item.pk)
    return redirect("desk-conversation", client_id=client.pk, conversation_id=conversation_id)


def served_client(request: HttpRequest, client_id: int) -> Client:
    """The client, if the signed-in agent serves it; else 404 (never a hint it exists)."""
    client: Client | None = Client.objects.clients().filter(pk=client_id).first()
    if client is None or not serves(agent_of(request), client.pk):
        raise Http404("No such customer.")
    return client


def customer_or_404(customer_id: int) -> Customer:
    customer = customer_page_in_schema(customer_id=customer_id)
    if customer is None:
        raise Http404("No such customer.")
    return customer


@agency_page()
@require_http_methods(["GET"])
def customer_page(request: HttpRequest, client_id: int, customer_id: int) -> HttpResponse:
    """A customer of a client the agent serves: identities (their own and those merged into
    them), conversations, and "Merge with…" (a search by name, e-mail or phone). A merged
    customer's old link leads to the customer they were merged into."""
    client = served_client(request, client_id)
    with schema_context(client.schema_name):
        customer = customer_or_404(customer_id)
        if customer.merged_into_id is not None:
            return redirect(
                "desk-customer", client_id=client.pk, customer_id=customer.merged_into_id
            )
        query = request.GET.get("who", "")[:100]
        audit_record(
            action=AuditEvent.Action.CUSTOMER_VIEWED,
            request=request,
            client=client,
            object_type="customer",
            object_id=customer.pk,
        )
        return render(
            request,
            "desk/customer.html",
            {
                "client": client,
                "colour": client_colour(client),
                "customer": customer,
                "conversations": customer_conversations_in_schema(customer=customer),
                "query": query,
                "found": customer_merge_targets_in_schema(customer=customer, query=query),
                # Export and erasure: supervisors' (desk.views.privacy).
                "may_handle_data": user_holds(request.user, AgencyRole.SUPERVISOR),
            },
        )


@agency_page()
@require_http_methods(["GET", "POST"])
def customer_merge_view(request: HttpRequest, client_id: int, customer_id: int) -> HttpResponse:
    """The confirmation of a customer merge (both customers side by side), then the merge;
    afterwards the target's page."""
    client = served_client(request, client_id)
    with schema_context(client.schema_name):
        source = customer_or_404(customer_id)
        raw = (
            request.POST.get("target", "")
            if request.method == "POST"
            else request.GET.get("target", "")
        )
        number = _number(raw)
        target = customer_page_in_schema(customer_id=number) if number is not None else None
        context: dict[str, Any] = {
            "client": client,
            "colour": client_colour(client),
            "source": source,
            "target": target,
        }
        if target is None:
            context["refusal"] = _("Choose the customer to merge with from the search.")
            return render(request, "desk/customer_merge.html", context, status=400)
        if refusal := customer_merge_refusal(source=source, target=target):
            context["refusal"] = refusal
            return render(request, "desk/customer_merge.html", context, status=400)
        if request.method == "GET":
            return render(request, "desk/customer_merge.html", context)
        try:
            customer_merge(source_id=source.pk, target_id=target.pk, actor=agent_of(request))
        except ValidationError as error:
            context["refusal"] = "; ".join(error.messages)
            return render(request, "desk/customer_merge.html", context, status=400)
        messages.success(request, _("The customers were merged."))
        return redirect("desk-customer", client_id=client.pk, customer_id=target.pk)
