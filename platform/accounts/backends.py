"""Authentication bound to the site: a user signs in only where ``user_may_sign_in_on``
allows. django-axes' backend comes first in AUTHENTICATION_BACKENDS and refuses a locked
account or address before any password is checked (accounts.signin)."""

from django.contrib.auth.backends import ModelBackend

from accounts.signin import user_may_sign_in_on
from tenants.current import client_current


class SiteBoundModelBackend(ModelBackend):
    """Django's user name and password check, then the site check. A right password on the
    wrong site returns no user, exactly as a wrong one: Django then sends
    ``user_login_failed``, which django-axes counts (and the form says "wrong user name or
    password"), so the guesser learns nothing."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None:
            return None
        site = getattr(request, "tenant", None) or client_current()
        return user if user_may_sign_in_on(user, site=site) else None
