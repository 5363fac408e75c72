"""Who may sign in where, and the one sign-in limit of every site (django-axes).

One limit for an account on every site: five failures for one user name, on any portal, the
agency's desk or either admin, lock that account everywhere for ``AXES_COOLOFF_TIME`` (the
window restarts with each failure); thirty from one address lock the address. The counts are
rows of django-axes' ``AccessAttempt`` in the public schema, so every web process shares
them without a shared cache. A right password on a site the account may not use counts as
a failure and gets the same answer as a wrong one (``accounts.backends``).
"""

from axes.handlers.database import AxesDatabaseHandler
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import QuerySet, Sum
from django.http import HttpRequest
from django_tenants.utils import get_public_schema_name

from accounts.models import User
from tenants.models import Client


def user_may_sign_in_on(user: User, *, site: Client) -> bool:
    """Client users on their own client's portal only; the agency's people on the agency's
    site, and agency admins also on a portal (they edit its content there)."""
    if site.schema_name == get_public_schema_name():
        return not user.is_client_user
    return user.may_use_portal_of(site)


def user_may_reset_on(user: User, *, client: Client) -> bool:
    """A password is reset on a portal only for that client's own users (an agency
    person's password is not reset by e-mail)."""
    return user.is_client_user and user.client_id == client.pk


def client_address(request: HttpRequest | None) -> str:
    """The signing-in client's IP address. Behind the TLS proxy (BEHIND_TLS_PROXY) every
    request comes from the proxy: the client is the last address the proxy appended to
    X-Forwarded-For (earlier entries are the client's own word and can be forged)."""
    if request is None:
        return ""
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None) and forwarded.strip():
        return forwarded.split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR", "")


def _failures(attempts: QuerySet[AccessAttempt]) -> int:
    return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0


class SignInLimitHandler(AxesDatabaseHandler):
    """django-axes' database handler with two limits instead of one: ``AXES_FAILURE_LIMIT``
    per account and ``SIGNIN_ADDRESS_FAILURE_LIMIT`` per address (an office behind one
    address must not lock its colleagues out after five typos)."""

    def get_failures(self, request, credentials=None) -> int:
        # The querysets follow AXES_LOCKOUT_PARAMETERS: ["username", "ip_address"].
        by_account, by_address = (
            _failures(attempts) for attempts in self.get_user_attempts(request, credentials)
        )
        # Axes compares one number with AXES_FAILURE_LIMIT (A): the address's count (n) is
        # scaled so that it reaches A exactly when n reaches the address's limit (B):
        # floor(n * A / B) >= A  <=>  n >= B.
        account_limit: int = settings.AXES_FAILURE_LIMIT
        address_limit: int = settings.SIGNIN_ADDRESS_FAILURE_LIMIT
        return max(by_account, by_address * account_limit // address_limit)

    def reset_user_attempts(self, request, credentials=None) -> int:
        """A successful sign-in clears that account's failures only. Axes' own reset also
        clears the address's, which would let a guesser clear the count against someone
        else's account by signing in to their own between guesses."""
        account, _address = self.filter_user_attempts(request, credentials)
        deleted, _rows = account.delete()
        return deleted
