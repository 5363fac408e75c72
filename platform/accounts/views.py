"""The language switch in every page's header (the agent desk and each client's portal), and
the sign-in page's answer to a locked account or address (every site)."""

from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from accounts.services import user_language_set

UI_LANGUAGES = {code for code, _name in settings.LANGUAGES}
COOKIE_SECONDS = 365 * 24 * 3600  # a stranger's choice outlives the browser session


@require_POST
def language_set(request: HttpRequest) -> HttpResponse:
    """Keep the chosen language (the user's own setting when signed in, a cookie before) and
    go back to the page it was chosen on."""
    language = request.POST.get("language", "")
    if language not in UI_LANGUAGES:
        raise BadRequest("not an interface language")
    if request.user.is_authenticated:
        user_language_set(user=request.user, language=language)
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        back = "/"
    response = HttpResponseRedirect(back)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=COOKIE_SECONDS,
        samesite="Lax",
        secure=request.is_secure(),
    )
    return response


def signin_locked_out(
    request: HttpRequest, original_response: HttpResponse | None, credentials: dict | None
) -> HttpResponse:
    """django-axes' answer to a locked account or address (AXES_LOCKOUT_CALLABLE): the
    sign-in page again, saying that the account is locked on every site, with 429."""
    return render(
        request,
        "registration/login.html",
        {
            "form": AuthenticationForm(request),
            "too_many_attempts": True,
            "next": request.POST.get("next", request.GET.get("next", "")),
        },
        status=429,
    )
