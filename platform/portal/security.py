"""The portal's "Security" page (``/security/``): whether this client's portal users must
sign in with two factors. Its managers (and agency admins) change it; viewers read it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from accounts.two_factor import client_two_factor_require, two_factor_enrolled


@login_required
def security(request: HttpRequest) -> HttpResponse:
    """GET for every portal user of the client; POST for its managers only (403)."""
    client = request.tenant  # type: ignore[attr-defined]  # set by django-tenants
    may_change = request.user.may_manage_portal_of(client)  # type: ignore[union-attr]
    if request.method == "POST":
        if not may_change:
            raise PermissionDenied(_("This page is for your company's portal managers."))
        required = request.POST.get("two_factor_required") == "on"
        if client_two_factor_require(client=client, required=required, request=request):
            messages.success(request, _("Saved."))
        return redirect("security")
    return render(
        request,
        "portal/security.html",
        {
            "client": client,
            "may_change": may_change,
            "enrolled": two_factor_enrolled(request.user),  # type: ignore[arg-type]
            "section": "security",
        },
    )
