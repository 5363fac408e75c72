"""Writing the audit log: one service, called inside the transaction of what it records."""

import ipaddress
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import DisallowedHost
from django.http import HttpRequest
from django.utils import timezone
from django_tenants.models import TenantMixin

from audit.models import RETENTION_DAYS, AuditEvent


def request_address(request: HttpRequest) -> str | None:
    """The client's IP address, by the sign-in limit's rule: behind the TLS proxy the last
    address the proxy appended to X-Forwarded-For (earlier ones are the client's own word),
    else REMOTE_ADDR; None when that is not an address."""
    text = request.META.get("REMOTE_ADDR", "")
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None) and forwarded.strip():
        text = forwarded.split(",")[-1].strip()
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        return None


def _site(request: HttpRequest) -> str:
    try:
        return request.get_host().lower()[:253]
    except (DisallowedHost, KeyError):
        # A refused host still gets its failed sign-in recorded; a request built by hand
        # (a test client's force_login) has no host at all.
        return ""


def _request_client(request: HttpRequest) -> TenantMixin | None:
    """The client whose portal the request is on; None on the agency's site."""
    tenant = getattr(request, "tenant", None)
    if tenant is None or tenant.schema_name == "public":
        return None
    return tenant


def audit_record(
    *,
    action: AuditEvent.Action,
    actor: AbstractBaseUser | AnonymousUser | None = None,
    client: TenantMixin | None = None,
    object_type: str = "",
    object_id: object = "",
    label: str = "",
    details: Mapping[str, Any] | None = None,
    request: HttpRequest | None = None,
    site: str = "",
    at: datetime | None = None,
) -> AuditEvent:
    """Record one event. With ``request``: the signed-in user is the actor unless one is
    given, the host is the site, the address is kept, and on a portal the portal's client
    is the client unless one is given (``site``: the host, when there is no request). Call
    it inside the transaction of the change, so a rolled-back change leaves no record and a
    recorded one cannot be lost."""
    if actor is None and request is not None:
        actor = getattr(request, "user", None)
    user = actor if actor is not None and actor.is_authenticated else None
    if client is None and request is not None:
        client = _request_client(request)
    return AuditEvent.objects.create(
        at=at or timezone.now(),
        actor_id=user.pk if user is not None else None,
        actor_name=user.get_username() if user is not None else "",
        site=_site(request) if request is not None else site[:253],
        client_id=client.pk if client is not None else None,
        action=action,
        object_type=object_type[:40],
        object_id=str(object_id)[:64],
        object_label=label[:200],
        details=dict(details or {}),
        ip=request_address(request) if request is not None else None,
    )


def audit_events_expire(*, now: datetime | None = None) -> int:
    """Delete the events older than the retention (the only DELETE the database allows);
    returns how many went."""
    cutoff = (now or timezone.now()) - timedelta(days=RETENTION_DAYS)
    deleted, _by_model = AuditEvent.objects.filter(at__lt=cutoff).delete()
    return deleted
