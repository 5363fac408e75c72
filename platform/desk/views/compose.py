"""New work from the agent: a new e-mail to a customer of a client, and a forward of a
conversation. Both call one service (``conversations.agent_mail``) in the client's schema."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_tenants.utils import schema_context

from accounts.access import agency_page
from accounts.models import User
from accounts.selectors import clients_served as clients_of
from conversations.agent_mail import conversation_forward, conversation_start_email
from conversations.attachments import upload_files_check, upload_hint
from desk.access import agent_of, desk_item
from desk.submissions import submission_record, submission_sent_before
from desk.views.items import item_page
from languages.catalog import CATALOG
from languages.models import Language
from routing.models import WorkItem
from tenants.models import Client


def clients_served(agent: User) -> list[Client]:
    """The clients whose customers ``agent`` may write to (agency admins: all)."""
    serving = Client.objects.serving()
    return list(serving if agent.is_agency_admin else serving.filter(pk__in=clients_of(agent)))


def _error_texts(error: ValidationError) -> list[str]:
    return list(error.messages)


@agency_page()
@require_http_methods(["GET", "POST"])
def compose(request: HttpRequest) -> HttpResponse:
    """A new e-mail to a customer: client, address (an existing customer of the client or a
    new one), the customer's language, subject, text, files; sent from the client's address.
    Then the new conversation's page."""
    agent = agent_of(request)
    clients = clients_served(agent)
    source = request.POST if request.method == "POST" else request.GET
    form: dict[str, Any] = {
        name: source.get(name, "").strip()
        for name in ("client", "to", "name", "language", "subject")
    }
    form["text"] = source.get("text", "")
    client = None
    if form["client"]:
        # A client the agent does not serve (or none such): 404, never a hint it exists.
        client = next((c for c in clients if str(c.pk) == form["client"]), None)
        if client is None:
            raise Http404("No such client.")
    if request.method == "GET":
        if client is not None and form["language"] not in client.languages:
            form["language"] = client.default_language
        return _compose_page(request, clients, client, form, [])
    if client is None:
        return _compose_page(request, clients, None, form, [_("Choose the client.")], 400)
    uploads = request.FILES.getlist("files")
    content = "\n".join(
        [*(form[name] for name in ("to", "name", "language", "subject", "text"))]
        + [f"{f.name}:{f.size}" for f in uploads]
    )
    try:
        files = upload_files_check(uploads)
        with schema_context(client.schema_name), transaction.atomic():
            earlier = submission_sent_before(
                request=request, client=client, agent=agent, content=content
            )
            if earlier is not None:  # sent by the first click: its conversation's page
                return _started_page(client, earlier)
            started = conversation_start_email(
                client=client,
                agent=agent,
                to_address=form["to"],
                customer_name=form["name"],
                language=form["language"],
                subject=form["subject"],
                text=form["text"],
                files=files,
            )
            submission_record(
                request=request,
                client=client,
                agent=agent,
                content=content,
                conversation_id=started.conversation.pk,
            )
    except ValidationError as error:
        return _compose_page(request, clients, client, form, _error_texts(error), 400)
    return redirect("desk-item", item_id=started.item.pk)


def _started_page(client: Client, conversation_id: int) -> HttpResponse:
    """The page of the conversation a first sending started (its latest work item)."""
    item = (
        WorkItem.objects.filter(
            client=client, source_kind="conversation", source_id=conversation_id
        )
        .order_by("-pk")
        .first()
    )
    return redirect("desk-item", item_id=item.pk) if item else redirect("home")


def _compose_page(
    request: HttpRequest,
    clients: list[Client],
    client: Client | None,
    form: dict[str, Any],
    errors: list[str],
    status: int = 200,
) -> HttpResponse:
    languages = Language.objects.filter(active=True, code__in=list(CATALOG))
    first = list(client.languages) if client else []
    context = {
        "clients": clients,
        "chosen": client,
        "form": form,
        "errors": errors,
        # The client's languages first, then every other the agency answers in.
        "languages": sorted(languages, key=lambda lang: (lang.code not in first, lang.code)),
        "upload_hint": upload_hint(),
    }
    return render(request, "desk/compose.html", context, status=status)


@desk_item(source="conversation", acting=True, in_schema=True)
@require_POST
def item_forward(request: HttpRequest, item: WorkItem) -> HttpResponse:
    """Forward the item's conversation to an address with a note (through the outbox); a
    refusal shows the page again with what was typed."""
    to, note = request.POST.get("to", ""), request.POST.get("note", "")
    agent = agent_of(request)
    content = f"{to}\n{note}"
    try:
        with transaction.atomic():
            if submission_sent_before(
                request=request, client=item.client, agent=agent, content=content
            ):
                return redirect("desk-item", item_id=item.pk)  # sent by the first click
            conversation_forward(
                client=item.client,
                conversation_id=item.source_id,
                agent=agent,
                to_address=to,
                note=note,
            )
            submission_record(
                request=request,
                client=item.client,
                agent=agent,
                content=content,
                conversation_id=item.source_id,
            )
    except ValidationError as error:
        extra = {"forward_errors": _error_texts(error), "forward_to": to, "forward_note": note}
        return item_page(request, item, extra=extra, status=400)
    return redirect("desk-item", item_id=item.pk)
