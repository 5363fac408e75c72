"""One customer on the client's portal: their page (every portal user of the client), the
export of their data and their erasure (the client's managers and agency admins; viewers get
the 403 page, users of other clients a 404 from the isolation middleware)."""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import User
from audit.models import AuditEvent
from audit.services import audit_record
from conversations.models import Conversation
from customers.export import WEB_FETCH_SECONDS, customer_export, customer_export_response
from customers.forms import erase_confirmed
from customers.models import Customer
from portal.audit import manager_page
from telephony.voice.models import Call


def _manager(request: HttpRequest) -> User:
    """The signed-in manager (or agency admin) of a manager page."""
    user = request.user
    assert isinstance(user, User)
    return user


def _customer(customer_id: int) -> Customer:
    """The customer (a merged one: the person they were merged into), or 404."""
    customer = Customer.objects.filter(pk=customer_id).first()
    if customer is not None and customer.merged_into_id is not None:
        customer = Customer.objects.filter(pk=customer.merged_into_id).first()
    if customer is None:
        raise Http404("No such customer.")
    return customer


@login_required
@require_GET
def customer_detail(request: HttpRequest, customer_id: int) -> HttpResponse:
    """Who the customer is, their conversations and how many calls; a manager's actions."""
    customer = _customer(customer_id)
    if customer.pk != customer_id:
        return redirect("customer", customer_id=customer.pk)
    conversations = Conversation.objects.filter(customer=customer).order_by("-created_at")
    # Who looked at whose contact details: by id only, like a conversation's view.
    audit_record(
        action=AuditEvent.Action.CUSTOMER_VIEWED,
        request=request,
        object_type="customer",
        object_id=customer.pk,
    )
    context = {
        "client": request.tenant,  # type: ignore[attr-defined]  # set by django-tenants
        "customer": customer,
        "others": Customer.objects.filter(merged_into=customer).order_by("pk"),
        "conversations": conversations[:100],
        "call_count": Call.objects.filter(customer=customer).count(),
    }
    return render(request, "portal/customer.html", context)


@manager_page
@require_POST
def customer_export_view(request: HttpRequest, customer_id: int) -> FileResponse:
    """Everything of the customer as a zip; the export is audited."""
    customer = _customer(customer_id)
    export = customer_export(
        customer_id=customer.pk,
        actor=_manager(request),
        site=request.get_host(),
        via="portal",
        fetch_seconds=WEB_FETCH_SECONDS,
    )
    return customer_export_response(export)


@manager_page
@require_http_methods(["GET", "POST"])
def customer_erase_view(request: HttpRequest, customer_id: int) -> HttpResponse:
    """What goes and what stays, the e-mail (or a word) typed to confirm, the erasure;
    afterwards the customer's page. Erased already: said, nothing done."""
    customer = _customer(customer_id)
    back = redirect("customer", customer_id=customer.pk)
    asked = erase_confirmed(request, customer=customer, actor=_manager(request), via="portal")
    if asked.finished:
        return back
    context = {
        "client": request.tenant,  # type: ignore[attr-defined]
        "customer": customer,
        "form": asked.form,
        "word": asked.word,
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "portal/customer_erase.html", context, status=status)
