"""Finds the client from the host, keeps every client's portal to that client's users, and
client users off the agency site."""

from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.db import DatabaseError
from django.db.models import Model
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy
from django_tenants.middleware.main import TenantMainMiddleware
from django_tenants.utils import get_public_schema_name

from tenants.domains import client_of_host, forget_all

# Paths a client user may still reach on the agency domain (to sign out).
_AGENCY_PATHS_OPEN_TO_CLIENT_USERS = ("/accounts/logout/",)


class ClientHostMiddleware(TenantMainMiddleware):
    """django-tenants' middleware (the client from the host's ``Domain`` row), with two
    differences: host names are matched whatever their case (DNS ignores it, so
    ``ACME.example`` is the same portal as ``acme.example``), and a host that is not in
    ALLOWED_HOSTS is a 400 (Django's answer to a ``DisallowedHost``), not django-tenants'
    404. The host's client comes from the process's cache (tenants.domains): no round trip
    on most requests; a database error forgets that cache, so that a client deleted with
    its schema costs one failed request per process, not one per request."""

    @staticmethod
    def hostname_from_request(request: HttpRequest) -> str:
        return TenantMainMiddleware.hostname_from_request(request).lower()

    def process_request(self, request: HttpRequest) -> HttpResponse | None:
        # Raises DisallowedHost for a host not allowed; Django answers it with 400.
        request.get_host()
        return super().process_request(request)

    def get_tenant(self, domain_model: type[Model], hostname: str) -> Model:
        client = client_of_host(hostname)
        if client is None:
            raise domain_model.DoesNotExist  # type: ignore[attr-defined]  # every model has it
        return client

    def process_exception(self, request: HttpRequest, exception: Exception) -> None:
        if isinstance(exception, DatabaseError):
            forget_all()


class ClientIsolationMiddleware:
    """Runs after authentication.

    On a client's domain: the portal answers 404 unless the client is live and, for a
    signed-in user, the user belongs to that client (or is an agency admin). A 404, not a
    403, so a stranger learns nothing about which clients exist.
    On the agency domain: client-portal users get the 403 page (docs/architecture.md,
    "Refusals"); ``languages.middleware.UserLanguageMiddleware`` runs first, so it is in
    their language.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        tenant = request.tenant  # type: ignore[attr-defined]  # django-tenants sets it
        user = request.user
        if tenant.schema_name == get_public_schema_name():
            if (
                user.is_authenticated
                and user.is_client_user
                and request.path not in _AGENCY_PATHS_OPEN_TO_CLIENT_USERS
            ):
                raise PermissionDenied(gettext_lazy("Client users use their own portal."))
        else:
            if not tenant.portal_open:
                raise Http404("No such portal.")
            if user.is_authenticated and not user.may_use_portal_of(tenant):
                raise Http404("No such portal.")
        return self.get_response(request)
