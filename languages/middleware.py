"""The interface language, first that applies:

1. a signed-in user's own choice (``User.language``, set with the switch in the header);
2. for a signed-in user who never chose: the browser's Accept-Language, among the UI languages;
3. for a stranger: the language they switched to before signing in (Django's language cookie);
4. on a client's portal: the client's default language (strangers and users alike);
5. otherwise Django's LocaleMiddleware (the browser's, else settings.LANGUAGE_CODE).
"""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.translation.trans_real import parse_accept_lang_header
from django_tenants.utils import get_public_schema_name

UI_LANGUAGES = {code for code, _ in settings.LANGUAGES}


def browser_language(request: HttpRequest) -> str | None:
    """The first UI language the browser's Accept-Language names ("cs-CZ" counts as "cs")."""
    header = request.headers.get("Accept-Language", "")
    for code, _quality in parse_accept_lang_header(header[:500]):
        try:
            return translation.get_supported_language_variant(code)
        except LookupError:
            continue
    return None


def interface_language(request: HttpRequest) -> str | None:
    user = request.user
    if user.is_authenticated:
        if user.language in UI_LANGUAGES:
            return user.language
        language = browser_language(request)
    else:
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    if language in UI_LANGUAGES:
        return language
    tenant = request.tenant  # type: ignore[attr-defined]  # django-tenants sets it
    if tenant.schema_name != get_public_schema_name() and tenant.default_language in UI_LANGUAGES:
        return tenant.default_language
    return None


class UserLanguageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = interface_language(request)
        if language is None:
            return self.get_response(request)
        request.LANGUAGE_CODE = language
        # For this request only: the thread's next request (or test) starts from its own.
        with translation.override(language):
            response = self.get_response(request)
        # LocaleMiddleware names the language after this one has returned: say it here.
        response.headers["Content-Language"] = language
        return response
