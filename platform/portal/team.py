"""The client's own settings on its portal, for its managers (and agency admins): its portal
users (invite, resend, role, remove), who receives the monthly report, and its API keys.
Viewers get the 403 page (``manager_page``); users of other clients never get this far (404,
the isolation middleware); an id of another client's user or key is a 404 here."""

from typing import Any

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.db.models import F
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from accounts.models import User
from accounts.portal_users import (
    ROLE_NAMES,
    invitation_accept,
    invitation_open,
    invitation_tokens,
    portal_user_invitation_resend,
    portal_user_invite,
    portal_user_remove,
    portal_user_role_set,
    portal_users_of,
)
from portal.audit import manager_page
from portal.forms import ApiKeyForm, ApiKeyScopesForm, InviteForm, RecipientForm, RoleForm
from reporting.services import (
    MAX_REPORT_RECIPIENTS,
    report_recipient_add,
    report_recipient_remove,
    report_settings_get,
)
from tenants.models import ApiKey
from tenants.services import api_key_issue, api_key_revoke, api_key_scopes_set


def _portal_url(request: HttpRequest) -> str:
    """This portal's own address: links mailed from it lead back to it."""
    return f"{request.scheme}://{request.get_host()}"


def _refused(request: HttpRequest, error: ValidationError) -> None:
    for text in error.messages:
        messages.error(request, text)


def _users_page(request: HttpRequest, form: InviteForm, status: int = 200) -> HttpResponse:
    client = request.tenant  # type: ignore[attr-defined]
    context = {
        "client": client,
        "users": portal_users_of(client=client),
        "form": form,
        "roles": [(role.value, name) for role, name in ROLE_NAMES.items()],
        "tab": "users",
    }
    return render(request, "portal/team_users.html", context, status=status)


@manager_page
@require_GET
def team_users(request: HttpRequest) -> HttpResponse:
    """The client's portal users and the invitation form."""
    return _users_page(request, InviteForm())


@manager_page
@require_POST
def team_invite(request: HttpRequest) -> HttpResponse:
    form = InviteForm(request.POST)
    if form.is_valid():
        try:
            user = portal_user_invite(
                client=request.tenant,  # type: ignore[attr-defined]
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                request=request,
                portal_url=_portal_url(request),
            )
        except ValidationError as error:
            for field, texts in error.message_dict.items():
                for text in texts:
                    form.add_error(field if field in form.fields else None, text)
        else:
            messages.success(request, _("Invitation sent to %(email)s.") % {"email": user.email})
            return redirect("team_users")
    return _users_page(request, form, status=400)


def _user_change(request: HttpRequest, change: Any, done: str, **arguments: Any) -> HttpResponse:
    try:
        change(client=request.tenant, request=request, **arguments)  # type: ignore[attr-defined]
    except User.DoesNotExist:
        raise Http404("No such user of this client.") from None
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, done)
    return redirect("team_users")


@manager_page
@require_POST
def team_user_resend(request: HttpRequest, user_id: int) -> HttpResponse:
    return _user_change(
        request,
        portal_user_invitation_resend,
        _("Invitation sent again."),
        user_id=user_id,
        portal_url=_portal_url(request),
    )


@manager_page
@require_POST
def team_user_role(request: HttpRequest, user_id: int) -> HttpResponse:
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose viewer or manager."))
        return redirect("team_users")
    role = form.cleaned_data["role"]
    return _user_change(
        request, portal_user_role_set, _("Role changed."), user_id=user_id, role=role
    )


@manager_page
@require_POST
def team_user_remove(request: HttpRequest, user_id: int) -> HttpResponse:
    return _user_change(request, portal_user_remove, _("User removed."), user_id=user_id)


def _recipients_page(request: HttpRequest, form: RecipientForm, status: int = 200) -> HttpResponse:
    context = {
        "client": request.tenant,  # type: ignore[attr-defined]
        "recipients": report_settings_get().recipients,
        "maximum": MAX_REPORT_RECIPIENTS,
        "form": form,
        "tab": "recipients",
    }
    return render(request, "portal/team_recipients.html", context, status=status)


@manager_page
def team_recipients(request: HttpRequest) -> HttpResponse:
    """Who receives the monthly report; POST adds an address."""
    if request.method != "POST":
        return _recipients_page(request, RecipientForm())
    form = RecipientForm(request.POST)
    if form.is_valid():
        try:
            report_recipient_add(address=form.cleaned_data["address"], request=request)
        except ValidationError as error:
            form.add_error("address", error.message_dict.get("address", error.messages))
        else:
            messages.success(request, _("Recipient added."))
            return redirect("team_recipients")
    return _recipients_page(request, form, status=400)


@manager_page
@require_POST
def team_recipient_remove(request: HttpRequest) -> HttpResponse:
    report_recipient_remove(address=request.POST.get("address", ""), request=request)
    messages.success(request, _("Recipient removed."))
    return redirect("team_recipients")


# What each scope opens (restapi.api: the operations declaring it), for the keys page.
SCOPE_HELP = {
    ApiKey.Scope.CONVERSATIONS_READ: gettext_lazy(
        "List and search conversations; read one with its messages and files."
    ),
    ApiKey.Scope.CONVERSATIONS_WRITE: gettext_lazy(
        "Send your customers' messages: a first message, and the next ones."
    ),
    ApiKey.Scope.CUSTOMERS_READ: gettext_lazy("List, search and read your customers."),
    ApiKey.Scope.CUSTOMERS_WRITE: gettext_lazy(
        "Create and update customers from your shop's records."
    ),
    ApiKey.Scope.REPORTS_READ: gettext_lazy("Read a month's figures (KPIs)."),
    ApiKey.Scope.INVOICES_READ: gettext_lazy("List invoices and download their PDFs."),
    ApiKey.Scope.CALLS_READ: gettext_lazy(
        "List and read calls: their course, durations and outcome."
    ),
    ApiKey.Scope.SURVEYS_READ: gettext_lazy("Read satisfaction surveys and their answers."),
    ApiKey.Scope.ORDERS_WRITE: gettext_lazy(
        "Send your shop's order events (shipped, delayed, refund sent…)."
    ),
}


def _keys_page(
    request: HttpRequest, form: ApiKeyForm, secret: str = "", status: int = 200
) -> HttpResponse:
    client = request.tenant  # type: ignore[attr-defined]
    context = {
        "client": client,
        "keys": ApiKey.objects.filter(client=client)
        .select_related("created_by")
        .order_by(F("revoked_at").desc(nulls_first=True), "-created_at"),
        "form": form,
        "secret": secret,
        "scopes": [(scope, SCOPE_HELP[ApiKey.Scope(scope)]) for scope in ApiKey.Scope.values],
        "tab": "keys",
    }
    return render(request, "portal/team_api_keys.html", context, status=status)


@manager_page
def team_api_keys(request: HttpRequest) -> HttpResponse:
    """The client's API keys; POST issues one and shows it once, on this answer only."""
    if request.method != "POST":
        return _keys_page(request, ApiKeyForm())
    form = ApiKeyForm(request.POST)
    if not form.is_valid():
        return _keys_page(request, form, status=400)
    _key, secret = api_key_issue(
        client=request.tenant,  # type: ignore[attr-defined]
        name=form.cleaned_data["name"],
        scopes=form.cleaned_data["scopes"],
        created_by_id=request.user.pk,
        request=request,
    )
    response = _keys_page(request, ApiKeyForm(), secret=secret, status=201)
    response["Cache-Control"] = "no-store"  # the key is on this page only
    return response


@manager_page
@require_POST
def team_api_key_revoke(request: HttpRequest, key_id: int) -> HttpResponse:
    client = request.tenant  # type: ignore[attr-defined]
    key = api_key_revoke(client=client, key_id=key_id, request=request)
    if key is None:
        raise Http404("No such API key of this client.")
    messages.success(request, _("API key revoked."))
    return redirect("team_api_keys")


@manager_page
@require_POST
def team_api_key_scopes(request: HttpRequest, key_id: int) -> HttpResponse:
    """A live key's new scopes (audited); a key of another client is a 404."""
    client = request.tenant  # type: ignore[attr-defined]
    form = ApiKeyScopesForm(request.POST)
    if not form.is_valid():
        if not ApiKey.objects.filter(client=client, pk=key_id).exists():
            raise Http404("No such API key of this client.")
        messages.error(request, _("Choose at least one scope."))
        return redirect("team_api_keys")
    try:
        key = api_key_scopes_set(
            client=client, key_id=key_id, scopes=form.cleaned_data["scopes"], request=request
        )
    except ValidationError:
        messages.error(request, _("A revoked key cannot be changed: create a new one."))
        return redirect("team_api_keys")
    if key is None:
        raise Http404("No such API key of this client.")
    messages.success(request, _("Scopes of %(name)s saved.") % {"name": key.name})
    return redirect("team_api_keys")


class InvitationAcceptView(auth_views.PasswordResetConfirmView):
    """The invited user sets a password and is in. The link works on its own client's
    portal only, for an open invitation: on another client's host, after it was used,
    resent, withdrawn or expired, the page says it is no longer valid."""

    template_name = "registration/invitation_accept.html"
    token_generator = invitation_tokens
    reset_url_token = "set-password"  # noqa: S105  # a URL segment, not a secret
    success_url = reverse_lazy("password_reset_complete")

    def get_user(self, uidb64: str) -> Any:
        user = super().get_user(uidb64)
        if user is None or not invitation_open(user=user, client=self.request.tenant):  # type: ignore[attr-defined]
            return None
        return user

    def form_valid(self, form: Any) -> HttpResponse:
        """Set the password and activate in one locked transaction that checks the
        invitation again: a manager may have removed the user, or resent the invitation,
        after this page was opened (then the page says it is no longer valid)."""
        try:
            invitation_accept(
                user_id=form.user.pk,
                client=self.request.tenant,  # type: ignore[attr-defined]
                token=self.request.session.get(auth_views.INTERNAL_RESET_SESSION_TOKEN),
                password=form.cleaned_data["new_password1"],
                request=self.request,
            )
        except ValidationError:
            self.validlink = False
            return self.render_to_response(self.get_context_data())
        del self.request.session[auth_views.INTERNAL_RESET_SESSION_TOKEN]
        return redirect(self.get_success_url())
