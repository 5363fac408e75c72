"""Who may open an agency page, and the one way a page refuses (docs/architecture.md,
"Refusals"): someone not signed in is sent to sign in; a signed-in user without the page's
agency role gets a 403 page in their language with a short text and a link back
(``templates/403.html``, Django's ``permission_denied`` view). Objects of a client the user
does not serve are a 404, decided by the view that loads them."""

from collections.abc import Callable
from enum import Enum
from functools import wraps
from typing import TYPE_CHECKING, Any, TypeVar, cast

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseBase
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User

V = TypeVar("V", bound=Callable[..., HttpResponseBase])


class AgencyRole(Enum):
    """The agency's roles, each including the next: admins supervise, supervisors are agents."""

    AGENT = "agent"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"


def user_is_supervisor(user: "User | AnonymousUser") -> bool:
    """Supervisors are agency admins and staff users (``is_staff``, set in the admin)."""
    return user.is_authenticated and (user.is_agency_admin or user.is_staff)


def user_holds(user: "User | AnonymousUser", role: AgencyRole) -> bool:
    if not user.is_authenticated or user.is_client_user:
        return False
    if role is AgencyRole.SUPERVISOR:
        return user_is_supervisor(user)
    if role is AgencyRole.ADMIN:
        return user.is_agency_admin
    return True


# Short, translated when the refusal page is rendered (in the user's language).
REFUSALS: dict[AgencyRole, Promise] = {
    AgencyRole.AGENT: gettext_lazy("This page is for the agency's agents."),
    AgencyRole.SUPERVISOR: gettext_lazy("This page is for supervisors."),
    AgencyRole.ADMIN: gettext_lazy("This page is for the agency's admins."),
}


def agency_page(role: AgencyRole = AgencyRole.AGENT) -> Callable[[V], V]:
    """A view of the agency's site for ``role`` and above: sign in first, then the 403 page
    (``PermissionDenied`` with the role's text) for anyone without the role."""

    def decorator(view: V) -> V:
        @wraps(view)
        def checked(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not user_holds(request.user, role):
                raise PermissionDenied(REFUSALS[role])
            return view(request, *args, **kwargs)

        return cast(V, login_required(checked))

    return decorator
