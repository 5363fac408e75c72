"""A customer's data on the desk, for supervisors and agency admins serving the client: the
export (a zip download) and the erasure (a confirmation page, then the erasure), from the
customer's page. Agents get the 403 page; a client the user does not serve is a 404."""

from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST
from django_tenants.utils import schema_context

from accounts.access import AgencyRole, agency_page
from customers.export import WEB_FETCH_SECONDS, customer_export, customer_export_response
from customers.forms import erase_confirmed
from desk.access import agent_of
from desk.selectors.inbox import client_colour
from desk.views.merge import customer_or_404, served_client


@agency_page(AgencyRole.SUPERVISOR)
@require_POST
def customer_export_view(request: HttpRequest, client_id: int, customer_id: int) -> FileResponse:
    """Everything of the customer as a zip (customers.export); the export is audited."""
    client = served_client(request, client_id)
    with schema_context(client.schema_name):
        customer = customer_or_404(customer_id)
        export = customer_export(
            customer_id=customer.pk,
            actor=agent_of(request),
            site=request.get_host(),
            via="desk",
            fetch_seconds=WEB_FETCH_SECONDS,
        )
    return customer_export_response(export)


@agency_page(AgencyRole.SUPERVISOR)
@require_http_methods(["GET", "POST"])
def customer_erase_view(request: HttpRequest, client_id: int, customer_id: int) -> HttpResponse:
    """What goes and what stays, the customer's e-mail (or a word) typed to confirm, then
    the erasure; afterwards the customer's page. Erased already: said, nothing done."""
    client = served_client(request, client_id)
    with schema_context(client.schema_name):
        customer = customer_or_404(customer_id)
        back = redirect("desk-customer", client_id=client.pk, customer_id=customer.pk)
        if customer.merged_into_id is not None:
            return redirect(
                "desk-customer-erase", client_id=client.pk, customer_id=customer.merged_into_id
            )
        asked = erase_confirmed(request, customer=customer, actor=agent_of(request), via="desk")
        if asked.finished:
            return back
        context = {
            "client": client,
            "colour": client_colour(client),
            "customer": customer,
            "form": asked.form,
            "word": asked.word,
        }
        status = 400 if request.method == "POST" else 200
        return render(request, "desk/customer_erase.html", context, status=status)
