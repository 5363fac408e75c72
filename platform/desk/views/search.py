"""Search across the clients an agent serves (``/desk/search``), and a conversation found
by it (``/desk/clients/<client>/conversations/<id>``): its item's page when it has one,
else the conversation read-only."""

from django.core.exceptions import BadRequest
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET
from django_tenants.utils import schema_context

from accounts.access import agency_page, user_is_supervisor
from audit.models import AuditEvent
from audit.services import audit_record
from desk.access import agent_of
from desk.forms import SearchForm
from desk.selectors.conversation import conversation_view_in_schema
from desk.selectors.search import (
    agents_public,
    assignees_public,
    latest_item_public,
    search_scope_public,
)
from languages.models import Language
from search.selectors import RESULTS_CAP, conversations_search


@agency_page()
@require_GET
def search(request: HttpRequest) -> HttpResponse:
    """Conversations of every client the agent may see, by customer (name, e-mail, phone in
    any formatting), order number, subject or text, accents and case ignored; filtered and
    paginated; each hit with its client in the inbox's colour."""
    agent = agent_of(request)
    clients = search_scope_public(agent)
    supervisor = user_is_supervisor(agent)
    form = SearchForm(
        request.GET,
        clients=clients,
        languages=list(Language.objects.filter(active=True).order_by("code")),
        agents=agents_public() if supervisor else [],
    )
    if not form.is_valid():
        field, errors = next(iter(form.errors.items()))
        raise BadRequest(f"{field}: {errors[0]}")  # the 400 page, with a way back
    query = form.cleaned_data["q"]
    page = None
    if query or form.is_filtered():
        page = conversations_search(
            client_ids=[scope.client.pk for scope in clients],
            query=query,
            filters=form.filters(agent=agent, now=timezone.now()),
            page=form.cleaned_data["page"] or 1,
        )
    by_id = {scope.client.pk: scope for scope in clients}
    assignees = assignees_public(page.hits) if page else {}
    context = {
        "form": form,
        "query": query,
        "results": page,
        # Each hit with its client (name, colour) and assignee.
        "rows": [
            (hit, by_id[hit.client_id], assignees.get(hit.assignee_id or 0))
            for hit in (page.hits if page else [])
        ],
        "cap": RESULTS_CAP,
        "now": timezone.now(),
        "params": _params_without_page(request),
    }
    return render(request, "desk/search.html", context)


def _params_without_page(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


@agency_page()
@require_GET
def conversation(request: HttpRequest, client_id: int, conversation_id: int) -> HttpResponse:
    """A conversation found by search or in a customer's history: its item's page when it
    ever had a work item, else the conversation read-only. 404 for a client the agent does
    not serve."""
    agent = agent_of(request)
    scope = {s.client.pk: s for s in search_scope_public(agent)}
    if client_id not in scope:
        raise Http404("No such conversation.")
    item = latest_item_public(client_id=client_id, conversation_id=conversation_id)
    if item is not None:
        return redirect("desk-item", item_id=item.pk)
    client = scope[client_id].client
    with schema_context(client.schema_name):
        view = conversation_view_in_schema(client=client, conversation_id=conversation_id)
        if view is None:
            raise Http404("No such conversation.")
        audit_record(
            action=AuditEvent.Action.CONVERSATION_VIEWED,
            request=request,
            client=client,
            object_type="conversation",
            object_id=conversation_id,
            details={"customer": view.conversation.customer_id},
        )
        return render(
            request,
            "desk/conversation.html",
            {"view": view, "client": client, "colour": scope[client_id].colour},
        )
