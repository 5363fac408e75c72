"""The second step of signing in, on every site (the agency's desk and each client's portal),
and the user's own two-factor page (docs/how-to.md, "…two factors for a user").

After the password the session holds only a pending sign-in (``PENDING``: who, which
backend, since when, where to go next): the user is not signed in for anything (desk,
portal, admin) until a code passes, or, for someone who must have two factors and has
none, until they have enrolled. A wrong code is a failed sign-in for django-axes (the
same count and lock as a wrong password, per account and per address)."""

import time
from collections.abc import Callable
from functools import wraps
from typing import Any, cast

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.signals import user_login_failed
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts import two_factor
from accounts.models import User
from accounts.signin import user_may_sign_in_on
from accounts.views import signin_locked_out

PENDING = "two_factor_pending"
NEW_CODES = "two_factor_new_codes"
PENDING_SECONDS = 10 * 60  # the code page waits this long after the password
REMEMBER_COOKIE = "polydesk_browser"
REMEMBER_SALT = "accounts.remembered-browser"


def signed_in_here[V: Callable[..., HttpResponse]](view: V) -> V:
    """Signed in (else to the sign-in page), and on a site the user may sign in on: a
    portal user's session on the agency's site gets the 403 page (on another client's
    portal the isolation middleware has answered 404 already)."""

    @wraps(view)
    def checked(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        site = request.tenant  # type: ignore[attr-defined]  # set by django-tenants
        if not user_may_sign_in_on(request.user, site=site):  # type: ignore[arg-type]
            raise PermissionDenied(_("This page is not for your account on this site."))
        return view(request, *args, **kwargs)

    return cast(V, login_required(checked))


# --- the pending sign-in -------------------------------------------------------------------


def _pending_user(request: HttpRequest) -> tuple[User, dict[str, Any]] | None:
    pending = request.session.get(PENDING)
    if not pending or time.time() - pending["since"] > PENDING_SECONDS:
        request.session.pop(PENDING, None)
        return None
    user = User.objects.filter(pk=pending["user"], is_active=True).first()
    return (user, pending) if user is not None else None


def _complete_sign_in(request: HttpRequest, user: User, pending: dict[str, Any]) -> str:
    """Sign the user in (Django's ``login``: a new session key, the audit's "signed in",
    axes clears the account's failures); where to go next."""
    request.session.pop(PENDING, None)
    login(request, user, backend=pending["backend"])
    return pending["next"]


def _remembered(request: HttpRequest, user: User) -> bool:
    try:
        value = (
            request.get_signed_cookie(
                REMEMBER_COOKIE, salt=REMEMBER_SALT, max_age=two_factor.REMEMBER_DAYS * 86400
            )
            or ""
        )
        user_id, browser_id = (int(part) for part in value.split(":"))
    except (KeyError, ValueError, signing.BadSignature):
        return False
    return user_id == user.pk and two_factor.remembered_browser_use(
        user=user, browser_id=browser_id
    )


def _remember(request: HttpRequest, response: HttpResponse, user: User) -> None:
    browser = two_factor.remembered_browser_add(user=user, request=request)
    response.set_signed_cookie(
        REMEMBER_COOKIE,
        f"{user.pk}:{browser.pk}",
        salt=REMEMBER_SALT,
        max_age=two_factor.REMEMBER_DAYS * 86400,
        httponly=True,
        samesite="Lax",
        secure=settings.POLYDESK_ENV != "development" or request.is_secure(),
    )


class TwoFactorLoginMixin:
    """For a LoginView: after a right password, the second step when the user has a factor
    (unless this browser is remembered) or must enrol one; otherwise signed in at once."""

    request: HttpRequest

    def form_valid(self, form) -> HttpResponse:
        user: User = form.get_user()
        enrolled = two_factor.two_factor_enrolled(user)
        if not enrolled and not two_factor.two_factor_required(user):
            return super().form_valid(form)  # type: ignore[misc]
        if enrolled and _remembered(self.request, user):
            return super().form_valid(form)  # type: ignore[misc]
        self.request.session.cycle_key()
        self.request.session[PENDING] = {
            "user": user.pk,
            "backend": user.backend,  # type: ignore[attr-defined]
            "since": time.time(),
            "next": self.get_success_url(),  # type: ignore[attr-defined]
        }
        return redirect("two_factor_code" if enrolled else "two_factor_enrol")


# --- the code page -------------------------------------------------------------------------


def two_factor_code(request: HttpRequest) -> HttpResponse:
    """The second step: a code from the app or a recovery code."""
    found = _pending_user(request)
    if found is None:
        return redirect(settings.LOGIN_URL)
    user, pending = found
    if not two_factor.two_factor_enrolled(user):
        return redirect("two_factor_enrol")
    error = False
    if request.method == "POST":
        credentials = {"username": user.username, "code": True}
        if AxesProxyHandler.is_locked(request, credentials):
            request.session.pop(PENDING, None)
            return signin_locked_out(request, None, credentials)
        if two_factor.two_factor_verify(
            user=user, code=request.POST.get("code", ""), request=request
        ):
            response = HttpResponseRedirect(_complete_sign_in(request, user, pending))
            if request.POST.get("remember"):
                _remember(request, response, user)
            return response
        # Counted by django-axes like a wrong password; audited as a failed sign-in.
        user_login_failed.send(sender=__name__, credentials=credentials, request=request)
        if getattr(request, "axes_locked_out", False):
            request.session.pop(PENDING, None)
            return signin_locked_out(request, None, credentials)
        error = True
    return render(
        request,
        "registration/two_factor_code.html",
        {"error": error, "remember_days": two_factor.REMEMBER_DAYS},
        status=400 if error else 200,
    )


# --- enrolment, recovery codes, removal ----------------------------------------------------


def two_factor_enrol(request: HttpRequest) -> HttpResponse:
    """Set up an authenticator app: for a signed-in user, or right after the password for
    someone who must have two factors (their sign-in completes here). A signed-in user who
    has an app already (moving to a new phone) types a current code from it, or a recovery
    code, too: a session alone does not replace the second factor."""
    found = None if request.user.is_authenticated else _pending_user(request)
    if not request.user.is_authenticated and found is None:
        return redirect(settings.LOGIN_URL)
    if found is not None and two_factor.two_factor_enrolled(found[0]):
        return redirect("two_factor_code")  # a new app only once signed in with the old
    site = request.tenant  # type: ignore[attr-defined]  # set by django-tenants
    if found is None and not user_may_sign_in_on(request.user, site=site):  # type: ignore[arg-type]
        raise PermissionDenied(_("This page is not for your account on this site."))
    user: User = request.user if found is None else found[0]  # type: ignore[assignment]
    replacing = found is None and two_factor.two_factor_enrolled(user)
    device = two_factor.totp_enrolment_start(user=user)
    error = current_error = False
    if request.method == "POST":
        # The old app's code first (as for new recovery codes or turning two factors off:
        # django-otp's throttle slows guessing): a wrong one leaves the new app untouched.
        if replacing and not two_factor.two_factor_verify(
            user=user, code=request.POST.get("current_code", ""), request=request
        ):
            current_error = True
        else:
            codes = two_factor.totp_enrolment_confirm(
                user=user, device=device, code=request.POST.get("code", ""), request=request
            )
            if codes is not None:
                if found is not None:
                    next_url = _complete_sign_in(request, user, found[1])
                else:
                    next_url = reverse("two_factor_settings")
                request.session[NEW_CODES] = {"codes": codes, "next": next_url}
                return redirect("two_factor_recovery_codes")
            error = True
    return render(
        request,
        "registration/two_factor_enrol.html",
        {
            "qr_svg": two_factor.totp_qr_svg(device),
            "secret": two_factor.totp_secret_grouped(device),
            "error": error,
            "current_error": current_error,
            "required": two_factor.two_factor_required(user),
            "pending": found is not None,
            "replacing": replacing,
        },
        status=400 if error or current_error else 200,
    )


@signed_in_here
def two_factor_recovery_codes(request: HttpRequest) -> HttpResponse:
    """The new recovery codes, shown once: the first view of the page takes them out of
    the session (reloading it shows them no more), with the download made in the page (a
    data: link, not another request); "I have kept them" goes on."""
    new = request.session.get(NEW_CODES)
    if request.method == "POST":
        request.session.pop(NEW_CODES, None)
        next_url = new["next"] if new else reverse("two_factor_settings")
        if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
            next_url = "/"
        return redirect(next_url)
    if not new or not new.get("codes"):
        return redirect("two_factor_settings")
    codes = new["codes"]
    request.session[NEW_CODES] = {"next": new["next"]}  # the codes gone; where to go next
    text = "\n".join([_("Polydesk recovery codes for %s") % request.user, "", *codes]) + "\n"
    response = render(
        request, "registration/two_factor_recovery.html", {"codes": codes, "download_text": text}
    )
    response["Cache-Control"] = "no-store"
    return response


@signed_in_here
@require_GET
def two_factor_settings(request: HttpRequest) -> HttpResponse:
    """The user's own two factors: the app, recovery codes left, remembered browsers."""
    user: User = request.user  # type: ignore[assignment]
    return render(
        request,
        "registration/two_factor_settings.html",
        {
            "enrolled": two_factor.two_factor_enrolled(user),
            "required": two_factor.two_factor_required(user),
            "codes_left": two_factor.recovery_codes_left(user),
            "browsers": two_factor.remembered_browsers_of(user),
        },
    )


def _code_checked(request: HttpRequest, user: User) -> bool:
    if two_factor.two_factor_verify(user=user, code=request.POST.get("code", ""), request=request):
        return True
    messages.error(request, _("That code is not right. Nothing was changed."))
    return False


@signed_in_here
@require_POST
def two_factor_regenerate(request: HttpRequest) -> HttpResponse:
    """New recovery codes (a current code first)."""
    user: User = request.user  # type: ignore[assignment]
    if not two_factor.two_factor_enrolled(user) or not _code_checked(request, user):
        return redirect("two_factor_settings")
    codes = two_factor.recovery_codes_regenerate(user=user, request=request)
    request.session[NEW_CODES] = {"codes": codes, "next": reverse("two_factor_settings")}
    return redirect("two_factor_recovery_codes")


@signed_in_here
@require_POST
def two_factor_remove(request: HttpRequest) -> HttpResponse:
    """Remove the app and the recovery codes (a current code first); not for someone who
    must have two factors (they set up a new phone instead, or an admin resets it)."""
    user: User = request.user  # type: ignore[assignment]
    if two_factor.two_factor_required(user):
        messages.error(request, _("Two factors are required for your account."))
    elif two_factor.two_factor_enrolled(user) and _code_checked(request, user):
        two_factor.two_factor_remove(user=user, request=request)
        messages.success(request, _("Two factors are off."))
    return redirect("two_factor_settings")


@signed_in_here
@require_POST
def two_factor_browser_forget(request: HttpRequest, browser_id: int) -> HttpResponse:
    """Forget one of the user's remembered browsers."""
    user: User = request.user  # type: ignore[assignment]
    if two_factor.remembered_browser_revoke(user=user, browser_id=browser_id, request=request):
        messages.success(request, _("That browser will ask for a code again."))
    return redirect("two_factor_settings")


def admin_login(request: HttpRequest) -> HttpResponse:
    """The admin sites' own sign-in page is replaced by the site's (with its second step)."""
    back = request.GET.get("next", "")
    target = reverse("login")
    if back and url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        target = f"{target}?{urlencode({'next': back})}"
    return redirect(target)
