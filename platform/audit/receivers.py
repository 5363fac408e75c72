"""Sign-ins, failed sign-ins and sign-outs, recorded from Django's auth signals: whatever
view or library signs people in (the desk, the portals, a sign-in limit) sends them."""

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db import transaction
from django.http import HttpRequest
from django_tenants.models import TenantMixin

from audit.models import AuditEvent
from audit.services import audit_record

USERNAME_MAX = 150


def _client_of(user: AbstractBaseUser | None) -> TenantMixin | None:
    """A portal user's client: their sign-ins belong to their client's log wherever they
    happened."""
    client = getattr(user, "client", None)
    return client if isinstance(client, TenantMixin) else None


def signed_in(sender: Any, request: HttpRequest | None, user: AbstractBaseUser, **_: Any) -> None:
    with transaction.atomic():
        audit_record(
            action=AuditEvent.Action.SIGNED_IN,
            actor=user,
            client=_client_of(user),
            request=request,
        )


def sign_in_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **_: Any
) -> None:
    """The name tried is kept (a wrong password is only known by it); the account it names,
    if there is one, is the actor, so the account's owner's filter shows the attempts."""
    field = get_user_model().USERNAME_FIELD
    tried = str(credentials.get(field) or "")[:USERNAME_MAX]
    named = get_user_model().objects.filter(**{field: tried}).first() if tried else None
    with transaction.atomic():
        audit_record(
            action=AuditEvent.Action.SIGN_IN_FAILED,
            actor=named,
            client=_client_of(named),
            # A wrong second-factor code says so (accounts.two_factor_views).
            details={"username": tried, **({"step": "code"} if credentials.get("code") else {})},
            request=request,
        )


def signed_out(
    sender: Any, request: HttpRequest | None, user: AbstractBaseUser | None, **_: Any
) -> None:
    if user is None:  # signing out without a session: nothing to say who
        return
    with transaction.atomic():
        audit_record(
            action=AuditEvent.Action.SIGNED_OUT,
            actor=user,
            client=_client_of(user),
            request=request,
        )


def receivers_connect() -> None:
    user_logged_in.connect(signed_in, dispatch_uid="audit-signed-in")
    user_login_failed.connect(sign_in_failed, dispatch_uid="audit-sign-in-failed")
    user_logged_out.connect(signed_out, dispatch_uid="audit-signed-out")
