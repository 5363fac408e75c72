"""Authentication with the sign-in limit (accounts.login_limit) on every site."""

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.core.exceptions import PermissionDenied
from django.dispatch import receiver

from accounts.login_limit import client_address, login_blocked, login_failed, login_succeeded
from tenants.current import schema_name_current


class LimitedModelBackend(ModelBackend):
    """Django's user name and password check, refused outright while the account or the
    address is blocked (PermissionDenied stops every backend; the form says "invalid")."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is not None and login_blocked(
            schema=schema_name_current(), username=username, address=client_address(request)
        ):
            raise PermissionDenied("too many failed sign-ins")
        return super().authenticate(request, username=username, password=password, **kwargs)


@receiver(user_login_failed)
def _count_failure(sender, credentials, request=None, **kwargs) -> None:
    login_failed(
        schema=schema_name_current(),
        username=credentials.get("username", ""),
        address=client_address(request),
    )


@receiver(user_logged_in)
def _clear_failures(sender, request, user, **kwargs) -> None:
    login_succeeded(schema=schema_name_current(), username=user.get_username())
