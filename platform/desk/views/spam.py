"""Spam on the desk: mark an item's conversation spam (``POST /desk/items/<id>/spam``), the
spam list of one client the agent serves (``/desk/spam?client=<id>``), and "Not spam"
(``POST /desk/clients/<client>/spam/<conversation>/not-spam``). A client the agent does not
serve is a 404, as everywhere on the desk."""

from django.contrib import messages
from django.core.exceptions import BadRequest, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django_tenants.utils import schema_context

from accounts.access import agency_page
from billing.services import ConversationBilling
from conversations.models import Conversation
from conversations.spam import conversation_mark_spam, conversation_not_spam
from core.input import whole_number
from desk.access import agent_of, desk_item
from desk.selectors.search import ScopeClient, search_scope_public
from desk.selectors.spam import spam_page_in_schema
from routing.models import WorkItem


@desk_item(source="conversation", acting=True, in_schema=True)
@require_POST
def item_spam(request: HttpRequest, item: WorkItem) -> HttpResponse:
    """Mark the item's conversation spam and block its sender for this client; back to the
    inbox, with where to undo it."""
    try:
        outcome = conversation_mark_spam(
            client=item.client, conversation_id=item.source_id, agent=agent_of(request)
        )
    except ValidationError as error:
        return HttpResponseBadRequest("; ".join(error.messages))
    if outcome.address:
        messages.success(
            request,
            _("Marked as spam; %(address)s is blocked for %(client)s. Undo it in the spam list.")
            % {"address": outcome.address, "client": item.client.name},
        )
    else:
        messages.success(request, _("Marked as spam (no address to block)."))
    _billing_notice(request, outcome.billing)
    return redirect("home")


def _scope(request: HttpRequest, client_id: int | None) -> tuple[list[ScopeClient], ScopeClient]:
    """The clients the agent may see and the one asked for (the first without one); 404
    for a client the agent does not serve."""
    scope = search_scope_public(agent_of(request))
    if client_id is None and scope:
        return scope, scope[0]
    chosen = next((s for s in scope if s.client.pk == client_id), None)
    if chosen is None:
        raise Http404("No such client.")
    return scope, chosen


def _number(value: str | None, name: str) -> int | None:
    if value in (None, ""):
        return None
    if not whole_number(value):
        raise BadRequest(_("%(name)s is a number.") % {"name": name})
    return int(value)


@agency_page()
@require_GET
def spam_list(request: HttpRequest) -> HttpResponse:
    """One client's spam conversations, newest first, with who marked them and "Not spam"."""
    scope, chosen = _scope(request, _number(request.GET.get("client"), "client"))
    page_number = _number(request.GET.get("page"), "page") or 1
    with schema_context(chosen.client.schema_name):
        page, rows = spam_page_in_schema(page=page_number)
    context = {"scope": scope, "chosen": chosen, "page": page, "rows": rows}
    return render(request, "desk/spam.html", context)


@agency_page()
@require_POST
def not_spam(request: HttpRequest, client_id: int, conversation_id: int) -> HttpResponse:
    """Undo spam: the conversation waits in the queue again and its sender is unblocked."""
    chosen = _scope(request, client_id)[1]
    client = chosen.client
    with schema_context(client.schema_name):
        if not Conversation.objects.filter(pk=conversation_id).exists():
            raise Http404("No such conversation.")
        try:
            outcome = conversation_not_spam(
                client=client, conversation_id=conversation_id, agent=agent_of(request)
            )
        except ValidationError as error:
            return HttpResponseBadRequest("; ".join(error.messages))
    if outcome.address:
        text = _("Not spam: the conversation waits in the queue again; %(address)s is unblocked.")
    else:
        text = _("Not spam: the conversation waits in the queue again.")
    messages.success(request, text % {"address": outcome.address})
    _billing_notice(request, outcome.billing)
    return redirect(f"{reverse('desk-spam')}?client={client.pk}")


def _billing_notice(request: HttpRequest, billing: ConversationBilling) -> None:
    """An invoice already issued for the usage's month keeps its figure: say so."""
    if billing.corrected and billing.invoiced is not None:
        messages.warning(
            request,
            _(
                "Its usage is corrected in the ledger, but invoice %(number)s already covers "
                "that month and keeps its figure: credit it and invoice the month again."
            )
            % {"number": billing.invoiced.number},
        )
