"""The client's shop connection on its portal, for its managers (and agency admins): the
platform, address, write-only credentials and timeout, and "Test connection", one real
lookup that says what failed. Viewers get the 403 page (``manager_page``); users of other
clients never get this far (404, the isolation middleware)."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from orders.forms import PLATFORM_CHOICES, ShopConnectionForm
from orders.models import ShopConnection
from orders.services import ConnectionTest, shop_connection_save, shop_connection_test
from portal.audit import manager_page

# The shops' webhooks the desk reads: the platform, our address for it, the topics to choose
# (docs/how-to.md, "connect a shop").
EVENT_ADDRESSES = [
    (
        "Shopify",
        "order-events-shopify",
        "fulfillments/create, fulfillments/update, refunds/create, returns/close",
    ),
    ("WooCommerce", "order-events-woocommerce", "Order updated (order.updated), API v3"),
]


def _connection() -> ShopConnection | None:
    """The client's connection, enabled or not (the desk uses the first enabled one)."""
    return ShopConnection.objects.order_by("pk").first()


def _page(request: HttpRequest, form: ShopConnectionForm, status: int = 200) -> HttpResponse:
    connection = form.instance if form.instance.pk else None
    context = {
        "client": request.tenant,  # type: ignore[attr-defined]
        "form": form,
        "connection": connection,
        "platform": dict(PLATFORM_CHOICES).get(connection.platform, "") if connection else "",
        "stored": set(form.stored()) if connection else set(),
        "tab": "shop",
        # Where the shop sends its order events (orders.views), on this client's domain.
        "event_addresses": [
            (name, request.build_absolute_uri(reverse(url_name)), topics)
            for name, url_name, topics in EVENT_ADDRESSES
        ],
    }
    response = render(request, "portal/shop.html", context, status=status)
    response["Cache-Control"] = "no-store"
    return response


@manager_page
@require_http_methods(["GET", "POST"])
def shop_page(request: HttpRequest) -> HttpResponse:
    """The connection's form; a POST saves it (audited) and comes back here."""
    connection = _connection()
    if request.method != "POST":
        return _page(request, ShopConnectionForm(instance=connection))
    form = ShopConnectionForm(request.POST, instance=connection)
    if not form.is_valid():
        return _page(request, form, status=400)
    shop_connection_save(form=form, request=request)
    messages.success(request, _("Shop connection saved. Test it below."))
    return redirect("shop")


def _said(result: ConnectionTest) -> str:
    if not result.failure:
        return _("The shop answered: the connection works.")
    said = {
        "credentials": _("The shop refused the credentials: check the token or keys."),
        "timeout": _("The shop did not answer within the timeout."),
        "unreachable": _("The shop cannot be reached: check the address."),
        "address": _("The shop's address is not allowed: it is in a private or local network."),
    }.get(result.failure, _("The shop's answer cannot be read: check the platform and address."))
    return f"{said} ({result.reason})"


@manager_page
@require_POST
def shop_test(request: HttpRequest) -> HttpResponse:
    """One real lookup with the saved connection; what it said, as a message (audited)."""
    connection = _connection()
    if connection is None:
        messages.error(request, _("Connect a shop first."))
        return redirect("shop")
    result = shop_connection_test(connection=connection, request=request)
    (messages.success if not result.failure else messages.error)(request, _said(result))
    return redirect("shop")
