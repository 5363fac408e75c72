"""The client's webhook endpoints on its portal: every portal user reads them and the log of
their deliveries; managers (and agency admins) add, resume and remove endpoints, rotate an
endpoint's secret and replay a delivery. An id of another client's endpoint or delivery is
a 404 (its own schema)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.audit import manager_page
from portal.forms import WebhookEndpointForm
from webhooks.models import Endpoint, WebhookDelivery
from webhooks.selectors import deliveries_recent, endpoints_of_client
from webhooks.services import (
    delivery_replay,
    endpoint_create,
    endpoint_delete,
    endpoint_resume,
    endpoint_secret_rotate,
)


def _page(
    request: HttpRequest, form: WebhookEndpointForm, secret: str = "", status: int = 200
) -> HttpResponse:
    client = request.tenant  # type: ignore[attr-defined]
    context = {
        "client": client,
        "endpoints": endpoints_of_client(),
        "deliveries": deliveries_recent(client=client),
        "form": form,
        "secret": secret,
        "may_manage": request.user.may_manage_portal_of(client),  # type: ignore[union-attr]
        "now": timezone.now(),
    }
    response = render(request, "portal/webhooks.html", context, status=status)
    if secret:
        response["Cache-Control"] = "no-store"  # the secret is on this page only
    return response


@login_required
def webhooks_page(request: HttpRequest) -> HttpResponse:
    """The endpoints and the latest deliveries; a manager's POST adds an endpoint and shows
    its secret once, on this answer only."""
    if request.method != "POST":
        return _page(request, WebhookEndpointForm())
    return _endpoint_add(request)


@manager_page
def _endpoint_add(request: HttpRequest) -> HttpResponse:
    form = WebhookEndpointForm(request.POST)
    if form.is_valid():
        try:
            endpoint = endpoint_create(
                url=form.cleaned_data["url"],
                events=form.cleaned_data["events"],
                description=form.cleaned_data["description"],
            )
        except ValidationError as error:
            for field, texts in error.message_dict.items():
                for text in texts:
                    form.add_error(field if field in form.fields else None, text)
        else:
            messages.success(request, _("Endpoint added."))
            return _page(request, WebhookEndpointForm(), secret=endpoint.secret, status=201)
    return _page(request, form, status=400)


@manager_page
@require_POST
def webhook_resume(request: HttpRequest, endpoint_id: int) -> HttpResponse:
    try:
        endpoint_resume(endpoint_id=endpoint_id)
    except Endpoint.DoesNotExist:
        raise Http404("No such endpoint of this client.") from None
    messages.success(request, _("Endpoint resumed."))
    return redirect("webhooks")


@manager_page
@require_POST
def webhook_rotate(request: HttpRequest, endpoint_id: int) -> HttpResponse:
    """A new secret for the endpoint, shown once on this answer; the old one still signs
    for 24 hours."""
    try:
        endpoint = endpoint_secret_rotate(endpoint_id=endpoint_id, request=request)
    except Endpoint.DoesNotExist:
        raise Http404("No such endpoint of this client.") from None
    messages.success(
        request,
        _(
            "Secret rotated. For 24 hours every delivery is signed with both the new and the "
            "old secret; then with the new one only."
        ),
    )
    return _page(request, WebhookEndpointForm(), secret=endpoint.secret)


@manager_page
@require_POST
def webhook_remove(request: HttpRequest, endpoint_id: int) -> HttpResponse:
    if not endpoint_delete(endpoint_id=endpoint_id):
        raise Http404("No such endpoint of this client.")
    messages.success(request, _("Endpoint removed."))
    return redirect("webhooks")


@manager_page
@require_POST
def webhook_replay(request: HttpRequest, webhook_delivery_id: int) -> HttpResponse:
    try:
        delivery_replay(client=request.tenant, delivery_id=webhook_delivery_id)  # type: ignore[attr-defined]
    except WebhookDelivery.DoesNotExist:
        raise Http404("No such delivery of this client.") from None
    except ValidationError as error:
        for text in error.messages:
            messages.error(request, text)
    else:
        messages.success(request, _("Sent again."))
    return redirect("webhooks")
