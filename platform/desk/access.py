"""The desk's one preamble for a work item's views: load the item, check that the signed-in
agent may see it (serves its client, or is an agency admin) and, where asked, may act on
it, then enter its client's schema. The view starts with the work.

Refusals (docs/architecture.md, "Refusals"): not an agency user, the 403 page
(``accounts.access.agency_page``); an item of a client the agent does not serve, a 404;
an item another agent holds, the 403 page with the reason; a source of another kind, a 400
for an action and a 404 for a download."""

from collections.abc import Callable
from functools import wraps
from typing import Concatenate, ParamSpec

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponseBadRequest, HttpResponseBase
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy
from django_tenants.utils import schema_context

from accounts.access import agency_page, user_is_supervisor
from accounts.models import User
from accounts.selectors import user_serves
from routing.models import WorkItem

P = ParamSpec("P")
ItemView = Callable[Concatenate[HttpRequest, WorkItem, P], HttpResponseBase]
# Called by the URL resolver with ``item_id`` (and the URL's other values) as keywords.
DeskView = Callable[..., HttpResponseBase]

# A waiting item may be changed by any agent who serves its client; one someone holds only
# by its holder and supervisors.
ANOTHER_AGENTS = gettext_lazy("Another agent is working on this item.")
TAKE_TO_ANSWER = gettext_lazy("Take the item before answering it.")
TAKE_TO_RESOLVE = gettext_lazy("Take the item before resolving it.")

_NOT_A = {"conversation": "Not a conversation.", "call": "Not a call."}


def agent_of(request: HttpRequest) -> User:
    """The signed-in agency user of a desk view (``agency_page`` let them in)."""
    user = request.user
    assert isinstance(user, User)
    return user


def serves(user: User, client_id: int) -> bool:
    """The agent serves the client (agency admins see every client's work)."""
    return user.is_agency_admin or user_serves(user, client_id)


def item_for(request: HttpRequest, item_id: int) -> WorkItem:
    """The work item, if the signed-in agent serves its client."""
    item = WorkItem.objects.select_related("client", "agent").filter(pk=item_id).first()
    if item is None or not serves(agent_of(request), item.client_id):
        raise Http404("No such item.")
    return item


def may_act_on(request: HttpRequest, item: WorkItem, *, waiting_allowed: bool = False) -> bool:
    """Replies and changes belong to the agent working on the item, or a supervisor (and,
    when ``waiting_allowed``, an item nobody holds to any agent who may see it)."""
    return (
        user_is_supervisor(request.user)
        or item.agent_id == request.user.pk
        or (waiting_allowed and not item.agent_id)
    )


def desk_item(
    *,
    source: str | None = None,
    missing: str | None = None,
    acting: bool = False,
    waiting_allowed: bool = True,
    refusal: Promise = ANOTHER_AGENTS,
    in_schema: bool = False,
) -> Callable[[ItemView[P]], DeskView]:
    """A view of one work item: ``view(request, item, ...)`` for the URL's ``item_id``.

    ``source``: the item's source kind the view needs ("conversation", "call"); another is
    a 400 ("Not a conversation."), or the 404 ``missing`` for a download. ``acting``: the
    agent must be allowed to change it (``may_act_on``), else the 403 page with ``refusal``.
    ``in_schema``: the view runs inside the item's client's schema."""

    def decorator(view: ItemView[P]) -> DeskView:
        @agency_page()
        def loaded(
            request: HttpRequest, item_id: int, *args: P.args, **kwargs: P.kwargs
        ) -> HttpResponseBase:
            item = item_for(request, item_id)
            if source is not None and item.source_kind != source:
                if missing is not None:
                    raise Http404(missing)
                return HttpResponseBadRequest(_NOT_A[source])
            if acting and not may_act_on(request, item, waiting_allowed=waiting_allowed):
                raise PermissionDenied(refusal)
            if not in_schema:
                return view(request, item, *args, **kwargs)
            with schema_context(item.client.schema_name):
                return view(request, item, *args, **kwargs)

        return wraps(view)(loaded)

    return decorator
