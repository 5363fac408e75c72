"""Which shop pages may call the widget's API from a browser (CORS, django-cors-headers):
the current client's own origins (``WidgetSettings.allowed_origins``) while its widget is on,
for ``/widget/v1/`` only (``CORS_URLS_REGEX``), never with credentials. Asked by the library's
``check_request_enabled`` signal, once per request (kept on it)."""

from typing import Any

from django.http import HttpRequest
from django_tenants.utils import get_public_schema_name

from widget.selectors import widget_settings

PREFIX = "/widget/v1/"


def origin_allowed(sender: Any, request: HttpRequest, **kwargs: Any) -> bool:
    """The signal's receiver: True when the request's Origin is one of the client's."""
    if not request.path_info.startswith(PREFIX):
        return False
    known = getattr(request, "_widget_origin_allowed", None)
    if known is not None:
        return known
    tenant = getattr(request, "tenant", None)
    origin = request.headers.get("Origin", "").strip().lower()
    allowed = False
    if tenant is not None and tenant.schema_name != get_public_schema_name() and origin:
        settings = widget_settings()
        allowed = settings.enabled and origin in {o.lower() for o in settings.allowed_origins}
    request._widget_origin_allowed = allowed  # type: ignore[attr-defined]
    return allowed
