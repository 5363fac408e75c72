"""The interface language: the signed-in user's own; on a client's portal before sign-in,
the client's default language. Otherwise the browser's (Django's LocaleMiddleware)."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django_tenants.utils import get_public_schema_name

UI_LANGUAGES = {code for code, _ in settings.LANGUAGES}


class UserLanguageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = None
        tenant = request.tenant  # type: ignore[attr-defined]  # django-tenants sets it
        if request.user.is_authenticated:
            language = request.user.language
        elif tenant.schema_name != get_public_schema_name():
            language = tenant.default_language
        if language not in UI_LANGUAGES:
            return self.get_response(request)
        request.LANGUAGE_CODE = language
        # For this request only: the thread's next request (or test) starts from its own.
        with translation.override(language):
            response = self.get_response(request)
        # LocaleMiddleware names the language after this one has returned: say it here.
        response.headers["Content-Language"] = language
        return response
