"""The two authentication backends of every site (AUTHENTICATION_BACKENDS, in this order):
the sign-in limit (django-axes), then the password bound to the site (accounts.signin)."""

from axes.backends import AxesStandaloneBackend
from django.contrib.auth.backends import ModelBackend

from accounts.signin import user_may_sign_in_on


class SignInLimitBackend(AxesStandaloneBackend):
    """django-axes' backend: refuses a locked account or address before any password is
    checked. Only for sign-ins with a request: every sign-in page passes one; a call without
    one is code (a command, the test client's ``login``), with no address to count, which
    axes itself would refuse outright."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


class SiteBoundModelBackend(ModelBackend):
    """Django's user name and password check, then the site check. A right password on the
    wrong site returns no user, exactly as a wrong one: Django then sends
    ``user_login_failed``, which django-axes counts (and the form says "wrong user name or
    password"), so the guesser learns nothing. Without a request there is no site (code
    signing someone in, as above): the password alone decides."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None or request is None:
            return user
        return user if user_may_sign_in_on(user, site=request.tenant) else None
